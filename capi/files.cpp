// The file calls of swflow.h: point sets, trajectories, checkpoints. capi/ turns flows into io/'s plain
// checkpoints and back; io/ knows nothing of flows.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "boundary.hpp"
#include "handles.hpp"
#include "point_set.hpp"
#include "trajectory.hpp"
#include "validate.hpp"

using swf::capi::copy_text;
using swf::capi::guarded;
using swf::capi::require_not_null;

// Records a flow or (when jko is set) an SW-JKO scheme.
struct swf_recorder_s {
  swf_flow flow = nullptr;
  swf_jko jko = nullptr;
  double last_sw2 = std::nan("");
  std::unique_ptr<swf::io::TrajectoryWriter> writer;
};

namespace {

swf::io::Checkpoint checkpoint_of(const swf::Flow& flow) {
  swf::io::Checkpoint state;
  const swf::FlowParams& params = flow.params();
  state.seed = flow.seed();
  state.step = flow.steps_taken();
  state.time = flow.time();
  state.distance_draws = flow.distance_draws();
  state.particle_draws = flow.particle_draws();
  state.num_directions = params.num_directions;
  state.step_size = params.step_size;
  state.regularization = params.regularization;
  state.directions = params.directions;
  state.velocity = params.velocity;
  state.n = flow.num_particles();
  state.m = flow.num_targets();
  state.d = flow.dim();
  state.particles.resize(state.n * state.d);
  flow.get_particles(state.particles.data());
  state.target.resize(state.m * state.d);
  flow.get_target(state.target.data());
  if (flow.has_directions()) {
    state.theta.resize(size_t{state.num_directions} * state.d);
    flow.get_directions(state.theta.data());
  }
  state.backend = flow.backend_kind() == SWF_BACKEND_CUDA ? "cuda" : "cpu";
  return state;
}

std::unique_ptr<swf::Flow> flow_of(const swf_context_s& context, const swf::io::Checkpoint& state,
                                   const std::string& path) {
  swf::FlowParams params;
  params.num_directions = state.num_directions;
  params.step_size = state.step_size;
  params.regularization = state.regularization;
  params.directions = static_cast<swf_directions>(state.directions);
  params.velocity = static_cast<swf_velocity>(state.velocity);
  for (const auto& [values, name] : {std::pair{&state.target, "target"}, {&state.particles, "checkpoint position"}})
    for (float value : *values)
      if (!std::isfinite(value)) swf::fail(SWF_ERR_FORMAT, path + ": the " + std::string(name) + " holds non-finite values");
  auto flow = std::make_unique<swf::Flow>(context.backend, state.seed, params, state.target.data(), state.m, state.d);
  flow->set_particles(state.particles.data(), state.n);
  if (params.directions == SWF_DIRECTIONS_FIXED && !state.theta.empty())
    flow->set_directions(state.theta.data(), state.num_directions);
  flow->restore_counters(state.step, state.time, state.distance_draws, state.particle_draws);
  return flow;
}

swf::io::TrajectoryOptions options_of(const swf_record_params* p) {
  require_not_null(p, "params");
  if (p->struct_size < sizeof(swf_record_params))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->struct_size is " + std::to_string(p->struct_size) +
                                            ": fill the struct with swf_record_params_init first");
  if (p->compression < 0 || p->compression > 9)
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->compression is " + std::to_string(p->compression) + ": 0 to 9");
  swf::io::TrajectoryOptions options;
  options.sw2_directions = p->sw2_directions;
  options.compression = p->compression;
  if (p->config) options.config = p->config;
  if (p->author) options.author = p->author;
  options.image_rows = p->image_shape[0];
  options.image_cols = p->image_shape[1];
  return options;
}

std::optional<double> observed_sw2(swf::Flow& flow, uint32_t directions) {
  if (directions == 0) return std::nullopt;
  return flow.distance(directions);
}

