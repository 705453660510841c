// cuda/projection.cu (the GEMM theta X^T, float32 and TF32) against cpu/projection.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

TEST_F(CudaBackendTest, ProjectionMatchesTheCpu) {
  struct Size {
    size_t count, d;
    uint32_t L;
  };
  for (const Size s : {Size{1, 1, 1}, Size{31, 3, 7}, Size{1000, 784, 33}, Size{65537, 3, 5}, Size{1000, 1, 64},
                       Size{999, 31, 1}}) {
    const std::vector<float> theta = test::unit_directions(s.L, s.d, 1 + s.count);
    const std::vector<float> points = test::gaussian_points(s.count, s.d, 2 + s.count, 3.0f, 1.0f);
    std::vector<float> expected(size_t{s.L} * s.count);
    cpu_.project(theta.data(), s.L, points.data(), s.count, s.d, expected.data());
    Buffer<float> theta_gpu = to_device(theta), points_gpu = to_device(points);
    Buffer<float> out(backend_.get(), expected.size());
    backend_->project(theta_gpu.data(), s.L, points_gpu.data(), s.count, s.d, out.data());
    const double error = projection_error(to_host(out, expected.size()), expected, theta, points, s.L, s.count, s.d);
    EXPECT_LE(error, 1e-5) << "count " << s.count << " d " << s.d << " L " << s.L;
  }
}

// TF32 (off by default): inputs rounded to 10-bit mantissas, so about 2^-11 of |theta_l| |x_i| per product.
// The measured error is printed; the tolerance is 4e-3.
TEST_F(CudaBackendTest, Tf32ProjectionErrorIsMeasured) {
  const uint32_t L = 64;
  const size_t count = 4096, d = 784;
  const std::vector<float> theta = test::unit_directions(L, d, 3);
  const std::vector<float> points = test::gaussian_points(count, d, 4, 1.0f, 0.5f);
  std::vector<float> expected(size_t{L} * count);
  cpu_.project(theta.data(), L, points.data(), count, d, expected.data());
  Buffer<float> theta_gpu = to_device(theta), points_gpu = to_device(points), out(backend_.get(), expected.size());
  cuda_->set_tf32(true);
  backend_->project(theta_gpu.data(), L, points_gpu.data(), count, d, out.data());
  cuda_->set_tf32(false);
  const double tf32_error = projection_error(to_host(out, expected.size()), expected, theta, points, L, count, d);
  backend_->project(theta_gpu.data(), L, points_gpu.data(), count, d, out.data());
  const double fp32_error = projection_error(to_host(out, expected.size()), expected, theta, points, L, count, d);
  std::cout << "projection error / (|theta| |x|), d = 784: TF32 " << tf32_error << ", FP32 " << fp32_error << "\n";
  RecordProperty("tf32_projection_error", std::to_string(tf32_error));
  EXPECT_LE(tf32_error, 4e-3);
  EXPECT_LE(fp32_error, 1e-5);
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
