// cuda/update.cu (x += scale v + sigma xi) against cpu/update.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// Without noise the float operations are the CPU's, so equal to the bit; with noise the normals come from
// the same Philox words through float64 log / sqrt / cos / sin of the device: |gpu - cpu| <= 1e-6 (1 + |cpu|).
TEST_F(CudaBackendTest, UpdateMatchesTheCpu) {
  struct Size {
    size_t n, d;
  };
  for (const Size s : {Size{1, 1}, Size{31, 3}, Size{1000, 784}, Size{65537, 3}, Size{3, 5}}) {
    for (float sigma : {0.0f, 0.3f}) {
      const RandomDraw draw{0xFEEDFACECAFEBEEFull, Stream::noise, (uint64_t{7} << 32) + 9};
      const std::vector<float> start = test::gaussian_points(s.n, s.d, 40 + s.n);
      const std::vector<float> velocity = test::gaussian_points(s.n, s.d, 41 + s.n);
      std::vector<float> expected = start;
      cpu_.update_particles(expected.data(), velocity.data(), s.n, s.d, 0.37f, sigma, draw);
      Buffer<float> x = to_device(start), v = to_device(velocity);
      backend_->update_particles(x.data(), v.data(), s.n, s.d, 0.37f, sigma, draw);
      const std::vector<float> got = to_host(x, expected.size());
      for (size_t e = 0; e < got.size(); ++e) {
        if (sigma == 0.0f)
          ASSERT_EQ(got[e], expected[e]) << "n " << s.n << " d " << s.d << " element " << e;
        else
          ASSERT_NEAR(got[e], expected[e], 1e-6 * (1.0 + std::fabs(expected[e])))
              << "n " << s.n << " d " << s.d << " element " << e;
      }
    }
  }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
