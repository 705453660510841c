// SW-JKO's potential energy E[V] on the GPU, V(x) = 1/2 (x - b)^T A (x - b) (the CUDA side of
// cpu/potential_gradient.cpp). The float64 operations are the CPU's, in its order and without fused multiply-adds, so
// each gradient entry agrees with the CPU's to the bit; the energy adds the same per-particle values in another (fixed)
// order.
#pragma once

#include <cstddef>

#include "workspace.cuh"

namespace swf::gpu {

// grad (n x d) += weight A (x_i - b), A (d x d) and b (d) in device memory; *energy (host memory, when not NULL) =
// (1/n) sum_i V(x_i), the float64 per-particle values added in a fixed order that depends on n only. Uses the workspace
// for the energy, and then waits for the stream.
void potential_gradient(const DeviceContext& context, const float* x, size_t n, size_t d, const float* A,
                        const float* b, float weight, float* grad, double* energy);

}  // namespace swf::gpu
