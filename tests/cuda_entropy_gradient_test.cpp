// cuda/entropy_gradient.cu (the kernel density estimate's negative entropy) against
// cpu/entropy_gradient.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// The two passes (densities, then the gradient with them) at two bandwidths, with one coincident pair: the
// gradients differ only where the device's exp rounds differently, allowed 1e-6 normalised; the energy (log u_i
// added in another order) within 1e-9 (|E| + 1). A d = 784 case takes the path where a tile holds a few points.
TEST_F(CudaBackendTest, JkoEntropyGradientMatchesTheCpu) {
  struct Size {
    size_t n, d;
  };
  std::vector<Size> sizes;
  for (size_t n : kJkoCounts)
    for (size_t d : {size_t{1}, size_t{2}, size_t{3}, size_t{8}, size_t{12}, size_t{20}})
      if (n * n * d <= size_t{4097} * 4097 * 8) sizes.push_back({n, d});
  sizes.push_back({300, 784});
  sizes.push_back({40, 8200});  // too wide for a shared-memory tile: x_j from global memory
  for (const Size s : sizes) {
    const size_t n = s.n, d = s.d;
    std::vector<float> x = test::gaussian_points(n, d, 220 + n + d, 1.0f, -0.2f);
    if (n > 1) std::copy(x.begin(), x.begin() + d, x.begin() + d);
    const std::vector<float> start = test::gaussian_points(n, d, 221 + n, 0.3f);
    Buffer<float> x_gpu = to_device(x);
    for (float h : {0.3f, 1.0f}) {
      const float bandwidth = h * std::sqrt(float(d));  // keeps the densities away from underflow at d = 784
      const float weight = 0.6f;
      std::vector<float> expected = start;
      double expected_energy = 0.0;
      cpu_.entropy_gradient(x.data(), n, d, bandwidth, weight, expected.data(), &expected_energy);
      Buffer<float> grad = to_device(start);
      double energy = 0.0, again = 0.0;
      backend_->entropy_gradient(x_gpu.data(), n, d, bandwidth, weight, grad.data(), &energy);
      const std::vector<float> got = to_host(grad, n * d);
      backend_->entropy_gradient(x_gpu.data(), n, d, bandwidth, 0.0f, grad.data(), &again);
      EXPECT_EQ(again, energy) << "n " << n << " d " << d << " h " << bandwidth;
      EXPECT_LE(gradient_error(got, expected), 1e-6) << "n " << n << " d " << d << " h " << bandwidth;
      EXPECT_NEAR(energy, expected_energy, 1e-9 * (std::fabs(expected_energy) + 1.0))
          << "n " << n << " d " << d << " h " << bandwidth;
    }
  }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
