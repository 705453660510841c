// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the
// counter-based generator behind every random draw: element e of a draw depends only on (seed, stream,
// draw index, e), so results do not depend on how the work is split across threads or devices.
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define SWF_HOST_DEVICE __host__ __device__
#else
#define SWF_HOST_DEVICE
#endif

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

// Independent streams of one seed: a draw of one purpose never reuses another's numbers.
enum class Stream : uint32_t { directions = 1, noise = 2, initial = 3, distance = 4, context = 5 };

// One draw: the seed, the stream and the index of the draw within its stream (a step, a call).
struct RandomDraw {
  uint64_t seed;
  Stream stream;
  uint64_t index;

  SWF_HOST_DEVICE Philox4x32 block(uint64_t block_index) const {
    const uint32_t stream_and_high_index =
        (static_cast<uint32_t>(stream) << 24) ^ static_cast<uint32_t>((index >> 32) & 0xFFFFFFu);
    Philox4x32 counter{{static_cast<uint32_t>(block_index), static_cast<uint32_t>(block_index >> 32),
                        static_cast<uint32_t>(index), stream_and_high_index}};
    return philox4x32_10(counter, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  }

  // Uniform in the open interval (0, 1), element `e` of this draw.
  SWF_HOST_DEVICE double uniform(uint64_t e) const {
    const Philox4x32 bits = block(e / 4);
    return (static_cast<double>(bits.v[e % 4]) + 0.5) * (1.0 / 4294967296.0);
  }

  // Standard normal, element `e` of this draw (Box-Muller on the two uniforms of its pair).
  SWF_HOST_DEVICE double normal(uint64_t e) const {
    const Philox4x32 bits = block(e / 4);
    const unsigned pair = static_cast<unsigned>(e % 4) / 2;
    const double u1 = (static_cast<double>(bits.v[2 * pair]) + 0.5) * (1.0 / 4294967296.0);
    const double u2 = (static_cast<double>(bits.v[2 * pair + 1]) + 0.5) * (1.0 / 4294967296.0);
    const double radius = sqrt(-2.0 * log(u1));
    const double angle = 6.283185307179586476925 * u2;
    return (e % 2 == 0) ? radius * cos(angle) : radius * sin(angle);
  }
};

}  // namespace swf
