// cuda/wasserstein_1d.cu (W_p^p per direction) against cpu/wasserstein_1d.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// Rows sorted exactly as on the CPU; W_p^p within 1e-10 relative (float64 sums of the same terms in another
// order: the GPU splits the integral along the larger sample's atoms).
TEST_F(CudaBackendTest, Wasserstein1dMatchesTheCpu) {
  struct Size {
    size_t n, m;
    uint32_t L;
  };
  for (const Size s : {Size{1, 1, 1}, Size{31, 1000, 3}, Size{1000, 31, 3}, Size{1000, 999, 2}, Size{65537, 1000, 2},
                       Size{8193, 8193, 2}, Size{1, 65537, 1}, Size{100000, 99999, 1}}) {
    for (double p : {1.0, 2.0, 1.5}) {
      const std::vector<float> x = test::gaussian_points(size_t{s.L} * s.n, 1, 50 + s.n);
      const std::vector<float> y = test::gaussian_points(size_t{s.L} * s.m, 1, 51 + s.m, 1.5f, 0.25f);
      std::vector<float> x_cpu = x, y_cpu = y;
      std::vector<double> expected(s.L), got(s.L);
      cpu_.wasserstein_1d(x_cpu.data(), s.n, y_cpu.data(), s.m, s.L, p, expected.data());
      Buffer<float> x_gpu = to_device(x), y_gpu = to_device(y);
      backend_->wasserstein_1d(x_gpu.data(), s.n, y_gpu.data(), s.m, s.L, p, got.data());
      EXPECT_EQ(to_host(x_gpu, x.size()), x_cpu) << "n " << s.n;
      EXPECT_EQ(to_host(y_gpu, y.size()), y_cpu) << "m " << s.m;
      for (uint32_t l = 0; l < s.L; ++l)
        EXPECT_NEAR(got[l], expected[l], 1e-10 * expected[l] + 1e-300) << "n " << s.n << " m " << s.m << " p " << p;
    }
  }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
