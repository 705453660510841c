#include "cpu_backend.hpp"

#include <cblas.h>
#include <omp.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "adam.hpp"
#include "backend_factory.hpp"
#include "bias_activation.hpp"
#include "column_sums.hpp"
#include "directions.hpp"
#include "entropy_gradient.hpp"
#include "error.hpp"
#include "gemm.hpp"
#include "interaction_gradient.hpp"
#include "neighbour_entropy_gradient.hpp"
#include "potential_gradient.hpp"
#include "projection.hpp"
#include "time_features.hpp"
#include "transport.hpp"
#include "update.hpp"
#include "velocity.hpp"
#include "wasserstein_1d.hpp"

namespace swf {

std::shared_ptr<Backend> make_cpu_backend() { return std::make_shared<cpu::CpuBackend>(); }

namespace cpu {

std::string CpuBackend::describe() const {
  // openblas_get_config(): "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
  const char* blas = openblas_get_config();
  return "cpu: " + std::to_string(omp_get_max_threads()) + " OpenMP threads, " + (blas ? blas : "OpenBLAS") +
         ", float32 GEMMs";
}

void* CpuBackend::allocate(size_t bytes) {
  // 64-byte alignment for vector loads and GEMM panels; aligned_alloc wants a multiple of it.
  const size_t rounded = (bytes + 63) / 64 * 64;
  void* ptr = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
  if (!ptr) fail(SWF_ERR_OUT_OF_MEMORY, "cannot allocate " + std::to_string(bytes) + " bytes of host memory");
  return ptr;
}

void CpuBackend::release(void* ptr) noexcept { std::free(ptr); }

void CpuBackend::upload(void* device_dst, const void* host_src, size_t bytes) {
  std::memcpy(device_dst, host_src, bytes);
}

void CpuBackend::download(void* host_dst, const void* device_src, size_t bytes) {
  std::memcpy(host_dst, device_src, bytes);
}

void CpuBackend::copy(void* device_dst, const void* device_src, size_t bytes) {
  std::memcpy(device_dst, device_src, bytes);
}

void CpuBackend::draw_directions(swf_directions mode, const RandomDraw& draw, uint32_t L, size_t d, float* theta) {
  if (mode == SWF_DIRECTIONS_ORTHOGONAL)
    draw_orthogonal_directions(draw, L, d, theta, qr_scratch_);
  else
    draw_gaussian_directions(draw, L, d, theta);
}

void CpuBackend::draw_points(swf_init law, float scale, const RandomDraw& draw, size_t count, size_t d,
                             float* points) {
  cpu::draw_points(law, scale, draw, count, d, points);
}

void CpuBackend::project(const float* theta, uint32_t L, const float* points, size_t count, size_t d,
                         float* projections) {
  cpu::project(theta, L, points, count, d, projections);
}

std::vector<RadixScratch>& CpuBackend::thread_scratch(size_t count) {
  scratch_.resize(static_cast<size_t>(omp_get_max_threads()));
  for (RadixScratch& scratch : scratch_) scratch.reserve(count);
  return scratch_;
}

void CpuBackend::sort_target_projections(float* target_projections, uint32_t L, size_t m, double* prefix) {
  std::vector<RadixScratch>& scratch = thread_scratch(m);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t l = 0; l < static_cast<int64_t>(L); ++l) {
    float* row = target_projections + static_cast<size_t>(l) * m;
    radix_sort(row, m, scratch[static_cast<size_t>(omp_get_thread_num())]);
    prefix_sums(row, m, prefix + static_cast<size_t>(l) * (m + 1));
  }
}

void CpuBackend::transport_displacement(float* projections, uint32_t L, size_t n, const float* sorted_target,
                                        const double* prefix, size_t m) {
  std::vector<RadixScratch>& scratch = thread_scratch(n);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t l = 0; l < static_cast<int64_t>(L); ++l) {
    float* row = projections + static_cast<size_t>(l) * n;
    const float* target_row = sorted_target + static_cast<size_t>(l) * m;
    const double* prefix_row = prefix + static_cast<size_t>(l) * (m + 1);
    const uint32_t* order = radix_argsort(row, n, scratch[static_cast<size_t>(omp_get_thread_num())]);
    for (size_t r = 0; r < n; ++r) {
      const uint32_t i = order[r];
      row[i] = static_cast<float>(transport_barycentric(r, n, target_row, prefix_row, m) - row[i]);
    }
  }
}

