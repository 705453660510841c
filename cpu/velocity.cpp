#include "velocity.hpp"

#include "gemm.hpp"

namespace swf::cpu {

void accumulate_velocity(const float* displacement, const float* theta, uint32_t L, size_t n, size_t d,
                         bool accumulate, float* velocity) {
  // cpu::gemm: the same bits whatever the thread count, even for L in the thousands.
  gemm(true, false, n, d, L, 1.0f, displacement, theta, accumulate ? 1.0f : 0.0f, velocity);
}

}  // namespace swf::cpu
