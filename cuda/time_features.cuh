// The time conditioning of the learned flow on the GPU (the CUDA side of cpu/time_features.cpp): the
// network's input features, the gate x0 + (t/T) g, and the regression loss with its gradient through the
// gate. The float operations are those of the CPU, one rounding each, so the results agree with it to the
// bit except where the device's float64 sin/cos round differently (within a float ulp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "workspace.cuh"

namespace swf::gpu {

// features (n x (d + 1 + 2F)), row i = [x0_i, tau, sin(pi tau), cos(pi tau), ..., sin(2^(F-1) pi tau),
// cos(2^(F-1) pi tau)] with tau = t_i / T taken in double (as the CPU).
void time_features(const DeviceContext& context, const float* x0, const float* t, size_t n, size_t d,
                   uint32_t frequencies, float time_scale, float* features);

// out (n x d) = x0 + (t/T) g; exactly x0 where t = 0.
void time_gate(const DeviceContext& context, const float* x0, const float* t, const float* g, size_t n, size_t d,
               float time_scale, float* out);

// grad_g (n x d) = (2/(n d)) (t/T) (out - y); returns the loss 1/(n d) sum (out - y)^2 (float64 sums of each
// row in order, as the CPU, then of the rows in a fixed order that depends on n only). Uses the workspace
// and waits for the stream: the loss is returned on the host.
double regression_gradient(const DeviceContext& context, const float* out, const float* y, const float* t, size_t n,
                           size_t d, float time_scale, float* grad_g);

}  // namespace swf::gpu
