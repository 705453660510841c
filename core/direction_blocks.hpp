// Directions are processed in blocks so that the L x N projection matrices stay within a memory
// budget at any N; each block is one GEMM and one batch of per-direction sorts. The budget is the
// backend's (Backend::projection_budget): the CPU's is kProjectionBudget, a GPU's grows with its memory,
// since a block's rows are what its kernels spread over the device.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace swf {

// Projection entries one block may hold for the larger of the two point sets (64 Mi floats).
constexpr size_t kProjectionBudget = size_t{1} << 26;

inline uint32_t direction_block_size(uint32_t L, size_t larger_count, size_t budget = kProjectionBudget) {
  const size_t fit = std::max<size_t>(1, budget / std::max<size_t>(1, larger_count));
  return static_cast<uint32_t>(std::min<size_t>(L, fit));
}

}  // namespace swf
