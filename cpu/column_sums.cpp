#include "column_sums.hpp"

#include <algorithm>
#include <cstdint>

namespace swf::cpu {

void column_sums(const float* x, size_t rows, size_t cols, bool accumulate, float* sums) {
  // Threads take blocks of columns (never rows, whose partial sums would be added in an order that
  // depends on the split); a block is a few cache lines of every row.
  constexpr size_t block = 64;
  const int64_t blocks = static_cast<int64_t>((cols + block - 1) / block);
#pragma omp parallel for schedule(static) if (blocks > 1 && rows * cols >= 16384)
  for (int64_t b = 0; b < blocks; ++b) {
    const size_t first = static_cast<size_t>(b) * block, count = std::min(block, cols - first);
    double total[block] = {};
    for (size_t r = 0; r < rows; ++r) {
      const float* row = x + r * cols + first;
      for (size_t c = 0; c < count; ++c) total[c] += row[c];
    }
    for (size_t c = 0; c < count; ++c)
      sums[first + c] = static_cast<float>(accumulate ? sums[first + c] + total[c] : total[c]);
  }
}

}  // namespace swf::cpu
