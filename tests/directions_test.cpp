#include "directions.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace swf::cpu {
namespace {

double dot(const float* a, const float* b, size_t d) {
  double sum = 0;
  for (size_t k = 0; k < d; ++k) sum += double(a[k]) * b[k];
  return sum;
}

TEST(Directions, GaussianRowsAreUnitAndReproducible) {
  const uint32_t L = 100;
  const size_t d = 7;
  std::vector<float> theta(L * d), again(L * d);
  draw_gaussian_directions(RandomDraw{3, Stream::directions, 1}, L, d, theta.data());
  draw_gaussian_directions(RandomDraw{3, Stream::directions, 1}, L, d, again.data());
  EXPECT_EQ(theta, again);
  for (uint32_t l = 0; l < L; ++l) EXPECT_NEAR(dot(&theta[l * d], &theta[l * d], d), 1.0, 1e-6);
}

TEST(Directions, OrthogonalBlocksAreOrthonormalAndTheLastIsCut) {
  for (size_t d : {size_t{1}, size_t{3}, size_t{64}}) {
    const uint32_t L = static_cast<uint32_t>(2 * d + (d + 1) / 2);  // two full blocks and a cut one
    std::vector<float> theta(L * d);
    std::vector<double> scratch;
    draw_orthogonal_directions(RandomDraw{5, Stream::directions, 2}, L, d, theta.data(), scratch);
    for (uint32_t a = 0; a < L; ++a)
      for (uint32_t b = a; b < L && b / d == a / d; ++b)
        EXPECT_NEAR(dot(&theta[a * d], &theta[b * d], d), a == b ? 1.0 : 0.0, 1e-5) << "d " << d;
    if (d > 1) {  // the blocks are different draws
      EXPECT_GT(std::fabs(theta[0] - theta[d * d]), 1e-6);
    }
  }
}

TEST(Directions, OrthogonalDirectionsAreUnbiased) {
  // Haar rotations: the first row's entries have mean 0 and E[x_k^2] = 1/d.
  const size_t d = 4;
  const uint32_t L = 4000 * d;
  std::vector<float> theta(L * d);
  std::vector<double> scratch;
  draw_orthogonal_directions(RandomDraw{9, Stream::directions, 3}, L, d, theta.data(), scratch);
  std::vector<double> mean(d, 0.0), second(d, 0.0);
  for (uint32_t block = 0; block < L / d; ++block)
    for (size_t k = 0; k < d; ++k) {
      mean[k] += theta[block * d * d + k];
      second[k] += double(theta[block * d * d + k]) * theta[block * d * d + k];
    }
  for (size_t k = 0; k < d; ++k) {
    EXPECT_NEAR(mean[k] / (L / d), 0.0, 0.04);
    EXPECT_NEAR(second[k] / (L / d), 1.0 / d, 0.02);
  }
}

TEST(Points, LawsHaveTheirMoments) {
  const size_t count = 200000;
  std::vector<float> gaussian(count), uniform(count);
  draw_points(SWF_INIT_GAUSSIAN, 2.0f, RandomDraw{1, Stream::initial, 0}, count, 1, gaussian.data());
  draw_points(SWF_INIT_UNIFORM, 2.0f, RandomDraw{1, Stream::initial, 0}, count, 1, uniform.data());
  double g2 = 0, u2 = 0, umax = 0;
  for (size_t i = 0; i < count; ++i) {
    g2 += double(gaussian[i]) * gaussian[i];
    u2 += double(uniform[i]) * uniform[i];
    umax = std::max(umax, std::fabs(double(uniform[i])));
  }
  EXPECT_NEAR(g2 / count, 4.0, 0.05);
  EXPECT_NEAR(u2 / count, 4.0 / 3.0, 0.02);
  EXPECT_LE(umax, 2.0);
}

}  // namespace
}  // namespace swf::cpu
