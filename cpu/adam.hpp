// Adam (Kingma and Ba 2015, Algorithm 1, with its bias corrections) over a flat parameter buffer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backend.hpp"

namespace swf::cpu {

// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps),
// elementwise over `count` parameters; step >= 1. The bias corrections are taken in double.
void adam_update(float* weights, const float* gradient, float* first_moment, float* second_moment, size_t count,
                 const AdamParams& adam, uint64_t step);

}  // namespace swf::cpu
