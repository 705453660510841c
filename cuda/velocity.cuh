// The velocity field on the GPU: displacements along each direction summed back into R^d, one cuBLAS GEMM.
#pragma once

#include <cublas_v2.h>

#include <cstddef>
#include <cstdint>

namespace swf::gpu {

// velocity (n x d) = displacement^T (n x L) * theta (L x d) + (accumulate ? velocity : 0), all row-major
// device arrays (as cpu/velocity.cpp).
void accumulate_velocity(cublasHandle_t blas, const float* displacement, const float* theta, uint32_t L, size_t n,
                         size_t d, bool accumulate, float* velocity);

}  // namespace swf::gpu
