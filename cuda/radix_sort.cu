#include "radix_sort.cuh"

#include <cub/block/block_radix_sort.cuh>
#include <cub/device/device_segmented_radix_sort.cuh>

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

#include "error.hpp"

namespace swf::gpu {
namespace {

extern __shared__ __align__(16) unsigned char on_chip_storage[];

// One block sorts one row at a time in shared memory. Keys only, so the arrangement the keys are loaded in
// does not matter: striped, coalesced loads and stores. Slots past the row's end hold +inf, which sorts
// last (an +inf of the row is the same value).
template <int THREADS, int ITEMS>
__global__ __launch_bounds__(THREADS) void sort_rows_on_chip_kernel(float* rows, uint64_t L, uint64_t length) {
  using Sort = cub::BlockRadixSort<float, THREADS, ITEMS>;
  static_assert(alignof(typename Sort::TempStorage) <= 16, "the dynamic shared memory is 16-byte aligned");
  typename Sort::TempStorage& storage = *reinterpret_cast<typename Sort::TempStorage*>(on_chip_storage);
  for (uint64_t l = blockIdx.x; l < L; l += gridDim.x) {
    float* row = rows + l * length;
    float keys[ITEMS];
#pragma unroll
    for (int j = 0; j < ITEMS; ++j) {
      const uint64_t position = static_cast<uint64_t>(j) * THREADS + threadIdx.x;
      keys[j] = position < length ? row[position] : INFINITY;
    }
    Sort(storage).SortBlockedToStriped(keys);
#pragma unroll
    for (int j = 0; j < ITEMS; ++j) {
      const uint64_t position = static_cast<uint64_t>(j) * THREADS + threadIdx.x;
      if (position < length) row[position] = keys[j];
    }
    __syncthreads();  // the storage is reused by the next row
  }
}

template <int THREADS, int ITEMS>
size_t on_chip_bytes() {
  return sizeof(typename cub::BlockRadixSort<float, THREADS, ITEMS>::TempStorage);
}

template <int THREADS, int ITEMS>
void launch_on_chip(const DeviceContext& context, float* rows, uint64_t L, uint64_t length) {
  const size_t bytes = on_chip_bytes<THREADS, ITEMS>();
  allow_shared_memory(sort_rows_on_chip_kernel<THREADS, ITEMS>, bytes);
  sort_rows_on_chip_kernel<THREADS, ITEMS><<<grid_for_rows(L), THREADS, bytes, context.stream>>>(rows, L, length);
  SWF_CUDA_CHECK_LAUNCH();
}

// Whether the kernel of one shape launches on the current device.
template <int THREADS, int ITEMS>
bool on_chip_fits(size_t shared_bytes_per_block) {
  return kernel_fits(sort_rows_on_chip_kernel<THREADS, ITEMS>, THREADS, on_chip_bytes<THREADS, ITEMS>(),
                     shared_bytes_per_block);
}

void sort_rows_on_chip(const DeviceContext& context, int shape, float* rows, uint64_t L, uint64_t length) {
  static_assert(kOnChipShapeCount == 4, "one case per shape");
  switch (shape) {
    case 0: launch_on_chip<kOnChipShapes[0].threads, kOnChipShapes[0].items>(context, rows, L, length); break;
    case 1: launch_on_chip<kOnChipShapes[1].threads, kOnChipShapes[1].items>(context, rows, L, length); break;
    case 2: launch_on_chip<kOnChipShapes[2].threads, kOnChipShapes[2].items>(context, rows, L, length); break;
    default: launch_on_chip<kOnChipShapes[3].threads, kOnChipShapes[3].items>(context, rows, L, length); break;
  }
}

}  // namespace

uint64_t on_chip_sort_limit(size_t shared_bytes_per_block) {
  const bool fits[kOnChipShapeCount] = {
      on_chip_fits<kOnChipShapes[0].threads, kOnChipShapes[0].items>(shared_bytes_per_block),
      on_chip_fits<kOnChipShapes[1].threads, kOnChipShapes[1].items>(shared_bytes_per_block),
      on_chip_fits<kOnChipShapes[2].threads, kOnChipShapes[2].items>(shared_bytes_per_block),
      on_chip_fits<kOnChipShapes[3].threads, kOnChipShapes[3].items>(shared_bytes_per_block)};
  return on_chip_limit(fits);
}

namespace {

// offsets[s] = s * length: segment s of a batch of rows.
__global__ void row_offsets_kernel(int* offsets, int count, int length) {
  for (int s = blockIdx.x * blockDim.x + threadIdx.x; s <= count; s += gridDim.x * blockDim.x) offsets[s] = s * length;
}

// The scratch of CUB's segmented sort of L rows of `length` keys: batches of rows with at most INT_MAX keys
// (CUB counts items in int), their offsets, the alternate key array of a DoubleBuffer and CUB's temporary
// storage (little: no alternate value arrays).
struct SegmentedSortScratch {
  uint64_t batch = 0;
  size_t temp_bytes = 0;
  size_t offsets_at = 0, alternate_at = 0, temp_at = 0, bytes = 0;
};

SegmentedSortScratch segmented_sort_scratch(uint64_t L, uint64_t length, cudaStream_t stream) {
  if (length > static_cast<uint64_t>(INT_MAX))
    fail(SWF_ERR_UNSUPPORTED, "a row of " + std::to_string(length) + " values to sort on the GPU (at most 2^31 - 1)");
  SegmentedSortScratch scratch;
  scratch.batch = std::min<uint64_t>(L, static_cast<uint64_t>(INT_MAX) / length);
  const uint64_t last_batch = L % scratch.batch == 0 ? scratch.batch : L % scratch.batch;
  size_t last_temp_bytes = 0;
  cub::DoubleBuffer<float> no_keys(nullptr, nullptr);
  SWF_CUDA_CHECK(cub::DeviceSegmentedRadixSort::SortKeys(
      nullptr, scratch.temp_bytes, no_keys, static_cast<int>(scratch.batch * length), static_cast<int>(scratch.batch),
      static_cast<int*>(nullptr), static_cast<int*>(nullptr), 0, 32, stream));
  SWF_CUDA_CHECK(cub::DeviceSegmentedRadixSort::SortKeys(
      nullptr, last_temp_bytes, no_keys, static_cast<int>(last_batch * length), static_cast<int>(last_batch),
      static_cast<int*>(nullptr), static_cast<int*>(nullptr), 0, 32, stream));
  scratch.temp_bytes = std::max(scratch.temp_bytes, last_temp_bytes);
  WorkspaceLayout layout;
  scratch.offsets_at = layout.add<int>(scratch.batch + 1);
  scratch.alternate_at = layout.add<float>(scratch.batch * length);
  scratch.temp_at = layout.add<char>(scratch.temp_bytes);
  scratch.bytes = layout.bytes();
  return scratch;
}

}  // namespace

size_t sort_rows_workspace_bytes(const DeviceContext& context, uint64_t L, uint64_t length) {
  if (L == 0 || length < 2 || on_chip_shape(length, context.on_chip_sort_limit) >= 0) return 0;
  return segmented_sort_scratch(L, length, context.stream).bytes;
}

void sort_rows(const DeviceContext& context, float* rows, uint64_t L, uint64_t length) {
  if (L == 0 || length < 2) return;
  const int shape = on_chip_shape(length, context.on_chip_sort_limit);
  if (shape >= 0) {
    sort_rows_on_chip(context, shape, rows, L, length);
    return;
  }
  const SegmentedSortScratch scratch = segmented_sort_scratch(L, length, context.stream);
  char* base = context.workspace.reserve(scratch.bytes, context.stream);
  int* offsets = WorkspaceLayout::at<int>(base, scratch.offsets_at);
  float* alternate = WorkspaceLayout::at<float>(base, scratch.alternate_at);
  void* temp = WorkspaceLayout::at<char>(base, scratch.temp_at);

  row_offsets(context, offsets, scratch.batch, length);
  for (uint64_t first = 0; first < L; first += scratch.batch) {
    const uint64_t count = std::min(scratch.batch, L - first);
    float* batch_rows = rows + first * length;
    cub::DoubleBuffer<float> keys(batch_rows, alternate);
    size_t bytes = scratch.temp_bytes;
    SWF_CUDA_CHECK(cub::DeviceSegmentedRadixSort::SortKeys(temp, bytes, keys, static_cast<int>(count * length),
                                                           static_cast<int>(count), offsets, offsets + 1, 0, 32,
                                                           context.stream));
    if (keys.Current() != batch_rows)
      SWF_CUDA_CHECK(cudaMemcpyAsync(batch_rows, keys.Current(), count * length * sizeof(float),
                                     cudaMemcpyDeviceToDevice, context.stream));
  }
}

void row_offsets(const DeviceContext& context, int* offsets, uint64_t count, uint64_t length) {
  constexpr unsigned kThreads = 256;
  row_offsets_kernel<<<grid_for(count + 1, kThreads, context.multiprocessors), kThreads, 0, context.stream>>>(
      offsets, static_cast<int>(count), static_cast<int>(length));
  SWF_CUDA_CHECK_LAUNCH();
}

}  // namespace swf::gpu
