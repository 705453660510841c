// cuda/interaction_gradient.cu against cpu/interaction_gradient.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// Points with one coincident pair (x_1 = x_0, skipped by both) and dimensions that take each of the kernel's
// paths (registers for d <= 4, 8, 16; the workspace row beyond; x_j from shared memory for every d here). The
// same float64 operations in the same j order: the gradients differ only where the device's pow rounds
// differently (a = 3, b = 1.5), allowed 1e-6 normalised. The energy: per-particle sums added in another order,
// log and pow rounding: within 1e-9 (|E| + 1).
TEST_F(CudaBackendTest, JkoInteractionGradientMatchesTheCpu) {
  for (size_t n : kJkoCounts)
    for (size_t d : {size_t{1}, size_t{2}, size_t{3}, size_t{8}, size_t{12}, size_t{20}, size_t{8200}}) {
      if (n * n * d > size_t{4097} * 4097 * 8 || (d > 20 && n > 40)) continue;  // 8200: x_j from global memory
      std::vector<float> x = test::gaussian_points(n, d, 210 + n + d, 1.0f, 0.1f);
      if (n > 1) std::copy(x.begin(), x.begin() + d, x.begin() + d);
      const std::vector<float> start = test::gaussian_points(n, d, 211 + n, 0.3f);
      Buffer<float> x_gpu = to_device(x);
      for (auto [a, b] : {std::pair{4.0f, 2.0f}, {2.0f, 0.0f}, {3.0f, 1.5f}}) {
        const float weight = 1.3f;
        std::vector<float> expected = start;
        double expected_energy = 0.0;
        cpu_.interaction_gradient(x.data(), n, d, a, b, weight, expected.data(), &expected_energy);
        Buffer<float> grad = to_device(start);
        double energy = 0.0, again = 0.0;
        backend_->interaction_gradient(x_gpu.data(), n, d, a, b, weight, grad.data(), &energy);
        const std::vector<float> got = to_host(grad, n * d);
        backend_->interaction_gradient(x_gpu.data(), n, d, a, b, 0.0f, grad.data(), &again);
        EXPECT_EQ(again, energy) << "n " << n << " d " << d << " a " << a << " b " << b;
        EXPECT_LE(gradient_error(got, expected), 1e-6) << "n " << n << " d " << d << " a " << a << " b " << b;
        EXPECT_NEAR(energy, expected_energy, 1e-9 * (std::fabs(expected_energy) + 1.0))
            << "n " << n << " d " << d << " a " << a << " b " << b;
      }
    }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