// A JKO scheme as the trajectory writer's plain state: tau stands in the step size, L in num_directions.
swf::io::Checkpoint checkpoint_of(const swf::Jko& jko) {
  swf::io::Checkpoint state;
  state.seed = jko.seed();
  state.step = jko.steps_taken();
  state.time = jko.time();
  state.num_directions = jko.params().num_directions;
  state.step_size = jko.params().tau;
  state.directions = SWF_DIRECTIONS_GAUSSIAN;
  state.velocity = SWF_VELOCITY_GRADIENT;
  state.n = jko.num_particles();
  state.m = jko.num_targets();
  state.d = jko.dim();
  state.particles.resize(state.n * state.d);
  jko.get_particles(state.particles.data());
  state.target.resize(state.m * state.d);
  if (state.m > 0) jko.get_target(state.target.data());
  state.backend = jko.backend_kind() == SWF_BACKEND_CUDA ? "cuda" : "cpu";
  // What continues it bit for bit: the random streams' counters, and a generator's weights and replay pairs.
  const swf::JkoState own = jko.state();
  state.scheme = "jko";
  state.counters = {{"inner_draws", own.inner_draws},
                    {"particle_draws", own.particle_draws},
                    {"generator_draws", own.generator_draws}};
  state.arrays = {{"generator", own.generator.empty() ? size_t{0} : size_t{1}, own.generator.size(), own.generator},
                  {"replay_z", own.replay_z.size() / state.d, state.d, own.replay_z},
                  {"replay_x", own.replay_x.size() / state.d, state.d, own.replay_x}};
  return state;
}

// A time series of a trajectory into the caller's arrays (up to capacity entries), its length into *count.
void copy_series(const char* path, swf::io::Series (*read)(const std::string&), size_t capacity, uint64_t* steps,
                 double* times, double* values, size_t* count) {
  require_not_null(path, "path");
  require_not_null(count, "count");
  const swf::io::Series series = read(path);
  *count = series.values.size();
  const size_t copied = std::min(capacity, series.values.size());
  if (steps) std::copy_n(series.steps.begin(), copied, steps);
  if (times) std::copy_n(series.times.begin(), copied, times);
  if (values) std::copy_n(series.values.begin(), copied, values);
}

const swf::io::CheckpointLayout kJkoLayout{
    "jko", {"inner_draws", "particle_draws", "generator_draws"}, {"generator", "replay_z", "replay_x"}};

// The parameters of a JKO trajectory, from the jko_* attributes its recorder wrote; swf_jko_create's checks follow.
swf_jko_params jko_params_of(const std::vector<std::pair<std::string, double>>& attributes, size_t d,
                             std::vector<float>& matrix, std::vector<float>& center, const std::string& path) {
  const auto value = [&](const std::string& name, std::optional<double> fallback = std::nullopt) {
    for (const auto& [key, number] : attributes)
      if (key == name) return number;
    if (!fallback) swf::fail(SWF_ERR_FORMAT, path + ": the SW-JKO trajectory lacks its parameter " + name);
    return *fallback;
  };
  swf_jko_params p;
  swf_jko_params_init(&p);
  p.tau = float(value("jko_tau"));
  p.inner_steps = uint32_t(value("jko_inner_steps"));
  p.learning_rate = float(value("jko_learning_rate"));
  p.num_directions = uint32_t(value("jko_num_directions"));
  p.objective_directions = uint32_t(value("jko_objective_directions"));
  p.target_weight = float(value("jko_target_weight"));
  p.potential_weight = float(value("jko_potential_weight"));
  p.interaction_weight = float(value("jko_interaction_weight"));
  p.interaction_a = float(value("jko_interaction_a"));
  p.interaction_b = float(value("jko_interaction_b"));
  p.entropy_weight = float(value("jko_entropy_weight"));
  p.bandwidth = float(value("jko_bandwidth"));
  p.entropy_estimator = value("jko_entropy_estimator", 0.0) == 1.0 ? SWF_ENTROPY_NEIGHBOURS : SWF_ENTROPY_KERNEL;
  p.entropy_neighbours = uint32_t(value("jko_entropy_neighbours", 8.0));
  if (value("jko_variant", 0.0) == 1.0) {
    p.variant = SWF_JKO_GENERATOR;
    p.generator_width = uint32_t(value("jko_generator_width"));
    p.generator_depth = uint32_t(value("jko_generator_depth"));
    p.generator_activation = static_cast<swf_activation>(int(value("jko_generator_activation")));
    p.generator_time_conditioned = value("jko_generator_time_scale", 0.0) > 0.0 ? 1 : 0;
    p.generator_time_scale = float(value("jko_generator_time_scale", 1.0));
  }
  if (p.potential_weight > 0.0f) {
    matrix.resize(d * d);
    center.resize(d);
    for (size_t r = 0; r < d; ++r) {
      center[r] = float(value("jko_potential_center_" + std::to_string(r)));
      for (size_t c = 0; c < d; ++c)
        matrix[r * d + c] = float(value("jko_potential_matrix_" + std::to_string(r) + "_" + std::to_string(c)));
    }
    p.potential_matrix = matrix.data();
    p.potential_center = center.data();
  }
  return p;
}

