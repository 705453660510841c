// The time conditioning of the learned flow f(x0, t) = x0 + (t/T) g([x0, gamma(t)]): the network's input
// features, the gate that makes f(x0, 0) = x0 exact, and the regression loss's gradient through the gate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace swf::cpu {

// features (n x (d + 1 + 2F)), row i = [x0_i (d), tau, sin(pi tau), cos(pi tau), sin(2 pi tau),
// cos(2 pi tau), ..., sin(2^(F-1) pi tau), cos(2^(F-1) pi tau)] with tau = t_i / T: the sine and cosine
// of each frequency side by side. The angles are taken in double.
void time_features(const float* x0, const float* t, size_t n, size_t d, uint32_t frequencies, float time_scale,
                   float* features);

// out (n x d) = x0 + (t/T) g; exactly x0 where t = 0 (and g is finite).
void time_gate(const float* x0, const float* t, const float* g, size_t n, size_t d, float time_scale, float* out);

// grad_g (n x d) = (2/(n d)) (t/T) (out - y); returns the loss 1/(n d) sum (out - y)^2, summed in double per
// row into row_losses (grown to n) and then over the rows in order: the same bits whatever the thread count.
double regression_gradient(const float* out, const float* y, const float* t, size_t n, size_t d, float time_scale,
                           float* grad_g, std::vector<double>& row_losses);

}  // namespace swf::cpu
