#include "cuda_backend.cuh"

#include <algorithm>
#include <cstdio>
#include <string>

#include "adam.cuh"
#include "bias_activation.cuh"
#include "column_sums.cuh"
#include "cuda_check.cuh"
#include "directions.cuh"
#include "entropy_gradient.cuh"
#include "error.hpp"
#include "gemm.cuh"
#include "interaction_gradient.cuh"
#include "neighbour_entropy_gradient.cuh"
#include "potential_gradient.cuh"
#include "projection.cuh"
#include "radix_sort.cuh"
#include "time_features.cuh"
#include "transport.cuh"
#include "update.cuh"
#include "velocity.cuh"
#include "wasserstein_1d.cuh"

#ifndef SWF_CUDA_ARCHITECTURES
#define SWF_CUDA_ARCHITECTURES "unknown"
#endif

namespace swf::gpu {
namespace {

// cuBLAS's recommended workspace on Hopper (4 MiB elsewhere); given once so that no GEMM allocates.
constexpr size_t kBlasWorkspaceBytes = size_t{32} << 20;

// Makes the backend's device current for the duration of a call and clears an error left over by an
// earlier failed call (the launch checks read the thread's last error). Never throws: a device that
// cannot be made current fails the call's first CUDA operation, which reports it.
class DeviceScope {
 public:
  explicit DeviceScope(int device) noexcept {
    if (cudaGetDevice(&previous_) != cudaSuccess) previous_ = device;
    if (previous_ != device) cudaSetDevice(device);
    cudaGetLastError();
    device_ = device;
  }
  ~DeviceScope() {
    if (previous_ != device_) cudaSetDevice(previous_);
  }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  int previous_ = 0, device_ = 0;
};

__global__ void probe_kernel() {}

// Whether this build carries code the device runs (sm_80 and sm_90 binaries, PTX of 90 for newer chips).
void require_kernel_image(int device) {
  cudaFuncAttributes attributes;
  const cudaError_t status = cudaFuncGetAttributes(&attributes, probe_kernel);
  if (status == cudaSuccess) return;
  cudaGetLastError();
  if (status == cudaErrorInvalidDeviceFunction || status == cudaErrorNoKernelImageForDevice ||
      status == cudaErrorUnsupportedPtxVersion || status == cudaErrorInvalidPtx) {
    int major = 0, minor = 0;
    cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device);
    cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device);
    fail(SWF_ERR_UNSUPPORTED, "SWF_BACKEND_CUDA: device " + std::to_string(device) + " (compute capability " +
                                  std::to_string(major) + "." + std::to_string(minor) +
                                  ") cannot run this build's kernels (CUDA architectures " SWF_CUDA_ARCHITECTURES
                                  "): " + cudaGetErrorString(status));
  }
  throw_cuda_error(status, "cudaFuncGetAttributes(probe_kernel)", __FILE__, __LINE__);
}

}  // namespace

CudaBackend::CudaBackend(int device) : device_(device) {
  DeviceScope scope(device_);
  try {
    require_kernel_image(device_);
    SWF_CUDA_CHECK(cudaDeviceGetAttribute(&multiprocessors_, cudaDevAttrMultiProcessorCount, device_));
    int shared_optin = 0;
    SWF_CUDA_CHECK(cudaDeviceGetAttribute(&shared_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device_));
    SWF_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    SWF_CUBLAS_CHECK(cublasCreate(&blas_));
    // cublasSetStream resets the workspace to cuBLAS's own: the stream first, then ours.
    SWF_CUBLAS_CHECK(cublasSetStream(blas_, stream_));
    SWF_CUDA_CHECK(cudaMalloc(&blas_workspace_, kBlasWorkspaceBytes));
    SWF_CUBLAS_CHECK(cublasSetWorkspace(blas_, blas_workspace_, kBlasWorkspaceBytes));
    SWF_CUBLAS_CHECK(cublasSetPointerMode(blas_, CUBLAS_POINTER_MODE_HOST));
    SWF_CUBLAS_CHECK(cublasSetMathMode(blas_, CUBLAS_DEFAULT_MATH));
    SWF_CUSOLVER_CHECK(cusolverDnCreate(&solver_));
    SWF_CUSOLVER_CHECK(cusolverDnSetStream(solver_, stream_));
    size_t free_bytes = 0, total_bytes = 0;
    SWF_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
    projection_budget_ = std::clamp(total_bytes / (8 * 32), kProjectionBudget, size_t{1} << 28);
    on_chip_sort_limit_ = on_chip_sort_limit(static_cast<size_t>(shared_optin));
    on_chip_transport_limit_ = on_chip_transport_limit(static_cast<size_t>(shared_optin));
  } catch (...) {
    destroy();
    throw;
  }
}

CudaBackend::~CudaBackend() {
  DeviceScope scope(device_);
  destroy();
}

