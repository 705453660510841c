// The SW-JKO calls of swflow.h: argument checks and the translation to swf::Jko.
#include "jko.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "boundary.hpp"
#include "handles.hpp"
#include "model_io.hpp"
#include "validate.hpp"

using swf::capi::guarded;
using swf::capi::require_count;
using swf::capi::require_finite;
using swf::capi::require_not_null;

namespace {

// The nearest-neighbour entropy keeps K neighbours per particle in a sorted list (on the GPU in local memory).
constexpr uint32_t kMaxEntropyNeighbours = 64;

void require_positive(float value, const char* name) {
  if (!(std::isfinite(value) && value > 0.0f))
    swf::fail(SWF_ERR_INVALID_ARGUMENT,
              std::string("params->") + name + " is " + std::to_string(value) + ": must be finite and > 0");
}

void require_weight(float value, const char* name) {
  if (!(std::isfinite(value) && value >= 0.0f))
    swf::fail(SWF_ERR_INVALID_ARGUMENT,
              std::string("params->") + name + " is " + std::to_string(value) + ": must be finite and >= 0");
}

// A (d x d) must be symmetric (to float rounding) and positive definite: a Cholesky factorisation in double.
void require_symmetric_positive_definite(const std::vector<float>& A, size_t d) {
  for (size_t r = 0; r < d; ++r)
    for (size_t c = 0; c < r; ++c) {
      const double scale = std::fabs(A[r * d + c]) + std::fabs(A[c * d + r]);
      if (std::fabs(double{A[r * d + c]} - A[c * d + r]) > 1e-6 * scale)
        swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->potential_matrix is not symmetric: A[" + std::to_string(r) + "][" +
                                                std::to_string(c) + "] = " + std::to_string(A[r * d + c]) + " but A[" +
                                                std::to_string(c) + "][" + std::to_string(r) +
                                                "] = " + std::to_string(A[c * d + r]));
    }
  std::vector<double> L(d * d, 0.0);
  for (size_t r = 0; r < d; ++r)
    for (size_t c = 0; c <= r; ++c) {
      double sum = A[r * d + c];
      for (size_t k = 0; k < c; ++k) sum -= L[r * d + k] * L[c * d + k];
      if (r == c) {
        if (!(sum > 0.0))
          swf::fail(SWF_ERR_INVALID_ARGUMENT,
                    "params->potential_matrix is not positive definite (its Cholesky "
                    "factorisation fails at row " +
                        std::to_string(r) + ")");
        L[r * d + r] = std::sqrt(sum);
      } else {
        L[r * d + c] = sum / L[c * d + c];
      }
    }
}

}  // namespace

