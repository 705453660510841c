#include "projection.hpp"

#include <cblas.h>

namespace swf::cpu {

void project(const float* theta, uint32_t L, const float* points, size_t count, size_t d, float* projections) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<blasint>(L), static_cast<blasint>(count),
              static_cast<blasint>(d), 1.0f, theta, static_cast<blasint>(d), points, static_cast<blasint>(d), 0.0f,
              projections, static_cast<blasint>(count));
}

}  // namespace swf::cpu
