#include "directions.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "error.hpp"

extern "C" {
// LAPACK, shipped inside OpenBLAS.
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work, const int* lwork,
             int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau, double* work,
             const int* lwork, int* info);
}

namespace swf::cpu {

void draw_gaussian_directions(const RandomDraw& draw, uint32_t L, size_t d, float* theta) {
#pragma omp parallel for schedule(static)
  for (int64_t l = 0; l < static_cast<int64_t>(L); ++l) {
    float* row = theta + static_cast<size_t>(l) * d;
    double norm2 = 0.0;
    for (size_t k = 0; k < d; ++k) {
      const double value = draw.normal(static_cast<uint64_t>(l) * d + k);
      row[k] = static_cast<float>(value);
      norm2 += value * value;
    }
    const double inverse_norm = 1.0 / std::sqrt(norm2);
    for (size_t k = 0; k < d; ++k) row[k] = static_cast<float>(row[k] * inverse_norm);
  }
}

void draw_orthogonal_directions(const RandomDraw& draw, uint32_t L, size_t d, float* theta,
                                std::vector<double>& scratch) {
  const int n = static_cast<int>(d);
  // Matrix (column-major d x d), tau (d), R's diagonal signs (d), and the LAPACK work array (64 d is
  // ample for both calls).
  scratch.resize(d * d + 2 * d + 64 * d);
  double* matrix = scratch.data();
  double* tau = matrix + d * d;
  double* sign = tau + d;
  double* work = sign + d;
  const int lwork = static_cast<int>(64 * d);
  for (uint32_t first = 0; first < L; first += static_cast<uint32_t>(d)) {
    const uint64_t block_offset = static_cast<uint64_t>(first) * d;
    for (size_t e = 0; e < d * d; ++e) matrix[e] = draw.normal(block_offset + e);
    int info = 0;
    dgeqrf_(&n, &n, matrix, &n, tau, work, &lwork, &info);
    if (info != 0) fail(SWF_ERR_INTERNAL, "LAPACK dgeqrf failed with info " + std::to_string(info));
    // Householder QR gives a Haar Q once the sign of R's diagonal is moved into Q's columns.
    for (size_t k = 0; k < d; ++k) sign[k] = matrix[k * d + k] < 0.0 ? -1.0 : 1.0;
    dorgqr_(&n, &n, &n, matrix, &n, tau, work, &lwork, &info);
    if (info != 0) fail(SWF_ERR_INTERNAL, "LAPACK dorgqr failed with info " + std::to_string(info));
    const size_t rows = std::min<size_t>(d, L - first);
    for (size_t k = 0; k < rows; ++k) {
      for (size_t j = 0; j < d; ++j) theta[(first + k) * d + j] = static_cast<float>(sign[k] * matrix[k * d + j]);
    }
  }
}

void draw_points(swf_init law, float scale, const RandomDraw& draw, size_t count, size_t d, float* points) {
  const int64_t total = static_cast<int64_t>(count * d);
#pragma omp parallel for schedule(static)
  for (int64_t e = 0; e < total; ++e) {
    const double value = law == SWF_INIT_UNIFORM ? 2.0 * draw.uniform(e) - 1.0 : draw.normal(e);
    points[e] = static_cast<float>(scale * value);
  }
}

}  // namespace swf::cpu
