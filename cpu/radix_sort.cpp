#include "radix_sort.hpp"

#include <array>
#include <cstring>
#include <utility>

namespace swf::cpu {
namespace {

// Maps a float to an unsigned key with the same order (IEEE-754 sign-magnitude to two's order).
inline uint32_t float_to_key(float value) {
  value += 0.0f;  // -0.0 becomes +0.0: both are the same projection
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}

inline float key_to_float(uint32_t key) {
  const uint32_t bits = (key & 0x80000000u) ? (key & 0x7FFFFFFFu) : ~key;
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

using Histograms = std::array<std::array<uint32_t, 256>, 4>;

Histograms byte_histograms(const uint32_t* keys, size_t count) {
  Histograms histograms{};
  for (size_t i = 0; i < count; ++i) {
    const uint32_t key = keys[i];
    ++histograms[0][key & 0xFF];
    ++histograms[1][(key >> 8) & 0xFF];
    ++histograms[2][(key >> 16) & 0xFF];
    ++histograms[3][key >> 24];
  }
  return histograms;
}

// Sorts keys (and index, when carry_index) through `count` elements; the result ends in
// scratch.keys / scratch.index. Passes where every key has the same byte are skipped.
void sort_keys(size_t count, RadixScratch& scratch, bool carry_index) {
  const Histograms histograms = byte_histograms(scratch.keys.data(), count);
  for (int pass = 0; pass < 4; ++pass) {
    const auto& histogram = histograms[pass];
    if (histogram[(scratch.keys[0] >> (8 * pass)) & 0xFF] == count) continue;
    std::array<uint32_t, 256> offset;
    uint32_t running = 0;
    for (int digit = 0; digit < 256; ++digit) {
      offset[digit] = running;
      running += histogram[digit];
    }
    const uint32_t* keys_in = scratch.keys.data();
    uint32_t* keys_out = scratch.keys_alt.data();
    const int shift = 8 * pass;
    if (carry_index) {
      const uint32_t* index_in = scratch.index.data();
      uint32_t* index_out = scratch.index_alt.data();
      for (size_t i = 0; i < count; ++i) {
        const uint32_t slot = offset[(keys_in[i] >> shift) & 0xFF]++;
        keys_out[slot] = keys_in[i];
        index_out[slot] = index_in[i];
      }
      scratch.index.swap(scratch.index_alt);
    } else {
      for (size_t i = 0; i < count; ++i) keys_out[offset[(keys_in[i] >> shift) & 0xFF]++] = keys_in[i];
    }
    scratch.keys.swap(scratch.keys_alt);
  }
}

}  // namespace

void RadixScratch::reserve(size_t count) {
  if (keys.size() >= count) return;
  keys.resize(count);
  keys_alt.resize(count);
  index.resize(count);
  index_alt.resize(count);
}

void radix_sort(float* values, size_t count, RadixScratch& scratch) {
  if (count < 2) return;
  scratch.reserve(count);
  for (size_t i = 0; i < count; ++i) scratch.keys[i] = float_to_key(values[i]);
  sort_keys(count, scratch, false);
  for (size_t i = 0; i < count; ++i) values[i] = key_to_float(scratch.keys[i]);
}

const uint32_t* radix_argsort(const float* values, size_t count, RadixScratch& scratch) {
  scratch.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    scratch.keys[i] = float_to_key(values[i]);
    scratch.index[i] = static_cast<uint32_t>(i);
  }
  if (count > 1) sort_keys(count, scratch, true);
  return scratch.index.data();
}

}  // namespace swf::cpu
