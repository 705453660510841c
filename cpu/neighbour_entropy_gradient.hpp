// SW-JKO's negative entropy, int rho log rho, by the Kozachenko-Leonenko nearest-neighbour estimate, averaged
// over the first K neighbours. Unlike the kernel density estimate its gradient keeps the scale of the score
// grad log rho in any dimension (a kernel narrower than the particles' spacing sees only the particle itself).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace swf::cpu {

// The K nearest neighbours of every particle, in the order (squared distance, index): radius2[i K + k] and
// index[i K + k] of the (k+1)-th. Kept between the estimate's two passes.
struct NeighbourLists {
  std::vector<double> radius2;
  std::vector<uint32_t> index;
};

// With r_{i,k} the distance from x_i to its k-th nearest neighbour (k = 1 .. K, K < n), the estimate is
// H = (1/K) sum_k [psi(n) - psi(k) + log V_d + (d/n) sum_i log r_{i,k}], V_d the volume of the unit ball, and
// n d(-H)/dx_i = -(d/K) sum_j m_ij (x_i - x_j) / |x_i - x_j|^2, m_ij = [j among i's K] + [i among j's K]:
// grad (n x d) += weight times that; *energy (when not NULL) = -H. Coincident pairs add nothing to the
// gradient and count as a distance of 1e-150 in the energy. Two O(n^2 d) passes, parallel over i, sums in j
// order: deterministic whatever the thread count.
void neighbour_entropy_gradient(const float* x, size_t n, size_t d, uint32_t neighbours, float weight, float* grad,
                                double* energy, NeighbourLists& lists);

}  // namespace swf::cpu
