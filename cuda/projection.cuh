// Projections of a point set on L directions on the GPU: one cuBLAS GEMM.
#pragma once

#include <cublas_v2.h>

#include <cstddef>
#include <cstdint>

namespace swf::gpu {

// projections (L x count) = theta (L x d) * points^T, all row-major device arrays (as cpu/projection.cpp).
void project(cublasHandle_t blas, const float* theta, uint32_t L, const float* points, size_t count, size_t d,
             float* projections);

}  // namespace swf::gpu
