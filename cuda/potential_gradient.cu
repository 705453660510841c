// One thread per particle computes the d rows of A (x_i - b) in float64 and the particle's V(x_i) with them: a custom
// kernel rather than a cuBLAS GEMM, because it keeps the CPU's float64 sums and fuses the energy.
#include "potential_gradient.cuh"

#include "cuda_check.cuh"
#include "particle_sums.cuh"

namespace swf::gpu {
namespace {

using particle_sums::kThreads;

__global__ __launch_bounds__(kThreads) void potential_kernel(const float* __restrict__ x, uint64_t n, uint64_t d,
                                                             const float* __restrict__ A, const float* __restrict__ b,
                                                             double weight, float* __restrict__ grad,
                                                             double* __restrict__ partial) {
  using Reduce = cub::BlockReduce<double, kThreads>;
  __shared__ typename Reduce::TempStorage storage;
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  double energy = 0.0;
  for (uint64_t i = blockIdx.x * uint64_t{kThreads} + threadIdx.x; i < n; i += stride) {
    const float* xi = x + i * d;
    double value = 0.0;
    for (uint64_t r = 0; r < d; ++r) {
      double row = 0.0;
      for (uint64_t c = 0; c < d; ++c)
        row = __dadd_rn(row, __dmul_rn(static_cast<double>(A[r * d + c]),
                                       __dsub_rn(static_cast<double>(xi[c]), static_cast<double>(b[c]))));
      grad[i * d + r] = __fadd_rn(grad[i * d + r], __double2float_rn(__dmul_rn(weight, row)));
      value = __dadd_rn(value, __dmul_rn(__dsub_rn(static_cast<double>(xi[r]), static_cast<double>(b[r])), row));
    }
    energy = __dadd_rn(energy, __dmul_rn(0.5, value));
  }
  if (partial == nullptr) return;  // uniform across the block: no thread reaches the reduction
  const double total = Reduce(storage).Sum(energy);
  if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

}  // namespace

void potential_gradient(const DeviceContext& context, const float* x, size_t n, size_t d, const float* A,
                        const float* b, float weight, float* grad, double* energy) {
  if (n == 0 || d == 0) {
    if (energy) *energy = 0.0;
    return;
  }
  const unsigned blocks = particle_sums::blocks_for(n);
  double* partial = nullptr;
  double* total = nullptr;
  if (energy) {
    WorkspaceLayout layout;
    const size_t partial_at = layout.add<double>(blocks);
    const size_t total_at = layout.add<double>(1);
    char* base = context.workspace.reserve(layout.bytes(), context.stream);
    partial = WorkspaceLayout::at<double>(base, partial_at);
    total = WorkspaceLayout::at<double>(base, total_at);
  }
  potential_kernel<<<blocks, kThreads, 0, context.stream>>>(x, n, d, A, b, static_cast<double>(weight), grad, partial);
  SWF_CUDA_CHECK_LAUNCH();
  if (energy) *energy = particle_sums::total_on_host(context.stream, partial, blocks, total) / static_cast<double>(n);
}

}  // namespace swf::gpu
