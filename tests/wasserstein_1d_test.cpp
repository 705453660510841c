#include "wasserstein_1d.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "cpu_backend.hpp"
#include "reference.hpp"

namespace swf::cpu {
namespace {

TEST(Wasserstein1d, MatchesNorthWestCornerPlan) {
  CpuBackend backend;
  const std::pair<size_t, size_t> sizes[] = {{1, 1}, {1, 31}, {31, 1000}, {1000, 999}, {1000, 1000}, {65537, 31}};
  for (auto [n, m] : sizes) {
    for (double p : {1.0, 2.0, 3.5}) {
      std::vector<float> x = test::gaussian_points(2 * n, 1, n + m), y = test::gaussian_points(2 * m, 1, n * m, 1.5f, 0.3f);
      std::vector<double> expected(2);
      for (int l = 0; l < 2; ++l)
        expected[l] = test::wasserstein_pp_1d(std::vector<double>(x.begin() + l * n, x.begin() + (l + 1) * n),
                                              std::vector<double>(y.begin() + l * m, y.begin() + (l + 1) * m), p);
      std::vector<double> wpp(2);
      backend.wasserstein_1d(x.data(), n, y.data(), m, 2, p, wpp.data());
      for (int l = 0; l < 2; ++l)
        EXPECT_NEAR(wpp[l], expected[l], 1e-9 * (1.0 + expected[l])) << "n " << n << " m " << m << " p " << p;
    }
  }
}

TEST(Wasserstein1d, TranslationCostsTheShiftToThePowerP) {
  const std::vector<float> x = {-2.0f, 0.5f, 1.0f, 3.0f};
  std::vector<float> y(x);
  for (float& value : y) value += 0.75f;
  EXPECT_DOUBLE_EQ(wasserstein_1d_sorted(x.data(), 4, y.data(), 4, 1.0), 0.75);
  EXPECT_DOUBLE_EQ(wasserstein_1d_sorted(x.data(), 4, y.data(), 4, 2.0), 0.75 * 0.75);
}

TEST(Wasserstein1d, DiracAgainstTwoAtoms) {
  const float x[] = {0.0f}, y[] = {-1.0f, 3.0f};
  EXPECT_DOUBLE_EQ(wasserstein_1d_sorted(x, 1, y, 2, 2.0), 0.5 * 1.0 + 0.5 * 9.0);
}

}  // namespace
}  // namespace swf::cpu
