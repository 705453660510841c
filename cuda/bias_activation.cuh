// The MLP's bias and activation, forward and backward, on the GPU (the CUDA side of the CPU backend's
// bias_activation and activation_backward). One elementwise kernel each: the bias add, the activation and
// the store of the pre-activation fused into one pass over memory.
#pragma once

#include <cstddef>

#include "backend.hpp"
#include "workspace.cuh"

namespace swf::gpu {

// pre (rows x cols) = y + bias (one value per column); y = act(pre). Row-major device arrays; pre must not
// overlap y.
void bias_activation(const DeviceContext& context, float* y, const float* bias, size_t rows, size_t cols,
                     MlpActivation activation, float* pre);

// grad_pre = grad_y * act'(pre), elementwise over rows x cols (grad_pre may be grad_y).
void activation_backward(const DeviceContext& context, const float* pre, const float* grad_y, size_t rows,
                         size_t cols, MlpActivation activation, float* grad_pre);

}  // namespace swf::gpu
