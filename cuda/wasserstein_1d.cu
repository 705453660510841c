#include "wasserstein_1d.cuh"

#include <cub/block/block_reduce.cuh>

#include <algorithm>

#include "radix_sort.cuh"

namespace swf::gpu {
namespace {

constexpr int kThreads = 256;
constexpr uint64_t kAtomsPerBlock = 8192;
constexpr uint64_t kMaxBlocksPerRow = 64;

__device__ inline double transport_cost(double gap, double p) {
  return p == 2.0 ? gap * gap : (p == 1.0 ? gap : pow(gap, p));
}

// The integral of |F_x^-1 - F_y^-1|^p that cpu/wasserstein_1d.cpp walks over the merged breakpoints, cut
// along the atoms of the larger sample instead, so that every atom is one thread's work: in units of
// 1/(a b), atom j of the larger sample (a atoms) covers [j b, (j + 1) b), atom i of the smaller (b <= a
// atoms) covers [i a, (i + 1) a), so atom j meets one or two atoms of the smaller. Block (part, row) sums
// the atoms of one part of one row; partial[row * parts + part] receives its sum.
__global__ __launch_bounds__(kThreads) void wasserstein_parts_kernel(const float* larger, uint64_t a,
                                                                     const float* smaller, uint64_t b, uint64_t L,
                                                                     uint64_t atoms_per_part, double p,
                                                                     double* partial) {
  using Reduce = cub::BlockReduce<double, kThreads>;
  __shared__ typename Reduce::TempStorage storage;
  for (uint64_t l = blockIdx.y; l < L; l += gridDim.y) {
    const float* big = larger + l * a;
    const float* small = smaller + l * b;
    const uint64_t begin = blockIdx.x * atoms_per_part;
    const uint64_t end = begin + atoms_per_part < a ? begin + atoms_per_part : a;
    double sum = 0.0;
    for (uint64_t j = begin + threadIdx.x; j < end; j += kThreads) {
      const double value = big[j];
      const uint64_t start = j * b, stop = start + b;
      const uint64_t i = a == b ? j : start / a;
      const uint64_t boundary = (i + 1) * a;
      const double first_cost = transport_cost(fabs(value - static_cast<double>(small[i])), p);
      if (stop <= boundary) {
        sum += static_cast<double>(b) * first_cost;
      } else {
        const double second_cost = transport_cost(fabs(value - static_cast<double>(small[i + 1])), p);
        sum += static_cast<double>(boundary - start) * first_cost + static_cast<double>(stop - boundary) * second_cost;
      }
    }
    const double total = Reduce(storage).Sum(sum);
    if (threadIdx.x == 0) partial[l * gridDim.x + blockIdx.x] = total;
    __syncthreads();  // the storage is reused by the next row
  }
}

// wpp[l] = the sum of row l's parts, in order, over n m.
__global__ __launch_bounds__(kThreads) void wasserstein_rows_kernel(const double* partial, uint64_t parts,
                                                                    uint64_t L, double n_times_m, double* wpp) {
  for (uint64_t l = blockIdx.x * uint64_t{kThreads} + threadIdx.x; l < L; l += uint64_t{gridDim.x} * kThreads) {
    double total = 0.0;
    for (uint64_t part = 0; part < parts; ++part) total += partial[l * parts + part];
    wpp[l] = total / n_times_m;
  }
}

}  // namespace

void wasserstein_1d(const DeviceContext& context, float* x, uint64_t n, float* y, uint64_t m, uint64_t L, double p,
                    double* wpp) {
  if (L == 0) return;
  sort_rows(context, x, L, n);
  sort_rows(context, y, L, m);
  const bool x_larger = n >= m;
  const uint64_t a = x_larger ? n : m, b = x_larger ? m : n;
  const uint64_t parts = std::min(kMaxBlocksPerRow, (a + kAtomsPerBlock - 1) / kAtomsPerBlock);
  const uint64_t atoms_per_part = (a + parts - 1) / parts;

  WorkspaceLayout layout;
  const size_t partial_at = layout.add<double>(L * parts);
  const size_t wpp_at = layout.add<double>(L);
  char* base = context.workspace.reserve(layout.bytes(), context.stream);
  double* partial = WorkspaceLayout::at<double>(base, partial_at);
  double* device_wpp = WorkspaceLayout::at<double>(base, wpp_at);

  const dim3 grid(static_cast<unsigned>(parts), static_cast<unsigned>(std::min<uint64_t>(L, 65535)));
  wasserstein_parts_kernel<<<grid, kThreads, 0, context.stream>>>(x_larger ? x : y, a, x_larger ? y : x, b, L,
                                                                  atoms_per_part, p, partial);
  SWF_CUDA_CHECK_LAUNCH();
  wasserstein_rows_kernel<<<grid_for(L, kThreads, context.multiprocessors), kThreads, 0, context.stream>>>(
      partial, parts, L, static_cast<double>(n) * static_cast<double>(m), device_wpp);
  SWF_CUDA_CHECK_LAUNCH();
  SWF_CUDA_CHECK(cudaMemcpyAsync(wpp, device_wpp, L * sizeof(double), cudaMemcpyDeviceToHost, context.stream));
  SWF_CUDA_CHECK(cudaStreamSynchronize(context.stream));
}

}  // namespace swf::gpu
