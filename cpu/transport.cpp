#include "transport.hpp"

namespace swf::cpu {

void prefix_sums(const float* sorted_target, size_t m, double* prefix) {
  double running = 0.0;
  prefix[0] = 0.0;
  for (size_t j = 0; j < m; ++j) {
    running += sorted_target[j];
    prefix[j + 1] = running;
  }
}

double transport_barycentric(uint64_t r, uint64_t n, const float* sorted_target, const double* prefix,
                             uint64_t m) {
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

}  // namespace swf::cpu
