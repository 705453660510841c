// The CPU backend: OpenMP across directions, OpenBLAS GEMMs, radix sorts. Also the reference that
// every CUDA kernel is tested against.
#pragma once

#include <vector>

#include "backend.hpp"
#include "neighbour_entropy_gradient.hpp"
#include "radix_sort.hpp"

namespace swf::cpu {

class CpuBackend final : public Backend {
 public:
  swf_backend kind() const override { return SWF_BACKEND_CPU; }
  std::string describe() const override;

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

  // The learned flow's layers (cpu/gemm, bias_activation, column_sums, time_features, adam).
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

  // SW-JKO's functionals (cpu/potential_gradient, interaction_gradient, entropy_gradient).
  void potential_gradient(const float* x, size_t n, size_t d, const float* A, const float* b, float weight, float* grad,
                          double* energy) override;
  void interaction_gradient(const float* x, size_t n, size_t d, float a, float b, float weight, float* grad,
                            double* energy) override;
  void entropy_gradient(const float* x, size_t n, size_t d, float bandwidth, float weight, float* grad,
                        double* energy) override;
  void neighbour_entropy_gradient(const float* x, size_t n, size_t d, uint32_t neighbours, float weight, float* grad,
                                  double* energy) override;

 private:
  // One radix scratch per OpenMP thread, grown to the largest column and kept.
  std::vector<RadixScratch>& thread_scratch(size_t count);

  std::vector<RadixScratch> scratch_;
  std::vector<double> qr_scratch_;
  std::vector<double> row_losses_;  // regression_gradient's per-row sums, grown to the largest batch
  std::vector<double> point_sums_;  // the JKO functionals' per-particle sums, grown to the largest n
  NeighbourLists neighbour_lists_;  // the nearest-neighbour entropy's lists, grown to the largest n K
};

}  // namespace swf::cpu
