// SW-JKO's negative entropy, int rho log rho, of the Gaussian kernel density estimate of the particles.
#pragma once

#include <cstddef>
#include <vector>

namespace swf::cpu {

// With s_i = (1/n) sum_j K_h(x_i - x_j) (j = i included), K_h the N(0, h^2 I) density, the estimate is
// H = (1/n) sum_i log s_i, and n dH/dx_i = -(1/(n h^2)) sum_j K_h(x_i - x_j) (x_i - x_j) (1/s_i + 1/s_j):
// grad (n x d) += weight times that; *energy (when not NULL) = H. Two O(n^2 d) passes (the s_j first, kept in
// `scratch`), parallel over i, sums in j order: deterministic whatever the thread count.
void entropy_gradient(const float* x, size_t n, size_t d, float bandwidth, float weight, float* grad, double* energy,
                      std::vector<double>& scratch);

}  // namespace swf::cpu
