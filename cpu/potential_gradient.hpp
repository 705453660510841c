// SW-JKO's potential energy E[V], V(x) = 1/2 (x - b)^T A (x - b): the Ornstein-Uhlenbeck drift.
#pragma once

#include <cstddef>
#include <vector>

namespace swf::cpu {

// grad (n x d) += weight A (x_i - b); *energy (when not NULL) = (1/n) sum_i V(x_i), summed in double in
// particle order (per-particle values in `scratch`), so the result does not depend on the thread count.
void potential_gradient(const float* x, size_t n, size_t d, const float* A, const float* b, float weight, float* grad,
                        double* energy, std::vector<double>& scratch);

}  // namespace swf::cpu
