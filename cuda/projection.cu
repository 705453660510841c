#include "projection.cuh"

#include "cuda_check.cuh"

namespace swf::gpu {

void project(cublasHandle_t blas, const float* theta, uint32_t L, const float* points, size_t count, size_t d,
             float* projections) {
  if (L == 0 || count == 0 || d == 0) return;
  // cuBLAS is column-major: a row-major r x c array is its c x r transpose. The row-major L x count result
  // is the column-major count x L matrix points (d x count, transposed) * theta (d x L).
  const float one = 1.0f, zero = 0.0f;
  SWF_CUBLAS_CHECK(cublasSgemm_64(blas, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int64_t>(count),
                                  static_cast<int64_t>(L), static_cast<int64_t>(d), &one, points,
                                  static_cast<int64_t>(d), theta, static_cast<int64_t>(d), &zero, projections,
                                  static_cast<int64_t>(count)));
}

}  // namespace swf::gpu
