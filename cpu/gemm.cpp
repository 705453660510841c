#include "gemm.hpp"

#include <cblas.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>

#include "error.hpp"

namespace swf::cpu {

namespace {
blasint blas_size(size_t value) {
  if (value > static_cast<size_t>(INT_MAX))
    fail(SWF_ERR_UNSUPPORTED, "a GEMM dimension of " + std::to_string(value) + " exceeds OpenBLAS's 32-bit sizes");
  return static_cast<blasint>(value);
}
}  // namespace

void gemm(bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha, const float* a, const float* b,
          float beta, float* c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    // BLAS would do the same, but its argument checks reject the leading dimension 0 of an empty a.
    for (size_t e = 0; e < m * n; ++e) c[e] = beta == 0.0f ? 0.0f : beta * c[e];
    return;
  }
  const blasint lda = blas_size(transpose_a ? m : k), ldb = blas_size(transpose_b ? k : n), ldc = blas_size(n);
  // OpenBLAS's threaded drivers split the work by the thread count, and on some CPUs (seen on a Xeon with
  // AVX-512, where Debian's OpenBLAS 0.3.21 falls back to its Prescott kernels) the rounding follows the
  // split, even for short inner dimensions. Fixed tiles of C, one single-threaded call each, give the same
  // bits whatever the thread count: OpenBLAS runs one thread inside an active OpenMP region (so the region
  // is opened even for one tile) and with one OpenMP thread. Against one threaded call on 2 cores the tiles
  // took 0.8x to 1.25x the time (m, n, k from 64 to 10,000).
  constexpr size_t tile_rows = 64, tile_cols = 128;
  const size_t row_tiles = (m + tile_rows - 1) / tile_rows, col_tiles = (n + tile_cols - 1) / tile_cols;
  const size_t tiles = row_tiles * col_tiles;
#pragma omp parallel for schedule(static)
  for (int64_t tile = 0; tile < static_cast<int64_t>(tiles); ++tile) {
    const size_t row = static_cast<size_t>(tile) / col_tiles * tile_rows;
    const size_t col = static_cast<size_t>(tile) % col_tiles * tile_cols;
    const float* a_tile = a + (transpose_a ? row : row * k);
    const float* b_tile = b + (transpose_b ? col * k : col);
    cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans,
                blas_size(std::min(tile_rows, m - row)), blas_size(std::min(tile_cols, n - col)), blas_size(k), alpha,
                a_tile, lda, b_tile, ldb, beta, c + row * n + col, ldc);
  }
}

}  // namespace swf::cpu
