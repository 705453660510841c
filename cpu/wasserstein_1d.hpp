// Exact 1-D Wasserstein distance between uniform empirical measures of sorted samples.
#pragma once

#include <cstddef>

namespace swf::cpu {

// W_p^p between the uniform measures on sorted x (n values) and sorted y (m values), n != m allowed:
// the integral over u in [0, 1] of |F_x^-1(u) - F_y^-1(u)|^p, walked over the merged breakpoints
// {i/n} and {j/m} kept exact in integers.
double wasserstein_1d_sorted(const float* x, size_t n, const float* y, size_t m, double p);

}  // namespace swf::cpu
