// Random directions and random point sets on the GPU: the same numbers as cpu/directions.cpp, from
// cuRAND's Philox (cuda/philox_device.cuh) and cuSOLVER's QR.
#pragma once

#include <cusolverDn.h>

#include <cstddef>
#include <cstdint>

#include "philox.hpp"
#include "swflow.h"
#include "workspace.cuh"

namespace swf::gpu {

// theta (L x d) <- L normalised Gaussian rows.
void draw_gaussian_directions(const DeviceContext& context, const RandomDraw& draw, uint32_t L, size_t d,
                              float* theta);

// theta (L x d) <- blocks of d orthonormal rows: the Q factor (cuSOLVER geqrf + orgqr, float64) of a
// d x d Gaussian matrix with R's diagonal made positive; the last block is cut to fill L.
void draw_orthogonal_directions(const DeviceContext& context, cusolverDnHandle_t solver, const RandomDraw& draw,
                                uint32_t L, size_t d, float* theta);
// The workspace bytes draw_orthogonal_directions reserves for L directions in dimension d.
size_t orthogonal_directions_workspace_bytes(const DeviceContext& context, cusolverDnHandle_t solver, uint32_t L,
                                             size_t d);

// points (count x d) <- N(0, scale^2 I) or U[-scale, scale]^d.
void draw_points(const DeviceContext& context, swf_init law, float scale, const RandomDraw& draw, size_t count,
                 size_t d, float* points);

// words[0 .. 4 * blocks) <- the raw words of Philox blocks first_block .. first_block + blocks - 1 of
// `draw`, as the kernels above see them (device memory). For the tests.
void philox_words(const DeviceContext& context, const RandomDraw& draw, uint64_t first_block, size_t blocks,
                  uint32_t* words);

}  // namespace swf::gpu
