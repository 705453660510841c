// SW-JKO's negative entropy of the Gaussian kernel density estimate on the GPU (the CUDA side of
// cpu/entropy_gradient.cpp): two O(n^2 d) passes, the unnormalised densities u_i = sum_j exp(-|x_i - x_j|^2 / (2 h^2))
// first (j = i included), then the exact gradient with them. Each particle's sums run over j in the CPU's order with
// its float64 operations (no fused multiply-adds), so results agree with the CPU's up to the device's exp/log rounding;
// the energy adds the log u_i in another fixed order.
#pragma once

#include <cstddef>

#include "workspace.cuh"

namespace swf::gpu {

// grad (n x d) += weight n dH/dx_i = -(weight/h^2) sum_{j != i} e_ij (x_i - x_j) (1/u_i + 1/u_j), e_ij = exp(-|x_i -
// x_j|^2 / (2 h^2)); *energy (host memory, when not NULL) = H = (1/n) sum_i log(u_i) - log(n) - (d/2) log(2 pi h^2),
// the log u_i added in a fixed order that depends on n only. Uses the workspace (the u_i, the sums for d > 16, the
// energy's partials); waits for the stream when it returns an energy.
void entropy_gradient(const DeviceContext& context, const float* x, size_t n, size_t d, float bandwidth, float weight,
                      float* grad, double* energy);

}  // namespace swf::gpu
