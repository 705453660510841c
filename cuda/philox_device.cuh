// The raw Philox words of a RandomDraw on the device, from cuRAND's Philox4_32_10, equal to
// RandomDraw::block() on the host. Device code only: include from .cu files.
//
// Why the mapping holds (curand_kernel.h, curand_philox4x32_x.h of the toolkit): curand_init(seed,
// subsequence, offset) sets the key to {seed_lo, seed_hi} and the counter to {0, 0, 0, 0}, adds
// `subsequence` to counter words {2, 3} (skipahead_sequence), then adds offset / 4 to words {0, 1}
// (skipahead; offset % 4 would only pick a word inside the block) and computes the block of that
// counter; curand4 returns that block when the offset is a multiple of 4. With
// subsequence = draw.counter_high() = {index_lo, stream << 24 ^ index_hi} and offset = 4 * block_index,
// the counter is {block_lo, block_hi, index_lo, stream << 24 ^ index_hi} with key {seed_lo, seed_hi}:
// the counter and key of RandomDraw::block(block_index). The ten rounds (multipliers 0xD2511F53,
// 0xCD9E8D57, key increments 0x9E3779B9, 0xBB67AE85, output {hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0})
// are those of core/philox.hpp; tests/cuda_directions_test.cpp checks the words against it.
#pragma once

#include <curand_kernel.h>

#include "philox.hpp"

namespace swf::gpu {

__device__ inline Philox4x32 philox_block(const RandomDraw& draw, uint64_t block_index) {
  curandStatePhilox4_32_10_t state;
  curand_init(draw.seed, draw.counter_high(), 4 * block_index, &state);
  const uint4 words = curand4(&state);
  return Philox4x32{{words.x, words.y, words.z, words.w}};
}

// The four standard normals of one Philox block, as RandomDraw::normal gives them (elements
// 4 * block_index .. + 3), each pair's logarithm and square root computed once.
__device__ inline void philox_normals(const RandomDraw& draw, uint64_t block_index, double (&normals)[4]) {
  const Philox4x32 bits = philox_block(draw, block_index);
  for (int pair = 0; pair < 2; ++pair) {
    const double radius = box_muller_radius(bits.v[2 * pair]);
    const double angle = box_muller_angle(bits.v[2 * pair + 1]);
    normals[2 * pair] = radius * cos(angle);
    normals[2 * pair + 1] = radius * sin(angle);
  }
}

}  // namespace swf::gpu
