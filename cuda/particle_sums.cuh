// What the SW-JKO functionals' kernels share (cuda/potential_gradient.cu, interaction_gradient.cu,
// entropy_gradient.cu): the fixed-order float64 total of per-block partial sums, the grid that makes those partials
// depend on n only, and the shape of the pairwise kernels' shared-memory tiles. Include from .cu files.
//
// Determinism: every kernel here loops over particles with a grid that depends on n alone (never on the device's
// multiprocessor count), each block adds its threads' float64 values in a fixed order (its threads' own loop, then
// cub::BlockReduce's fixed tree) into partial[block], and one block adds the partials in a fixed order. The same inputs
// give the same bits on the same device, run after run.
#pragma once

#include <cuda_runtime_api.h>
#include <cub/block/block_reduce.cuh>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "cuda_check.cuh"
#include "workspace.cuh"

namespace swf::gpu::particle_sums {

constexpr int kThreads = 128;
// At most this many blocks per launch: the grid-stride loops cover the rest. Fixed, so that the partial sums do not
// depend on the device.
constexpr uint64_t kMaxBlocks = 4096;
// The pairwise kernels' tile of x_j (and of the densities u_j): within the 48 KiB a block gets without opting in,
// leaving room for CUB's and the kernel's static shared memory.
constexpr size_t kTileBytes = 32 * 1024;
// Dimensions up to this are held in registers per thread; larger ones spill to a row of global scratch.
constexpr size_t kRegisterDimensions = 16;

inline unsigned blocks_for(uint64_t n) {
  return static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(kMaxBlocks, (n + kThreads - 1) / kThreads)));
}

// Points per tile when each takes `bytes_per_point` of shared memory: at most a block's worth, 0 when not even one fits
// (the kernels then read x_j from global memory).
inline uint32_t tile_points(size_t bytes_per_point) {
  return static_cast<uint32_t>(std::min<size_t>(kThreads, kTileBytes / std::max<size_t>(bytes_per_point, 1)));
}

// One block: thread t adds partials t, t + kThreads, ... in order, then cub's fixed tree adds the threads.
static __global__ __launch_bounds__(kThreads) void total_kernel(const double* __restrict__ partial, uint64_t blocks,
                                                                double* __restrict__ total) {
  using Reduce = cub::BlockReduce<double, kThreads>;
  __shared__ typename Reduce::TempStorage storage;
  double sum = 0.0;
  for (uint64_t b = threadIdx.x; b < blocks; b += kThreads) sum = __dadd_rn(sum, partial[b]);
  const double value = Reduce(storage).Sum(sum);
  if (threadIdx.x == 0) *total = value;
}

// The fixed-order total of partial[0, blocks) on the host (`scratch_total` one double of device memory). Waits for the
// stream: the interface returns energies in host memory.
inline double total_on_host(cudaStream_t stream, const double* partial, uint64_t blocks, double* scratch_total) {
  total_kernel<<<1, kThreads, 0, stream>>>(partial, blocks, scratch_total);
  SWF_CUDA_CHECK_LAUNCH();
  double total = 0.0;
  SWF_CUDA_CHECK(cudaMemcpyAsync(&total, scratch_total, sizeof(double), cudaMemcpyDeviceToHost, stream));
  SWF_CUDA_CHECK(cudaStreamSynchronize(stream));
  return total;
}

}  // namespace swf::gpu::particle_sums