swf::JkoParams swf::capi::checked_jko_params(const swf_jko_params* p, size_t d) {
  require_not_null(p, "params");
  // A struct of an earlier version (up to bandwidth, or up to generator_activation) is read with the defaults of
  // the fields appended since, except that its entropy estimate stays the kernel one, the only one it knew.
  if (p->struct_size < offsetof(swf_jko_params, variant))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->struct_size is " + std::to_string(p->struct_size) +
                                            ": fill the struct with swf_jko_params_init first");
  const bool has_variant = p->struct_size >= offsetof(swf_jko_params, entropy_estimator);
  const bool has_estimator = p->struct_size >= offsetof(swf_jko_params, generator_time_conditioned);
  const bool has_time_conditioning = p->struct_size >= sizeof(swf_jko_params);
  if (d == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "the dimension d is 0");
  swf::JkoParams params;
  require_positive(p->tau, "tau");
  require_positive(p->learning_rate, "learning_rate");
  require_positive(p->bandwidth, "bandwidth");
  if (p->inner_steps == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->inner_steps is 0: at least 1");
  if (p->num_directions == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->num_directions (L) is 0: at least 1");
  if (p->objective_directions == 0)
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->objective_directions is 0: at least 1");
  if (size_t{std::max(p->num_directions, p->objective_directions)} > SIZE_MAX / d / sizeof(float))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "L x d overflows size_t");
  require_weight(p->target_weight, "target_weight");
  require_weight(p->potential_weight, "potential_weight");
  require_weight(p->interaction_weight, "interaction_weight");
  require_weight(p->entropy_weight, "entropy_weight");
  if (p->target_weight == 0.0f && p->potential_weight == 0.0f && p->interaction_weight == 0.0f &&
      p->entropy_weight == 0.0f)
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "every weight of params is 0: F would be 0 (set at least one)");
  if (!(std::isfinite(p->interaction_a) && std::isfinite(p->interaction_b) && p->interaction_b >= 0.0f &&
        p->interaction_a > p->interaction_b))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->interaction_a, interaction_b are " + std::to_string(p->interaction_a) +
                                            ", " + std::to_string(p->interaction_b) +
                                            ": must be finite with a > b >= 0");
  params.tau = p->tau;
  params.inner_steps = p->inner_steps;
  params.learning_rate = p->learning_rate;
  params.num_directions = p->num_directions;
  params.objective_directions = p->objective_directions;
  params.target_weight = p->target_weight;
  params.potential_weight = p->potential_weight;
  params.interaction_weight = p->interaction_weight;
  params.interaction_a = p->interaction_a;
  params.interaction_b = p->interaction_b;
  params.entropy_weight = p->entropy_weight;
  params.bandwidth = p->bandwidth;
  if (has_variant) {
    if (p->variant != SWF_JKO_PARTICLES && p->variant != SWF_JKO_GENERATOR)
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->variant is not an swf_jko_variant value");
    params.variant = static_cast<swf::JkoVariant>(p->variant);
    if (params.variant == swf::JkoVariant::generator) {
      if (p->generator_width == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->generator_width is 0: at least 1");
      if (p->generator_depth == 0 || p->generator_depth > 64)
        swf::fail(SWF_ERR_INVALID_ARGUMENT,
                  "params->generator_depth is " + std::to_string(p->generator_depth) + ": 1 to 64");
      if (p->generator_activation != SWF_ACTIVATION_SILU && p->generator_activation != SWF_ACTIVATION_RELU &&
          p->generator_activation != SWF_ACTIVATION_TANH)
        swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->generator_activation is not an swf_activation value");
      params.generator_width = p->generator_width;
      params.generator_depth = p->generator_depth;
      params.generator_activation = static_cast<swf::MlpActivation>(p->generator_activation);
    }
  }
  if (has_estimator) {
    if (p->entropy_estimator != SWF_ENTROPY_KERNEL && p->entropy_estimator != SWF_ENTROPY_NEIGHBOURS)
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->entropy_estimator is not an swf_entropy_estimator value");
    if (p->entropy_neighbours == 0 || p->entropy_neighbours > kMaxEntropyNeighbours)
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->entropy_neighbours is " + std::to_string(p->entropy_neighbours) +
                                              ": 1 to " + std::to_string(kMaxEntropyNeighbours));
    params.entropy_estimator = static_cast<swf::EntropyEstimator>(p->entropy_estimator);
    params.entropy_neighbours = p->entropy_neighbours;
  } else {
    params.entropy_estimator = swf::EntropyEstimator::kernel;  // the only one when those structs were written
  }
  if (has_time_conditioning && params.variant == swf::JkoVariant::generator) {
    if (p->generator_time_conditioned > 1)
      swf::fail(SWF_ERR_INVALID_ARGUMENT,
                "params->generator_time_conditioned is " + std::to_string(p->generator_time_conditioned) + ": 0 or 1");
    require_positive(p->generator_time_scale, "generator_time_scale");
    params.generator_time_conditioned = p->generator_time_conditioned == 1;
    params.generator_time_scale = p->generator_time_scale;
  }
  if (params.potential_weight > 0.0f) {
    if (d > 65535) swf::fail(SWF_ERR_INVALID_ARGUMENT, "d x d of the potential matrix overflows");
    params.potential_matrix.assign(d * d, 0.0f);
    if (p->potential_matrix) {
      require_finite(p->potential_matrix, d, d, "params->potential_matrix");
      params.potential_matrix.assign(p->potential_matrix, p->potential_matrix + d * d);
      require_symmetric_positive_definite(params.potential_matrix, d);
    } else {
      for (size_t k = 0; k < d; ++k) params.potential_matrix[k * d + k] = 1.0f;
    }
    params.potential_center.assign(d, 0.0f);
    if (p->potential_center) {
      require_finite(p->potential_center, 1, d, "params->potential_center");
      params.potential_center.assign(p->potential_center, p->potential_center + d);
    }
  }
  return params;
}

namespace {

swf::Jko& checked_jko(swf_jko j) {
  require_not_null(j, "jko");
  return *j->jko;
}

swf::Jko& jko_with_particles(swf_jko j) {
  swf::Jko& jko = checked_jko(j);
  if (jko.num_particles() == 0)
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "no particles yet: call swf_jko_init_particles or swf_jko_set_particles first");
  return jko;
}

// The checks of swf_jko_sample and _sample_at before their time.
swf::Jko& generator_to_sample(swf_jko j, size_t n, const float* out) {
  swf::Jko& jko = checked_jko(j);
  require_not_null(out, "out");
  if (!jko.is_generator())
    swf::fail(SWF_ERR_UNSUPPORTED, "a particle SW-JKO scheme has no generator: read swf_jko_get_particles");
  if (jko.num_particles() == 0)
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "no generator yet: call swf_jko_init_particles first");
  require_count(n, jko.dim(), "sample count n");
  return jko;
}

}  // namespace

