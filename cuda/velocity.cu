#include "velocity.cuh"

#include "cuda_check.cuh"

namespace swf::gpu {

void accumulate_velocity(cublasHandle_t blas, const float* displacement, const float* theta, uint32_t L, size_t n,
                         size_t d, bool accumulate, float* velocity) {
  if (L == 0 || n == 0 || d == 0) return;
  // Column-major view: the row-major n x d velocity is the d x n matrix theta (d x L) * displacement
  // (n x L, transposed). With beta = 0 cuBLAS does not read the old velocity.
  const float one = 1.0f, beta = accumulate ? 1.0f : 0.0f;
  SWF_CUBLAS_CHECK(cublasSgemm_64(blas, CUBLAS_OP_N, CUBLAS_OP_T, static_cast<int64_t>(d), static_cast<int64_t>(n),
                                  static_cast<int64_t>(L), &one, theta, static_cast<int64_t>(d), displacement,
                                  static_cast<int64_t>(n), &beta, velocity, static_cast<int64_t>(d)));
}

}  // namespace swf::gpu
