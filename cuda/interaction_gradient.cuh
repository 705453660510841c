// SW-JKO's interaction energy 1/2 E[W(X - X')] on the GPU, W(z) = |z|^a / a - |z|^b / b (an exponent 0 stands for
// log|z|): the CUDA side of cpu/interaction_gradient.cpp. Each particle's sums run over j in the CPU's order with its
// float64 operations (no fused multiply-adds), so gradients agree with the CPU's up to the device's pow/log rounding
// (exact for the exponents 2 and 4); the energy adds the per-particle sums in another fixed order.
#pragma once

#include <cstddef>

#include "workspace.cuh"

namespace swf::gpu {

// grad (n x d) += weight (1/n) sum_{j != i} z (|z|^(a-2) - |z|^(b-2)), z = x_i - x_j, coincident points skipped;
// *energy (host memory, when not NULL) = 1/(2 n^2) sum_{i != j} W(x_i - x_j), added in a fixed order that depends on n
// only. O(n^2 d): x_j goes through shared-memory tiles. Uses the workspace (for d > 16 and for the energy); waits for
// the stream when it returns an energy.
void interaction_gradient(const DeviceContext& context, const float* x, size_t n, size_t d, float a, float b,
                          float weight, float* grad, double* energy);

}  // namespace swf::gpu