void CpuBackend::accumulate_velocity(const float* displacement, const float* theta, uint32_t L, size_t n, size_t d,
                                     bool accumulate, float* velocity) {
  cpu::accumulate_velocity(displacement, theta, L, n, d, accumulate, velocity);
}

void CpuBackend::update_particles(float* x, const float* velocity, size_t n, size_t d, float scale,
                                  float noise_sigma, const RandomDraw& draw) {
  cpu::update_particles(x, velocity, n, d, scale, noise_sigma, draw);
}

void CpuBackend::wasserstein_1d(float* x_projections, size_t n, float* y_projections, size_t m, uint32_t L,
                                double p, double* wpp) {
  std::vector<RadixScratch>& scratch = thread_scratch(std::max(n, m));
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t l = 0; l < static_cast<int64_t>(L); ++l) {
    RadixScratch& mine = scratch[static_cast<size_t>(omp_get_thread_num())];
    float* x_row = x_projections + static_cast<size_t>(l) * n;
    float* y_row = y_projections + static_cast<size_t>(l) * m;
    radix_sort(x_row, n, mine);
    radix_sort(y_row, m, mine);
    wpp[l] = wasserstein_1d_sorted(x_row, n, y_row, m, p);
  }
}

void CpuBackend::gemm(bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha, const float* a,
                      const float* b, float beta, float* c) {
  cpu::gemm(transpose_a, transpose_b, m, n, k, alpha, a, b, beta, c);
}

void CpuBackend::bias_activation(float* y, const float* bias, size_t rows, size_t cols, MlpActivation activation,
                                 float* pre) {
  cpu::bias_activation(y, bias, rows, cols, activation, pre);
}

void CpuBackend::activation_backward(const float* pre, const float* grad_y, size_t rows, size_t cols,
                                     MlpActivation activation, float* grad_pre) {
  cpu::activation_backward(pre, grad_y, rows, cols, activation, grad_pre);
}

void CpuBackend::column_sums(const float* x, size_t rows, size_t cols, bool accumulate, float* sums) {
  cpu::column_sums(x, rows, cols, accumulate, sums);
}

void CpuBackend::time_features(const float* x0, const float* t, size_t n, size_t d, uint32_t frequencies,
                               float time_scale, float* features) {
  cpu::time_features(x0, t, n, d, frequencies, time_scale, features);
}

void CpuBackend::time_gate(const float* x0, const float* t, const float* g, size_t n, size_t d, float time_scale,
                           float* out) {
  cpu::time_gate(x0, t, g, n, d, time_scale, out);
}

double CpuBackend::regression_gradient(const float* out, const float* y, const float* t, size_t n, size_t d,
                                       float time_scale, float* grad_g) {
  return cpu::regression_gradient(out, y, t, n, d, time_scale, grad_g, row_losses_);
}

void CpuBackend::adam_update(float* weights, const float* gradient, float* first_moment, float* second_moment,
                             size_t count, const AdamParams& adam, uint64_t step) {
  cpu::adam_update(weights, gradient, first_moment, second_moment, count, adam, step);
}

void CpuBackend::potential_gradient(const float* x, size_t n, size_t d, const float* A, const float* b, float weight,
                                    float* grad, double* energy) {
  cpu::potential_gradient(x, n, d, A, b, weight, grad, energy, point_sums_);
}

void CpuBackend::interaction_gradient(const float* x, size_t n, size_t d, float a, float b, float weight, float* grad,
                                      double* energy) {
  cpu::interaction_gradient(x, n, d, a, b, weight, grad, energy, point_sums_);
}

void CpuBackend::entropy_gradient(const float* x, size_t n, size_t d, float bandwidth, float weight, float* grad,
                                  double* energy) {
  cpu::entropy_gradient(x, n, d, bandwidth, weight, grad, energy, point_sums_);
}

void CpuBackend::neighbour_entropy_gradient(const float* x, size_t n, size_t d, uint32_t neighbours, float weight,
                                            float* grad, double* energy) {
  cpu::neighbour_entropy_gradient(x, n, d, neighbours, weight, grad, energy, neighbour_lists_);
}

}  // namespace cpu
}  // namespace swf
