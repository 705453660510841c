// Random directions and random point sets on the CPU, from the counter-based generator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "philox.hpp"
#include "swflow.h"

namespace swf::cpu {

// theta (L x d) <- L normalised Gaussian rows.
void draw_gaussian_directions(const RandomDraw& draw, uint32_t L, size_t d, float* theta);

// theta (L x d) <- blocks of d orthonormal rows: the Q factor (Householder QR, LAPACK) of a d x d
// Gaussian matrix with R's diagonal made positive, i.e. Haar-distributed; the last block is cut to
// fill L. scratch is reused from call to call.
void draw_orthogonal_directions(const RandomDraw& draw, uint32_t L, size_t d, float* theta,
                                std::vector<double>& scratch);

// points (count x d) <- N(0, scale^2 I) or U[-scale, scale]^d.
void draw_points(swf_init law, float scale, const RandomDraw& draw, size_t count, size_t d, float* points);

}  // namespace swf::cpu
