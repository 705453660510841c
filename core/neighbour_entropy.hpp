// What the CPU and CUDA backends share of the nearest-neighbour (Kozachenko-Leonenko) negative entropy
// (cpu/neighbour_entropy_gradient.hpp has the formulas): the neighbour order, the floor of a coincident pair's
// distance in the energy, and the estimate's constant.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "host_device.hpp"

namespace swf::neighbour_entropy {

// Squared distances below this count as this in the energy's logarithms (a distance of 1e-150).
constexpr double kMinRadius2 = 1e-300;

// Neighbours are ordered by (squared distance, index). True when particle j, at squared distance r2, is among those
// of a particle whose K-th neighbour is (radius2_K, index_K).
SWF_HOST_DEVICE inline bool within(double r2, uint64_t j, double radius2_K, uint32_t index_K) {
  return r2 < radius2_K || (r2 == radius2_K && j <= index_K);
}

// Puts particle j at squared distance r2 into a list of the K nearest sorted by (squared distance, index), `kept`
// of them so far; the candidates must come in ascending j, so that an equal distance goes after those kept.
SWF_HOST_DEVICE inline void insert(double* radius2, uint32_t* index, uint32_t& kept, uint32_t K, double r2,
                                   uint32_t j) {
  if (kept == K && r2 >= radius2[K - 1]) return;
  uint32_t slot = kept < K ? kept++ : K - 1;
  for (; slot > 0 && radius2[slot - 1] > r2; --slot) {
    radius2[slot] = radius2[slot - 1];
    index[slot] = index[slot - 1];
  }
  radius2[slot] = r2;
  index[slot] = j;
}

// -H's constant part, (1/K) sum_{k=1..K} [psi(n) - psi(k)] + log V_d with V_d the unit ball's volume, where
// psi(n) - psi(k) = sum_{j=k}^{n-1} 1/j (summed from the small terms up). Needs 1 <= K < n.
inline double constant(size_t n, size_t d, uint32_t K) {
  double tail = 0.0, total = 0.0;
  for (size_t j = n - 1; j >= K; --j) tail += 1.0 / double(j);
  for (uint32_t k = K;; --k) {
    total += tail;
    if (k == 1) break;
    tail += 1.0 / double(k - 1);
  }
  const double half_d = 0.5 * double(d);
  return total / double(K) + half_d * std::log(M_PI) - std::lgamma(half_d + 1.0);
}

}  // namespace swf::neighbour_entropy
