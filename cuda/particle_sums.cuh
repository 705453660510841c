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

// Copies `count` points of d floats from x (global) into a block's shared tile; every thread of the block calls it.
__device__ inline void load_tile(const float* x, uint64_t count, uint64_t d, float* tile) {
  __syncthreads();  // the previous tile is no longer read
  for (uint64_t e = threadIdx.x; e < count * d; e += kThreads) tile[e] = x[e];
  __syncthreads();
}

// One particle i of a pairwise kernel: its point and its d float64 sums sum_j factor_ij (x_i - x_j), in registers for
// d <= kMaxD (the template bounds the unrolled loops), else x_i read from global memory and the sums in sum_row (a
// row of workspace). Every operation in float64 without FMA, in k order, as the CPU computes it.
template <int kMaxD>
struct ParticleSums {
  static constexpr int kSlots = kMaxD > 0 ? kMaxD : 1;
  const float* xi;
  double* sum_row;
  uint64_t d;
  float xi_reg[kSlots];
  double sum_reg[kSlots];

  __device__ ParticleSums(const float* xi_, double* sum_row_, uint64_t d_, bool active)
      : xi(xi_), sum_row(sum_row_), d(d_) {
    if constexpr (kMaxD > 0) {
#pragma unroll
      for (int k = 0; k < kMaxD; ++k) {
        xi_reg[k] = static_cast<uint64_t>(k) < d ? xi[k] : 0.0f;
        sum_reg[k] = 0.0;
      }
    } else if (active && sum_row != nullptr) {
      for (uint64_t k = 0; k < d; ++k) sum_row[k] = 0.0;
    }
  }

  __device__ double own(int k) const {
    if constexpr (kMaxD > 0) return static_cast<double>(xi_reg[k]);
    return static_cast<double>(xi[k]);
  }

  // |x_i - x_j|^2.
  __device__ double squared_distance(const float* xj) const {
    double r2 = 0.0;
    if constexpr (kMaxD > 0) {
#pragma unroll
      for (int k = 0; k < kMaxD; ++k)
        if (static_cast<uint64_t>(k) < d) {
          const double z = __dsub_rn(own(k), static_cast<double>(xj[k]));
          r2 = __dadd_rn(r2, __dmul_rn(z, z));
        }
    } else {
      for (uint64_t k = 0; k < d; ++k) {
        const double z = __dsub_rn(static_cast<double>(xi[k]), static_cast<double>(xj[k]));
        r2 = __dadd_rn(r2, __dmul_rn(z, z));
      }
    }
    return r2;
  }

  // sums += factor (x_i - x_j).
  __device__ void add(double factor, const float* xj) {
    if constexpr (kMaxD > 0) {
#pragma unroll
      for (int k = 0; k < kMaxD; ++k)
        if (static_cast<uint64_t>(k) < d)
          sum_reg[k] = __dadd_rn(sum_reg[k], __dmul_rn(factor, __dsub_rn(own(k), static_cast<double>(xj[k]))));
    } else {
      for (uint64_t k = 0; k < d; ++k)
        sum_row[k] = __dadd_rn(sum_row[k],
                               __dmul_rn(factor, __dsub_rn(static_cast<double>(xi[k]), static_cast<double>(xj[k]))));
    }
  }

  // gi += float(scale * sums).
  __device__ void add_to(double scale, float* gi) const {
    if constexpr (kMaxD > 0) {
#pragma unroll
      for (int k = 0; k < kMaxD; ++k)
        if (static_cast<uint64_t>(k) < d) gi[k] = __fadd_rn(gi[k], __double2float_rn(__dmul_rn(scale, sum_reg[k])));
    } else {
      for (uint64_t k = 0; k < d; ++k) gi[k] = __fadd_rn(gi[k], __double2float_rn(__dmul_rn(scale, sum_row[k])));
    }
  }
};

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
