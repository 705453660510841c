// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the
// counter-based generator behind every random draw: element e of a draw depends only on (seed, stream,
// draw index, e), so results do not depend on how the work is split across threads or devices.
#pragma once

#include <cmath>
#include <cstdint>

#include "host_device.hpp"

namespace swf {

struct Philox4x32 {
  uint32_t v[4];
};

SWF_HOST_DEVICE inline void philox_mulhilo(uint32_t a, uint32_t b, uint32_t* hi, uint32_t* lo) {
  const uint64_t product = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(product >> 32);
  *lo = static_cast<uint32_t>(product);
}

SWF_HOST_DEVICE inline Philox4x32 philox4x32_10(Philox4x32 counter, uint32_t key0, uint32_t key1) {
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(0xD2511F53u, counter.v[0], &hi0, &lo0);
    philox_mulhilo(0xCD9E8D57u, counter.v[2], &hi1, &lo1);
    counter = Philox4x32{{hi1 ^ counter.v[1] ^ key0, lo1, hi0 ^ counter.v[3] ^ key1, lo0}};
    key0 += 0x9E3779B9u;
    key1 += 0xBB67AE85u;
  }
  return counter;
}

// The conversions of raw Philox words into numbers, shared by RandomDraw and the CUDA kernels (which
// get the same words from cuRAND) so that both backends draw the same numbers.
// Uniform in the open interval (0, 1).
SWF_HOST_DEVICE inline double uniform_from_word(uint32_t word) {
  return (static_cast<double>(word) + 0.5) * (1.0 / 4294967296.0);
}
// Box-Muller: the normals of a pair of words (w1, w2) are radius(w1) * cos(angle(w2)) and
// radius(w1) * sin(angle(w2)).
SWF_HOST_DEVICE inline double box_muller_radius(uint32_t word) {
  return sqrt(-2.0 * log(uniform_from_word(word)));
}
SWF_HOST_DEVICE inline double box_muller_angle(uint32_t word) {
  return 6.283185307179586476925 * uniform_from_word(word);
}
// Standard normal number `lane` (0..3) of one Philox block: lanes 0, 1 from words (0, 1), lanes 2, 3
// from words (2, 3).
SWF_HOST_DEVICE inline double normal_from_block(const Philox4x32& bits, unsigned lane) {
  const unsigned pair = lane / 2;
  const double radius = box_muller_radius(bits.v[2 * pair]);
  const double angle = box_muller_angle(bits.v[2 * pair + 1]);
  return (lane % 2 == 0) ? radius * cos(angle) : radius * sin(angle);
}

// Independent streams of one seed: a draw of one purpose never reuses another's numbers.
enum class Stream : uint32_t {
  directions = 1,
  noise = 2,
  initial = 3,
  distance = 4,
  context = 5,
  model = 6,             // the trainer's minibatch picks
  model_points = 7,      // the trainer's fresh draws of x0
  model_directions = 8,  // the trainer's directions for its sliced targets
  jko = 9,               // SW-JKO's directions of each inner step
  jko_objective = 10,    // SW-JKO's fixed directions for the objective's SW term
  jko_generator = 11,    // SW-JKO's generator: its inputs z, minibatches and samples
};

// One draw: the seed, the stream and the index of the draw within its stream (a step, a call).
struct RandomDraw {
  uint64_t seed;
  Stream stream;
  uint64_t index;

  // Words 2 and 3 of the counter, {index_lo, stream << 24 ^ index_hi}, as one number (low word first):
  // what cuRAND calls the subsequence.
  SWF_HOST_DEVICE uint64_t counter_high() const {
    const uint32_t stream_and_high_index =
        (static_cast<uint32_t>(stream) << 24) ^ static_cast<uint32_t>((index >> 32) & 0xFFFFFFu);
    return (static_cast<uint64_t>(stream_and_high_index) << 32) | static_cast<uint32_t>(index);
  }

  // The counter is {block_lo, block_hi, index_lo, stream << 24 ^ index_hi}, the key the seed.
  SWF_HOST_DEVICE Philox4x32 block(uint64_t block_index) const {
    const uint64_t high = counter_high();
    Philox4x32 counter{{static_cast<uint32_t>(block_index), static_cast<uint32_t>(block_index >> 32),
                        static_cast<uint32_t>(high), static_cast<uint32_t>(high >> 32)}};
    return philox4x32_10(counter, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  }

  // Uniform in the open interval (0, 1), element `e` of this draw.
  SWF_HOST_DEVICE double uniform(uint64_t e) const { return uniform_from_word(block(e / 4).v[e % 4]); }

  // Standard normal, element `e` of this draw (Box-Muller on the two uniforms of its pair).
  SWF_HOST_DEVICE double normal(uint64_t e) const {
    return normal_from_block(block(e / 4), static_cast<unsigned>(e % 4));
  }
};

}  // namespace swf
