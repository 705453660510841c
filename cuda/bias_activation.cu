#include "bias_activation.cuh"

#include <cstdint>

#include "cuda_check.cuh"
#include "error.hpp"

namespace swf::gpu {
namespace {

constexpr int kThreads = 256;

// Accurate single-precision expf and tanhf (no fast-math intrinsics), so that the results stay within a
// few ulps of the CPU's std::exp and std::tanh.
__device__ inline float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

template <MlpActivation A>
__device__ inline float activate(float x) {
  if constexpr (A == MlpActivation::silu) return x * sigmoid(x);
  else if constexpr (A == MlpActivation::relu) return x > 0.0f ? x : 0.0f;
  else return tanhf(x);
}

// act'(x): SiLU' = s (1 + x (1 - s)) with s = sigmoid(x); ReLU' = 1 for x > 0, else 0; tanh' = 1 - tanh^2.
template <MlpActivation A>
__device__ inline float derivative(float x) {
  if constexpr (A == MlpActivation::silu) {
    const float s = sigmoid(x);
    return s * (1.0f + x * (1.0f - s));
  } else if constexpr (A == MlpActivation::relu) {
    return x > 0.0f ? 1.0f : 0.0f;
  } else {
    const float t = tanhf(x);
    return 1.0f - t * t;
  }
}

template <MlpActivation A>
__global__ __launch_bounds__(kThreads) void bias_activation_kernel(float* __restrict__ y,
                                                                   const float* __restrict__ bias, uint64_t total,
                                                                   uint64_t cols, float* __restrict__ pre) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t e = blockIdx.x * uint64_t{kThreads} + threadIdx.x; e < total; e += stride) {
    const float x = y[e] + bias[e % cols];
    pre[e] = x;
    y[e] = activate<A>(x);
  }
}

template <MlpActivation A>
__global__ __launch_bounds__(kThreads) void activation_backward_kernel(const float* pre, const float* grad_y,
                                                                       uint64_t total, float* grad_pre) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t e = blockIdx.x * uint64_t{kThreads} + threadIdx.x; e < total; e += stride)
    grad_pre[e] = grad_y[e] * derivative<A>(pre[e]);
}

[[noreturn]] void unknown_activation(MlpActivation activation) {
  fail(SWF_ERR_INVALID_ARGUMENT, "unknown MLP activation " + std::to_string(static_cast<int>(activation)));
}

}  // namespace

void bias_activation(const DeviceContext& context, float* y, const float* bias, size_t rows, size_t cols,
                     MlpActivation activation, float* pre) {
  const uint64_t total = uint64_t{rows} * cols;
  if (total == 0) return;
  const unsigned grid = grid_for(total, kThreads, context.multiprocessors);
  switch (activation) {
    case MlpActivation::silu:
      bias_activation_kernel<MlpActivation::silu><<<grid, kThreads, 0, context.stream>>>(y, bias, total, cols, pre);
      break;
    case MlpActivation::relu:
      bias_activation_kernel<MlpActivation::relu><<<grid, kThreads, 0, context.stream>>>(y, bias, total, cols, pre);
      break;
    case MlpActivation::tanh:
      bias_activation_kernel<MlpActivation::tanh><<<grid, kThreads, 0, context.stream>>>(y, bias, total, cols, pre);
      break;
    default:
      unknown_activation(activation);
  }
  SWF_CUDA_CHECK_LAUNCH();
}

void activation_backward(const DeviceContext& context, const float* pre, const float* grad_y, size_t rows,
                         size_t cols, MlpActivation activation, float* grad_pre) {
  const uint64_t total = uint64_t{rows} * cols;
  if (total == 0) return;
  const unsigned grid = grid_for(total, kThreads, context.multiprocessors);
  switch (activation) {
    case MlpActivation::silu:
      activation_backward_kernel<MlpActivation::silu><<<grid, kThreads, 0, context.stream>>>(pre, grad_y, total,
                                                                                               grad_pre);
      break;
    case MlpActivation::relu:
      activation_backward_kernel<MlpActivation::relu><<<grid, kThreads, 0, context.stream>>>(pre, grad_y, total,
                                                                                               grad_pre);
      break;
    case MlpActivation::tanh:
      activation_backward_kernel<MlpActivation::tanh><<<grid, kThreads, 0, context.stream>>>(pre, grad_y, total,
                                                                                               grad_pre);
      break;
    default:
      unknown_activation(activation);
  }
  SWF_CUDA_CHECK_LAUNCH();
}

}  // namespace swf::gpu