swf::JkoState jko_state_of(const swf::io::Checkpoint& state,
                           const std::vector<std::pair<std::string, double>>& attributes) {
  swf::JkoState own;
  own.step = state.step;
  own.n = state.n;
  own.particles = state.particles;
  own.inner_draws = state.counters.at(0).second;
  own.particle_draws = state.counters.at(1).second;
  own.generator_draws = state.counters.at(2).second;
  own.generator = state.arrays.at(0).values;
  own.replay_z = state.arrays.at(1).values;
  own.replay_x = state.arrays.at(2).values;
  for (const auto& [key, number] : attributes) {
    if (key == "jko_generator_law") own.generator_law = number == 1.0 ? SWF_INIT_UNIFORM : SWF_INIT_GAUSSIAN;
    if (key == "jko_generator_scale") own.generator_scale = float(number);
  }
  if (!(std::isfinite(own.generator_scale) && own.generator_scale > 0.0f))
    swf::fail(SWF_ERR_FORMAT, "the SW-JKO trajectory's jko_generator_scale is not finite and > 0");
  return own;
}

swf::io::Checkpoint checkpoint_of(const swf_recorder_s& r) {
  return r.jko ? checkpoint_of(*r.jko->jko) : checkpoint_of(*r.flow->flow);
}

// The JKO scheme's observables: F, and SW_2 to the target along the objective's directions when there is one.
std::pair<std::optional<double>, double> jko_observables(swf::Jko& jko, uint32_t sw2_directions) {
  const swf::JkoObjective value = jko.objective();
  std::optional<double> sw2;
  if (jko.num_targets() > 0 && sw2_directions > 0) sw2 = std::sqrt(2.0 * value.target);
  return {sw2, value.total};
}

swf::Flow& flow_with_particles(swf_flow f) {
  require_not_null(f, "flow");
  if (f->flow->num_particles() == 0)
    swf::fail(SWF_ERR_INVALID_ARGUMENT,
              "the flow has no particles yet: call swf_flow_init_particles or swf_flow_set_particles first");
  return *f->flow;
}

}  // namespace

extern "C" {

swf_status swf_points_shape(const char* spec, size_t* n, size_t* d) {
  return guarded(__func__, [&] {
    require_not_null(spec, "spec");
    require_not_null(n, "n");
    require_not_null(d, "d");
    const swf::io::PointSet points = swf::io::read_points(spec, true);
    *n = points.n;
    *d = points.d;
  });
}

swf_status swf_points_read(const char* spec, float* out, size_t n, size_t d) {
  return guarded(__func__, [&] {
    require_not_null(spec, "spec");
    require_not_null(out, "out");
    swf::io::PointSet points = swf::io::read_points(spec, true);
    if (points.n != n || points.d != d)
      swf::fail(SWF_ERR_INVALID_ARGUMENT, std::string(spec) + " holds " + std::to_string(points.n) + " x " +
                                              std::to_string(points.d) + " values, not " + std::to_string(n) + " x " +
                                              std::to_string(d));
    points = swf::io::read_points(spec);
    std::memcpy(out, points.values.data(), points.values.size() * sizeof(float));
  });
}

swf_status swf_points_write(const char* path, const char* group, const float* x, size_t n, size_t d,
                            const uint32_t* image_shape) {
  return guarded(__func__, [&] {
    require_not_null(path, "path");
    require_not_null(group, "group");
    require_not_null(x, "x");
    swf::capi::require_count(n, d, "n");
    swf::capi::require_finite(x, n, d, "x");
    if (std::string(group).empty() || std::string(group).find('/') != std::string::npos)
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "group \"" + std::string(group) + "\" must be a non-empty name without '/'");
    swf::io::write_points(path, group, x, n, d, image_shape);
  });
}

void swf_record_params_init(swf_record_params* p) {
  if (!p) return;
  *p = swf_record_params{};
  p->struct_size = sizeof(swf_record_params);
  p->sw2_directions = 256;
  p->compression = 0;
}

