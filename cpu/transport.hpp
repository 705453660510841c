// The exact 1-D optimal transport between uniform empirical measures (design section 1.1, step 4).
#pragma once

#include <cstddef>
#include <cstdint>

#include "transport_barycentric.hpp"

namespace swf::cpu {

// prefix[0..m] = running sums of sorted_target[0..m), in float64, starting at 0.
void prefix_sums(const float* sorted_target, size_t m, double* prefix);

// T(r), shared with the CUDA kernels (core/transport_barycentric.hpp).
using swf::transport_barycentric;

}  // namespace swf::cpu
