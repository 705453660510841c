#include "update.cuh"

#include "philox_device.cuh"

namespace swf::gpu {
namespace {

constexpr int kThreads = 256;

// The float operations are those of the CPU, one rounding each (the _rn intrinsics are never contracted
// into an FMA), so that the two backends agree to the bit without noise.
__global__ __launch_bounds__(kThreads) void update_kernel(float* x, const float* velocity, uint64_t total,
                                                          float scale) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t e = blockIdx.x * uint64_t{kThreads} + threadIdx.x; e < total; e += stride)
    x[e] = __fadd_rn(x[e], __fmul_rn(scale, velocity[e]));
}

// One thread per Philox block: four consecutive elements share its words.
__global__ __launch_bounds__(kThreads) void noisy_update_kernel(float* x, const float* velocity, uint64_t total,
                                                                float scale, float sigma, RandomDraw draw) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t block = blockIdx.x * uint64_t{kThreads} + threadIdx.x; 4 * block < total; block += stride) {
    double normals[4];
    philox_normals(draw, block, normals);
#pragma unroll
    for (int lane = 0; lane < 4; ++lane) {
      const uint64_t e = 4 * block + lane;
      if (e < total)
        x[e] = __fadd_rn(x[e], __fadd_rn(__fmul_rn(scale, velocity[e]),
                                         __fmul_rn(sigma, static_cast<float>(normals[lane]))));
    }
  }
}

}  // namespace

void update_particles(const DeviceContext& context, float* x, const float* velocity, size_t n, size_t d, float scale,
                      float noise_sigma, const RandomDraw& draw) {
  const uint64_t total = uint64_t{n} * d;
  if (total == 0) return;
  if (noise_sigma == 0.0f) {
    update_kernel<<<grid_for(total, kThreads, context.multiprocessors), kThreads, 0, context.stream>>>(
        x, velocity, total, scale);
  } else {
    noisy_update_kernel<<<grid_for((total + 3) / 4, kThreads, context.multiprocessors), kThreads, 0,
                          context.stream>>>(x, velocity, total, scale, noise_sigma, draw);
  }
  SWF_CUDA_CHECK_LAUNCH();
}

}  // namespace swf::gpu
