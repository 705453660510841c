// Column sums on the GPU (the CUDA side of the CPU backend's column_sums: the MLP's bias gradients).
// Deterministic: every column is summed in a fixed order that depends on the shape only (not on the device,
// not on timing; no atomics), so the same inputs give the same bits on every run and every GPU.
#pragma once

#include <cstddef>

#include "workspace.cuh"

namespace swf::gpu {

// sums (cols) = the column sums of x (rows x cols, row-major), added to sums when accumulate. Float64
// accumulation, rounded to float once (after adding the old sums when accumulating). Uses the workspace.
void column_sums(const DeviceContext& context, const float* x, size_t rows, size_t cols, bool accumulate, float* sums);

}  // namespace swf::gpu
