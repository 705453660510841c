#include "adam.cuh"

#include <cmath>

#include "cuda_check.cuh"
#include "error.hpp"

namespace swf::gpu {
namespace {

constexpr int kThreads = 256;

// The moments, the bias corrections and the step fused into one pass (one read of w, g, m, v, one write of
// w, m, v); the _rn intrinsics keep nvcc from contracting into FMAs, which the CPU build does not use.
__global__ __launch_bounds__(kThreads) void adam_kernel(float* __restrict__ weights, const float* __restrict__ gradient,
                                                        float* __restrict__ first_moment,
                                                        float* __restrict__ second_moment, uint64_t count, float beta1,
                                                        float beta2, float learning_rate, float epsilon,
                                                        float first_correction, float second_correction) {
  const float one_minus_beta1 = __fsub_rn(1.0f, beta1), one_minus_beta2 = __fsub_rn(1.0f, beta2);
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t e = blockIdx.x * uint64_t{kThreads} + threadIdx.x; e < count; e += stride) {
    const float g = gradient[e];
    const float m = __fadd_rn(__fmul_rn(beta1, first_moment[e]), __fmul_rn(one_minus_beta1, g));
    const float v = __fadd_rn(__fmul_rn(beta2, second_moment[e]), __fmul_rn(__fmul_rn(one_minus_beta2, g), g));
    first_moment[e] = m;
    second_moment[e] = v;
    const float step = __fdiv_rn(__fmul_rn(learning_rate, __fmul_rn(m, first_correction)),
                                 __fadd_rn(__fsqrt_rn(__fmul_rn(v, second_correction)), epsilon));
    weights[e] = __fsub_rn(weights[e], step);
  }
}

}  // namespace

void adam_update(const DeviceContext& context, float* weights, const float* gradient, float* first_moment,
                 float* second_moment, size_t count, const AdamParams& adam, uint64_t step) {
  if (step == 0) fail(SWF_ERR_INVALID_ARGUMENT, "Adam's step number starts at 1");
  if (count == 0) return;
  const double steps = static_cast<double>(step);
  const float first_correction = static_cast<float>(1.0 / (1.0 - std::pow(double{adam.beta1}, steps)));
  const float second_correction = static_cast<float>(1.0 / (1.0 - std::pow(double{adam.beta2}, steps)));
  adam_kernel<<<grid_for(count, kThreads, context.multiprocessors), kThreads, 0, context.stream>>>(
      weights, gradient, first_moment, second_moment, count, adam.beta1, adam.beta2, adam.learning_rate,
      adam.epsilon, first_correction, second_correction);
  SWF_CUDA_CHECK_LAUNCH();
}

}  // namespace swf::gpu
