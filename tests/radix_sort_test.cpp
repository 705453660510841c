#include "radix_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

namespace swf::cpu {
namespace {

// Random values with many ties, both zeros, negatives, huge and tiny magnitudes.
std::vector<float> awkward_values(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> pick(0, 5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(count);
  for (float& value : values) {
    switch (pick(rng)) {
      case 0: value = float(int(normal(rng) * 3)); break;  // small integers: ties
      case 1: value = (rng() & 1) ? 0.0f : -0.0f; break;
      case 2: value = normal(rng) * 1e30f; break;
      case 3: value = normal(rng) * 1e-30f; break;
      default: value = normal(rng);
    }
  }
  return values;
}

TEST(RadixSort, SortsLikeStdSortOnAwkwardSizes) {
  RadixScratch scratch;
  for (size_t count : {size_t{0}, size_t{1}, size_t{2}, size_t{31}, size_t{1000}, size_t{65537}}) {
    std::vector<float> values = awkward_values(count, count + 7);
    std::vector<float> expected = values;
    std::sort(expected.begin(), expected.end());
    radix_sort(values.data(), values.size(), scratch);
    for (size_t i = 0; i < count; ++i) ASSERT_EQ(values[i], expected[i]) << "count " << count << " at " << i;
  }
}

TEST(RadixSort, ArgsortBreaksTiesByIndex) {
  RadixScratch scratch;
  for (size_t count : {size_t{1}, size_t{31}, size_t{1000}, size_t{65537}}) {
    const std::vector<float> values = awkward_values(count, 3 * count + 1);
    std::vector<uint32_t> expected(count);
    std::iota(expected.begin(), expected.end(), 0u);
    // -0.0 == +0.0 as floats, so std::stable_sort also treats the two zeros as ties.
    std::stable_sort(expected.begin(), expected.end(), [&](uint32_t a, uint32_t b) { return values[a] < values[b]; });
    const uint32_t* order = radix_argsort(values.data(), count, scratch);
    for (size_t r = 0; r < count; ++r) ASSERT_EQ(order[r], expected[r]) << "count " << count << " rank " << r;
  }
}

TEST(RadixSort, AllEqualKeysKeepInputOrder) {
  RadixScratch scratch;
  const std::vector<float> values(777, 2.5f);
  const uint32_t* order = radix_argsort(values.data(), values.size(), scratch);
  for (uint32_t r = 0; r < values.size(); ++r) ASSERT_EQ(order[r], r);
}

}  // namespace
}  // namespace swf::cpu
