// cuda/transport.cu (the exact 1-D transport on chip and through CUB's segmented sort) against
// cpu/transport.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// The displacement of each particle, from the CPU's sorted target and prefix sums:
// |gpu - cpu| <= 1e-6 (1 + |T| + |p|) (T(r) is the same float64 formula, rounded to float once; only its
// order of operations may differ). With tied dyadic values and n = m the result is exact on both, so equal:
// that checks that ties are broken by index as on the CPU.
void expect_transport_matches(Backend& gpu, cpu::CpuBackend& cpu, const DeviceContext* context, size_t n, size_t m,
                              uint32_t L, const std::vector<float>& particles, const std::vector<float>& target,
                              bool exact) {
  std::vector<float> sorted_target = target;
  std::vector<double> prefix(size_t{L} * (m + 1));
  cpu.sort_target_projections(sorted_target.data(), L, m, prefix.data());
  std::vector<float> expected = particles;
  cpu.transport_displacement(expected.data(), L, n, sorted_target.data(), prefix.data(), m);

  Buffer<float> rows(&gpu, particles.size()), target_gpu(&gpu, sorted_target.size());
  Buffer<double> prefix_gpu(&gpu, prefix.size());
  rows.upload(particles.data(), particles.size());
  target_gpu.upload(sorted_target.data(), sorted_target.size());
  prefix_gpu.upload(prefix.data(), prefix.size());
  if (context)
    transport_displacement(*context, rows.data(), L, n, target_gpu.data(), prefix_gpu.data(), m);
  else
    gpu.transport_displacement(rows.data(), L, n, target_gpu.data(), prefix_gpu.data(), m);
  std::vector<float> got(particles.size());
  rows.download(got.data(), got.size());
  for (size_t e = 0; e < got.size(); ++e) {
    if (exact) {
      ASSERT_EQ(got[e], expected[e]) << "n " << n << " m " << m << " element " << e;
    } else {
      const double transported = double(expected[e]) + particles[e];
      ASSERT_NEAR(got[e], expected[e], 1e-6 * (1.0 + std::fabs(transported) + std::fabs(particles[e])))
          << "n " << n << " m " << m << " element " << e;
    }
  }
}

TEST_F(CudaBackendTest, TransportMatchesTheCpu) {
  struct Size {
    size_t n, m;
    uint32_t L;
  };
  for (const Size s : {Size{1, 1, 1}, Size{31, 31, 3}, Size{1000, 1000, 4}, Size{31, 1000, 2}, Size{1000, 31, 2},
                       Size{1000, 999, 2}, Size{1, 65537, 1}, Size{65537, 1, 1}, Size{65537, 65537, 2},
                       Size{8192, 8192, 2}, Size{8193, 5000, 2}, Size{16384, 16385, 2}, Size{16385, 16384, 2},
                       Size{4096, 4097, 3}}) {
    const std::vector<float> particles = test::gaussian_points(size_t{s.L} * s.n, 1, 20 + s.n);
    const std::vector<float> target = test::gaussian_points(size_t{s.L} * s.m, 1, 21 + s.m, 2.0f, 0.5f);
    expect_transport_matches(*backend_, cpu_, nullptr, s.n, s.m, s.L, particles, target, false);
  }
}

TEST_F(CudaBackendTest, TransportBreaksTiesByIndexOnBothPaths) {
  DeviceContext on_chip = cuda_->context();
  DeviceContext segmented = cuda_->context();
  segmented.on_chip_transport_limit = 0;
  for (const RowShape s : kRowShapes) {
    const std::vector<float> particles = tied_values(size_t{s.L} * s.count, 30 + s.count);
    const std::vector<float> target = tied_values(size_t{s.L} * s.count, 31 + s.count);
    for (const DeviceContext* context : {&on_chip, &segmented})
      expect_transport_matches(*backend_, cpu_, context, s.count, s.count, s.L, particles, target, true);
    // Unequal counts take the prefix-sum branch of T on both paths.
    const size_t m = s.count + 7;
    const std::vector<float> longer = test::gaussian_points(size_t{s.L} * m, 1, 32 + s.count);
    for (const DeviceContext* context : {&on_chip, &segmented})
      expect_transport_matches(*backend_, cpu_, context, s.count, m, s.L, particles, longer, false);
  }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
