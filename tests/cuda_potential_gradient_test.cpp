// cuda/potential_gradient.cu against cpu/potential_gradient.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// A symmetric positive definite d x d matrix, I + (R + R^T) / (4 d) with R standard normal.
std::vector<float> spd_matrix(size_t d, uint64_t seed) {
  const std::vector<float> r = test::gaussian_points(d, d, seed);
  std::vector<float> A(d * d);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j)
      A[i * d + j] = (i == j ? 1.0f : 0.0f) + (r[i * d + j] + r[j * d + i]) / (4.0f * float(d));
  return A;
}

// The CPU's float64 operations in its order, without fused multiply-adds: the gradients are expected equal,
// allowed 1e-6 normalised. The energy adds the same per-particle float64 values in another order (at most
// n 2^-53 relative for these positive terms): within 1e-11 relative. Two calls return the same bits.
TEST_F(CudaBackendTest, JkoPotentialGradientMatchesTheCpu) {
  for (size_t n : {size_t{1}, size_t{31}, size_t{1000}, size_t{4097}, size_t{524289}})
    for (size_t d : {size_t{1}, size_t{2}, size_t{3}, size_t{8}, size_t{33}}) {
      if (n > 4097 && d != 3) continue;  // 524289: past one pass of the grid-stride loop
      const std::vector<float> x = test::gaussian_points(n, d, 200 + n + d, 1.5f, 0.2f);
      const std::vector<float> A = spd_matrix(d, 201 + d), b = test::gaussian_points(1, d, 202 + d, 0.5f);
      const std::vector<float> start = test::gaussian_points(n, d, 203 + n, 0.3f);
      const float weight = 0.7f;
      std::vector<float> expected = start;
      double expected_energy = 0.0;
      cpu_.potential_gradient(x.data(), n, d, A.data(), b.data(), weight, expected.data(), &expected_energy);
      Buffer<float> x_gpu = to_device(x), A_gpu = to_device(A), b_gpu = to_device(b), grad = to_device(start);
      double energy = 0.0, again = 0.0;
      backend_->potential_gradient(x_gpu.data(), n, d, A_gpu.data(), b_gpu.data(), weight, grad.data(), &energy);
      const std::vector<float> got = to_host(grad, n * d);
      backend_->potential_gradient(x_gpu.data(), n, d, A_gpu.data(), b_gpu.data(), 0.0f, grad.data(), &again);
      EXPECT_EQ(again, energy) << "n " << n << " d " << d << ": the energy is not repeatable";
      EXPECT_LE(gradient_error(got, expected), 1e-6) << "n " << n << " d " << d;
      EXPECT_NEAR(energy, expected_energy, 1e-11 * std::fabs(expected_energy)) << "n " << n << " d " << d;
    }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