void CudaBackend::destroy() noexcept {
  if (stream_) cudaStreamSynchronize(stream_);
  if (solver_) cusolverDnDestroy(solver_);
  if (blas_) cublasDestroy(blas_);
  cudaFree(blas_workspace_);
  workspace_.release();
  if (stream_) cudaStreamDestroy(stream_);
  solver_ = nullptr;
  blas_ = nullptr;
  blas_workspace_ = nullptr;
  stream_ = nullptr;
  cudaGetLastError();
}

std::string CudaBackend::describe() const {
  cudaDeviceProp properties;
  if (cudaGetDeviceProperties(&properties, device_) != cudaSuccess) {
    cudaGetLastError();
    return "cuda: device " + std::to_string(device_);
  }
  int runtime = 0;
  cudaRuntimeGetVersion(&runtime);
  const double gib = static_cast<double>(properties.totalGlobalMem) / double(size_t{1} << 30);
  char text[512];
  std::snprintf(text, sizeof text,
                "cuda: device %d, %s, compute capability %d.%d, %d multiprocessors, %.1f GiB, CUDA runtime %d.%d, "
                "on-chip rows up to %llu (sort) / %llu (transport), blocks of up to %llu projections, %s GEMMs",
                device_, properties.name, properties.major, properties.minor, properties.multiProcessorCount, gib,
                runtime / 1000, runtime % 1000 / 10, static_cast<unsigned long long>(on_chip_sort_limit_),
                static_cast<unsigned long long>(on_chip_transport_limit_),
                static_cast<unsigned long long>(projection_budget_), tf32_ ? "TF32" : "float32");
  return text;
}

void CudaBackend::synchronize() {
  DeviceScope scope(device_);
  SWF_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

void CudaBackend::reserve_transport(swf_directions mode, uint32_t L, uint32_t block, size_t n, size_t m, size_t d) {
  DeviceScope scope(device_);
  const DeviceContext device = context();
  size_t bytes = std::max(sort_rows_workspace_bytes(device, block, m), transport_workspace_bytes(device, block, n));
  if (mode == SWF_DIRECTIONS_ORTHOGONAL)
    bytes = std::max(bytes, orthogonal_directions_workspace_bytes(device, solver_, L, d));
  workspace_.reserve(bytes, stream_);
}

DeviceContext CudaBackend::context() {
  return DeviceContext{stream_, workspace_, multiprocessors_, on_chip_sort_limit_, on_chip_transport_limit_};
}

void* CudaBackend::allocate(size_t bytes) {
  DeviceScope scope(device_);
  void* ptr = nullptr;
  const cudaError_t status = cudaMalloc(&ptr, bytes == 0 ? 1 : bytes);
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    fail(SWF_ERR_OUT_OF_MEMORY, "cannot allocate " + std::to_string(bytes) + " bytes of device memory (cudaMalloc: " +
                                    cudaGetErrorString(status) + ")");
  }
  if (status != cudaSuccess) throw_cuda_error(status, "cudaMalloc", __FILE__, __LINE__);
  return ptr;
}

void CudaBackend::release(void* ptr) noexcept {
  if (!ptr) return;
  DeviceScope scope(device_);
  // Work still queued may use the block.
  cudaStreamSynchronize(stream_);
  cudaFree(ptr);
  cudaGetLastError();
}

