#include "wasserstein_1d.hpp"

#include <cmath>
#include <cstdint>

namespace swf::cpu {

double wasserstein_1d_sorted(const float* x, size_t n, const float* y, size_t m, double p) {
  // Positions are in units of 1/(n m): x's atom i ends at (i+1) m, y's atom j at (j+1) n.
  uint64_t position = 0, x_end = m, y_end = n;
  size_t i = 0, j = 0;
  double total = 0.0;
  while (i < n && j < m) {
    const uint64_t next = x_end < y_end ? x_end : y_end;
    const double gap = std::fabs(static_cast<double>(x[i]) - static_cast<double>(y[j]));
    const double cost = p == 2.0 ? gap * gap : (p == 1.0 ? gap : std::pow(gap, p));
    total += static_cast<double>(next - position) * cost;
    position = next;
    if (x_end == next) {
      ++i;
      x_end += m;
    }
    if (y_end == next) {
      ++j;
      y_end += n;
    }
  }
  return total / (static_cast<double>(n) * static_cast<double>(m));
}

}  // namespace swf::cpu
