// cuda/bias_activation.cu (bias + activation and its backward pass) against cpu/bias_activation.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// pre = y + bias is one float addition on both: equal. act(pre) within 2e-6 |cpu|, 16 ulps near a power of two
// (glibc's vector expf and tanhf are within 4 ulps, the device's within 2; one or two more roundings follow).
TEST_F(CudaBackendTest, MlpBiasActivationMatchesTheCpu) {
  for (size_t rows : kMlpRows)
    for (size_t cols : kMlpWidths) {
      if (rows * cols > kMlpMaxElements) continue;
      const std::vector<float> y0 = test::gaussian_points(rows, cols, 110 + rows + cols, 3.0f);
      const std::vector<float> bias = test::gaussian_points(1, cols, 111 + cols, 0.5f);
      for (MlpActivation activation : {MlpActivation::silu, MlpActivation::relu, MlpActivation::tanh}) {
        std::vector<float> expected = y0, expected_pre(y0.size());
        cpu_.bias_activation(expected.data(), bias.data(), rows, cols, activation, expected_pre.data());
        Buffer<float> y = to_device(y0), bias_gpu = to_device(bias), pre(backend_.get(), y0.size());
        backend_->bias_activation(y.data(), bias_gpu.data(), rows, cols, activation, pre.data());
        const std::vector<float> got = to_host(y, y0.size()), got_pre = to_host(pre, y0.size());
        for (size_t e = 0; e < got.size(); ++e) {
          ASSERT_EQ(got_pre[e], expected_pre[e]) << "rows " << rows << " cols " << cols << " element " << e;
          ASSERT_NEAR(got[e], expected[e], 2e-6 * std::fabs(expected[e]) + 1e-30)
              << "rows " << rows << " cols " << cols << " activation " << int(activation) << " pre " << got_pre[e];
        }
      }
    }
}

// grad_pre within 1e-6 |grad_y| (1 + |pre|): act' may cancel (SiLU' crosses 0 near -1.28; tanh' = 1 - tanh^2
// near 1), so the bound is on the error of its terms (a few ulps of 1 and of |pre|), not relative to it.
// Also in place (grad_pre = grad_y), as the backward pass may call it.
TEST_F(CudaBackendTest, MlpActivationBackwardMatchesTheCpu) {
  for (size_t rows : kMlpRows)
    for (size_t cols : kMlpWidths) {
      if (rows * cols > kMlpMaxElements) continue;
      const std::vector<float> pre = test::gaussian_points(rows, cols, 120 + rows + cols, 3.0f);
      const std::vector<float> grad_y = test::gaussian_points(rows, cols, 121 + rows + cols);
      for (MlpActivation activation : {MlpActivation::silu, MlpActivation::relu, MlpActivation::tanh}) {
        std::vector<float> expected(pre.size());
        cpu_.activation_backward(pre.data(), grad_y.data(), rows, cols, activation, expected.data());
        Buffer<float> pre_gpu = to_device(pre), grad_gpu = to_device(grad_y), out(backend_.get(), pre.size());
        backend_->activation_backward(pre_gpu.data(), grad_gpu.data(), rows, cols, activation, out.data());
        backend_->activation_backward(pre_gpu.data(), grad_gpu.data(), rows, cols, activation, grad_gpu.data());
        const std::vector<float> got = to_host(out, pre.size()), in_place = to_host(grad_gpu, pre.size());
        for (size_t e = 0; e < got.size(); ++e) {
          ASSERT_NEAR(got[e], expected[e], 1e-6 * std::fabs(grad_y[e]) * (1.0 + std::fabs(pre[e])) + 1e-30)
              << "rows " << rows << " cols " << cols << " activation " << int(activation) << " pre " << pre[e];
          ASSERT_EQ(in_place[e], got[e]) << "rows " << rows << " cols " << cols << " element " << e;
        }
      }
    }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
