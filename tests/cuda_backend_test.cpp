// The CUDA backend as a whole: a failed allocation leaves it usable. The operations' tests are in
// tests/cuda_<operation>_test.cpp (shared set-up in tests/cuda_test_support.hpp); every test skips itself when no
// CUDA device answers, and this file holds one skipping test in a build without CUDA.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

TEST_F(CudaBackendTest, AnAbsurdAllocationIsOutOfMemoryAndTheBackendStaysUsable) {
  try {
    backend_->allocate(size_t{1} << 50);
    FAIL() << "a petabyte was allocated";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), SWF_ERR_OUT_OF_MEMORY) << error.what();
  }
  // The failed allocation leaves no error behind for the next launch check.
  const std::vector<float> theta = test::unit_directions(3, 4, 1), points = test::gaussian_points(10, 4, 2);
  std::vector<float> expected(30);
  cpu_.project(theta.data(), 3, points.data(), 10, 4, expected.data());
  Buffer<float> theta_gpu = to_device(theta), points_gpu = to_device(points), out(backend_.get(), 30);
  backend_->project(theta_gpu.data(), 3, points_gpu.data(), 10, 4, out.data());
  backend_->draw_directions(SWF_DIRECTIONS_GAUSSIAN, RandomDraw{1, Stream::directions, 1}, 3, 4, theta_gpu.data());
  EXPECT_LE(projection_error(to_host(out, 30), expected, theta, points, 3, 10, 4), 1e-5);
}

}  // namespace
}  // namespace swf::gpu

#else  // no CUDA in this build

TEST(CudaBackend, NeedsACudaBuild) { GTEST_SKIP() << "no CUDA device (this build has no CUDA backend)"; }

#endif