swf_status swf_recorder_create(swf_flow f, const char* path, const swf_record_params* p, swf_recorder* out) {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    *out = nullptr;
    swf::Flow& flow = flow_with_particles(f);
    require_not_null(path, "path");
    const swf::io::TrajectoryOptions options = options_of(p);
    if ((options.image_rows != 0 || options.image_cols != 0) &&
        size_t{options.image_rows} * options.image_cols != flow.dim())
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->image_shape is " + std::to_string(options.image_rows) + " x " +
                                              std::to_string(options.image_cols) + " but the flow's dimension is " +
                                              std::to_string(flow.dim()));
    auto recorder = std::make_unique<swf_recorder_s>();
    recorder->flow = f;
    const std::optional<double> sw2 = observed_sw2(flow, options.sw2_directions);
    recorder->writer = std::make_unique<swf::io::TrajectoryWriter>(path, checkpoint_of(flow), options, sw2);
    if (sw2) recorder->last_sw2 = *sw2;
    *out = recorder.release();
  });
}

swf_status swf_jko_recorder_resume(swf_context ctx, const char* path, const swf_record_params* p, swf_jko* jko_out,
                                   swf_recorder* recorder_out) {
  return guarded(__func__, [&] {
    require_not_null(jko_out, "jko_out");
    require_not_null(recorder_out, "recorder_out");
    *jko_out = nullptr;
    *recorder_out = nullptr;
    require_not_null(ctx, "ctx");
    require_not_null(path, "path");
    swf::io::TrajectoryOptions options = options_of(p);
    swf::io::Checkpoint state;
    auto writer = std::make_unique<swf::io::TrajectoryWriter>(path, &state, &options, kJkoLayout);
    const std::vector<std::pair<std::string, double>> attributes = swf::io::read_numeric_parameters(path);
    std::vector<float> matrix, center;
    const swf_jko_params params = jko_params_of(attributes, state.d, matrix, center, std::string(path));
    swf::JkoParams checked;
    try {
      checked = swf::capi::checked_jko_params(&params, state.d);
    } catch (const swf::Error& e) {
      swf::fail(SWF_ERR_FORMAT, std::string(path) + ": its SW-JKO parameters are refused: " + e.what());
    }
    if (checked.target_weight > 0.0f && state.m == 0)
      swf::fail(SWF_ERR_FORMAT, std::string(path) + ": its target term has a weight but the file holds no target");
    const auto require_finite_values = [&](const std::vector<float>& values, const std::string& what) {
      for (float value : values)
        if (!std::isfinite(value))
          swf::fail(SWF_ERR_FORMAT, std::string(path) + ": the " + what + " holds non-finite values");
    };
    require_finite_values(state.particles, "checkpoint position");
    require_finite_values(state.target, "target");
    for (const swf::io::Checkpoint::Array& array : state.arrays) {
      require_finite_values(array.values, "checkpoint's " + array.name);
      if (array.name != "generator" && array.rows > 0 && array.cols != state.d)
        swf::fail(SWF_ERR_FORMAT, std::string(path) + ": the checkpoint's " + array.name + " is not [*, d]");
    }
    auto jko = std::make_unique<swf_jko_s>();
    jko->jko = std::make_unique<swf::Jko>(ctx->backend, state.seed, checked, state.target.data(),
                                          checked.target_weight > 0.0f ? state.m : 0, state.d);
    jko->jko->restore(jko_state_of(state, attributes));
    auto recorder = std::make_unique<swf_recorder_s>();
    recorder->jko = jko.get();
    recorder->writer = std::move(writer);
    const auto [sw2, energy] = jko_observables(*jko->jko, recorder->writer->options().sw2_directions);
    if (sw2) recorder->last_sw2 = *sw2;
    (void)energy;
    *jko_out = jko.release();
    *recorder_out = recorder.release();
  });
}

