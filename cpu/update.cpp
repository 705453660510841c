#include "update.hpp"

#include <cstdint>

namespace swf::cpu {

void update_particles(float* x, const float* velocity, size_t n, size_t d, float scale, float noise_sigma,
                      const RandomDraw& draw) {
  const int64_t total = static_cast<int64_t>(n * d);
  if (noise_sigma == 0.0f) {
#pragma omp parallel for schedule(static)
    for (int64_t e = 0; e < total; ++e) x[e] += scale * velocity[e];
    return;
  }
#pragma omp parallel for schedule(static)
  for (int64_t e = 0; e < total; ++e)
    x[e] += scale * velocity[e] + noise_sigma * static_cast<float>(draw.normal(static_cast<uint64_t>(e)));
}

}  // namespace swf::cpu