extern "C" {

void swf_jko_params_init(swf_jko_params* p) {
  if (!p) return;
  *p = swf_jko_params{};
  p->struct_size = sizeof(swf_jko_params);
  p->tau = 0.1f;
  p->inner_steps = 50;
  p->learning_rate = 1e-2f;
  p->num_directions = 64;
  p->objective_directions = 256;
  p->interaction_a = 4.0f;
  p->interaction_b = 2.0f;
  p->bandwidth = 0.1f;
  p->variant = SWF_JKO_PARTICLES;
  p->generator_width = 64;
  p->generator_depth = 3;
  p->generator_activation = SWF_ACTIVATION_SILU;
  p->entropy_estimator = SWF_ENTROPY_NEIGHBOURS;
  p->entropy_neighbours = 8;
  p->generator_time_conditioned = 0;
  p->generator_time_scale = 1.0f;
}

swf_status swf_jko_create(swf_context ctx, const swf_jko_params* p, size_t d, swf_jko* out) {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    *out = nullptr;
    require_not_null(ctx, "ctx");
    const swf::JkoParams params = swf::capi::checked_jko_params(p, d);
    const float* target = nullptr;
    size_t m = 0;
    if (params.target_weight > 0.0f) {
      require_not_null(p->target, "params->target");
      require_count(p->target_count, d, "params->target_count");
      require_finite(p->target, p->target_count, d, "params->target");
      target = p->target;
      m = p->target_count;
    }
    auto handle = std::make_unique<swf_jko_s>();
    handle->jko = std::make_unique<swf::Jko>(ctx->backend, ctx->seed, params, target, m, d);
    *out = handle.release();
  });
}

swf_status swf_jko_init_particles(swf_jko j, size_t n, swf_init init, float scale) {
  return guarded(__func__, [&] {
    swf::Jko& jko = checked_jko(j);
    require_count(n, jko.dim(), "particle count n");
    if (init != SWF_INIT_GAUSSIAN && init != SWF_INIT_UNIFORM)
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "init is not an swf_init value");
    if (!(std::isfinite(scale) && scale > 0.0f))
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "scale is " + std::to_string(scale) + ": must be finite and > 0");
    jko.init_particles(n, init, scale);
  });
}

swf_status swf_jko_set_particles(swf_jko j, const float* x, size_t n) {
  return guarded(__func__, [&] {
    swf::Jko& jko = checked_jko(j);
    require_not_null(x, "x");
    require_count(n, jko.dim(), "particle count n");
    require_finite(x, n, jko.dim(), "x");
    jko.set_particles(x, n);
  });
}

swf_status swf_jko_step(swf_jko j, uint32_t steps) {
  return guarded(__func__, [&] { jko_with_particles(j).step(steps); });
}

swf_status swf_jko_get_particles(swf_jko j, float* out, size_t n) {
  return guarded(__func__, [&] {
    swf::Jko& jko = jko_with_particles(j);
    require_not_null(out, "out");
    if (n != jko.num_particles())
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "n is " + std::to_string(n) + " but the scheme has " +
                                              std::to_string(jko.num_particles()) + " particles");
    jko.get_particles(out);
  });
}

swf_status swf_jko_objective(swf_jko j, double* total, double* terms) {
  return guarded(__func__, [&] {
    swf::Jko& jko = jko_with_particles(j);
    require_not_null(total, "total");
    const swf::JkoObjective value = jko.objective();
    *total = value.total;
    if (terms) {
      terms[0] = value.target;
      terms[1] = value.potential;
      terms[2] = value.interaction;
      terms[3] = value.entropy;
    }
  });
}

swf_status swf_jko_sample(swf_jko j, size_t n, float* out) {
  return guarded(__func__, [&] { generator_to_sample(j, n, out).sample(n, out); });
}

swf_status swf_jko_sample_at(swf_jko j, double time, size_t n, float* out) {
  return guarded(__func__, [&] {
    swf::Jko& jko = generator_to_sample(j, n, out);
    if (!std::isfinite(time)) swf::fail(SWF_ERR_INVALID_ARGUMENT, "time is not finite");
    jko.sample_at(time, n, out);
  });
}

swf_status swf_jko_save_generator(swf_jko j, const char* path) {
  return guarded(__func__, [&] {
    swf::Jko& jko = checked_jko(j);
    require_not_null(path, "path");
    if (!jko.is_generator()) swf::fail(SWF_ERR_UNSUPPORTED, "a particle SW-JKO scheme has no generator to save");
    if (!jko.generator()) swf::fail(SWF_ERR_INVALID_ARGUMENT, "no generator yet: call swf_jko_init_particles first");
    swf::capi::save_mlp(
        *jko.generator(), jko.seed(),
        "SW-JKO generator, step " + std::to_string(jko.steps_taken()) + ", time " + std::to_string(jko.time()), path);
  });
}

swf_status swf_jko_info(swf_jko j, size_t* n, size_t* d, uint64_t* step, double* time) {
  return guarded(__func__, [&] {
    const swf::Jko& jko = checked_jko(j);
    if (n) *n = jko.num_particles();
    if (d) *d = jko.dim();
    if (step) *step = jko.steps_taken();
    if (time) *time = jko.time();
  });
}

void swf_jko_destroy(swf_jko j) { delete j; }

}  // extern "C"