swf_status swf_jko_recorder_create(swf_jko j, const char* path, const swf_record_params* p, swf_recorder* out) {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    *out = nullptr;
    require_not_null(j, "jko");
    swf::Jko& jko = *j->jko;
    if (jko.num_particles() == 0)
      swf::fail(SWF_ERR_INVALID_ARGUMENT,
                "no particles yet: call swf_jko_init_particles or swf_jko_set_particles first");
    require_not_null(path, "path");
    swf::io::TrajectoryOptions options = options_of(p);
    if ((options.image_rows != 0 || options.image_cols != 0) &&
        size_t{options.image_rows} * options.image_cols != jko.dim())
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->image_shape does not match the dimension");
    if (jko.num_targets() == 0) options.sw2_directions = 0;
    if (options.sw2_directions > 0) options.sw2_directions = jko.params().objective_directions;
    options.scheme = "jko";
    options.energy = true;
    const swf::JkoParams& params = jko.params();
    options.extra_parameters = {{"jko_tau", params.tau},
                                {"jko_inner_steps", params.inner_steps},
                                {"jko_learning_rate", params.learning_rate},
                                {"jko_num_directions", params.num_directions},
                                {"jko_objective_directions", params.objective_directions},
                                {"jko_target_weight", params.target_weight},
                                {"jko_potential_weight", params.potential_weight},
                                {"jko_interaction_weight", params.interaction_weight},
                                {"jko_interaction_a", params.interaction_a},
                                {"jko_interaction_b", params.interaction_b},
                                {"jko_entropy_weight", params.entropy_weight},
                                {"jko_bandwidth", params.bandwidth}};
    if (params.entropy_estimator == swf::EntropyEstimator::neighbours) {
      // jko_entropy_estimator: 0 the kernel estimate (the attribute is left out), 1 nearest neighbours.
      options.extra_parameters.emplace_back("jko_entropy_estimator", 1.0);
      options.extra_parameters.emplace_back("jko_entropy_neighbours", params.entropy_neighbours);
    }
    if (jko.is_generator()) {
      // jko_variant: 0 particles (the attribute is left out), 1 the generator, as swf_jko_variant.
      options.extra_parameters.emplace_back("jko_variant", 1.0);
      options.extra_parameters.emplace_back("jko_generator_width", params.generator_width);
      options.extra_parameters.emplace_back("jko_generator_depth", params.generator_depth);
      options.extra_parameters.emplace_back("jko_generator_activation", double(params.generator_activation));
      // The law g pushes forward (swf_init) and its scale, for a resumed run.
      options.extra_parameters.emplace_back("jko_generator_law", double(jko.generator()->config().initial_law));
      options.extra_parameters.emplace_back("jko_generator_scale", jko.generator()->config().initial_scale);
      if (params.generator_time_conditioned)
        options.extra_parameters.emplace_back("jko_generator_time_scale", params.generator_time_scale);
    }
    for (size_t k = 0; k < params.potential_center.size(); ++k)
      options.extra_parameters.emplace_back("jko_potential_center_" + std::to_string(k), params.potential_center[k]);
    for (size_t e = 0; e < params.potential_matrix.size(); ++e)
      options.extra_parameters.emplace_back(
          "jko_potential_matrix_" + std::to_string(e / jko.dim()) + "_" + std::to_string(e % jko.dim()),
          params.potential_matrix[e]);
    auto recorder = std::make_unique<swf_recorder_s>();
    recorder->jko = j;
    const auto [sw2, energy] = jko_observables(jko, options.sw2_directions);
    recorder->writer = std::make_unique<swf::io::TrajectoryWriter>(path, checkpoint_of(jko), options, sw2, energy);
    if (sw2) recorder->last_sw2 = *sw2;
    *out = recorder.release();
  });
}

swf_status swf_recorder_append(swf_recorder r) {
  return guarded(__func__, [&] {
    require_not_null(r, "recorder");
    if (r->jko) {
      swf::Jko& jko = *r->jko->jko;
      if (jko.num_particles() != r->writer->particles())
        swf::fail(SWF_ERR_INVALID_ARGUMENT, "the JKO scheme now has " + std::to_string(jko.num_particles()) +
                                                " particles; the trajectory records " +
                                                std::to_string(r->writer->particles()));
      std::vector<float> particles(jko.num_particles() * jko.dim());
      jko.get_particles(particles.data());
      const auto [sw2, energy] = jko_observables(jko, r->writer->options().sw2_directions);
      r->writer->append(jko.steps_taken(), jko.time(), particles.data(), sw2, energy);
      if (sw2) r->last_sw2 = *sw2;
      return;
    }
    swf::Flow& flow = *r->flow->flow;
    if (flow.num_particles() != r->writer->particles())
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "the flow now has " + std::to_string(flow.num_particles()) +
                                              " particles; the trajectory records " +
                                              std::to_string(r->writer->particles()));
    std::vector<float> particles(flow.num_particles() * flow.dim());
    flow.get_particles(particles.data());
    const std::optional<double> sw2 = observed_sw2(flow, r->writer->options().sw2_directions);
    r->writer->append(flow.steps_taken(), flow.time(), particles.data(), sw2);
    if (sw2) r->last_sw2 = *sw2;
  });
}

swf_status swf_recorder_last_sw2(swf_recorder r, double* sw2) {
  return guarded(__func__, [&] {
    require_not_null(r, "recorder");
    require_not_null(sw2, "sw2");
    *sw2 = r->last_sw2;
  });
}