void CudaBackend::upload(void* device_dst, const void* host_src, size_t bytes) {
  if (bytes == 0) return;
  DeviceScope scope(device_);
  SWF_CUDA_CHECK(cudaMemcpyAsync(device_dst, host_src, bytes, cudaMemcpyHostToDevice, stream_));
  // The caller may release its buffer on return, even a pinned one that the copy reads asynchronously.
  SWF_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

void CudaBackend::download(void* host_dst, const void* device_src, size_t bytes) {
  if (bytes == 0) return;
  DeviceScope scope(device_);
  SWF_CUDA_CHECK(cudaMemcpyAsync(host_dst, device_src, bytes, cudaMemcpyDeviceToHost, stream_));
  SWF_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

void CudaBackend::copy(void* device_dst, const void* device_src, size_t bytes) {
  if (bytes == 0) return;
  DeviceScope scope(device_);
  SWF_CUDA_CHECK(cudaMemcpyAsync(device_dst, device_src, bytes, cudaMemcpyDeviceToDevice, stream_));
}

void CudaBackend::draw_directions(swf_directions mode, const RandomDraw& draw, uint32_t L, size_t d, float* theta) {
  DeviceScope scope(device_);
  if (mode == SWF_DIRECTIONS_ORTHOGONAL)
    draw_orthogonal_directions(context(), solver_, draw, L, d, theta);
  else
    draw_gaussian_directions(context(), draw, L, d, theta);
}

void CudaBackend::draw_points(swf_init law, float scale, const RandomDraw& draw, size_t count, size_t d,
                              float* points) {
  DeviceScope scope(device_);
  gpu::draw_points(context(), law, scale, draw, count, d, points);
}

void CudaBackend::project(const float* theta, uint32_t L, const float* points, size_t count, size_t d,
                          float* projections) {
  DeviceScope scope(device_);
  gpu::project(blas_, theta, L, points, count, d, projections);
}

void CudaBackend::sort_target_projections(float* target_projections, uint32_t L, size_t m, double* prefix) {
  DeviceScope scope(device_);
  sort_rows(context(), target_projections, L, m);
  prefix_sums(context(), target_projections, L, m, prefix);
}

void CudaBackend::transport_displacement(float* projections, uint32_t L, size_t n, const float* sorted_target,
                                         const double* prefix, size_t m) {
  DeviceScope scope(device_);
  gpu::transport_displacement(context(), projections, L, n, sorted_target, prefix, m);
}

void CudaBackend::accumulate_velocity(const float* displacement, const float* theta, uint32_t L, size_t n, size_t d,
                                      bool accumulate, float* velocity) {
  DeviceScope scope(device_);
  gpu::accumulate_velocity(blas_, displacement, theta, L, n, d, accumulate, velocity);
}

void CudaBackend::update_particles(float* x, const float* velocity, size_t n, size_t d, float scale,
                                   float noise_sigma, const RandomDraw& draw) {
  DeviceScope scope(device_);
  gpu::update_particles(context(), x, velocity, n, d, scale, noise_sigma, draw);
}

void CudaBackend::wasserstein_1d(float* x_projections, size_t n, float* y_projections, size_t m, uint32_t L,
                                 double p, double* wpp) {
  DeviceScope scope(device_);
  gpu::wasserstein_1d(context(), x_projections, n, y_projections, m, L, p, wpp);
}

void CudaBackend::gemm(bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha, const float* a,
                       const float* b, float beta, float* c) {
  DeviceScope scope(device_);
  gpu::gemm(blas_, transpose_a, transpose_b, m, n, k, alpha, a, b, beta, c);
}

void CudaBackend::bias_activation(float* y, const float* bias, size_t rows, size_t cols, MlpActivation activation,
                                  float* pre) {
  DeviceScope scope(device_);
  gpu::bias_activation(context(), y, bias, rows, cols, activation, pre);
}

void CudaBackend::activation_backward(const float* pre, const float* grad_y, size_t rows, size_t cols,
                                      MlpActivation activation, float* grad_pre) {
  DeviceScope scope(device_);
  gpu::activation_backward(context(), pre, grad_y, rows, cols, activation, grad_pre);
}

void CudaBackend::column_sums(const float* x, size_t rows, size_t cols, bool accumulate, float* sums) {
  DeviceScope scope(device_);
  gpu::column_sums(context(), x, rows, cols, accumulate, sums);
}

void CudaBackend::time_features(const float* x0, const float* t, size_t n, size_t d, uint32_t frequencies,
                                float time_scale, float* features) {
  DeviceScope scope(device_);
  gpu::time_features(context(), x0, t, n, d, frequencies, time_scale, features);
}

void CudaBackend::time_gate(const float* x0, const float* t, const float* g, size_t n, size_t d, float time_scale,
                            float* out) {
  DeviceScope scope(device_);
  gpu::time_gate(context(), x0, t, g, n, d, time_scale, out);
}

double CudaBackend::regression_gradient(const float* out, const float* y, const float* t, size_t n, size_t d,
                                        float time_scale, float* grad_g) {
  DeviceScope scope(device_);
  return gpu::regression_gradient(context(), out, y, t, n, d, time_scale, grad_g);
}

void CudaBackend::adam_update(float* weights, const float* gradient, float* first_moment, float* second_moment,
                              size_t count, const AdamParams& adam, uint64_t step) {
  DeviceScope scope(device_);
  gpu::adam_update(context(), weights, gradient, first_moment, second_moment, count, adam, step);
}

void CudaBackend::potential_gradient(const float* x, size_t n, size_t d, const float* A, const float* b, float weight,
                                     float* grad, double* energy) {
  DeviceScope scope(device_);
  gpu::potential_gradient(context(), x, n, d, A, b, weight, grad, energy);
}

void CudaBackend::interaction_gradient(const float* x, size_t n, size_t d, float a, float b, float weight, float* grad,
                                       double* energy) {
  DeviceScope scope(device_);
  gpu::interaction_gradient(context(), x, n, d, a, b, weight, grad, energy);
}

void CudaBackend::entropy_gradient(const float* x, size_t n, size_t d, float bandwidth, float weight, float* grad,
                                   double* energy) {
  DeviceScope scope(device_);
  gpu::entropy_gradient(context(), x, n, d, bandwidth, weight, grad, energy);
}

void CudaBackend::neighbour_entropy_gradient(const float* x, size_t n, size_t d, uint32_t neighbours, float weight,
                                             float* grad, double* energy) {
  DeviceScope scope(device_);
  gpu::neighbour_entropy_gradient(context(), x, n, d, neighbours, weight, grad, energy);
}

void CudaBackend::set_tf32(bool enabled) {
  DeviceScope scope(device_);
  SWF_CUBLAS_CHECK(cublasSetMathMode(blas_, enabled ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  tf32_ = enabled;
}

}  // namespace swf::gpu
