// |x_i - x_j|^2 of two float points in float64, in k order: the pairwise functionals of SW-JKO share it (the CUDA
// kernels compute the same numbers, cuda/particle_sums.cuh).
#pragma once

#include <cstddef>

namespace swf::cpu {

inline double squared_distance(const float* xi, const float* xj, size_t d) {
  double r2 = 0.0;
  for (size_t k = 0; k < d; ++k) {
    const double z = double{xi[k]} - xj[k];
    r2 += z * z;
  }
  return r2;
}

}  // namespace swf::cpu
