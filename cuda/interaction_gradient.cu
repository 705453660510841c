// One thread per particle i, a block's threads sharing tiles of the x_j in shared memory; the d float64 sums of a
// particle in registers for d <= 16 (the template's kMaxD bounds the unrolled loops), else in a row of workspace.
#include "interaction_gradient.cuh"

#include "cuda_check.cuh"
#include "particle_sums.cuh"

namespace swf::gpu {
namespace {

using particle_sums::kThreads;
using particle_sums::load_tile;
using particle_sums::ParticleSums;

// |z|^(p - 2) from r2 = |z|^2, as cpu/interaction_gradient.cpp.
__device__ inline double radial_factor(double r2, double p) {
  if (p == 2.0) return 1.0;
  if (p == 4.0) return r2;
  if (p == 0.0) return 1.0 / r2;
  return pow(r2, 0.5 * p - 1.0);
}

// |z|^p / p, or log|z| for p = 0.
__device__ inline double kernel_term(double r2, double p) {
  if (p == 0.0) return 0.5 * log(r2);
  if (p == 2.0) return 0.5 * r2;
  if (p == 4.0) return __dmul_rn(__dmul_rn(0.25, r2), r2);
  return pow(r2, 0.5 * p) / p;
}

// kMaxD > 0: d <= kMaxD, x_i and the sums in registers. kMaxD = 0: any d, the sums in spill (n x d). tile_points = 0:
// x_j read from global memory (a point does not fit the tile).
template <int kMaxD>
__global__ __launch_bounds__(kThreads) void interaction_kernel(const float* __restrict__ x, uint64_t n, uint64_t d,
                                                               double pa, double pb, double scale, uint32_t tile_points,
                                                               float* __restrict__ grad, double* __restrict__ spill,
                                                               double* __restrict__ partial) {
  extern __shared__ float tile[];
  using Reduce = cub::BlockReduce<double, kThreads>;
  __shared__ typename Reduce::TempStorage storage;
  const bool want_energy = partial != nullptr;
  const uint64_t chunk = tile_points > 0 ? tile_points : kThreads;
  double energy = 0.0;
  // The loop bounds are the same for every thread of a block: all reach each __syncthreads.
  for (uint64_t first = blockIdx.x * uint64_t{kThreads}; first < n; first += uint64_t{gridDim.x} * kThreads) {
    const uint64_t i = first + threadIdx.x;
    const bool active = i < n;
    ParticleSums<kMaxD> own(x + (active ? i : 0) * d, kMaxD == 0 ? spill + (active ? i : 0) * d : nullptr, d, active);
    double value = 0.0;
    for (uint64_t j0 = 0; j0 < n; j0 += chunk) {
      const uint64_t count = n - j0 < chunk ? n - j0 : chunk;
      if (tile_points > 0) load_tile(x + j0 * d, count, d, tile);
      if (!active) continue;
      for (uint64_t t = 0; t < count; ++t) {
        const uint64_t j = j0 + t;
        if (j == i) continue;
        const float* xj = tile_points > 0 ? tile + t * d : x + j * d;
        const double r2 = own.squared_distance(xj);
        if (r2 == 0.0) continue;
        const double factor = __dsub_rn(radial_factor(r2, pa), radial_factor(r2, pb));
        own.add(factor, xj);
        if (want_energy) value = __dadd_rn(value, __dsub_rn(kernel_term(r2, pa), kernel_term(r2, pb)));
      }
    }
    if (active) {
      own.add_to(scale, grad + i * d);
      energy = __dadd_rn(energy, value);
    }
  }
  if (!want_energy) return;  // uniform across the block: no thread reaches the reduction
  const double total = Reduce(storage).Sum(energy);
  if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

template <int kMaxD>
void launch(const DeviceContext& context, unsigned blocks, uint32_t tile_points, const float* x, uint64_t n, uint64_t d,
            double pa, double pb, double scale, float* grad, double* spill, double* partial) {
  const size_t shared = size_t{tile_points} * d * sizeof(float);
  interaction_kernel<kMaxD>
      <<<blocks, kThreads, shared, context.stream>>>(x, n, d, pa, pb, scale, tile_points, grad, spill, partial);
  SWF_CUDA_CHECK_LAUNCH();
}

}  // namespace

void interaction_gradient(const DeviceContext& context, const float* x, size_t n, size_t d, float a, float b,
                          float weight, float* grad, double* energy) {
  if (n == 0 || d == 0) {
    if (energy) *energy = 0.0;
    return;
  }
  const unsigned blocks = particle_sums::blocks_for(n);
  const uint32_t tile_points = particle_sums::tile_points(d * sizeof(float));
  const bool spills = d > particle_sums::kRegisterDimensions;
  WorkspaceLayout layout;
  const size_t spill_at = layout.add<double>(spills ? uint64_t{n} * d : 0);
  const size_t partial_at = layout.add<double>(energy ? blocks : 0);
  const size_t total_at = layout.add<double>(energy ? 1 : 0);
  double* spill = nullptr;
  double* partial = nullptr;
  double* total = nullptr;
  if (layout.bytes() > 0) {
    char* base = context.workspace.reserve(layout.bytes(), context.stream);
    if (spills) spill = WorkspaceLayout::at<double>(base, spill_at);
    if (energy) {
      partial = WorkspaceLayout::at<double>(base, partial_at);
      total = WorkspaceLayout::at<double>(base, total_at);
    }
  }
  const double pa = a, pb = b, scale = static_cast<double>(weight) / static_cast<double>(n);
  if (d <= 4)
    launch<4>(context, blocks, tile_points, x, n, d, pa, pb, scale, grad, spill, partial);
  else if (d <= 8)
    launch<8>(context, blocks, tile_points, x, n, d, pa, pb, scale, grad, spill, partial);
  else if (!spills)
    launch<16>(context, blocks, tile_points, x, n, d, pa, pb, scale, grad, spill, partial);
  else
    launch<0>(context, blocks, tile_points, x, n, d, pa, pb, scale, grad, spill, partial);
  if (energy)
    *energy = particle_sums::total_on_host(context.stream, partial, blocks, total) /
              (2.0 * static_cast<double>(n) * static_cast<double>(n));
}

}  // namespace swf::gpu
