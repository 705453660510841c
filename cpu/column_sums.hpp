// Column sums of a row-major batch: the bias gradients of the MLP's layers.
#pragma once

#include <cstddef>

namespace swf::cpu {

// sums (cols) = the column sums of x (rows x cols), added to sums when accumulate. Each column is summed
// over the rows in order, in double, by one thread: the same bits whatever the thread count.
void column_sums(const float* x, size_t rows, size_t cols, bool accumulate, float* sums);

}  // namespace swf::cpu
