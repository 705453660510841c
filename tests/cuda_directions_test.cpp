// cuda/directions.cu (Philox draws, Gaussian and orthogonal directions, initial points) against
// cpu/directions.cpp and core/philox.hpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

// cuRAND's Philox words equal RandomDraw::block(), for streams, 64-bit seeds and draw indices, and block
// indices past 2^32.
TEST_F(CudaBackendTest, PhiloxWordsEqualTheCpuGenerator) {
  const size_t blocks = 1000;
  for (const RandomDraw draw : {RandomDraw{0, Stream::directions, 0}, RandomDraw{12345, Stream::noise, 7},
                                RandomDraw{0xFFFFFFFFFFFFFFFFull, Stream::context, (uint64_t{0xABCDEF} << 32) + 5},
                                RandomDraw{0x0123456789ABCDEFull, Stream::initial, 0xFFFFFFFFull}}) {
    for (uint64_t first_block : {uint64_t{0}, (uint64_t{1} << 40) + 3, uint64_t{0xFFFFFFFF} - 10}) {
      Buffer<uint32_t> words(backend_.get(), 4 * blocks);
      philox_words(cuda_->context(), draw, first_block, blocks, words.data());
      const std::vector<uint32_t> got = to_host(words, 4 * blocks);
      for (size_t b = 0; b < blocks; ++b) {
        const Philox4x32 expected = draw.block(first_block + b);
        for (int lane = 0; lane < 4; ++lane)
          ASSERT_EQ(got[4 * b + lane], expected.v[lane]) << "seed " << draw.seed << " block " << first_block + b;
      }
    }
  }
}

// Unit rows from the same normals: |gpu - cpu| <= 1e-6 (entries of unit vectors; the norm's float64 sum
// runs in another order).
TEST_F(CudaBackendTest, GaussianDirectionsEqualTheCpu) {
  for (auto [L, d] : {std::pair<uint32_t, size_t>{1, 1}, {7, 3}, {33, 784}, {1000, 1}, {5, 31}, {3, 5}}) {
    const RandomDraw draw{99, Stream::directions, 3};
    std::vector<float> expected(size_t{L} * d);
    cpu_.draw_directions(SWF_DIRECTIONS_GAUSSIAN, draw, L, d, expected.data());
    Buffer<float> theta(backend_.get(), expected.size());
    backend_->draw_directions(SWF_DIRECTIONS_GAUSSIAN, draw, L, d, theta.data());
    const std::vector<float> got = to_host(theta, expected.size());
    for (size_t e = 0; e < got.size(); ++e) ASSERT_NEAR(got[e], expected[e], 1e-6) << "L " << L << " d " << d;
  }
}

// The Q of the same Gaussian matrices with R's diagonal made positive is unique, so cuSOLVER's and LAPACK's
// Householder QRs give it to float64 rounding times the matrix's condition: |gpu - cpu| <= 1e-5. The rows of
// each block are orthonormal within 1e-5.
TEST_F(CudaBackendTest, OrthogonalDirectionsEqualTheCpu) {
  for (size_t d : {size_t{1}, size_t{3}, size_t{64}, size_t{784}}) {
    const uint32_t L = static_cast<uint32_t>(2 * d + (d + 1) / 2);
    const RandomDraw draw{5, Stream::directions, 2};
    std::vector<float> expected(size_t{L} * d);
    cpu_.draw_directions(SWF_DIRECTIONS_ORTHOGONAL, draw, L, d, expected.data());
    Buffer<float> theta(backend_.get(), expected.size());
    backend_->draw_directions(SWF_DIRECTIONS_ORTHOGONAL, draw, L, d, theta.data());
    const std::vector<float> got = to_host(theta, expected.size());
    for (size_t e = 0; e < got.size(); ++e) ASSERT_NEAR(got[e], expected[e], 1e-5) << "d " << d << " element " << e;
    for (uint32_t a = 0; a < std::min<uint32_t>(L, 8); ++a)
      for (uint32_t b = a; b < L && b / d == a / d; ++b) {
        double dot = 0.0;
        for (size_t k = 0; k < d; ++k) dot += double(got[a * d + k]) * got[b * d + k];
        EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-5) << "d " << d;
      }
  }
}

// Points from the same words: |gpu - cpu| <= 1e-6 (1 + |cpu|).
TEST_F(CudaBackendTest, PointsEqualTheCpu) {
  for (auto [count, d] : {std::pair<size_t, size_t>{1, 1}, {31, 3}, {1000, 784}, {65537, 1}, {5, 3}}) {
    for (swf_init law : {SWF_INIT_GAUSSIAN, SWF_INIT_UNIFORM}) {
      const RandomDraw draw{2024, Stream::initial, 1};
      std::vector<float> expected(count * d);
      cpu_.draw_points(law, 2.5f, draw, count, d, expected.data());
      Buffer<float> points(backend_.get(), expected.size());
      backend_->draw_points(law, 2.5f, draw, count, d, points.data());
      const std::vector<float> got = to_host(points, expected.size());
      for (size_t e = 0; e < got.size(); ++e)
        ASSERT_NEAR(got[e], expected[e], 1e-6 * (1.0 + std::fabs(expected[e]))) << "count " << count << " d " << d;
    }
  }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
