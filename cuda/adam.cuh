// Adam on the GPU (the CUDA side of cpu/adam.cpp): one elementwise pass over the flat parameter buffer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backend.hpp"
#include "workspace.cuh"

namespace swf::gpu {

// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps),
// elementwise over `count` parameters; step >= 1 (else SWF_ERR_INVALID_ARGUMENT). The bias corrections are
// taken in double on the host and every float operation is the CPU's, one rounding each: the two backends
// agree to the bit.
void adam_update(const DeviceContext& context, float* weights, const float* gradient, float* first_moment,
                 float* second_moment, size_t count, const AdamParams& adam, uint64_t step);

}  // namespace swf::gpu
