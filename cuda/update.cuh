// The particle update on the GPU (the CUDA side of cpu/update.cpp): x <- x + scale * v + sigma * xi, the
// noise drawn in place from cuRAND's Philox, the same numbers as the CPU's.
#pragma once

#include <cstddef>

#include "philox.hpp"
#include "workspace.cuh"

namespace swf::gpu {

void update_particles(const DeviceContext& context, float* x, const float* velocity, size_t n, size_t d, float scale,
                      float noise_sigma, const RandomDraw& draw);

}  // namespace swf::gpu
