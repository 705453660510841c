// The sliced Wasserstein distance (design section 1.2), backend-neutral.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backend.hpp"

namespace swf {

// SW_p between the uniform measures on x (n x d) and y (m x d), both in the backend's memory, along
// the L directions theta (L x d, backend memory). Blocks of directions bound the workspace.
double sliced_wasserstein(Backend& backend, const float* x, size_t n, const float* y, size_t m, size_t d,
                          const float* theta, uint32_t L, double p);

}  // namespace swf
