// Per-row sorts of float rows on the GPU (the CUDA side of cpu/radix_sort.cpp): L rows of `length`
// values each, sorted ascending in place. Rows that fit in one SM's shared memory are sorted on chip,
// one thread block per row (cub::BlockRadixSort); longer rows by CUB's segmented radix sort.
#pragma once

#include <cstddef>
#include <cstdint>

#include "workspace.cuh"

namespace swf::gpu {

void sort_rows(const DeviceContext& context, float* rows, uint64_t L, uint64_t length);

// The workspace bytes sort_rows(context, rows, L, length) reserves (0 when the rows are sorted on chip).
size_t sort_rows_workspace_bytes(const DeviceContext& context, uint64_t L, uint64_t length);

// offsets[s] = s * length for s = 0..count: the bounds of `count` consecutive rows for CUB's segmented sorts.
void row_offsets(const DeviceContext& context, int* offsets, uint64_t count, uint64_t length);

// The longest row the on-chip kernel takes on the current device, given the shared memory a block may opt
// in to (and the registers the kernel needs); 0 if none.
uint64_t on_chip_sort_limit(size_t shared_bytes_per_block);

}  // namespace swf::gpu
