#include "sliced_transport.hpp"

#include <algorithm>

#include "direction_blocks.hpp"

namespace swf {

SlicedTransport::SlicedTransport(Backend* backend)
    : backend_(backend), point_projections_(backend), target_projections_(backend), target_prefix_(backend) {}

uint32_t SlicedTransport::block_size(uint32_t L, size_t n, size_t m) const {
  return direction_block_size(L, std::max(n, m), backend_->projection_budget());
}

void SlicedTransport::reserve(uint32_t L, size_t n, size_t m) {
  const uint32_t block = block_size(L, n, m);
  point_projections_.reserve(size_t{block} * n);
  target_projections_.reserve(size_t{block} * m);
  target_prefix_.reserve(size_t{block} * (m + 1));
}

void SlicedTransport::displacement_sum(const float* theta, uint32_t L, const float* x, size_t n, const float* y,
                                       size_t m, size_t d, bool target_unchanged, float* sum) {
  reserve(L, n, m);
  const uint32_t block = block_size(L, n, m);
  for (uint32_t first = 0; first < L; first += block) {
    const uint32_t count = std::min(block, L - first);
    const float* theta_block = theta + size_t{first} * d;
    if (!(target_unchanged && block == L)) {
      backend_->project(theta_block, count, y, m, d, target_projections_.data());
      backend_->sort_target_projections(target_projections_.data(), count, m, target_prefix_.data());
    }
    backend_->project(theta_block, count, x, n, d, point_projections_.data());
    backend_->transport_displacement(point_projections_.data(), count, n, target_projections_.data(),
                                     target_prefix_.data(), m);
    backend_->accumulate_velocity(point_projections_.data(), theta_block, count, n, d, first > 0, sum);
  }
}

}  // namespace swf
