// The learned flow's C ABI: models, their training, sampling and files.
#include <cmath>
#include <memory>
#include <string>

#include "boundary.hpp"
#include "handles.hpp"
#include "mlp.hpp"
#include "model_io.hpp"
#include "model_file.hpp"
#include "trainer.hpp"
#include "trajectory.hpp"
#include "validate.hpp"

using swf::capi::guarded;
using swf::capi::require_count;
using swf::capi::require_finite;
using swf::capi::require_not_null;

struct swf_model_s {
  std::shared_ptr<swf::Backend> backend;
  std::unique_ptr<swf::Mlp> mlp;
  uint64_t seed = 0;
  uint64_t sample_draws = 0, training_runs = 0;
  std::unique_ptr<swf::OnlineTrainer> online;
  std::string training = "untrained";
};

namespace {

const char* activation_name(swf::MlpActivation activation) {
  switch (activation) {
    case swf::MlpActivation::relu: return "relu";
    case swf::MlpActivation::tanh: return "tanh";
    default: return "silu";
  }
}

swf::MlpActivation activation_from_name(const std::string& name, const std::string& path) {
  if (name == "silu") return swf::MlpActivation::silu;
  if (name == "relu") return swf::MlpActivation::relu;
  if (name == "tanh") return swf::MlpActivation::tanh;
  swf::fail(SWF_ERR_FORMAT, path + ": unknown activation \"" + name + "\"");
}

void check_config(const swf::MlpConfig& c) {
  if (c.width == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "width is 0");
  if (c.depth == 0 || c.depth > 64) swf::fail(SWF_ERR_INVALID_ARGUMENT, "depth is " + std::to_string(c.depth) + ": 1 to 64");
  if (c.frequencies > 24) swf::fail(SWF_ERR_INVALID_ARGUMENT, "frequencies is " + std::to_string(c.frequencies) + ": at most 24");
  if (!(std::isfinite(c.time_scale) && c.time_scale > 0.0f))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "time_scale is " + std::to_string(c.time_scale) + ": must be finite and > 0");
  if (!(std::isfinite(c.initial_scale) && c.initial_scale > 0.0f))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "initial_scale must be finite and > 0");
  if (c.initial_law != SWF_INIT_GAUSSIAN && c.initial_law != SWF_INIT_UNIFORM)
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "initial_law is not an swf_init value");
}

swf::MlpConfig config_of(const swf_model_params* p, size_t d) {
  require_not_null(p, "params");
  if (p->struct_size < sizeof(swf_model_params))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->struct_size is too small: fill the struct with swf_model_params_init");
  swf::MlpConfig c;
  c.dim = d;
  c.width = p->width;
  c.depth = p->depth;
  if (p->activation != SWF_ACTIVATION_SILU && p->activation != SWF_ACTIVATION_RELU && p->activation != SWF_ACTIVATION_TANH)
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->activation is not an swf_activation value");
  c.activation = static_cast<swf::MlpActivation>(p->activation);
  c.frequencies = p->frequencies;
  c.time_scale = p->time_scale;
  c.initial_law = p->initial_law;
  c.initial_scale = p->initial_scale;
  check_config(c);
  return c;
}

