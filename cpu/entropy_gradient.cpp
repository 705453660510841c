#include "entropy_gradient.hpp"

#include <cmath>
#include <cstdint>

#include "squared_distance.hpp"

namespace swf::cpu {

void entropy_gradient(const float* x, size_t n, size_t d, float bandwidth, float weight, float* grad, double* energy,
                      std::vector<double>& scratch) {
  if (scratch.size() < n) scratch.resize(n);
  const double h2 = double{bandwidth} * bandwidth, inverse_two_h2 = 0.5 / h2;
  // u_i = sum_j exp(-|x_i - x_j|^2 / (2 h^2)) = s_i n (2 pi h^2)^(d/2): the normalisation cancels in the gradient.
#pragma omp parallel for schedule(static) if (n * n * d >= 65536)
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    const float* xi = x + size_t(i) * d;
    double u = 0.0;
    for (size_t j = 0; j < n; ++j) u += std::exp(-squared_distance(xi, x + j * d, d) * inverse_two_h2);
    scratch[size_t(i)] = u;
  }
  // n dH/dx_i = -(1/h^2) sum_j e_ij (x_i - x_j) (1/u_i + 1/u_j), e_ij = exp(-|x_i - x_j|^2 / (2 h^2)).
  const double scale = -double{weight} / h2;
#pragma omp parallel if (n * n * d >= 65536)
  {
    std::vector<double> sum(d);
#pragma omp for schedule(static)
    for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
      const float* xi = x + size_t(i) * d;
      const double inverse_ui = 1.0 / scratch[size_t(i)];
      for (size_t k = 0; k < d; ++k) sum[k] = 0.0;
      for (size_t j = 0; j < n; ++j) {
        if (j == size_t(i)) continue;
        const float* xj = x + j * d;
        const double e = std::exp(-squared_distance(xi, xj, d) * inverse_two_h2) * (inverse_ui + 1.0 / scratch[j]);
        for (size_t k = 0; k < d; ++k) sum[k] += e * (double{xi[k]} - xj[k]);
      }
      for (size_t k = 0; k < d; ++k) grad[size_t(i) * d + k] += static_cast<float>(scale * sum[k]);
    }
  }
  if (!energy) return;
  const double log_normalisation = std::log(double(n)) + 0.5 * double(d) * std::log(2.0 * M_PI * h2);
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) total += std::log(scratch[i]);
  *energy = total / double(n) - log_normalisation;
}

}  // namespace swf::cpu
