// cuda/time_features.cu (time features, time gate, regression gradient) against cpu/time_features.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// x0 and tau = t/T (float64 division, rounded once) equal the CPU's; the sines and cosines are of the same
// float64 angle, by the device's and by glibc's sin/cos (within 2 float64 ulps of each other), rounded to
// float: within 2^-23.
TEST_F(CudaBackendTest, MlpTimeFeaturesMatchTheCpu) {
  const float time_scale = 2.5f;
  for (size_t n : kMlpRows)
    for (size_t d : kMlpWidths)
      for (uint32_t frequencies : {0u, 1u, 8u}) {
        const size_t width = d + 1 + 2 * size_t{frequencies};
        if (n * width > kMlpMaxElements) continue;
        const std::vector<float> x0 = test::gaussian_points(n, d, 140 + n + d);
        const std::vector<float> t = mlp_times(n, time_scale, 141 + n);
        std::vector<float> expected(n * width);
        cpu_.time_features(x0.data(), t.data(), n, d, frequencies, time_scale, expected.data());
        Buffer<float> x0_gpu = to_device(x0), t_gpu = to_device(t), features(backend_.get(), expected.size());
        backend_->time_features(x0_gpu.data(), t_gpu.data(), n, d, frequencies, time_scale, features.data());
        const std::vector<float> got = to_host(features, expected.size());
        for (size_t i = 0; i < n; ++i)
          for (size_t j = 0; j < width; ++j) {
            const size_t e = i * width + j;
            if (j <= d)
              ASSERT_EQ(got[e], expected[e]) << "n " << n << " d " << d << " F " << frequencies << " column " << j;
            else
              ASSERT_NEAR(got[e], expected[e], std::ldexp(1.0, -23))
                  << "n " << n << " d " << d << " F " << frequencies << " column " << j << " t " << t[i];
          }
      }
}

// The same float operations as the CPU (x0 + (t/T) g, no FMA): expected equal; allowed 1e-6 (|x0| + |(t/T) g|)
// (one rounding of difference if a compiler fused them). Exactly x0 where t = 0.
TEST_F(CudaBackendTest, MlpTimeGateMatchesTheCpu) {
  const float time_scale = 0.75f;
  for (size_t n : kMlpRows)
    for (size_t d : kMlpWidths) {
      if (n * d > kMlpMaxElements) continue;
      const std::vector<float> x0 = test::gaussian_points(n, d, 150 + n + d);
      const std::vector<float> g = test::gaussian_points(n, d, 151 + n + d, 2.0f);
      const std::vector<float> t = mlp_times(n, time_scale, 152 + n);
      std::vector<float> expected(n * d);
      cpu_.time_gate(x0.data(), t.data(), g.data(), n, d, time_scale, expected.data());
      Buffer<float> x0_gpu = to_device(x0), t_gpu = to_device(t), g_gpu = to_device(g), out(backend_.get(), n * d);
      backend_->time_gate(x0_gpu.data(), t_gpu.data(), g_gpu.data(), n, d, time_scale, out.data());
      const std::vector<float> got = to_host(out, n * d);
      for (size_t i = 0; i < n; ++i)
        for (size_t k = 0; k < d; ++k) {
          const size_t e = i * d + k;
          if (t[i] == 0.0f) ASSERT_EQ(got[e], x0[e]) << "n " << n << " d " << d << " row " << i;
          ASSERT_NEAR(got[e], expected[e], 1e-6 * (std::fabs(x0[e]) + std::fabs(t[i] / time_scale * g[e])) + 1e-30)
              << "n " << n << " d " << d << " element " << e;
        }
    }
}

// grad_g: the CPU's float operations, expected equal; allowed 1e-6 |cpu|. The loss: the same float64 row sums
// added in another order (the CPU's in sequence, at most n 2^-53 off for these positive terms): within
// 1e-11 relative. Two calls return the same bits.
TEST_F(CudaBackendTest, MlpRegressionGradientMatchesTheCpuAndRepeats) {
  const float time_scale = 3.0f;
  for (size_t n : {size_t{1}, size_t{31}, size_t{1000}, size_t{65537}, size_t{300001}})  // 300001: > 262144
    for (size_t d : kMlpWidths) {
      if (n * d > kMlpMaxElements) continue;
      const std::vector<float> out = test::gaussian_points(n, d, 160 + n + d);
      const std::vector<float> y = test::gaussian_points(n, d, 161 + n + d, 1.5f, 0.5f);
      const std::vector<float> t = mlp_times(n, time_scale, 162 + n);
      std::vector<float> expected(n * d);
      const double expected_loss =
          cpu_.regression_gradient(out.data(), y.data(), t.data(), n, d, time_scale, expected.data());
      Buffer<float> out_gpu = to_device(out), y_gpu = to_device(y), t_gpu = to_device(t), grad(backend_.get(), n * d);
      const double loss =
          backend_->regression_gradient(out_gpu.data(), y_gpu.data(), t_gpu.data(), n, d, time_scale, grad.data());
      const std::vector<float> got = to_host(grad, n * d);
      const double again =
          backend_->regression_gradient(out_gpu.data(), y_gpu.data(), t_gpu.data(), n, d, time_scale, grad.data());
      EXPECT_EQ(again, loss) << "n " << n << " d " << d << ": the loss is not repeatable";
      EXPECT_NEAR(loss, expected_loss, 1e-11 * expected_loss) << "n " << n << " d " << d;
      for (size_t e = 0; e < got.size(); ++e)
        ASSERT_NEAR(got[e], expected[e], 1e-6 * std::fabs(expected[e]) + 1e-37) << "n " << n << " d " << d
                                                                                 << " element " << e;
    }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
