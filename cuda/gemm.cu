#include "gemm.cuh"

#include <cstdint>

#include "cuda_check.cuh"

namespace swf::gpu {

void gemm(cublasHandle_t blas, bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha,
          const float* a, const float* b, float beta, float* c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    // c = beta c, done here rather than trusting every cuBLAS version's handling of an empty product; with
    // beta = 0, c is set to zero without being read (as by SGEMM).
    const int64_t count = static_cast<int64_t>(m) * static_cast<int64_t>(n);
    if (beta == 0.0f) {
      cudaStream_t stream = nullptr;
      SWF_CUBLAS_CHECK(cublasGetStream(blas, &stream));
      SWF_CUDA_CHECK(cudaMemsetAsync(c, 0, static_cast<size_t>(count) * sizeof(float), stream));
    } else if (beta != 1.0f) {
      SWF_CUBLAS_CHECK(cublasSscal_64(blas, count, &beta, c, 1));
    }
    return;
  }
  // cuBLAS is column-major: a row-major r x c array is the column-major c x r transpose. So the row-major
  // c (m x n) is the column-major n x m matrix c^T = op(b)^T * op(a)^T: cuBLAS's first operand is b, its
  // second a. b as stored (k x n row-major) is op(b)^T already (leading dimension n), or needs a transpose
  // when transpose_b (stored n x k, leading dimension k); the same for a (m x k: ld k; k x m: ld m).
  const int64_t rows_c = static_cast<int64_t>(n), cols_c = static_cast<int64_t>(m), inner = static_cast<int64_t>(k);
  const int64_t ld_b = transpose_b ? inner : rows_c;
  const int64_t ld_a = transpose_a ? cols_c : inner;
  SWF_CUBLAS_CHECK(cublasSgemm_64(blas, transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N, transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                                  rows_c, cols_c, inner, &alpha, b, ld_b, a, ld_a, &beta, c, rows_c));
}

}  // namespace swf::gpu
