// SW-JKO's interaction energy 1/2 E[W(X - X')], W(z) = |z|^a / a - |z|^b / b (aggregation kernels; an exponent
// 0 stands for log|z|, so a = 2, b = 0 is |z|^2 / 2 - log|z|).
#pragma once

#include <cstddef>
#include <vector>

namespace swf::cpu {

// grad (n x d) += weight (1/n) sum_{j != i} z (|z|^(a-2) - |z|^(b-2)), z = x_i - x_j, which is n times the
// gradient of the empirical energy 1/(2 n^2) sum_{i != j} W(x_i - x_j) with respect to x_i; *energy (when not
// NULL) receives that energy. O(n^2 d), parallel over i, each sum in j order: deterministic whatever the thread
// count. Coincident points are skipped.
void interaction_gradient(const float* x, size_t n, size_t d, float a, float b, float weight, float* grad,
                          double* energy, std::vector<double>& scratch);

}  // namespace swf::cpu
