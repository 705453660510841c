// The velocity field: displacements along each direction summed back into R^d, one GEMM (OpenBLAS).
#pragma once

#include <cstddef>
#include <cstdint>

namespace swf::cpu {

// velocity (n x d) = displacement^T (n x L) * theta (L x d) + (accumulate ? velocity : 0).
void accumulate_velocity(const float* displacement, const float* theta, uint32_t L, size_t n, size_t d,
                         bool accumulate, float* velocity);

}  // namespace swf::cpu
