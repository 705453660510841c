#include "time_features.cuh"

#include <cub/block/block_reduce.cuh>

#include <algorithm>

#include "cuda_check.cuh"

namespace swf::gpu {
namespace {

constexpr int kThreads = 256;
// The loss's first pass runs on at most this many blocks, a number that does not depend on the device, so
// that the rows are added in the same order (and give the same bits) on every GPU.
constexpr uint64_t kLossBlocks = 1024;

__global__ __launch_bounds__(kThreads) void time_features_kernel(const float* __restrict__ x0,
                                                                 const float* __restrict__ t, uint64_t n, uint64_t d,
                                                                 uint64_t width, double time_scale,
                                                                 float* __restrict__ features) {
  const uint64_t total = n * width, stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t e = blockIdx.x * uint64_t{kThreads} + threadIdx.x; e < total; e += stride) {
    const uint64_t row = e / width, column = e % width;
    float value;
    if (column < d) {
      value = x0[row * d + column];
    } else {
      const double tau = __ddiv_rn(static_cast<double>(t[row]), time_scale);
      if (column == d) {
        value = static_cast<float>(tau);
      } else {
        // pi 2^f, as the CPU's repeated doubling of pi (exact), times tau: one float64 rounding.
        const uint64_t feature = column - d - 1;
        const double angle = __dmul_rn(ldexp(3.14159265358979323846, static_cast<int>(feature / 2)), tau);
        value = static_cast<float>(feature % 2 == 0 ? sin(angle) : cos(angle));
      }
    }
    features[e] = value;
  }
}

__global__ __launch_bounds__(kThreads) void time_gate_kernel(const float* __restrict__ x0, const float* __restrict__ t,
                                                             const float* __restrict__ g, uint64_t total, uint64_t d,
                                                             float time_scale, float* __restrict__ out) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t e = blockIdx.x * uint64_t{kThreads} + threadIdx.x; e < total; e += stride) {
    const float tau = __fdiv_rn(t[e / d], time_scale);
    out[e] = __fadd_rn(x0[e], __fmul_rn(tau, g[e]));
  }
}

// One thread per row (the row's float64 loss summed in the CPU's order), rows taken in a grid-stride loop;
// each block's sum of its threads' losses (cub's fixed reduction tree) goes to partial[block].
__global__ __launch_bounds__(kThreads) void regression_rows_kernel(const float* __restrict__ out,
                                                                   const float* __restrict__ y,
                                                                   const float* __restrict__ t, uint64_t n, uint64_t d,
                                                                   float time_scale, float scale,
                                                                   float* __restrict__ grad_g,
                                                                   double* __restrict__ partial) {
  using Reduce = cub::BlockReduce<double, kThreads>;
  __shared__ typename Reduce::TempStorage storage;
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  double sum = 0.0;
  for (uint64_t row = blockIdx.x * uint64_t{kThreads} + threadIdx.x; row < n; row += stride) {
    const float gate = __fmul_rn(scale, __fdiv_rn(t[row], time_scale));
    double loss = 0.0;
    for (uint64_t k = 0; k < d; ++k) {
      const float residual = __fsub_rn(out[row * d + k], y[row * d + k]);
      loss = __dadd_rn(loss, __dmul_rn(static_cast<double>(residual), static_cast<double>(residual)));
      grad_g[row * d + k] = __fmul_rn(gate, residual);
    }
    sum += loss;
  }
  const double total = Reduce(storage).Sum(sum);
  if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

// One block: thread j adds partials j, j + kThreads, ... in order, then cub's fixed tree adds the threads.
__global__ __launch_bounds__(kThreads) void regression_total_kernel(const double* __restrict__ partial,
                                                                    uint64_t blocks, double count,
                                                                    double* __restrict__ loss) {
  using Reduce = cub::BlockReduce<double, kThreads>;
  __shared__ typename Reduce::TempStorage storage;
  double sum = 0.0;
  for (uint64_t b = threadIdx.x; b < blocks; b += kThreads) sum += partial[b];
  const double total = Reduce(storage).Sum(sum);
  if (threadIdx.x == 0) *loss = total / count;
}

}  // namespace

void time_features(const DeviceContext& context, const float* x0, const float* t, size_t n, size_t d,
                   uint32_t frequencies, float time_scale, float* features) {
  const uint64_t width = uint64_t{d} + 1 + 2 * uint64_t{frequencies};
  if (n == 0) return;
  time_features_kernel<<<grid_for(uint64_t{n} * width, kThreads, context.multiprocessors), kThreads, 0,
                         context.stream>>>(x0, t, n, d, width, static_cast<double>(time_scale), features);
  SWF_CUDA_CHECK_LAUNCH();
}

void time_gate(const DeviceContext& context, const float* x0, const float* t, const float* g, size_t n, size_t d,
               float time_scale, float* out) {
  const uint64_t total = uint64_t{n} * d;
  if (total == 0) return;
  time_gate_kernel<<<grid_for(total, kThreads, context.multiprocessors), kThreads, 0, context.stream>>>(
      x0, t, g, total, d, time_scale, out);
  SWF_CUDA_CHECK_LAUNCH();
}

double regression_gradient(const DeviceContext& context, const float* out, const float* y, const float* t, size_t n,
                           size_t d, float time_scale, float* grad_g) {
  if (n == 0 || d == 0) return 0.0;
  const double count = static_cast<double>(n) * static_cast<double>(d);
  const float scale = static_cast<float>(2.0 / count);
  const uint64_t blocks = std::min<uint64_t>(kLossBlocks, (uint64_t{n} + kThreads - 1) / kThreads);

  WorkspaceLayout layout;
  const size_t partial_at = layout.add<double>(blocks);
  const size_t loss_at = layout.add<double>(1);
  char* base = context.workspace.reserve(layout.bytes(), context.stream);
  double* partial = WorkspaceLayout::at<double>(base, partial_at);
  double* device_loss = WorkspaceLayout::at<double>(base, loss_at);

  regression_rows_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, context.stream>>>(
      out, y, t, n, d, time_scale, scale, grad_g, partial);
  SWF_CUDA_CHECK_LAUNCH();
  regression_total_kernel<<<1, kThreads, 0, context.stream>>>(partial, blocks, count, device_loss);
  SWF_CUDA_CHECK_LAUNCH();
  // One of the backend's few waits: the interface returns the loss on the host, so the stream must drain up
  // to here (one 8-byte copy; the training loop reads the loss once per step anyway).
  double loss = 0.0;
  SWF_CUDA_CHECK(cudaMemcpyAsync(&loss, device_loss, sizeof(double), cudaMemcpyDeviceToHost, context.stream));
  SWF_CUDA_CHECK(cudaStreamSynchronize(context.stream));
  return loss;
}

}  // namespace swf::gpu
