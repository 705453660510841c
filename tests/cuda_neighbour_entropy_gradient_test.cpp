// cuda/neighbour_entropy_gradient.cu (the Kozachenko-Leonenko estimate) against
// cpu/neighbour_entropy_gradient.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// The neighbour lists come from the same float64 distances in the same order, so the edges and the gradient's
// float64 sums are the CPU's: allowed 1e-6 normalised; the energy (logarithms added in another order) within
// 1e-9 (|E| + 1). K = 1, 8, 64; one coincident pair; d = 784 reads x_j through small tiles.
TEST_F(CudaBackendTest, JkoNeighbourEntropyGradientMatchesTheCpu) {
  struct Size {
    size_t n, d;
  };
  std::vector<Size> sizes;
  for (size_t n : {size_t{65}, size_t{1000}, size_t{4097}})
    for (size_t d : {size_t{1}, size_t{2}, size_t{6}, size_t{12}, size_t{20}})
      if (n * n * d <= size_t{4097} * 4097 * 6) sizes.push_back({n, d});
  sizes.push_back({300, 784});
  sizes.push_back({80, 8200});  // too wide for a shared-memory tile: x_j from global memory (K = 64 < n)
  for (const Size s : sizes) {
    const size_t n = s.n, d = s.d;
    std::vector<float> x = test::gaussian_points(n, d, 240 + n + d, 1.0f, 0.3f);
    std::copy(x.begin(), x.begin() + d, x.begin() + d);
    const std::vector<float> start = test::gaussian_points(n, d, 241 + n, 0.3f);
    Buffer<float> x_gpu = to_device(x);
    for (uint32_t K : {1u, 8u, 64u}) {
      const float weight = 0.7f;
      std::vector<float> expected = start;
      double expected_energy = 0.0;
      cpu_.neighbour_entropy_gradient(x.data(), n, d, K, weight, expected.data(), &expected_energy);
      Buffer<float> grad = to_device(start);
      double energy = 0.0, again = 0.0;
      backend_->neighbour_entropy_gradient(x_gpu.data(), n, d, K, weight, grad.data(), &energy);
      const std::vector<float> got = to_host(grad, n * d);
      backend_->neighbour_entropy_gradient(x_gpu.data(), n, d, K, 0.0f, grad.data(), &again);
      EXPECT_EQ(again, energy) << "n " << n << " d " << d << " K " << K;
      EXPECT_LE(gradient_error(got, expected), 1e-6) << "n " << n << " d " << d << " K " << K;
      EXPECT_NEAR(energy, expected_energy, 1e-9 * (std::fabs(expected_energy) + 1.0))
          << "n " << n << " d " << d << " K " << K;
    }
  }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
