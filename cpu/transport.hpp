// The exact 1-D optimal transport between uniform empirical measures (design section 1.1, step 4).
#pragma once

#include <cstddef>
#include <cstdint>

namespace swf::cpu {

// prefix[0..m] = running sums of sorted_target[0..m), in float64, starting at 0.
void prefix_sums(const float* sorted_target, size_t m, double* prefix);

// T(r): the mean of the target's quantile function over the mass interval [r/n, (r+1)/n) of the
// particle of rank r, for a sorted target of m values. For n = m this is sorted_target[r], exactly.
double transport_barycentric(uint64_t r, uint64_t n, const float* sorted_target, const double* prefix,
                             uint64_t m);

}  // namespace swf::cpu
