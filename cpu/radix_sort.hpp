// Stable LSD radix sort of float keys, optionally carrying indices: ties keep their input order, so a
// particle's rank breaks ties by index as the design requires. Faster than std::sort on the column
// lengths of a flow step because it does four linear passes and no comparisons.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace swf::cpu {

// Scratch for one sort; grows to the largest column seen and is reused (no allocation per column).
struct RadixScratch {
  std::vector<uint32_t> keys, keys_alt, index, index_alt;
  void reserve(size_t count);
};

// Sorts values[0..count) ascending in place. -0.0 and +0.0 compare equal. No NaN allowed.
void radix_sort(float* values, size_t count, RadixScratch& scratch);

// Returns order, where order[r] = index of the r-th smallest of values[0..count) (ties by index);
// values unchanged. The array lives in scratch and stays valid until scratch is used again.
const uint32_t* radix_argsort(const float* values, size_t count, RadixScratch& scratch);

}  // namespace swf::cpu
