// SW-JKO's nearest-neighbour (Kozachenko-Leonenko) negative entropy on the GPU (the CUDA side of
// cpu/neighbour_entropy_gradient.cpp): two O(n^2 d) passes, every particle's K nearest neighbours first (the same
// lists as the CPU's, by the same float64 distances in the same j order), then the exact gradient over the
// neighbour graph's edges with them. The gradient's float64 operations are the CPU's, in its order and without
// fused multiply-adds; the energy adds the logarithms in another fixed order.
#pragma once

#include <cstddef>
#include <cstdint>

#include "workspace.cuh"

namespace swf::gpu {

// The K nearest neighbours a thread keeps in its sorted list (the C ABI's bound on K).
constexpr uint32_t kMaxNeighbours = 64;

// grad (n x d) += weight n d(-H)/dx_i = -(weight d / K) sum_j m_ij (x_i - x_j) / |x_i - x_j|^2 with
// m_ij = [j among i's K] + [i among j's K]; *energy (host memory, when not NULL) = -H. K in [1, kMaxNeighbours],
// K < n. Uses the workspace (the lists, the sums for d > 16, the energy's partials); waits for the stream when it
// returns an energy.
void neighbour_entropy_gradient(const DeviceContext& context, const float* x, size_t n, size_t d, uint32_t neighbours,
                                float weight, float* grad, double* energy);

}  // namespace swf::gpu
