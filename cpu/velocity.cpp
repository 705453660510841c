#include "velocity.hpp"

#include <cblas.h>

namespace swf::cpu {

void accumulate_velocity(const float* displacement, const float* theta, uint32_t L, size_t n, size_t d,
                         bool accumulate, float* velocity) {
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<blasint>(n), static_cast<blasint>(d),
              static_cast<blasint>(L), 1.0f, displacement, static_cast<blasint>(n), theta, static_cast<blasint>(d),
              accumulate ? 1.0f : 0.0f, velocity, static_cast<blasint>(d));
}

}  // namespace swf::cpu
