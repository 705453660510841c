// The particle update x <- x + scale * v + sigma * xi, with the noise drawn in place (no N x d noise
// array is stored).
#pragma once

#include <cstddef>

#include "philox.hpp"

namespace swf::cpu {

void update_particles(float* x, const float* velocity, size_t n, size_t d, float scale, float noise_sigma,
                      const RandomDraw& draw);

}  // namespace swf::cpu
