// Exact 1-D Wasserstein distances on the GPU (the CUDA side of cpu/wasserstein_1d.cpp and of the CPU
// backend's wasserstein_1d).
#pragma once

#include <cstdint>

#include "workspace.cuh"

namespace swf::gpu {

// wpp[l] (host memory) <- W_p^p between the uniform measures on row l of x (L x n) and row l of y (L x m);
// both arrays are sorted in place. Waits for the stream (the result is on the host).
void wasserstein_1d(const DeviceContext& context, float* x, uint64_t n, float* y, uint64_t m, uint64_t L, double p,
                    double* wpp);

}  // namespace swf::gpu
