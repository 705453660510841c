// cuda/adam.cu against cpu/adam.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// Three consecutive steps from step 1, 2 and 1000, with two sets of hyperparameters: the CPU's float
// operations and the same host-side bias corrections, so expected equal; allowed 1e-6 |cpu| for the moments
// and 1e-6 (|w| + lr) for the weights. Step 0 is refused as on the CPU.
TEST_F(CudaBackendTest, MlpAdamMatchesTheCpu) {
  for (size_t count : {size_t{1}, size_t{31}, size_t{1000}, size_t{65537}, size_t{1000003}}) {
    for (const AdamParams adam : {AdamParams{}, AdamParams{0.05f, 0.8f, 0.99f, 1e-6f}}) {
      for (uint64_t first_step : {uint64_t{1}, uint64_t{2}, uint64_t{1000}}) {
        std::vector<float> w = test::gaussian_points(count, 1, 170 + count);
        std::vector<float> m = test::gaussian_points(count, 1, 171 + count, 0.1f);
        std::vector<float> v = uniform_values(count, 172 + count, 0.0f, 0.01f);
        Buffer<float> w_gpu = to_device(w), m_gpu = to_device(m), v_gpu = to_device(v), g_gpu(backend_.get(), count);
        for (uint64_t step = first_step; step < first_step + 3; ++step) {
          const std::vector<float> g = test::gaussian_points(count, 1, 173 + count + step, 0.5f);
          cpu_.adam_update(w.data(), g.data(), m.data(), v.data(), count, adam, step);
          g_gpu.upload(g.data(), count);
          backend_->adam_update(w_gpu.data(), g_gpu.data(), m_gpu.data(), v_gpu.data(), count, adam, step);
        }
        const std::vector<float> got_w = to_host(w_gpu, count), got_m = to_host(m_gpu, count),
                                 got_v = to_host(v_gpu, count);
        for (size_t e = 0; e < count; ++e) {
          ASSERT_NEAR(got_m[e], m[e], 1e-6 * std::fabs(m[e]) + 1e-37) << "count " << count << " step " << first_step;
          ASSERT_NEAR(got_v[e], v[e], 1e-6 * std::fabs(v[e]) + 1e-37) << "count " << count << " step " << first_step;
          ASSERT_NEAR(got_w[e], w[e], 1e-6 * (std::fabs(w[e]) + adam.learning_rate))
              << "count " << count << " step " << first_step << " lr " << adam.learning_rate;
        }
      }
    }
  }
  Buffer<float> one(backend_.get(), 1);
  try {
    backend_->adam_update(one.data(), one.data(), one.data(), one.data(), 1, AdamParams{}, 0);
    FAIL() << "step 0 was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), SWF_ERR_INVALID_ARGUMENT) << error.what();
  }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