swf::TrainingParams training_of(const swf_train_params* p) {
  require_not_null(p, "params");
  if (p->struct_size < sizeof(swf_train_params))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->struct_size is too small: fill the struct with swf_train_params_init");
  if (p->epochs == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->epochs is 0");
  if (p->batch_size == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->batch_size is 0");
  if (p->steps_per_snapshot == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->steps_per_snapshot is 0");
  if (!(std::isfinite(p->learning_rate) && p->learning_rate > 0.0f))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->learning_rate must be finite and > 0");
  if (!(p->sliced_fraction >= 0.0f && p->sliced_fraction < 1.0f))
    swf::fail(SWF_ERR_INVALID_ARGUMENT, "params->sliced_fraction must lie in [0, 1)");
  swf::TrainingParams t;
  t.sliced_fraction = p->sliced_fraction;
  t.sliced_directions = p->sliced_directions;
  t.epochs = p->epochs;
  t.batch_size = p->batch_size;
  t.adam.learning_rate = p->learning_rate;
  t.steps_per_snapshot = p->steps_per_snapshot;
  return t;
}

swf_model_s& checked_model(swf_model m) {
  require_not_null(m, "model");
  return *m;
}

// Every frame of a trajectory file, in host memory.
swf::TrajectoryPairs read_pairs(const std::string& path, size_t d) {
  const swf::io::TrajectoryShape shape = swf::io::trajectory_shape(path);
  if (shape.d != d)
    swf::fail(SWF_ERR_INVALID_ARGUMENT, path + " holds points of dimension " + std::to_string(shape.d) +
                                            ", the model's is " + std::to_string(d));
  swf::TrajectoryPairs pairs;
  pairs.n = shape.n;
  pairs.d = shape.d;
  pairs.frames.resize(shape.frames);
  pairs.times.resize(shape.frames);
  for (size_t k = 0; k < shape.frames; ++k) {
    pairs.frames[k].resize(shape.n * shape.d);
    swf::io::read_frame(path, k, pairs.frames[k].data(), nullptr, &pairs.times[k]);
    for (float value : pairs.frames[k])
      if (!std::isfinite(value)) swf::fail(SWF_ERR_FORMAT, path + ": frame " + std::to_string(k) + " holds non-finite values");
  }
  pairs.x0 = pairs.frames.at(0);
  return pairs;
}

void map_points(swf_model_s& model, const swf::Buffer<float>& x0, size_t n, double t, float* out) {
  const size_t d = model.mlp->config().dim;
  std::vector<float> times(n, float(t));
  swf::Buffer<float> t_device(model.backend.get()), result(model.backend.get(), n * d);
  t_device.upload(times.data(), n);
  model.mlp->forward(x0.data(), t_device.data(), n, result.data());
  result.download(out, n * d);
}

void check_time(double t) {
  if (!(std::isfinite(t) && t >= 0.0)) swf::fail(SWF_ERR_INVALID_ARGUMENT, "t is " + std::to_string(t) + ": must be finite and >= 0");
}

}  // namespace

void swf::capi::save_mlp(const swf::Mlp& mlp, uint64_t seed, const std::string& training, const char* path) {
  const swf::MlpConfig& c = mlp.config();
  swf::io::ModelFile file;
  file.dim = c.dim;
  file.width = c.width;
  file.depth = c.depth;
  file.frequencies = c.frequencies;
  file.activation = activation_name(c.activation);
  file.time_scale = c.time_scale;
  file.initial_law = c.initial_law == SWF_INIT_UNIFORM ? "uniform" : "gaussian";
  file.initial_scale = c.initial_scale;
  file.adam_steps = mlp.adam_steps();
  file.seed = seed;
  file.training = training;
  for (swf::NamedArray& array : mlp.parameters())
    file.arrays.push_back(swf::io::ModelArray{array.name, array.shape, std::move(array.values)});
  swf::io::save_model(path, file);
}

extern "C" {

void swf_model_params_init(swf_model_params* p) {
  if (!p) return;
  *p = swf_model_params{};
  p->struct_size = sizeof(swf_model_params);
  p->width = 128;
  p->depth = 3;
  p->activation = SWF_ACTIVATION_SILU;
  p->frequencies = 2;
  p->time_scale = 1.0f;
  p->initial_law = SWF_INIT_GAUSSIAN;
  p->initial_scale = 1.0f;
}

void swf_train_params_init(swf_train_params* p) {
  if (!p) return;
  *p = swf_train_params{};
  p->struct_size = sizeof(swf_train_params);
  p->epochs = 100;
  p->batch_size = 512;
  p->learning_rate = 3e-3f;
  p->steps_per_snapshot = 20;
  p->sliced_fraction = 0.5f;
  p->sliced_directions = 0;
}

swf_status swf_model_create(swf_context ctx, size_t d, const swf_model_params* p, swf_model* out) {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    *out = nullptr;
    require_not_null(ctx, "ctx");
    if (d == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "the dimension d is 0");
    const swf::MlpConfig config = config_of(p, d);
    auto model = std::make_unique<swf_model_s>();
    model->backend = ctx->backend;
    model->seed = ctx->seed;
    model->mlp = std::make_unique<swf::Mlp>(ctx->backend, config, ctx->seed);
    *out = model.release();
  });
}

swf_status swf_model_train_trajectory(swf_model m, const char* path, const swf_train_params* p, double* loss) {
  return guarded(__func__, [&] {
    swf_model_s& model = checked_model(m);
    require_not_null(path, "path");
    const swf::TrainingParams params = training_of(p);
    const swf::TrajectoryPairs pairs = read_pairs(path, model.mlp->config().dim);
    const double final_loss = swf::train_on_trajectory(*model.mlp, pairs, params, model.seed ^ (0x7EA1ull << 40) ^ model.training_runs++);
    model.training = std::string("trajectory ") + path + ", " + std::to_string(params.epochs) + " epochs";
    if (loss) *loss = final_loss;
  });
}

swf_status swf_model_train_snapshot(swf_model m, swf_flow f, const swf_train_params* p, double* loss) {
  return guarded(__func__, [&] {
    swf_model_s& model = checked_model(m);
    require_not_null(f, "flow");
    const swf::TrainingParams params = training_of(p);
    swf::Flow& flow = *f->flow;
    const size_t d = model.mlp->config().dim;
    if (flow.dim() != d)
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "the flow's dimension is " + std::to_string(flow.dim()) + ", the model's " + std::to_string(d));
    if (flow.num_particles() == 0) swf::fail(SWF_ERR_INVALID_ARGUMENT, "the flow has no particles yet");
    std::vector<float> particles(flow.num_particles() * d);
    flow.get_particles(particles.data());
    if (!model.online) {
      model.online = std::make_unique<swf::OnlineTrainer>(particles.data(), flow.num_particles(), d, model.mlp->config());
      model.training = "online, from a running flow";
    } else if (model.online->particles() != flow.num_particles()) {
      swf::fail(SWF_ERR_INVALID_ARGUMENT, "the flow now has " + std::to_string(flow.num_particles()) +
                                              " particles; the first snapshot had " + std::to_string(model.online->particles()));
    }
    const double value = model.online->train_on_snapshot(*model.mlp, flow.time(), particles.data(), params,
                                                         model.seed ^ (0x0A11ull << 40));
    if (loss) *loss = value;
  });
}

