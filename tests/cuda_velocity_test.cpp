// cuda/velocity.cu (the GEMM D^T theta, with and without accumulation) against cpu/velocity.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// |gpu - cpu| / (|displacement_i| |theta_k| + |v0|) <= 1e-5, with and without accumulation.
TEST_F(CudaBackendTest, VelocityMatchesTheCpu) {
  struct Size {
    size_t n, d;
    uint32_t L;
  };
  for (const Size s : {Size{1, 1, 1}, Size{31, 3, 7}, Size{1000, 784, 33}, Size{65537, 3, 5}, Size{1000, 1, 64}}) {
    for (bool accumulate : {false, true}) {
      const std::vector<float> theta = test::unit_directions(s.L, s.d, 5 + s.n);
      const std::vector<float> displacement = test::gaussian_points(s.L, s.n, 6 + s.n, 0.5f);
      const std::vector<float> start = test::gaussian_points(s.n, s.d, 7 + s.n);
      std::vector<float> expected = start;
      cpu_.accumulate_velocity(displacement.data(), theta.data(), s.L, s.n, s.d, accumulate, expected.data());
      Buffer<float> theta_gpu = to_device(theta), displacement_gpu = to_device(displacement);
      Buffer<float> velocity = to_device(start);
      backend_->accumulate_velocity(displacement_gpu.data(), theta_gpu.data(), s.L, s.n, s.d, accumulate,
                                    velocity.data());
      const std::vector<float> got = to_host(velocity, expected.size());
      double worst = 0.0;
      for (size_t i = 0; i < s.n; ++i) {
        double displacement_norm = 0.0;
        for (uint32_t l = 0; l < s.L; ++l)
          displacement_norm += double(displacement[l * s.n + i]) * displacement[l * s.n + i];
        for (size_t k = 0; k < s.d; ++k) {
          double theta_norm = 0.0;
          for (uint32_t l = 0; l < s.L; ++l) theta_norm += double(theta[l * s.d + k]) * theta[l * s.d + k];
          const double scale =
              std::sqrt(displacement_norm * theta_norm) + (accumulate ? std::fabs(start[i * s.d + k]) : 0.0);
          worst = std::max(worst, std::fabs(double(got[i * s.d + k]) - expected[i * s.d + k]) / (scale + 1e-30));
        }
      }
      EXPECT_LE(worst, 1e-5) << "n " << s.n << " d " << s.d << " L " << s.L << " accumulate " << accumulate;
    }
  }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
