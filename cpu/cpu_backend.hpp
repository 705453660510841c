// The CPU backend: OpenMP across directions, OpenBLAS GEMMs, radix sorts. Also the reference that
// every CUDA kernel is tested against.
#pragma once

#include <vector>

#include "backend.hpp"
#include "radix_sort.hpp"

namespace swf::cpu {

class CpuBackend final : public Backend {
 public:
  swf_backend kind() const override { return SWF_BACKEND_CPU; }

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

 private:
  // One radix scratch per OpenMP thread, grown to the largest column and kept.
  std::vector<RadixScratch>& thread_scratch(size_t count);

  std::vector<RadixScratch> scratch_;
  std::vector<double> qr_scratch_;
};

}  // namespace swf::cpu
