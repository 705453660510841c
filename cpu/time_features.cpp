#include "time_features.hpp"

#include <cmath>

namespace swf::cpu {

namespace {
constexpr double pi = 3.14159265358979323846;
// Row loops are parallel only where a row's work, times the rows, pays for waking the threads.
constexpr size_t parallel_work = 16384;
}  // namespace

void time_features(const float* x0, const float* t, size_t n, size_t d, uint32_t frequencies, float time_scale,
                   float* features) {
  const size_t width = d + 1 + 2 * size_t{frequencies};
#pragma omp parallel for schedule(static) if (n * width >= parallel_work)
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    const size_t row = static_cast<size_t>(i);
    float* out = features + row * width;
    for (size_t k = 0; k < d; ++k) out[k] = x0[row * d + k];
    const double tau = static_cast<double>(t[row]) / static_cast<double>(time_scale);
    out[d] = static_cast<float>(tau);
    double frequency = pi;
    for (uint32_t f = 0; f < frequencies; ++f, frequency *= 2.0) {
      out[d + 1 + 2 * f] = static_cast<float>(std::sin(frequency * tau));
      out[d + 2 + 2 * f] = static_cast<float>(std::cos(frequency * tau));
    }
  }
}

void time_gate(const float* x0, const float* t, const float* g, size_t n, size_t d, float time_scale, float* out) {
#pragma omp parallel for schedule(static) if (n * d >= parallel_work)
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    const size_t row = static_cast<size_t>(i);
    const float tau = t[row] / time_scale;
    for (size_t k = 0; k < d; ++k) out[row * d + k] = x0[row * d + k] + tau * g[row * d + k];
  }
}

double regression_gradient(const float* out, const float* y, const float* t, size_t n, size_t d, float time_scale,
                           float* grad_g, std::vector<double>& row_losses) {
  if (row_losses.size() < n) row_losses.resize(n);
  const float scale = static_cast<float>(2.0 / (static_cast<double>(n) * static_cast<double>(d)));
#pragma omp parallel for schedule(static) if (n * d >= parallel_work)
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    const size_t row = static_cast<size_t>(i);
    const float gate = scale * (t[row] / time_scale);
    double loss = 0.0;
    for (size_t k = 0; k < d; ++k) {
      const float residual = out[row * d + k] - y[row * d + k];
      loss += static_cast<double>(residual) * residual;
      grad_g[row * d + k] = gate * residual;
    }
    row_losses[row] = loss;
  }
  double total = 0.0;
  for (size_t row = 0; row < n; ++row) total += row_losses[row];
  return total / (static_cast<double>(n) * static_cast<double>(d));
}

}  // namespace swf::cpu
