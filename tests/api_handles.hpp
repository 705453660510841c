// Small RAII owners of the C handles, for tests that drive the library through swflow.h.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "swflow.h"

namespace swf::test {

struct Context {
  swf_context handle = nullptr;
  explicit Context(uint64_t seed = 1, swf_backend backend = SWF_BACKEND_CPU) {
    EXPECT_EQ(swf_context_create(backend, seed, &handle), SWF_OK) << swf_last_error();
  }
  ~Context() { swf_context_destroy(handle); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
};

struct Flow {
  swf_flow handle = nullptr;
  size_t d;
  Flow(const Context& context, const swf_flow_params& params, const std::vector<float>& target, size_t d_)
      : d(d_) {
    EXPECT_EQ(swf_flow_create(context.handle, &params, target.data(), target.size() / d, d, &handle), SWF_OK)
        << swf_last_error();
  }
  ~Flow() { swf_flow_destroy(handle); }
  Flow(const Flow&) = delete;
  Flow& operator=(const Flow&) = delete;

  void set_particles(const std::vector<float>& x) {
    ASSERT_EQ(swf_flow_set_particles(handle, x.data(), x.size() / d), SWF_OK) << swf_last_error();
  }
  void step(uint32_t steps = 1) { ASSERT_EQ(swf_flow_step(handle, steps), SWF_OK) << swf_last_error(); }
  std::vector<float> particles() const {
    size_t n = 0;
    EXPECT_EQ(swf_flow_info(handle, &n, nullptr, nullptr, nullptr), SWF_OK);
    std::vector<float> x(n * d);
    EXPECT_EQ(swf_flow_get_particles(handle, x.data(), n), SWF_OK) << swf_last_error();
    return x;
  }
};

inline swf_flow_params flow_params(uint32_t L, float h, float lambda = 0.0f,
                                   swf_directions mode = SWF_DIRECTIONS_GAUSSIAN,
                                   swf_velocity velocity = SWF_VELOCITY_NORMALIZED) {
  swf_flow_params params;
  swf_flow_params_init(&params);
  params.num_directions = L;
  params.step_size = h;
  params.regularization = lambda;
  params.directions = mode;
  params.velocity = velocity;
  return params;
}

}  // namespace swf::test
