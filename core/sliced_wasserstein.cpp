#include "sliced_wasserstein.hpp"

#include <cmath>
#include <vector>

#include "direction_blocks.hpp"

namespace swf {

double sliced_wasserstein(Backend& backend, const float* x, size_t n, const float* y, size_t m, size_t d,
                          const float* theta, uint32_t L, double p) {
  const uint32_t block = direction_block_size(L, std::max(n, m), backend.projection_budget());
  Buffer<float> x_projections(&backend, size_t{block} * n);
  Buffer<float> y_projections(&backend, size_t{block} * m);
  std::vector<double> wpp(block);
  // Summed in direction order so that the result does not depend on the thread count.
  double total = 0.0;
  for (uint32_t first = 0; first < L; first += block) {
    const uint32_t count = std::min(block, L - first);
    const float* theta_block = theta + size_t{first} * d;
    backend.project(theta_block, count, x, n, d, x_projections.data());
    backend.project(theta_block, count, y, m, d, y_projections.data());
    backend.wasserstein_1d(x_projections.data(), n, y_projections.data(), m, count, p, wpp.data());
    for (uint32_t l = 0; l < count; ++l) total += wpp[l];
  }
  return std::pow(total / L, 1.0 / p);
}

}  // namespace swf
