#include "transport.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "cpu_backend.hpp"
#include "reference.hpp"

namespace swf::cpu {
namespace {

// The backend's displacement rows against the north-west-corner reference, in float64.
void expect_displacement_matches_reference(size_t n, size_t m, uint32_t L, uint64_t seed) {
  CpuBackend backend;
  const std::vector<float> particles = test::gaussian_points(size_t{L} * n, 1, seed);
  const std::vector<float> target = test::gaussian_points(size_t{L} * m, 1, seed + 1, 2.0f, 0.5f);
  std::vector<float> displacement = particles, sorted_target = target;
  std::vector<double> prefix(size_t{L} * (m + 1));
  backend.sort_target_projections(sorted_target.data(), L, m, prefix.data());
  backend.transport_displacement(displacement.data(), L, n, sorted_target.data(), prefix.data(), m);
  for (uint32_t l = 0; l < L; ++l) {
    const std::vector<double> x(particles.begin() + l * n, particles.begin() + (l + 1) * n);
    const std::vector<double> y(target.begin() + l * m, target.begin() + (l + 1) * m);
    ASSERT_TRUE(std::is_sorted(sorted_target.begin() + l * m, sorted_target.begin() + (l + 1) * m));
    const std::vector<double> transported = test::barycentric_transport(x, y);
    for (size_t i = 0; i < n; ++i) {
      const double expected = transported[i] - x[i];
      ASSERT_NEAR(displacement[l * n + i], expected, 1e-5 * (1.0 + std::fabs(expected)))
          << "n " << n << " m " << m << " direction " << l << " particle " << i;
    }
  }
}

TEST(Transport, MatchesNorthWestCornerPlanForEqualCounts) {
  for (size_t n : {size_t{1}, size_t{31}, size_t{1000}}) expect_displacement_matches_reference(n, n, 3, n);
}

TEST(Transport, MatchesNorthWestCornerPlanForUnequalCounts) {
  expect_displacement_matches_reference(31, 1000, 2, 11);   // n < m: many atoms per particle
  expect_displacement_matches_reference(1000, 31, 2, 12);   // n > m: particles share atoms
  expect_displacement_matches_reference(1000, 999, 2, 13);  // nearly equal: intervals straddle atoms
  expect_displacement_matches_reference(1, 65537, 1, 14);   // one particle: the target's mean
  expect_displacement_matches_reference(65537, 1, 1, 15);   // one atom: everyone goes there
}

TEST(Transport, EqualCountsGiveTheSameRankExactly) {
  const std::vector<float> sorted = {-3.25f, -1.0f, 0.1f, 0.1f, 7.0f, 1e20f};
  std::vector<double> prefix(sorted.size() + 1);
  prefix_sums(sorted.data(), sorted.size(), prefix.data());
  for (uint64_t r = 0; r < sorted.size(); ++r)
    EXPECT_EQ(transport_barycentric(r, sorted.size(), sorted.data(), prefix.data(), sorted.size()), sorted[r]);
}

TEST(Transport, TwoParticlesOnFourAtomsTakeTheMeanOfTheirHalves) {
  const std::vector<float> sorted = {1.0f, 2.0f, 4.0f, 8.0f};
  std::vector<double> prefix(5);
  prefix_sums(sorted.data(), 4, prefix.data());
  EXPECT_DOUBLE_EQ(transport_barycentric(0, 2, sorted.data(), prefix.data(), 4), 1.5);
  EXPECT_DOUBLE_EQ(transport_barycentric(1, 2, sorted.data(), prefix.data(), 4), 6.0);
  // Three particles on four atoms: [0, 4/3) covers atom 0 and a third of atom 1: (1 + 2/3) * 3/4.
  EXPECT_DOUBLE_EQ(transport_barycentric(0, 3, sorted.data(), prefix.data(), 4), (1.0 + 2.0 / 3.0) * 0.75);
  // The middle particle, [4/3, 8/3): two thirds of atom 1 and two thirds of atom 2.
  EXPECT_DOUBLE_EQ(transport_barycentric(1, 3, sorted.data(), prefix.data(), 4), (2.0 * 2.0 / 3.0 + 4.0 * 2.0 / 3.0) * 0.75);
}

}  // namespace
}  // namespace swf::cpu
