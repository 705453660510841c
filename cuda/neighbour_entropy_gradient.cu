// Two kernels, one thread per particle i, a block's threads sharing tiles of the x_j in shared memory (in the
// second pass with each j's K-th neighbour beside them). A thread keeps its sorted list of K neighbours in local
// memory; its d float64 sums in registers for d <= 16, else in a row of workspace (cuda/particle_sums.cuh).
#include "neighbour_entropy_gradient.cuh"

#include <cmath>
#include <string>

#include "cuda_check.cuh"
#include "neighbour_entropy.hpp"
#include "particle_sums.cuh"

namespace swf::gpu {
namespace {

using particle_sums::kThreads;
using particle_sums::load_tile;
using particle_sums::ParticleSums;

// The first pass: radius2 and index (n x K, ordered by (squared distance, index)) and, when partial is not NULL,
// the per-block sums of 1/2 log max(r^2, floor) over the lists. tile_points = 0: x_j read from global memory.
template <int kMaxD>
__global__ __launch_bounds__(kThreads) void neighbour_lists_kernel(const float* __restrict__ x, uint64_t n, uint64_t d,
                                                                   uint32_t K, uint32_t tile_points,
                                                                   double* __restrict__ radius2_out,
                                                                   uint32_t* __restrict__ index_out,
                                                                   double* __restrict__ partial) {
  extern __shared__ double shared_tile[];
  float* tile = reinterpret_cast<float*>(shared_tile);
  using Reduce = cub::BlockReduce<double, kThreads>;
  __shared__ typename Reduce::TempStorage storage;
  const uint64_t chunk = tile_points > 0 ? tile_points : kThreads;
  double log_sum = 0.0;
  // The loop bounds are the same for every thread of a block: all reach each __syncthreads.
  for (uint64_t first = blockIdx.x * uint64_t{kThreads}; first < n; first += uint64_t{gridDim.x} * kThreads) {
    const uint64_t i = first + threadIdx.x;
    const bool active = i < n;
    const ParticleSums<kMaxD> own(x + (active ? i : 0) * d, nullptr, d, active);
    double radius2[kMaxNeighbours];
    uint32_t index[kMaxNeighbours];
    uint32_t kept = 0;
    for (uint64_t j0 = 0; j0 < n; j0 += chunk) {
      const uint64_t count = n - j0 < chunk ? n - j0 : chunk;
      if (tile_points > 0) load_tile(x + j0 * d, count, d, tile);
      if (!active) continue;
      for (uint64_t t = 0; t < count; ++t) {
        const uint64_t j = j0 + t;
        if (j == i) continue;
        // j ascends, as on the CPU: the same lists.
        neighbour_entropy::insert(radius2, index, kept, K,
                                  own.squared_distance(tile_points > 0 ? tile + t * d : x + j * d),
                                  static_cast<uint32_t>(j));
      }
    }
    if (active) {
      for (uint32_t k = 0; k < K; ++k) {
        radius2_out[i * K + k] = radius2[k];
        index_out[i * K + k] = index[k];
        if (partial)
          log_sum = __dadd_rn(log_sum, __dmul_rn(0.5, log(fmax(radius2[k], neighbour_entropy::kMinRadius2))));
      }
    }
  }
  if (partial == nullptr) return;  // uniform across the block: no thread reaches the reduction
  const double total = Reduce(storage).Sum(log_sum);
  if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

// The second pass: grad += scale sum_{j != i} m_ij (x_i - x_j) / r_ij^2, scale = -weight d / K. The tile holds
// tile_points K-th squared distances (double), then their indices (uint32), then the points (float).
template <int kMaxD>
__global__ __launch_bounds__(kThreads) void neighbour_entropy_kernel(
    const float* __restrict__ x, uint64_t n, uint64_t d, uint32_t K, double scale, uint32_t tile_points,
    const double* __restrict__ radius2, const uint32_t* __restrict__ index, float* __restrict__ grad,
    double* __restrict__ spill) {
  extern __shared__ double shared_tile[];
  double* tile_radius2 = shared_tile;
  uint32_t* tile_index = reinterpret_cast<uint32_t*>(shared_tile + tile_points);
  float* tile_x = reinterpret_cast<float*>(tile_index + tile_points);
  const uint64_t chunk = tile_points > 0 ? tile_points : kThreads;
  for (uint64_t first = blockIdx.x * uint64_t{kThreads}; first < n; first += uint64_t{gridDim.x} * kThreads) {
    const uint64_t i = first + threadIdx.x;
    const bool active = i < n;
    const double own_radius2 = active ? radius2[i * K + K - 1] : 0.0;
    const uint32_t own_index = active ? index[i * K + K - 1] : 0u;
    ParticleSums<kMaxD> own(x + (active ? i : 0) * d, kMaxD == 0 ? spill + (active ? i : 0) * d : nullptr, d, active);
    for (uint64_t j0 = 0; j0 < n; j0 += chunk) {
      const uint64_t count = n - j0 < chunk ? n - j0 : chunk;
      if (tile_points > 0) {
        __syncthreads();  // the previous tile is no longer read
        for (uint64_t e = threadIdx.x; e < count * d; e += kThreads) tile_x[e] = x[j0 * d + e];
        for (uint64_t t = threadIdx.x; t < count; t += kThreads) {
          tile_radius2[t] = radius2[(j0 + t) * K + K - 1];
          tile_index[t] = index[(j0 + t) * K + K - 1];
        }
        __syncthreads();
      }
      if (!active) continue;
      for (uint64_t t = 0; t < count; ++t) {
        const uint64_t j = j0 + t;
        if (j == i) continue;
        const float* xj = tile_points > 0 ? tile_x + t * d : x + j * d;
        const double r2 = own.squared_distance(xj);
        if (r2 == 0.0) continue;
        const double other_radius2 = tile_points > 0 ? tile_radius2[t] : radius2[j * K + K - 1];
        const uint32_t other_index = tile_points > 0 ? tile_index[t] : index[j * K + K - 1];
        const int edges = int{neighbour_entropy::within(r2, j, own_radius2, own_index)} +
                          int{neighbour_entropy::within(r2, i, other_radius2, other_index)};
        if (edges == 0) continue;
        own.add(__ddiv_rn(static_cast<double>(edges), r2), xj);
      }
    }
    if (active) own.add_to(scale, grad + i * d);
  }
}

template <int kMaxD>
void launch(const DeviceContext& context, unsigned blocks, const float* x, uint64_t n, uint64_t d, uint32_t K,
            double scale, float* grad, double* radius2, uint32_t* index, double* spill, double* partial) {
  const uint32_t list_points = particle_sums::tile_points(d * sizeof(float));
  neighbour_lists_kernel<kMaxD><<<blocks, kThreads, size_t{list_points} * d * sizeof(float), context.stream>>>(
      x, n, d, K, list_points, radius2, index, partial);
  SWF_CUDA_CHECK_LAUNCH();
  if (grad == nullptr) return;
  const size_t bytes_per_point = d * sizeof(float) + sizeof(double) + sizeof(uint32_t);
  const uint32_t gradient_points = particle_sums::tile_points(bytes_per_point);
  neighbour_entropy_kernel<kMaxD><<<blocks, kThreads, size_t{gradient_points} * bytes_per_point, context.stream>>>(
      x, n, d, K, scale, gradient_points, radius2, index, grad, spill);
  SWF_CUDA_CHECK_LAUNCH();
}

}  // namespace

void neighbour_entropy_gradient(const DeviceContext& context, const float* x, size_t n, size_t d, uint32_t neighbours,
                                float weight, float* grad, double* energy) {
  const uint32_t K = neighbours;
  // The core checks K < n and the C ABI 1 <= K <= 64 first: reaching here otherwise is a caller's error.
  if (n <= K || d == 0 || K == 0 || K > kMaxNeighbours)
    fail(SWF_ERR_INVALID_ARGUMENT, "the nearest-neighbour entropy needs 1 <= K <= " + std::to_string(kMaxNeighbours) +
                                       " and K < n (K = " + std::to_string(K) + ", n = " + std::to_string(n) +
                                       ", d = " + std::to_string(d) + ")");
  const unsigned blocks = particle_sums::blocks_for(n);
  const bool spills = d > particle_sums::kRegisterDimensions;
  WorkspaceLayout layout;
  const size_t radius2_at = layout.add<double>(uint64_t{n} * K);
  const size_t index_at = layout.add<uint32_t>(uint64_t{n} * K);
  const size_t spill_at = layout.add<double>(spills ? uint64_t{n} * d : 0);
  const size_t partial_at = layout.add<double>(energy ? blocks : 0);
  const size_t total_at = layout.add<double>(energy ? 1 : 0);
  char* base = context.workspace.reserve(layout.bytes(), context.stream);
  double* radius2 = WorkspaceLayout::at<double>(base, radius2_at);
  uint32_t* index = WorkspaceLayout::at<uint32_t>(base, index_at);
  double* spill = spills ? WorkspaceLayout::at<double>(base, spill_at) : nullptr;
  double* partial = energy ? WorkspaceLayout::at<double>(base, partial_at) : nullptr;
  double* total = energy ? WorkspaceLayout::at<double>(base, total_at) : nullptr;

  const double scale = -static_cast<double>(weight) * static_cast<double>(d) / static_cast<double>(K);
  if (d <= 4)
    launch<4>(context, blocks, x, n, d, K, scale, grad, radius2, index, spill, partial);
  else if (d <= 8)
    launch<8>(context, blocks, x, n, d, K, scale, grad, radius2, index, spill, partial);
  else if (!spills)
    launch<16>(context, blocks, x, n, d, K, scale, grad, radius2, index, spill, partial);
  else
    launch<0>(context, blocks, x, n, d, K, scale, grad, radius2, index, spill, partial);
  if (!energy) return;
  const double log_radii = particle_sums::total_on_host(context.stream, partial, blocks, total);
  *energy = -(neighbour_entropy::constant(n, d, K) +
              static_cast<double>(d) * log_radii / (static_cast<double>(n) * static_cast<double>(K)));
}

}  // namespace swf::gpu
