// The MLP's general matrix product, row-major, through OpenBLAS (whose threads are libgomp's: see the
// top-level CMakeLists.txt).
#pragma once

#include <cstddef>

namespace swf::cpu {

// c (m x n) = alpha * op(a) * op(b) + beta * c, op(a) m x k, op(b) k x n; a is stored k x m when transposed,
// b n x k. As in BLAS, c is not read when beta = 0, and k = 0 only scales c. The same bits whatever the
// number of threads.
void gemm(bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha, const float* a, const float* b,
          float beta, float* c);

}  // namespace swf::cpu
