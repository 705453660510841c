#include "adam.hpp"

#include <cmath>

#include "error.hpp"

namespace swf::cpu {

void adam_update(float* weights, const float* gradient, float* first_moment, float* second_moment, size_t count,
                 const AdamParams& adam, uint64_t step) {
  if (step == 0) fail(SWF_ERR_INVALID_ARGUMENT, "Adam's step number starts at 1");
  const double steps = static_cast<double>(step);
  const float first_correction = static_cast<float>(1.0 / (1.0 - std::pow(double{adam.beta1}, steps)));
  const float second_correction = static_cast<float>(1.0 / (1.0 - std::pow(double{adam.beta2}, steps)));
  const float beta1 = adam.beta1, beta2 = adam.beta2, learning_rate = adam.learning_rate, epsilon = adam.epsilon;
#pragma omp parallel for schedule(static) if (count >= 16384)
  for (int64_t e = 0; e < static_cast<int64_t>(count); ++e) {
    const float g = gradient[e];
    const float m = beta1 * first_moment[e] + (1.0f - beta1) * g;
    const float v = beta2 * second_moment[e] + (1.0f - beta2) * g * g;
    first_moment[e] = m;
    second_moment[e] = v;
    weights[e] -= learning_rate * (m * first_correction) / (std::sqrt(v * second_correction) + epsilon);
  }
}

}  // namespace swf::cpu
