#include "transport.cuh"

#include <cub/block/block_load.cuh>
#include <cub/block/block_radix_sort.cuh>
#include <cub/block/block_scan.cuh>
#include <cub/block/block_store.cuh>
#include <cub/device/device_segmented_radix_sort.cuh>

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

#include "error.hpp"
#include "radix_sort.cuh"
#include "transport_barycentric.hpp"

namespace swf::gpu {
namespace {

extern __shared__ __align__(16) unsigned char on_chip_storage[];

// ---- prefix sums ------------------------------------------------------------------------------------

constexpr int kScanThreads = 256;
constexpr int kScanItems = 8;

// The running total of a row across tiles, handed to BlockScan as its prefix.
struct RunningTotal {
  double total;
  __device__ double operator()(double tile_total) {
    const double before = total;
    total += tile_total;
    return before;
  }
};

// One block per row, tiles of 2048 values: coalesced loads and stores through shared memory, a float64
// inclusive scan per tile carried on by the running total.
__global__ __launch_bounds__(kScanThreads) void prefix_sums_kernel(const float* rows, uint64_t L, uint64_t m,
                                                                   double* prefix) {
  using Load = cub::BlockLoad<float, kScanThreads, kScanItems, cub::BLOCK_LOAD_WARP_TRANSPOSE>;
  using Scan = cub::BlockScan<double, kScanThreads>;
  using Store = cub::BlockStore<double, kScanThreads, kScanItems, cub::BLOCK_STORE_WARP_TRANSPOSE>;
  __shared__ union {
    typename Load::TempStorage load;
    typename Scan::TempStorage scan;
    typename Store::TempStorage store;
  } storage;
  constexpr uint64_t kTile = uint64_t{kScanThreads} * kScanItems;
  for (uint64_t l = blockIdx.x; l < L; l += gridDim.x) {
    const float* row = rows + l * m;
    double* out = prefix + l * (m + 1);
    if (threadIdx.x == 0) out[0] = 0.0;
    RunningTotal running{0.0};
    for (uint64_t start = 0; start < m; start += kTile) {
      const int valid = static_cast<int>(m - start < kTile ? m - start : kTile);
      float values[kScanItems];
      Load(storage.load).Load(row + start, values, valid, 0.0f);
      __syncthreads();
      double sums[kScanItems];
#pragma unroll
      for (int j = 0; j < kScanItems; ++j) sums[j] = values[j];
      Scan(storage.scan).InclusiveSum(sums, sums, running);
      __syncthreads();
      Store(storage.store).Store(out + 1 + start, sums, valid);
      __syncthreads();
    }
  }
}

// ---- transport on chip --------------------------------------------------------------------------------

// Sort -> rank -> transport of one row per block, the row never leaving the SM between its load and the
// displacement's store (the fusion saves the sorted keys' and indices' round trips through memory).
// Keys are loaded blocked, so that the stable block sort breaks ties by index as the CPU does; slots past
// the row's end hold +inf and come after every real value, +inf included.
template <int THREADS, int ITEMS>
__global__ __launch_bounds__(THREADS) void transport_on_chip_kernel(float* projections, uint64_t L, uint64_t n,
                                                                    const float* sorted_target,
                                                                    const double* prefix, uint64_t m) {
  using Sort = cub::BlockRadixSort<float, THREADS, ITEMS, int>;
  static_assert(alignof(typename Sort::TempStorage) <= 16, "the dynamic shared memory is 16-byte aligned");
  typename Sort::TempStorage& storage = *reinterpret_cast<typename Sort::TempStorage*>(on_chip_storage);
  for (uint64_t l = blockIdx.x; l < L; l += gridDim.x) {
    float* row = projections + l * n;
    float keys[ITEMS];
    int index[ITEMS];
#pragma unroll
    for (int j = 0; j < ITEMS; ++j) {
      const int position = static_cast<int>(threadIdx.x) * ITEMS + j;
      keys[j] = position < static_cast<int>(n) ? row[position] : INFINITY;
      index[j] = position;
    }
    Sort(storage).SortBlockedToStriped(keys, index);  // every load of the row happens before its first barrier
    const float* target_row = sorted_target + l * m;
    const double* prefix_row = prefix + l * (m + 1);
#pragma unroll
    for (int j = 0; j < ITEMS; ++j) {
      const uint64_t rank = static_cast<uint64_t>(j) * THREADS + threadIdx.x;
      if (rank < n)
        row[index[j]] = static_cast<float>(transport_barycentric(rank, n, target_row, prefix_row, m) - keys[j]);
    }
    __syncthreads();  // the storage is reused by the next row
  }
}

template <int THREADS, int ITEMS>
size_t on_chip_bytes() {
  return sizeof(typename cub::BlockRadixSort<float, THREADS, ITEMS, int>::TempStorage);
}

template <int THREADS, int ITEMS>
void launch_on_chip(const DeviceContext& context, float* projections, uint64_t L, uint64_t n,
                    const float* sorted_target, const double* prefix, uint64_t m) {
  const size_t bytes = on_chip_bytes<THREADS, ITEMS>();
  allow_shared_memory(transport_on_chip_kernel<THREADS, ITEMS>, bytes);
  transport_on_chip_kernel<THREADS, ITEMS><<<grid_for_rows(L), THREADS, bytes, context.stream>>>(
      projections, L, n, sorted_target, prefix, m);
  SWF_CUDA_CHECK_LAUNCH();
}

template <int THREADS, int ITEMS>
bool on_chip_fits(size_t shared_bytes_per_block) {
  return kernel_fits(transport_on_chip_kernel<THREADS, ITEMS>, THREADS, on_chip_bytes<THREADS, ITEMS>(),
                     shared_bytes_per_block);
}

void transport_on_chip(const DeviceContext& context, int shape, float* projections, uint64_t L, uint64_t n,
                       const float* sorted_target, const double* prefix, uint64_t m) {
  static_assert(kOnChipShapeCount == 4, "one case per shape");
  switch (shape) {
    case 0:
      launch_on_chip<kOnChipShapes[0].threads, kOnChipShapes[0].items>(context, projections, L, n, sorted_target,
                                                                        prefix, m);
      break;
    case 1:
      launch_on_chip<kOnChipShapes[1].threads, kOnChipShapes[1].items>(context, projections, L, n, sorted_target,
                                                                        prefix, m);
      break;
    case 2:
      launch_on_chip<kOnChipShapes[2].threads, kOnChipShapes[2].items>(context, projections, L, n, sorted_target,
                                                                        prefix, m);
      break;
    default:
      launch_on_chip<kOnChipShapes[3].threads, kOnChipShapes[3].items>(context, projections, L, n, sorted_target,
                                                                        prefix, m);
      break;
  }
}

// ---- transport through CUB's segmented sort -----------------------------------------------------------

constexpr int kThreads = 256;

// index (rows x n) <- the index of each value within its row.
__global__ __launch_bounds__(kThreads) void row_indices_kernel(int* index, uint64_t rows, uint64_t n) {
  for (uint64_t l = blockIdx.y; l < rows; l += gridDim.y)
    for (uint64_t i = blockIdx.x * uint64_t{kThreads} + threadIdx.x; i < n; i += uint64_t{gridDim.x} * kThreads)
      index[l * n + i] = static_cast<int>(i);
}

// The value of rank r of row l went to sorted_keys[l n + r] and its index to sorted_index[l n + r].
__global__ __launch_bounds__(kThreads) void transport_sorted_kernel(float* projections, uint64_t rows, uint64_t n,
                                                                    const float* sorted_keys,
                                                                    const int* sorted_index,
                                                                    const float* sorted_target,
                                                                    const double* prefix, uint64_t m) {
  for (uint64_t l = blockIdx.y; l < rows; l += gridDim.y) {
    const float* target_row = sorted_target + l * m;
    const double* prefix_row = prefix + l * (m + 1);
    for (uint64_t r = blockIdx.x * uint64_t{kThreads} + threadIdx.x; r < n; r += uint64_t{gridDim.x} * kThreads) {
      const uint64_t at = l * n + r;
      projections[l * n + static_cast<uint64_t>(sorted_index[at])] =
          static_cast<float>(transport_barycentric(r, n, target_row, prefix_row, m) - sorted_keys[at]);
    }
  }
}

dim3 rows_grid(uint64_t rows, uint64_t n) {
  return dim3(static_cast<unsigned>(std::min<uint64_t>((n + kThreads - 1) / kThreads, 65535)),
              static_cast<unsigned>(std::min<uint64_t>(rows, 65535)));
}

size_t segmented_pairs_temp_bytes(uint64_t rows, uint64_t n, cudaStream_t stream) {
  size_t bytes = 0;
  SWF_CUDA_CHECK(cub::DeviceSegmentedRadixSort::SortPairs(
      nullptr, bytes, static_cast<const float*>(nullptr), static_cast<float*>(nullptr),
      static_cast<const int*>(nullptr), static_cast<int*>(nullptr), static_cast<int>(rows * n),
      static_cast<int>(rows), static_cast<int*>(nullptr), static_cast<int*>(nullptr), 0, 32, stream));
  return bytes;
}

// The scratch of the transport through CUB's segmented sort of L rows of n particles: batches of rows with at
// most INT_MAX values (CUB counts items in int), their offsets, the indices carried, the sorted keys and
// indices and CUB's temporary storage.
struct SegmentedTransportScratch {
  uint64_t batch = 0;
  size_t temp_bytes = 0;
  size_t offsets_at = 0, index_at = 0, sorted_keys_at = 0, sorted_index_at = 0, temp_at = 0, bytes = 0;
};

SegmentedTransportScratch segmented_transport_scratch(uint64_t L, uint64_t n, cudaStream_t stream) {
  if (n > static_cast<uint64_t>(INT_MAX))
    fail(SWF_ERR_UNSUPPORTED, "a row of " + std::to_string(n) + " particles on the GPU (at most 2^31 - 1)");
  SegmentedTransportScratch scratch;
  scratch.batch = std::min<uint64_t>(L, static_cast<uint64_t>(INT_MAX) / n);
  const uint64_t last_batch = L % scratch.batch == 0 ? scratch.batch : L % scratch.batch;
  scratch.temp_bytes = std::max(segmented_pairs_temp_bytes(scratch.batch, n, stream),
                                segmented_pairs_temp_bytes(last_batch, n, stream));
  WorkspaceLayout layout;
  scratch.offsets_at = layout.add<int>(scratch.batch + 1);
  scratch.index_at = layout.add<int>(scratch.batch * n);
  scratch.sorted_keys_at = layout.add<float>(scratch.batch * n);
  scratch.sorted_index_at = layout.add<int>(scratch.batch * n);
  scratch.temp_at = layout.add<char>(scratch.temp_bytes);
  scratch.bytes = layout.bytes();
  return scratch;
}

void transport_segmented(const DeviceContext& context, float* projections, uint64_t L, uint64_t n,
                         const float* sorted_target, const double* prefix, uint64_t m) {
  const SegmentedTransportScratch scratch = segmented_transport_scratch(L, n, context.stream);
  char* base = context.workspace.reserve(scratch.bytes, context.stream);
  int* offsets = WorkspaceLayout::at<int>(base, scratch.offsets_at);
  int* index = WorkspaceLayout::at<int>(base, scratch.index_at);
  float* sorted_keys = WorkspaceLayout::at<float>(base, scratch.sorted_keys_at);
  int* sorted_index = WorkspaceLayout::at<int>(base, scratch.sorted_index_at);
  void* temp = WorkspaceLayout::at<char>(base, scratch.temp_at);
  const uint64_t batch = scratch.batch;

  row_offsets(context, offsets, batch, n);
  // The sort reads the indices and never writes them: one fill serves every batch.
  row_indices_kernel<<<rows_grid(batch, n), kThreads, 0, context.stream>>>(index, batch, n);
  SWF_CUDA_CHECK_LAUNCH();
  for (uint64_t first = 0; first < L; first += batch) {
    const uint64_t count = std::min(batch, L - first);
    float* rows = projections + first * n;
    size_t bytes = scratch.temp_bytes;
    SWF_CUDA_CHECK(cub::DeviceSegmentedRadixSort::SortPairs(
        temp, bytes, static_cast<const float*>(rows), sorted_keys, static_cast<const int*>(index), sorted_index,
        static_cast<int>(count * n), static_cast<int>(count), offsets, offsets + 1, 0, 32, context.stream));
    transport_sorted_kernel<<<rows_grid(count, n), kThreads, 0, context.stream>>>(
        rows, count, n, sorted_keys, sorted_index, sorted_target + first * m, prefix + first * (m + 1), m);
    SWF_CUDA_CHECK_LAUNCH();
  }
}

}  // namespace

void prefix_sums(const DeviceContext& context, const float* sorted_rows, uint64_t L, uint64_t m, double* prefix) {
  if (L == 0) return;
  prefix_sums_kernel<<<grid_for_rows(L), kScanThreads, 0, context.stream>>>(sorted_rows, L, m, prefix);
  SWF_CUDA_CHECK_LAUNCH();
}

void transport_displacement(const DeviceContext& context, float* projections, uint64_t L, uint64_t n,
                            const float* sorted_target, const double* prefix, uint64_t m) {
  if (L == 0 || n == 0) return;
  const int shape = on_chip_shape(n, context.on_chip_transport_limit);
  if (shape >= 0)
    transport_on_chip(context, shape, projections, L, n, sorted_target, prefix, m);
  else
    transport_segmented(context, projections, L, n, sorted_target, prefix, m);
}

size_t transport_workspace_bytes(const DeviceContext& context, uint64_t L, uint64_t n) {
  if (L == 0 || n == 0 || on_chip_shape(n, context.on_chip_transport_limit) >= 0) return 0;
  return segmented_transport_scratch(L, n, context.stream).bytes;
}

uint64_t on_chip_transport_limit(size_t shared_bytes_per_block) {
  const bool fits[kOnChipShapeCount] = {
      on_chip_fits<kOnChipShapes[0].threads, kOnChipShapes[0].items>(shared_bytes_per_block),
      on_chip_fits<kOnChipShapes[1].threads, kOnChipShapes[1].items>(shared_bytes_per_block),
      on_chip_fits<kOnChipShapes[2].threads, kOnChipShapes[2].items>(shared_bytes_per_block),
      on_chip_fits<kOnChipShapes[3].threads, kOnChipShapes[3].items>(shared_bytes_per_block)};
  return on_chip_limit(fits);
}

}  // namespace swf::gpu
