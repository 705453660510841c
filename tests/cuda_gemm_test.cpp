// cuda/gemm.cu (the learned flow's cuBLAS GEMMs, every transpose) against cpu/gemm.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// |gpu - cpu| / (|alpha| |row i of op(a)| |column j of op(b)| + |beta c_ij| + 1e-30) <= 1e-5, for the four
// transpose combinations, beta = 0 (c not read: it holds NaN) and beta != 0. Inputs are zero-mean, where a
// float32 dot product summed in any order errs by a few 2^-24 of that scale (cuBLAS and OpenBLAS block
// differently; the worst case k 2^-24 is far from reached). k = 0 gives c = beta c on both.
TEST_F(CudaBackendTest, MlpGemmMatchesTheCpu) {
  struct Size {
    size_t m, n, k;
  };
  for (const Size s : {Size{1, 1, 1}, Size{31, 3, 128}, Size{1000, 128, 784}, Size{65537, 3, 128}, Size{65537, 128, 3},
                       Size{3, 128, 65537}, Size{128, 784, 1000}, Size{1, 784, 31}, Size{128, 1, 65537},
                       Size{31, 3, 0}}) {
    const std::vector<float> a = test::gaussian_points(s.m, s.k, 100 + s.m + s.k);
    const std::vector<float> b = test::gaussian_points(s.k, s.n, 101 + s.n + s.k);
    const std::vector<float> c0 = test::gaussian_points(s.m, s.n, 102 + s.m + s.n);
    for (int transposes = 0; transposes < 4; ++transposes) {
      const bool ta = transposes & 1, tb = transposes & 2;
      // Norms of the rows of op(a) and of the columns of op(b), in double.
      std::vector<double> a_norm(s.m, 0.0), b_norm(s.n, 0.0);
      for (size_t i = 0; i < s.m; ++i)
        for (size_t l = 0; l < s.k; ++l) {
          const double value = ta ? a[l * s.m + i] : a[i * s.k + l];
          a_norm[i] += value * value;
        }
      for (size_t j = 0; j < s.n; ++j)
        for (size_t l = 0; l < s.k; ++l) {
          const double value = tb ? b[j * s.k + l] : b[l * s.n + j];
          b_norm[j] += value * value;
        }
      for (auto [alpha, beta] : {std::pair<float, float>{1.0f, 0.0f}, {-0.7f, 0.5f}}) {
        std::vector<float> start = c0;
        if (beta == 0.0f) std::fill(start.begin(), start.end(), std::nanf(""));
        std::vector<float> expected = start;
        cpu_.gemm(ta, tb, s.m, s.n, s.k, alpha, a.data(), b.data(), beta, expected.data());
        Buffer<float> a_gpu = to_device(a), b_gpu = to_device(b), c_gpu = to_device(start);
        backend_->gemm(ta, tb, s.m, s.n, s.k, alpha, a_gpu.data(), b_gpu.data(), beta, c_gpu.data());
        const std::vector<float> got = to_host(c_gpu, expected.size());
        double worst = 0.0;
        for (size_t i = 0; i < s.m; ++i)
          for (size_t j = 0; j < s.n; ++j) {
            const size_t e = i * s.n + j;
            ASSERT_TRUE(std::isfinite(got[e])) << "m " << s.m << " n " << s.n << " k " << s.k << " element " << e;
            const double scale = std::fabs(alpha) * std::sqrt(a_norm[i] * b_norm[j]) +
                                 (beta == 0.0f ? 0.0 : std::fabs(beta * c0[e])) + 1e-30;
            worst = std::max(worst, std::fabs(double(got[e]) - expected[e]) / scale);
          }
        EXPECT_LE(worst, 1e-5) << "m " << s.m << " n " << s.n << " k " << s.k << " transpose a " << ta
                               << " transpose b " << tb << " beta " << beta;
      }
    }
  }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
