#include "flow.hpp"

#include <cmath>
#include <string>

#include "boundary.hpp"
#include "handles.hpp"
#include "validate.hpp"

using swf::capi::guarded;
using swf::capi::require_count;
using swf::capi::require_finite;
using swf::capi::require_not_null;

namespace {

swf::FlowParams checked_params(const swf_flow_params* p) {
  require_not_null(p, "params");
  if (p->struct_size < sizeof(swf_flow_params))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->struct_size is " + std::to_string(p->struct_size) +
                                            ": fill the struct with swf_flow_params_init first");
  swf::FlowParams params;
  params.num_directions = p->num_directions;
  params.step_size = p->step_size;
  params.regularization = p->regularization;
  params.directions = p->directions;
  params.velocity = p->velocity;
  if (params.num_directions == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->num_directions (L) is 0: at least 1");
  if (!(std::isfinite(params.step_size) && params.step_size > 0.0f))
    swf::fail(SWF_ERR_INVALID_ARGUMENT,
              "params->step_size (h) is " + std::to_string(params.step_size) + ": must be finite and > 0");
  if (!(std::isfinite(params.regularization) && params.regularization >= 0.0f))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->regularization (lambda) is " +
                                            std::to_string(params.regularization) + ": must be finite and >= 0");
  if (params.directions != SWF_DIRECTIONS_GAUSSIAN && params.directions != SWF_DIRECTIONS_ORTHOGONAL &&
      params.directions != SWF_DIRECTIONS_FIXED)
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->directions is not an swf_directions value");
  if (params.velocity != SWF_VELOCITY_NORMALIZED && params.velocity != SWF_VELOCITY_GRADIENT)
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->velocity is not an swf_velocity value");
  return params;
}

swf::Flow& checked_flow(swf_flow f) {
  require_not_null(f, "flow");
  return *f->flow;
}

swf::Flow& flow_with_particles(swf_flow f) {
  swf::Flow& flow = checked_flow(f);
  if (flow.num_particles() == 0)
    swf::fail(SWF_ERR_INVALID_ARGUMENT,
              "the flow has no particles yet: call swf_flow_init_particles or swf_flow_set_particles first");
  return flow;
}

}  // namespace

extern "C" {

void swf_flow_params_init(swf_flow_params* p) {
  if (!p) return;
  *p = swf_flow_params{};
  p->struct_size = sizeof(swf_flow_params);
  p->num_directions = 128;
  p->step_size = 1.0f;
  p->regularization = 0.0f;
  p->directions = SWF_DIRECTIONS_GAUSSIAN;
  p->velocity = SWF_VELOCITY_NORMALIZED;
}

swf_status swf_flow_create(swf_context ctx, const swf_flow_params* p, const float* target, size_t m, size_t d,
                           swf_flow* out) {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    *out = nullptr;
    require_not_null(ctx, "ctx");
    const swf::FlowParams params = checked_params(p);
    require_not_null(target, "target");
    require_count(m, d, "target count m");
    if (size_t{params.num_directions} > SIZE_MAX / d / sizeof(float))
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "L x d overflows size_t");
    require_finite(target, m, d, "target");
    auto handle = std::make_unique<swf_flow_s>();
    handle->flow = std::make_unique<swf::Flow>(ctx->backend, ctx->seed, params, target, m, d);
    *out = handle.release();
  });
}

swf_status swf_flow_init_particles(swf_flow f, size_t n, swf_init init, float scale) {
  return guarded(__func__, [&] {
    swf::Flow& flow = checked_flow(f);
    require_count(n, flow.dim(), "particle count n");
    if (init != SWF_INIT_GAUSSIAN && init != SWF_INIT_UNIFORM)
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "init is not an swf_init value");
    if (!(std::isfinite(scale) && scale > 0.0f))
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "scale is " + std::to_string(scale) + ": must be finite and > 0");
    flow.init_particles(n, init, scale);
  });
}

swf_status swf_flow_set_particles(swf_flow f, const float* x, size_t n) {
  return guarded(__func__, [&] {
    swf::Flow& flow = checked_flow(f);
    require_not_null(x, "x");
    require_count(n, flow.dim(), "particle count n");
    require_finite(x, n, flow.dim(), "x");
    flow.set_particles(x, n);
  });
}

swf_status swf_flow_set_directions(swf_flow f, const float* theta, uint32_t L) {
  return guarded(__func__, [&] {
    swf::Flow& flow = checked_flow(f);
    require_not_null(theta, "theta");
    if (L == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "L is 0: at least one direction");
    require_count(L, flow.dim(), "direction count L");
    require_finite(theta, L, flow.dim(), "theta");
    flow.set_directions(theta, L);
  });
}

swf_status swf_flow_step(swf_flow f, uint32_t steps) {
  return guarded(__func__, [&] { flow_with_particles(f).step(steps); });
}

swf_status swf_flow_get_particles(swf_flow f, float* out, size_t n) {
  return guarded(__func__, [&] {
    swf::Flow& flow = flow_with_particles(f);
    require_not_null(out, "out");
    if (n != flow.num_particles())
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "n is " + std::to_string(n) + " but the flow has " +
                                              std::to_string(flow.num_particles()) + " particles");
    flow.get_particles(out);
  });
}

swf_status swf_flow_get_directions(swf_flow f, float* out, uint32_t L) {
  return guarded(__func__, [&] {
    swf::Flow& flow = checked_flow(f);
    require_not_null(out, "out");
    if (!flow.has_directions())
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "no directions yet: the flow has taken no step");
    if (L != flow.num_directions())
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "L is " + std::to_string(L) + " but the flow uses " +
                                              std::to_string(flow.num_directions()) + " directions");
    flow.get_directions(out);
  });
}

swf_status swf_flow_info(swf_flow f, size_t* n, size_t* d, uint64_t* step, double* time) {
  return guarded(__func__, [&] {
    const swf::Flow& flow = checked_flow(f);
    if (n) *n = flow.num_particles();
    if (d) *d = flow.dim();
    if (step) *step = flow.steps_taken();
    if (time) *time = flow.time();
  });
}

swf_status swf_flow_distance(swf_flow f, uint32_t L, double* sw2) {
  return guarded(__func__, [&] {
    swf::Flow& flow = flow_with_particles(f);
    require_not_null(sw2, "sw2");
    if (L == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "L is 0: at least one direction");
    *sw2 = flow.distance(L);
  });
}

swf_status swf_flow_get_params(swf_flow f, swf_flow_params* p) {
  return guarded(__func__, [&] {
    const swf::Flow& flow = checked_flow(f);
    require_not_null(p, "params");
    if (p->struct_size < sizeof(swf_flow_params))
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->struct_size is " + std::to_string(p->struct_size) +
                                              ": fill the struct with swf_flow_params_init first");
    const swf::FlowParams& params = flow.params();
    p->num_directions = params.num_directions;
    p->step_size = params.step_size;
    p->regularization = params.regularization;
    p->directions = params.directions;
    p->velocity = params.velocity;
  });
}

void swf_flow_destroy(swf_flow f) { delete f; }

}  // extern "C"
