// The hidden layers' bias and activation (SiLU, ReLU, tanh) and its backward pass, elementwise over rows
// of a row-major batch.
#pragma once

#include <cstddef>

#include "backend.hpp"

namespace swf::cpu {

// pre (rows x cols) = y + bias (one value per column); y = act(pre), in place.
void bias_activation(float* y, const float* bias, size_t rows, size_t cols, MlpActivation activation, float* pre);

// grad_pre = grad_y * act'(pre), elementwise; grad_pre may be grad_y itself.
void activation_backward(const float* pre, const float* grad_y, size_t rows, size_t cols, MlpActivation activation,
                         float* grad_pre);

}  // namespace swf::cpu
