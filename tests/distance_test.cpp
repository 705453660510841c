// swf_sliced_wasserstein and swf_flow_distance against a float64 brute force and closed forms.
#include <gtest/gtest.h>

#include <cmath>

#include "api_handles.hpp"
#include "reference.hpp"

namespace swf::test {
namespace {

double library_sw(const Context& context, const std::vector<float>& x, const std::vector<float>& y, size_t d,
                  const std::vector<float>* theta, uint32_t L, double p) {
  double out = -1;
  EXPECT_EQ(swf_sliced_wasserstein(context.handle, x.data(), x.size() / d, y.data(), y.size() / d, d,
                                   theta ? theta->data() : nullptr, L, p, &out),
            SWF_OK)
      << swf_last_error();
  return out;
}

TEST(SlicedWasserstein, MatchesFloat64BruteForce) {
  Context context;
  struct Case {
    size_t n, m, d;
    uint32_t L;
  };
  for (const Case& c : {Case{1, 1, 1, 1}, Case{31, 1000, 3, 17}, Case{1000, 31, 3, 17}, Case{500, 499, 64, 40},
                        Case{300, 300, 784, 8}}) {
    const std::vector<float> x = gaussian_points(c.n, c.d, c.n), y = gaussian_points(c.m, c.d, c.m + 1, 1.3f, 0.2f);
    const std::vector<float> theta = unit_directions(c.L, c.d, c.d);
    for (double p : {1.0, 2.0}) {
      const double expected = sliced_wasserstein(x, y, c.d, theta, p);
      EXPECT_NEAR(library_sw(context, x, y, c.d, &theta, c.L, p), expected, 2e-5 * expected + 1e-7)
          << "n " << c.n << " m " << c.m << " d " << c.d << " p " << p;
    }
  }
}

TEST(SlicedWasserstein, TranslationHasItsClosedForm) {
  // SW_2^2(x, x + c) = mean over directions of (theta . c)^2; SW_1 = mean of |theta . c|.
  Context context;
  const size_t d = 6;
  const std::vector<float> x = gaussian_points(1000, d, 1);
  std::vector<float> y = x;
  const float shift[d] = {0.5f, -1.0f, 0.25f, 2.0f, 0.0f, -0.75f};
  for (size_t i = 0; i < 1000; ++i)
    for (size_t k = 0; k < d; ++k) y[i * d + k] += shift[k];
  const std::vector<float> theta = unit_directions(50, d, 2);
  double sum2 = 0, sum1 = 0;
  for (size_t l = 0; l < 50; ++l) {
    double dot = 0;
    for (size_t k = 0; k < d; ++k) dot += double(theta[l * d + k]) * shift[k];
    sum2 += dot * dot;
    sum1 += std::fabs(dot);
  }
  EXPECT_NEAR(library_sw(context, x, y, d, &theta, 50, 2.0), std::sqrt(sum2 / 50), 1e-5);
  EXPECT_NEAR(library_sw(context, x, y, d, &theta, 50, 1.0), sum1 / 50, 1e-5);
}

TEST(SlicedWasserstein, IsotropicGaussiansHaveTheClosedForm) {
  // SW_2^2(N(m1, s1^2 I), N(m2, s2^2 I)) = |m1 - m2|^2 / d + (s1 - s2)^2.
  Context context(5);
  const size_t d = 4, n = 60000;
  const std::vector<float> x = gaussian_points(n, d, 3, 1.0f, 0.0f), y = gaussian_points(n, d, 4, 2.0f, 0.5f);
  const double expected = std::sqrt(4 * 0.25 / 4.0 + 1.0);
  EXPECT_NEAR(library_sw(context, x, y, d, nullptr, 2000, 2.0), expected, 0.02 * expected);
}

TEST(SlicedWasserstein, FreshDirectionsAreReproducibleFromTheSeed) {
  const std::vector<float> x = gaussian_points(300, 3, 5), y = gaussian_points(200, 3, 6, 1.0f, 1.0f);
  Context a(77), b(77);
  const double first = library_sw(a, x, y, 3, nullptr, 32, 2.0);
  EXPECT_EQ(first, library_sw(b, x, y, 3, nullptr, 32, 2.0));
  EXPECT_NE(first, library_sw(a, x, y, 3, nullptr, 32, 2.0));  // the next draw differs
  EXPECT_EQ(library_sw(a, x, x, 3, nullptr, 32, 2.0), 0.0);
}

TEST(SlicedWasserstein, ManyDirectionsAreProcessedInBlocks) {
  // More directions than one block holds at this size: the blocks must add up to the whole.
  Context context;
  const size_t n = 70000, d = 2;
  const std::vector<float> x = gaussian_points(n, d, 7), y = gaussian_points(n / 2, d, 8, 1.0f, 1.0f);
  const uint32_t L = 1100;  // 64 Mi / 70000 = 958 directions per block
  const std::vector<float> theta = unit_directions(L, d, 9);
  double total = 0;
  for (uint32_t first = 0; first < L; first += 100) {
    const std::vector<float> part(theta.begin() + first * d, theta.begin() + (first + 100) * d);
    const double sw = library_sw(context, x, y, d, &part, 100, 2.0);
    total += sw * sw * 100;
  }
  EXPECT_NEAR(library_sw(context, x, y, d, &theta, L, 2.0), std::sqrt(total / L), 1e-6);
}

TEST(FlowDistance, IsTheSlicedWassersteinToTheTarget) {
  Context context(31);
  const size_t d = 3;
  const std::vector<float> target = gaussian_points(800, d, 10, 1.0f, 3.0f), x = gaussian_points(500, d, 11);
  Flow flow(context, flow_params(8, 1.0f), target, d);
  flow.set_particles(x);
  double sw2 = -1;
  ASSERT_EQ(swf_flow_distance(flow.handle, 4000, &sw2), SWF_OK) << swf_last_error();
  const double expected = library_sw(context, x, target, d, nullptr, 4000, 2.0);
  EXPECT_NEAR(sw2, expected, 0.03 * expected);  // different random directions
}

}  // namespace
}  // namespace swf::test
