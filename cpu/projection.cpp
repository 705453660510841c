#include "projection.hpp"

#include "gemm.hpp"

namespace swf::cpu {

void project(const float* theta, uint32_t L, const float* points, size_t count, size_t d, float* projections) {
  // Through cpu::gemm, whose fixed slicing of the inner dimension keeps the bits independent of the
  // thread count (OpenBLAS alone splits long inner dimensions differently with more threads).
  gemm(false, true, L, count, d, 1.0f, theta, points, 0.0f, projections);
}

}  // namespace swf::cpu
