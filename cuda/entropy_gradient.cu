// Two kernels, one thread per particle i, a block's threads sharing tiles of the x_j (and, in the second pass, of the
// u_j) in shared memory; the d float64 sums of a particle in registers for d <= 16 (the template's kMaxD bounds the
// unrolled loops), else in a row of workspace.
#include "entropy_gradient.cuh"

#include <cmath>

#include "cuda_check.cuh"
#include "particle_sums.cuh"

namespace swf::gpu {
namespace {

using particle_sums::kThreads;
using particle_sums::load_tile;
using particle_sums::ParticleSums;

// The first pass: u (n) and, when partial is not NULL, the per-block sums of log u_i. tile_points = 0: x_j read from
// global memory (a point does not fit the tile).
template <int kMaxD>
__global__ __launch_bounds__(kThreads) void density_kernel(const float* __restrict__ x, uint64_t n, uint64_t d,
                                                           double inverse_two_h2, uint32_t tile_points,
                                                           double* __restrict__ u, double* __restrict__ partial) {
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
    double sum = 0.0;
    for (uint64_t j0 = 0; j0 < n; j0 += chunk) {
      const uint64_t count = n - j0 < chunk ? n - j0 : chunk;
      if (tile_points > 0) load_tile(x + j0 * d, count, d, tile);
      if (!active) continue;
      for (uint64_t t = 0; t < count; ++t) {
        const float* xj = tile_points > 0 ? tile + t * d : x + (j0 + t) * d;
        sum = __dadd_rn(sum, exp(__dmul_rn(-own.squared_distance(xj), inverse_two_h2)));
      }
    }
    if (active) {
      u[i] = sum;
      if (partial) log_sum = __dadd_rn(log_sum, log(sum));
    }
  }
  if (partial == nullptr) return;  // uniform across the block: no thread reaches the reduction
  const double total = Reduce(storage).Sum(log_sum);
  if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

// The second pass: grad += scale sum_{j != i} e_ij (1/u_i + 1/u_j) (x_i - x_j), scale = -weight / h^2. The tile holds
// tile_points densities (double) and then tile_points points (float).
template <int kMaxD>
__global__ __launch_bounds__(kThreads) void entropy_kernel(const float* __restrict__ x, uint64_t n, uint64_t d,
                                                           double inverse_two_h2, double scale, uint32_t tile_points,
                                                           const double* __restrict__ u, float* __restrict__ grad,
                                                           double* __restrict__ spill) {
  extern __shared__ double shared_tile[];
  double* tile_u = shared_tile;
  float* tile_x = reinterpret_cast<float*>(shared_tile + tile_points);
  const uint64_t chunk = tile_points > 0 ? tile_points : kThreads;
  for (uint64_t first = blockIdx.x * uint64_t{kThreads}; first < n; first += uint64_t{gridDim.x} * kThreads) {
    const uint64_t i = first + threadIdx.x;
    const bool active = i < n;
    const double inverse_ui = active ? 1.0 / u[i] : 0.0;
    ParticleSums<kMaxD> own(x + (active ? i : 0) * d, kMaxD == 0 ? spill + (active ? i : 0) * d : nullptr, d, active);
    for (uint64_t j0 = 0; j0 < n; j0 += chunk) {
      const uint64_t count = n - j0 < chunk ? n - j0 : chunk;
      if (tile_points > 0) {
        __syncthreads();  // the previous tile is no longer read
        for (uint64_t e = threadIdx.x; e < count * d; e += kThreads) tile_x[e] = x[j0 * d + e];
        for (uint64_t t = threadIdx.x; t < count; t += kThreads) tile_u[t] = u[j0 + t];
        __syncthreads();
      }
      if (!active) continue;
      for (uint64_t t = 0; t < count; ++t) {
        const uint64_t j = j0 + t;
        if (j == i) continue;
        const float* xj = tile_points > 0 ? tile_x + t * d : x + j * d;
        const double uj = tile_points > 0 ? tile_u[t] : u[j];
        const double e = __dmul_rn(exp(__dmul_rn(-own.squared_distance(xj), inverse_two_h2)),
                                   __dadd_rn(inverse_ui, 1.0 / uj));
        own.add(e, xj);
      }
    }
    if (active) own.add_to(scale, grad + i * d);
  }
}

template <int kMaxD>
void launch(const DeviceContext& context, unsigned blocks, const float* x, uint64_t n, uint64_t d,
            double inverse_two_h2, double scale, float* grad, double* u, double* spill, double* partial) {
  const uint32_t density_points = particle_sums::tile_points(d * sizeof(float));
  density_kernel<kMaxD><<<blocks, kThreads, size_t{density_points} * d * sizeof(float), context.stream>>>(
      x, n, d, inverse_two_h2, density_points, u, partial);
  SWF_CUDA_CHECK_LAUNCH();
  if (grad == nullptr) return;
  const uint32_t gradient_points = particle_sums::tile_points(d * sizeof(float) + sizeof(double));
  entropy_kernel<kMaxD>
      <<<blocks, kThreads, size_t{gradient_points} * (d * sizeof(float) + sizeof(double)), context.stream>>>(
          x, n, d, inverse_two_h2, scale, gradient_points, u, grad, spill);
  SWF_CUDA_CHECK_LAUNCH();
}

}  // namespace

void entropy_gradient(const DeviceContext& context, const float* x, size_t n, size_t d, float bandwidth, float weight,
                      float* grad, double* energy) {
  if (n == 0 || d == 0) {
    if (energy) *energy = 0.0;
    return;
  }
  const unsigned blocks = particle_sums::blocks_for(n);
  const bool spills = d > particle_sums::kRegisterDimensions;
  WorkspaceLayout layout;
  const size_t u_at = layout.add<double>(n);
  const size_t spill_at = layout.add<double>(spills ? uint64_t{n} * d : 0);
  const size_t partial_at = layout.add<double>(energy ? blocks : 0);
  const size_t total_at = layout.add<double>(energy ? 1 : 0);
  char* base = context.workspace.reserve(layout.bytes(), context.stream);
  double* u = WorkspaceLayout::at<double>(base, u_at);
  double* spill = spills ? WorkspaceLayout::at<double>(base, spill_at) : nullptr;
  double* partial = energy ? WorkspaceLayout::at<double>(base, partial_at) : nullptr;
  double* total = energy ? WorkspaceLayout::at<double>(base, total_at) : nullptr;

  const double h2 = static_cast<double>(bandwidth) * bandwidth, inverse_two_h2 = 0.5 / h2;
  const double scale = -static_cast<double>(weight) / h2;
  if (d <= 4)
    launch<4>(context, blocks, x, n, d, inverse_two_h2, scale, grad, u, spill, partial);
  else if (d <= 8)
    launch<8>(context, blocks, x, n, d, inverse_two_h2, scale, grad, u, spill, partial);
  else if (!spills)
    launch<16>(context, blocks, x, n, d, inverse_two_h2, scale, grad, u, spill, partial);
  else
    launch<0>(context, blocks, x, n, d, inverse_two_h2, scale, grad, u, spill, partial);
  if (!energy) return;
  const double log_normalisation =
      std::log(static_cast<double>(n)) + 0.5 * static_cast<double>(d) * std::log(2.0 * M_PI * h2);
  *energy =
      particle_sums::total_on_host(context.stream, partial, blocks, total) / static_cast<double>(n) - log_normalisation;
}

}  // namespace swf::gpu
