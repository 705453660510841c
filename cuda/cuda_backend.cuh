// The CUDA backend: one device, one CUDA stream that every operation is queued on, cuBLAS and cuSOLVER
// handles bound to it, and one scratch workspace grown when sizes grow and kept. Operations do not wait
// for the device, except those whose result the interface puts in host memory (download, wasserstein_1d,
// regression_gradient's loss) and upload (the caller may release its buffer when it returns).
//
// Namespace swf::gpu, not swf::cuda: inside namespace swf, the latter would hide libcu++'s ::cuda.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cusolverDn.h>

#include <string>

#include "backend.hpp"
#include "workspace.cuh"

namespace swf::gpu {

class CudaBackend final : public Backend {
 public:
  // Throws Error(SWF_ERR_UNSUPPORTED) when this build has no kernels for the device, SWF_ERR_DEVICE or
  // SWF_ERR_OUT_OF_MEMORY when the stream, the handles or their memory cannot be had.
  explicit CudaBackend(int device);
  ~CudaBackend() override;
  CudaBackend(const CudaBackend&) = delete;
  CudaBackend& operator=(const CudaBackend&) = delete;

  swf_backend kind() const override { return SWF_BACKEND_CUDA; }
  std::string describe() const override;
  void synchronize() override;
  void reserve_transport(swf_directions mode, uint32_t L, uint32_t block, size_t n, size_t m, size_t d) override;
  // About 32 bytes of device memory per projection entry (the particles' and the target's projections, the
  // target's float64 prefix sums, the segmented sort's keys and indices): up to an eighth of the device's memory,
  // between the CPU's 2^26 and 2^28 entries (8 GiB), so that a block of rows fills the device.
  size_t projection_budget() const override { return projection_budget_; }

  void* allocate(size_t bytes) override;
  void release(void* ptr) noexcept override;
  void upload(void* device_dst, const void* host_src, size_t bytes) override;
  void download(void* host_dst, const void* device_src, size_t bytes) override;
  void copy(void* device_dst, const void* device_src, size_t bytes) override;

  void draw_directions(swf_directions mode, const RandomDraw& draw, uint32_t L, size_t d, float* theta) override;
  void draw_points(swf_init law, float scale, const RandomDraw& draw, size_t count, size_t d,
                   float* points) override;
  void project(const float* theta, uint32_t L, const float* points, size_t count, size_t d,
               float* projections) override;
  void sort_target_projections(float* target_projections, uint32_t L, size_t m, double* prefix) override;
  void transport_displacement(float* projections, uint32_t L, size_t n, const float* sorted_target,
                              const double* prefix, size_t m) override;
  void accumulate_velocity(const float* displacement, const float* theta, uint32_t L, size_t n, size_t d,
                           bool accumulate, float* velocity) override;
  void update_particles(float* x, const float* velocity, size_t n, size_t d, float scale, float noise_sigma,
                        const RandomDraw& draw) override;
  void wasserstein_1d(float* x_projections, size_t n, float* y_projections, size_t m, uint32_t L, double p,
                      double* wpp) override;

  // The learned flow's layers: cuBLAS for the GEMMs, one kernel file per family (cuda/gemm, bias_activation,
  // column_sums, time_features, adam).
  void gemm(bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha, const float* a,
            const float* b, float beta, float* c) override;
  void bias_activation(float* y, const float* bias, size_t rows, size_t cols, MlpActivation activation,
                       float* pre) override;
  void activation_backward(const float* pre, const float* grad_y, size_t rows, size_t cols, MlpActivation activation,
                           float* grad_pre) override;
  void column_sums(const float* x, size_t rows, size_t cols, bool accumulate, float* sums) override;
  void time_features(const float* x0, const float* t, size_t n, size_t d, uint32_t frequencies, float time_scale,
                     float* features) override;
  void time_gate(const float* x0, const float* t, const float* g, size_t n, size_t d, float time_scale,
                 float* out) override;
  double regression_gradient(const float* out, const float* y, const float* t, size_t n, size_t d, float time_scale,
                             float* grad_g) override;
  void adam_update(float* weights, const float* gradient, float* first_moment, float* second_moment, size_t count,
                   const AdamParams& adam, uint64_t step) override;

  // SW-JKO's functionals (cuda/potential_gradient, interaction_gradient, entropy_gradient,
  // neighbour_entropy_gradient): one thread per particle, float64 sums in the CPU's order; an energy is returned on
  // the host, so asking for one waits.
  void potential_gradient(const float* x, size_t n, size_t d, const float* A, const float* b, float weight, float* grad,
                          double* energy) override;
  void interaction_gradient(const float* x, size_t n, size_t d, float a, float b, float weight, float* grad,
                            double* energy) override;
  void entropy_gradient(const float* x, size_t n, size_t d, float bandwidth, float weight, float* grad,
                        double* energy) override;
  void neighbour_entropy_gradient(const float* x, size_t n, size_t d, uint32_t neighbours, float weight, float* grad,
                                  double* energy) override;

  // TF32 tensor cores for every cuBLAS GEMM of the backend (off by default): the projection and velocity
  // GEMMs and the learned flow's. Inputs rounded to 10-bit mantissas, products summed in float32.
  void set_tf32(bool enabled) override;

  int device() const { return device_; }
  cudaStream_t stream() const { return stream_; }
  // The context every launcher of cuda/ receives; for the tests of single kernels.
  DeviceContext context();

 private:
  void destroy() noexcept;

  int device_;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t blas_ = nullptr;
  cusolverDnHandle_t solver_ = nullptr;
  void* blas_workspace_ = nullptr;
  Workspace workspace_;
  int multiprocessors_ = 1;
  uint64_t on_chip_sort_limit_ = 0;
  uint64_t on_chip_transport_limit_ = 0;
  bool tf32_ = false;
  size_t projection_budget_ = kProjectionBudget;
};

}  // namespace swf::gpu
