// The exact 1-D optimal transport between uniform empirical measures (design section 1.1, step 4), one
// particle at a time: shared by the CPU backend and the CUDA kernels.
#pragma once

#include <cstdint>

#include "host_device.hpp"

namespace swf {

// T(r): the mean of the target's quantile function over the mass interval [r/n, (r+1)/n) of the
// particle of rank r, for a sorted target of m values whose running sums (float64, starting at 0) are
// prefix[0..m]. For n = m this is sorted_target[r], exactly.
SWF_HOST_DEVICE inline double transport_barycentric(uint64_t r, uint64_t n, const float* sorted_target,
                                                    const double* prefix, uint64_t m) {
  // Equal counts: the target value of the same rank (what the general case below gives, without its
  // 64-bit divisions).
  if (n == m) return sorted_target[r];
  // The mass interval, in units of one target atom (1/m), is [r*m/n, (r+1)*m/n) = [k0 + f0/n, k1 + f1/n)
  // with integer parts k and remainders f kept exact in integers.
  const uint64_t begin = r * m, end = (r + 1) * m;
  const uint64_t k0 = begin / n, f0 = begin % n;
  const uint64_t k1 = end / n, f1 = end % n;
  // Inside one atom (always the case when n >= m, except across a boundary): its value, exactly.
  if (k1 == k0 || (k1 == k0 + 1 && f1 == 0)) return sorted_target[k0];
  // First atom's part, the whole atoms strictly between, the last atom's part; divided by the
  // interval's length m/n.
  double integral_times_n = static_cast<double>(sorted_target[k0]) * static_cast<double>(n - f0) +
                            static_cast<double>(n) * (prefix[k1] - prefix[k0 + 1]);
  if (f1 != 0) integral_times_n += static_cast<double>(sorted_target[k1]) * static_cast<double>(f1);
  return integral_times_n / static_cast<double>(m);
}

}  // namespace swf
