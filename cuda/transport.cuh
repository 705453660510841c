// The exact 1-D optimal transport on the GPU (the CUDA side of cpu/transport.cpp and of the CPU
// backend's sort_target_projections / transport_displacement), with T(r) from
// core/transport_barycentric.hpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "workspace.cuh"

namespace swf::gpu {

// prefix (L x (m + 1)) <- the float64 running sums of each sorted row (L x m), starting at 0.
void prefix_sums(const DeviceContext& context, const float* sorted_rows, uint64_t L, uint64_t m, double* prefix);

// Each row l of projections (L x n) <- T_l(x_i) - p_il, ranks by value then index. A row that fits in one
// SM is sorted, ranked and transported in one kernel (one block per row, nothing but the result written
// back); longer rows go through CUB's segmented radix sort carrying indices, then a transport kernel.
void transport_displacement(const DeviceContext& context, float* projections, uint64_t L, uint64_t n,
                            const float* sorted_target, const double* prefix, uint64_t m);

// The workspace bytes transport_displacement reserves for L rows of n particles (0 when they go on chip).
size_t transport_workspace_bytes(const DeviceContext& context, uint64_t L, uint64_t n);

// The longest particle row the on-chip kernel takes on the current device, given the shared memory a block
// may opt in to (and the registers the kernel needs); 0 if none.
uint64_t on_chip_transport_limit(size_t shared_bytes_per_block);

}  // namespace swf::gpu