swf_status swf_model_map(swf_model m, const float* x0, size_t n, double t, float* out) {
  return guarded(__func__, [&] {
    swf_model_s& model = checked_model(m);
    require_not_null(x0, "x0");
    require_not_null(out, "out");
    const size_t d = model.mlp->config().dim;
    require_count(n, d, "n");
    require_finite(x0, n, d, "x0");
    check_time(t);
    swf::Buffer<float> x0_device(model.backend.get());
    x0_device.upload(x0, n * d);
    map_points(model, x0_device, n, t, out);
  });
}

swf_status swf_model_sample(swf_model m, size_t n, double t, float* out) {
  return guarded(__func__, [&] {
    swf_model_s& model = checked_model(m);
    require_not_null(out, "out");
    const swf::MlpConfig& config = model.mlp->config();
    require_count(n, config.dim, "n");
    check_time(t);
    swf::Buffer<float> x0(model.backend.get(), n * config.dim);
    model.backend->draw_points(config.initial_law, config.initial_scale,
                               swf::RandomDraw{model.seed, swf::Stream::model, (uint64_t{1} << 63) | model.sample_draws++},
                               n, config.dim, x0.data());
    map_points(model, x0, n, t, out);
  });
}

swf_status swf_model_info(swf_model m, size_t* d, double* time_scale, uint64_t* steps) {
  return guarded(__func__, [&] {
    swf_model_s& model = checked_model(m);
    if (d) *d = model.mlp->config().dim;
    if (time_scale) *time_scale = model.mlp->config().time_scale;
    if (steps) *steps = model.mlp->adam_steps();
  });
}

swf_status swf_model_save(swf_model m, const char* path) {
  return guarded(__func__, [&] {
    swf_model_s& model = checked_model(m);
    require_not_null(path, "path");
    swf::capi::save_mlp(*model.mlp, model.seed, model.training, path);
  });
}

swf_status swf_model_load(swf_context ctx, const char* path, swf_model* out) {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    *out = nullptr;
    require_not_null(ctx, "ctx");
    require_not_null(path, "path");
    const swf::io::ModelFile file = swf::io::load_model(path);
    swf::MlpConfig c;
    c.dim = file.dim;
    c.width = uint32_t(file.width);
    c.depth = uint32_t(file.depth);
    c.frequencies = uint32_t(file.frequencies);
    c.activation = activation_from_name(file.activation, path);
    c.time_scale = float(file.time_scale);
    c.initial_law = file.initial_law == "uniform" ? SWF_INIT_UNIFORM : SWF_INIT_GAUSSIAN;
    c.initial_scale = float(file.initial_scale);
    try {
      check_config(c);
    } catch (const swf::Error& error) {
      swf::fail(SWF_ERR_FORMAT, std::string(path) + ": " + error.what());
    }
    auto model = std::make_unique<swf_model_s>();
    model->backend = ctx->backend;
    model->seed = file.seed;
    model->training = file.training;
    model->mlp = std::make_unique<swf::Mlp>(ctx->backend, c, file.seed);
    std::vector<swf::NamedArray> arrays;
    for (const swf::io::ModelArray& array : file.arrays) arrays.push_back(swf::NamedArray{array.name, array.shape, array.values});
    model->mlp->set_parameters(arrays);
    *out = model.release();
  });
}

void swf_model_destroy(swf_model m) { delete m; }

}  // extern "C"
