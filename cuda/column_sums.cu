#include "column_sums.cuh"

#include <algorithm>
#include <cstdint>

#include "cuda_check.cuh"

namespace swf::gpu {
namespace {

constexpr int kThreads = 256;
// Rows are cut into at most kMaxChunks chunks of at least kMinChunkRows rows: enough blocks to fill the
// device for tall, narrow arrays (a batch of 65536 rows and 2 columns), few partial sums to add up. Both
// depend on the shape only, which keeps the summation order, and so the bits, the same on every device.
constexpr uint64_t kMaxChunks = 512;
constexpr uint64_t kMinChunkRows = 256;

// A kernel of our own rather than CUB: a column of a row-major array is strided, and cub's segmented
// reductions want contiguous segments (a transpose would be a second trip through memory).
// Block (strip, chunk) sums the rows of one chunk for a strip of `lanes` consecutive columns: thread
// (lane, row_lane) walks rows row_lane, row_lane + row_lanes, ... of the chunk (consecutive threads read
// consecutive columns of a row), then the row lanes of each column are added in a fixed tree order in
// shared memory. partial[chunk * cols + column] receives the chunk's sum.
__global__ __launch_bounds__(kThreads) void column_partial_kernel(const float* __restrict__ x, uint64_t rows,
                                                                  uint64_t cols, unsigned lanes, uint64_t chunk_rows,
                                                                  double* __restrict__ partial) {
  __shared__ double sums[kThreads];
  const unsigned lane = threadIdx.x % lanes, row_lane = threadIdx.x / lanes, row_lanes = kThreads / lanes;
  const uint64_t column = uint64_t{blockIdx.x} * lanes + lane;
  const uint64_t begin = uint64_t{blockIdx.y} * chunk_rows;
  const uint64_t end = begin + chunk_rows < rows ? begin + chunk_rows : rows;
  double sum = 0.0;
  if (column < cols)
    for (uint64_t r = begin + row_lane; r < end; r += row_lanes) sum += static_cast<double>(x[r * cols + column]);
  sums[threadIdx.x] = sum;
  __syncthreads();
  for (unsigned half = row_lanes / 2; half > 0; half /= 2) {
    if (row_lane < half) sums[threadIdx.x] += sums[threadIdx.x + half * lanes];
    __syncthreads();
  }
  if (row_lane == 0 && column < cols) partial[uint64_t{blockIdx.y} * cols + column] = sums[threadIdx.x];
}

// sums[c] = (accumulate ? sums[c] : 0) + the chunks' partial sums of column c, in chunk order.
__global__ __launch_bounds__(kThreads) void column_total_kernel(const double* __restrict__ partial, uint64_t chunks,
                                                                uint64_t cols, bool accumulate,
                                                                float* __restrict__ sums) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t c = blockIdx.x * uint64_t{kThreads} + threadIdx.x; c < cols; c += stride) {
    double total = 0.0;
    for (uint64_t chunk = 0; chunk < chunks; ++chunk) total += partial[chunk * cols + c];
    sums[c] = static_cast<float>(accumulate ? static_cast<double>(sums[c]) + total : total);
  }
}

__global__ __launch_bounds__(kThreads) void fill_zero_kernel(float* sums, uint64_t cols) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t c = blockIdx.x * uint64_t{kThreads} + threadIdx.x; c < cols; c += stride) sums[c] = 0.0f;
}

}  // namespace

void column_sums(const DeviceContext& context, const float* x, size_t rows, size_t cols, bool accumulate,
                 float* sums) {
  if (cols == 0) return;
  if (rows == 0) {
    if (!accumulate) {
      fill_zero_kernel<<<grid_for(cols, kThreads, context.multiprocessors), kThreads, 0, context.stream>>>(sums, cols);
      SWF_CUDA_CHECK_LAUNCH();
    }
    return;
  }
  // Column lanes per block: a warp's width of columns, or fewer (a power of two) for narrow arrays, so that
  // the other threads of the block take more rows.
  unsigned lanes = 1;
  while (lanes < 32 && lanes < cols) lanes *= 2;
  const uint64_t strips = (cols + lanes - 1) / lanes;
  const uint64_t chunks = std::min<uint64_t>(kMaxChunks, (rows + kMinChunkRows - 1) / kMinChunkRows);
  const uint64_t chunk_rows = (rows + chunks - 1) / chunks;

  WorkspaceLayout layout;
  const size_t partial_at = layout.add<double>(chunks * cols);
  double* partial = WorkspaceLayout::at<double>(context.workspace.reserve(layout.bytes(), context.stream), partial_at);

  // strips <= 2^31 - 1 in x (cols would need 2^36 columns to pass it); chunks <= 512 in y.
  const dim3 grid(static_cast<unsigned>(strips), static_cast<unsigned>(chunks));
  column_partial_kernel<<<grid, kThreads, 0, context.stream>>>(x, rows, cols, lanes, chunk_rows, partial);
  SWF_CUDA_CHECK_LAUNCH();
  column_total_kernel<<<grid_for(cols, kThreads, context.multiprocessors), kThreads, 0, context.stream>>>(
      partial, chunks, cols, accumulate, sums);
  SWF_CUDA_CHECK_LAUNCH();
}

}  // namespace swf::gpu
