#include "interaction_gradient.hpp"

#include <cmath>
#include <cstdint>

namespace swf::cpu {
namespace {

// |z|^(p - 2) from r2 = |z|^2; the exponents of the usual kernels (p = 0, 2, 4) without a pow().
inline double radial_factor(double r2, double p) {
  if (p == 2.0) return 1.0;
  if (p == 4.0) return r2;
  if (p == 0.0) return 1.0 / r2;
  return std::pow(r2, 0.5 * p - 1.0);
}

// |z|^p / p, or log|z| for p = 0.
inline double kernel_term(double r2, double p) {
  if (p == 0.0) return 0.5 * std::log(r2);
  if (p == 2.0) return 0.5 * r2;
  if (p == 4.0) return 0.25 * r2 * r2;
  return std::pow(r2, 0.5 * p) / p;
}

}  // namespace

void interaction_gradient(const float* x, size_t n, size_t d, float a, float b, float weight, float* grad,
                          double* energy, std::vector<double>& scratch) {
  if (scratch.size() < n) scratch.resize(n);
  const double pa = a, pb = b, scale = double{weight} / double(n);
  const bool want_energy = energy != nullptr;
#pragma omp parallel if (n * n * d >= 65536)
  {
    std::vector<double> sum(d);
#pragma omp for schedule(static)
    for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
      const float* xi = x + size_t(i) * d;
      for (size_t k = 0; k < d; ++k) sum[k] = 0.0;
      double value = 0.0;
      for (size_t j = 0; j < n; ++j) {
        if (j == size_t(i)) continue;
        const float* xj = x + j * d;
        double r2 = 0.0;
        for (size_t k = 0; k < d; ++k) {
          const double z = double{xi[k]} - xj[k];
          r2 += z * z;
        }
        if (r2 == 0.0) continue;
        const double factor = radial_factor(r2, pa) - radial_factor(r2, pb);
        for (size_t k = 0; k < d; ++k) sum[k] += factor * (double{xi[k]} - xj[k]);
        if (want_energy) value += kernel_term(r2, pa) - kernel_term(r2, pb);
      }
      for (size_t k = 0; k < d; ++k) grad[size_t(i) * d + k] += static_cast<float>(scale * sum[k]);
      scratch[size_t(i)] = value;
    }
  }
  if (!want_energy) return;
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) total += scratch[i];
  *energy = total / (2.0 * double(n) * double(n));
}

}  // namespace swf::cpu