swf_status swf_recorder_checkpoint(swf_recorder r) {
  return guarded(__func__, [&] {
    require_not_null(r, "recorder");
    r->writer->checkpoint(checkpoint_of(*r));
  });
}

swf_status swf_recorder_close(swf_recorder r) {
  if (!r) return SWF_OK;
  std::unique_ptr<swf_recorder_s> owned(r);
  return guarded(__func__, [&] { owned->writer->close(checkpoint_of(*owned)); });
}

void swf_recorder_discard(swf_recorder r) {
  guarded(__func__, [&] { delete r; });
}

swf_status swf_recorder_resume(swf_context ctx, const char* path, const swf_record_params* p, swf_flow* flow_out,
                               swf_recorder* recorder_out) {
  return guarded(__func__, [&] {
    require_not_null(flow_out, "flow_out");
    require_not_null(recorder_out, "recorder_out");
    *flow_out = nullptr;
    *recorder_out = nullptr;
    require_not_null(ctx, "ctx");
    require_not_null(path, "path");
    swf::io::TrajectoryOptions options = options_of(p);
    swf::io::Checkpoint state;
    auto writer = std::make_unique<swf::io::TrajectoryWriter>(path, &state, &options);
    auto flow = std::make_unique<swf_flow_s>();
    flow->flow = flow_of(*ctx, state, path);
    auto recorder = std::make_unique<swf_recorder_s>();
    recorder->flow = flow.get();
    recorder->writer = std::move(writer);
    *flow_out = flow.release();
    *recorder_out = recorder.release();
  });
}

swf_status swf_flow_save(swf_flow f, const char* path) {
  return guarded(__func__, [&] {
    swf::Flow& flow = flow_with_particles(f);
    require_not_null(path, "path");
    swf::io::save_checkpoint(path, checkpoint_of(flow));
  });
}

swf_status swf_flow_load(swf_context ctx, const char* path, swf_flow* out) {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    *out = nullptr;
    require_not_null(ctx, "ctx");
    require_not_null(path, "path");
    auto flow = std::make_unique<swf_flow_s>();
    flow->flow = flow_of(*ctx, swf::io::read_checkpoint(path), path);
    *out = flow.release();
  });
}

swf_status swf_trajectory_shape(const char* path, size_t* frames, size_t* n, size_t* d) {
  return guarded(__func__, [&] {
    require_not_null(path, "path");
    const swf::io::TrajectoryShape shape = swf::io::trajectory_shape(path);
    if (frames) *frames = shape.frames;
    if (n) *n = shape.n;
    if (d) *d = shape.d;
  });
}

swf_status swf_trajectory_frame(const char* path, size_t index, float* out, size_t n, size_t d, uint64_t* step,
                                double* time) {
  return guarded(__func__, [&] {
    require_not_null(path, "path");
    require_not_null(out, "out");
    const swf::io::TrajectoryShape shape = swf::io::trajectory_shape(path);
    if (shape.n != n || shape.d != d)
      swf::fail(SWF_ERR_INVALID_ARGUMENT, std::string(path) + " holds frames of " + std::to_string(shape.n) + " x " +
                                              std::to_string(shape.d) + ", not " + std::to_string(n) + " x " +
                                              std::to_string(d));
    swf::io::read_frame(path, index, out, step, time);
  });
}

swf_status swf_trajectory_sw2(const char* path, size_t capacity, uint64_t* steps, double* times, double* values,
                              size_t* count) {
  return guarded(__func__, [&] { copy_series(path, swf::io::read_sw2, capacity, steps, times, values, count); });
}

swf_status swf_trajectory_energy(const char* path, size_t capacity, uint64_t* steps, double* times, double* values,
                                 size_t* count) {
  return guarded(__func__, [&] { copy_series(path, swf::io::read_energy, capacity, steps, times, values, count); });
}

swf_status swf_file_parameter(const char* path, const char* name, char* text, size_t capacity, size_t* length) {
  return guarded(__func__, [&] {
    require_not_null(path, "path");
    require_not_null(name, "name");
    require_not_null(length, "length");
    copy_text(swf::io::read_parameter(path, name), text, capacity, length);
  });
}

swf_status swf_file_describe(const char* path, char* text, size_t capacity, size_t* length) {
  return guarded(__func__, [&] {
    require_not_null(path, "path");
    require_not_null(length, "length");
    copy_text(swf::io::describe_file(path), text, capacity, length);
  });
}

}  // extern "C"
