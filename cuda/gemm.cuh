// The learned flow's GEMMs on the GPU (the CUDA side of the CPU backend's CBLAS gemm): one cuBLAS SGEMM.
#pragma once

#include <cublas_v2.h>

#include <cstddef>

namespace swf::gpu {

// c (m x n) = alpha * op(a) * op(b) + beta * c, all row-major device arrays, op(a) m x k (a is k x m when
// transpose_a), op(b) k x n (b is n x k when transpose_b). With beta = 0, c is not read. Queued on the
// handle's stream; the handle's math mode applies (CudaBackend::set_tf32).
void gemm(cublasHandle_t blas, bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha,
          const float* a, const float* b, float beta, float* c);

}  // namespace swf::gpu
