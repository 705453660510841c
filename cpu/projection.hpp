// Projections of a point set on L directions: one GEMM (OpenBLAS).
#pragma once

#include <cstddef>
#include <cstdint>

namespace swf::cpu {

// projections (L x count) = theta (L x d) * points^T.
void project(const float* theta, uint32_t L, const float* points, size_t count, size_t d, float* projections);

}  // namespace swf::cpu
