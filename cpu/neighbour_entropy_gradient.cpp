#include "neighbour_entropy_gradient.hpp"

#include <cmath>

#include "neighbour_entropy.hpp"
#include "squared_distance.hpp"

namespace swf::cpu {

void neighbour_entropy_gradient(const float* x, size_t n, size_t d, uint32_t neighbours, float weight, float* grad,
                                double* energy, NeighbourLists& lists) {
  const uint32_t K = neighbours;
  if (lists.radius2.size() < n * K) {
    lists.radius2.resize(n * K);
    lists.index.resize(n * K);
  }
  // Pass 1: every particle's K nearest, by insertion into a sorted list; j ascends, so an equal distance
  // goes after those already kept and the order is (squared distance, index).
#pragma omp parallel for schedule(static) if (n * n * d >= 65536)
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    const float* xi = x + size_t(i) * d;
    double* radius2 = lists.radius2.data() + size_t(i) * K;
    uint32_t* index = lists.index.data() + size_t(i) * K;
    uint32_t kept = 0;
    for (size_t j = 0; j < n; ++j) {
      if (j == size_t(i)) continue;
      neighbour_entropy::insert(radius2, index, kept, K, squared_distance(xi, x + j * d, d), static_cast<uint32_t>(j));
    }
  }
  // Pass 2: n d(-H)/dx_i = -(d/K) sum_j m_ij (x_i - x_j) / r_ij^2 over the directed neighbour graph's edges.
  const double scale = -double{weight} * double(d) / double(K);
#pragma omp parallel if (n * n * d >= 65536)
  {
    std::vector<double> sum(d);
#pragma omp for schedule(static)
    for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
      const float* xi = x + size_t(i) * d;
      const double own_radius2 = lists.radius2[size_t(i) * K + K - 1];
      const uint32_t own_index = lists.index[size_t(i) * K + K - 1];
      for (size_t k = 0; k < d; ++k) sum[k] = 0.0;
      for (size_t j = 0; j < n; ++j) {
        if (j == size_t(i)) continue;
        const float* xj = x + j * d;
        const double r2 = squared_distance(xi, xj, d);
        if (r2 == 0.0) continue;
        const int edges =
            int{neighbour_entropy::within(r2, j, own_radius2, own_index)} +
            int{neighbour_entropy::within(r2, size_t(i), lists.radius2[j * K + K - 1], lists.index[j * K + K - 1])};
        if (edges == 0) continue;
        const double w = double(edges) / r2;
        for (size_t k = 0; k < d; ++k) sum[k] += w * (double{xi[k]} - xj[k]);
      }
      for (size_t k = 0; k < d; ++k) grad[size_t(i) * d + k] += static_cast<float>(scale * sum[k]);
    }
  }
  if (!energy) return;
  double log_radii = 0.0;
  for (size_t e = 0; e < n * K; ++e)
    log_radii += 0.5 * std::log(std::fmax(lists.radius2[e], neighbour_entropy::kMinRadius2));
  *energy = -(neighbour_entropy::constant(n, d, K) + double(d) * log_radii / (double(n) * double(K)));
}

}  // namespace swf::cpu
