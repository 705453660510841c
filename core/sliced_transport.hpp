// The sliced transport direction of design section 1.1, steps 2-5: for directions theta, the sum over
// directions of theta_l (T_l(x_i) - <theta_l, x_i>), where T_l is the exact 1-D optimal transport of the
// projected points onto the projected target. The flow's velocity is (c/L) times it; the gradient of
// (1/2) SW_2^2(x, y) along these directions with respect to x_i is -1/(n L) times it. One workspace per
// user, reserved before a loop so that the loop allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backend.hpp"

namespace swf {

class SlicedTransport {
 public:
  explicit SlicedTransport(Backend* backend);

  // The number of directions processed at once for these sizes (direction_block_size with the backend's
  // projection budget).
  uint32_t block_size(uint32_t L, size_t n, size_t m) const;
  // Room for L directions of n points and m targets; call before a loop.
  void reserve(uint32_t L, size_t n, size_t m);

  // sum (n x d) = sum_l theta_l (T_l(x_i) - p_il), theta (L x d), x (n x d), y (m x d): backend memory.
  // With `target_unchanged`, the sorted target projections of the previous call are reused: valid only
  // when theta and y are those of that call and all L directions fit one block (reuses_target()).
  void displacement_sum(const float* theta, uint32_t L, const float* x, size_t n, const float* y, size_t m,
                        size_t d, bool target_unchanged, float* sum);

  // Whether displacement_sum may reuse the target of a previous call with the same L, n and m.
  bool reuses_target(uint32_t L, size_t n, size_t m) const { return block_size(L, n, m) == L; }

 private:
  Backend* backend_;
  Buffer<float> point_projections_, target_projections_;
  Buffer<double> target_prefix_;
};

}  // namespace swf
