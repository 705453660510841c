// Small problems run on one thread: an OpenMP region costs more than their work, and far more on a busy machine.
#include "potential_gradient.hpp"

#include <cstdint>

namespace swf::cpu {

void potential_gradient(const float* x, size_t n, size_t d, const float* A, const float* b, float weight, float* grad,
                        double* energy, std::vector<double>& scratch) {
  if (scratch.size() < n) scratch.resize(n);
#pragma omp parallel for schedule(static) if (n * d * d >= 65536)
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    const float* xi = x + size_t(i) * d;
    double value = 0.0;
    for (size_t r = 0; r < d; ++r) {
      double row = 0.0;
      for (size_t c = 0; c < d; ++c) row += double{A[r * d + c]} * (double{xi[c]} - b[c]);
      grad[size_t(i) * d + r] += static_cast<float>(weight * row);
      value += (double{xi[r]} - b[r]) * row;
    }
    scratch[size_t(i)] = 0.5 * value;
  }
  if (!energy) return;
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) total += scratch[i];
  *energy = total / double(n);
}

}  // namespace swf::cpu
