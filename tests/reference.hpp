// Independent float64 references for the tests: projections in double, std::sort, and the 1-D optimal
// plan built by the north-west corner rule (no prefix sums, no merged breakpoints), so a bug in the
// library's transport or W_p cannot be mirrored here.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <random>
#include <vector>

namespace swf::test {

inline std::vector<float> gaussian_points(size_t count, size_t d, uint64_t seed, float scale = 1.0f,
                                          float shift = 0.0f) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> points(count * d);
  for (float& value : points) value = shift + scale * normal(rng);
  return points;
}

inline std::vector<float> unit_directions(uint32_t L, size_t d, uint64_t seed) {
  std::vector<float> theta = gaussian_points(L, d, seed);
  for (uint32_t l = 0; l < L; ++l) {
    double norm2 = 0.0;
    for (size_t k = 0; k < d; ++k) norm2 += double(theta[l * d + k]) * theta[l * d + k];
    for (size_t k = 0; k < d; ++k) theta[l * d + k] = float(theta[l * d + k] / std::sqrt(norm2));
  }
  return theta;
}

inline std::vector<double> project(const std::vector<float>& points, size_t d, const float* direction) {
  std::vector<double> projections(points.size() / d);
  for (size_t i = 0; i < projections.size(); ++i) {
    double dot = 0.0;
    for (size_t k = 0; k < d; ++k) dot += double(points[i * d + k]) * direction[k];
    projections[i] = dot;
  }
  return projections;
}

// Calls visit(i, j, mass) for every cell of the monotone (north-west corner) plan between the uniform
// measures on sorted x (n) and sorted y (m); masses in double.
template <class Visit>
void north_west_corner(size_t n, size_t m, Visit visit) {
  size_t i = 0, j = 0;
  double left_x = 1.0 / double(n), left_y = 1.0 / double(m);
  while (i < n && j < m) {
    const double mass = std::min(left_x, left_y);
    visit(i, j, mass);
    left_x -= mass;
    left_y -= mass;
    if (left_x <= 1e-15 / double(n)) {
      ++i;
      left_x = 1.0 / double(n);
    }
    if (left_y <= 1e-15 / double(m)) {
      ++j;
      left_y = 1.0 / double(m);
    }
  }
}

inline double wasserstein_pp_1d(std::vector<double> x, std::vector<double> y, double p) {
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  double total = 0.0;
  north_west_corner(x.size(), y.size(),
                    [&](size_t i, size_t j, double mass) { total += mass * std::pow(std::fabs(x[i] - y[j]), p); });
  return total;
}

// Transport of each value of x (unsorted, any order) to the sorted target y: T(x_i) = n * sum_j
// plan(rank(i), j) y_j, ranks by value then index.
inline std::vector<double> barycentric_transport(const std::vector<double>& x, std::vector<double> y) {
  const size_t n = x.size();
  std::sort(y.begin(), y.end());
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> by_rank(n, 0.0);
  north_west_corner(n, y.size(), [&](size_t r, size_t j, double mass) { by_rank[r] += double(n) * mass * y[j]; });
  std::vector<double> transported(n);
  for (size_t r = 0; r < n; ++r) transported[order[r]] = by_rank[r];
  return transported;
}

inline double sliced_wasserstein(const std::vector<float>& x, const std::vector<float>& y, size_t d,
                                 const std::vector<float>& theta, double p) {
  const size_t L = theta.size() / d;
  double total = 0.0;
  for (size_t l = 0; l < L; ++l)
    total += wasserstein_pp_1d(project(x, d, &theta[l * d]), project(y, d, &theta[l * d]), p);
  return std::pow(total / double(L), 1.0 / p);
}

inline std::vector<double> column_means(const std::vector<float>& points, size_t d) {
  std::vector<double> mean(d, 0.0);
  const size_t count = points.size() / d;
  for (size_t i = 0; i < count; ++i)
    for (size_t k = 0; k < d; ++k) mean[k] += points[i * d + k];
  for (double& value : mean) value /= double(count);
  return mean;
}

inline std::vector<double> covariance(const std::vector<float>& points, size_t d) {
  const std::vector<double> mean = column_means(points, d);
  const size_t count = points.size() / d;
  std::vector<double> cov(d * d, 0.0);
  for (size_t i = 0; i < count; ++i)
    for (size_t a = 0; a < d; ++a)
      for (size_t b = 0; b < d; ++b) cov[a * d + b] += (points[i * d + a] - mean[a]) * (points[i * d + b] - mean[b]);
  for (double& value : cov) value /= double(count);
  return cov;
}

}  // namespace swf::test
