// swf-run train and swf-run sample: the learned flow from the shell.
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"

namespace swf::tools {
namespace {

const std::map<std::string, swf_activation> kActivations{
    {"silu", SWF_ACTIVATION_SILU}, {"relu", SWF_ACTIVATION_RELU}, {"tanh", SWF_ACTIVATION_TANH}};

struct TrainOptions {
  std::string trajectory, out, activation = "silu";
  BackendChoice backend;
  uint32_t epochs = 100, batch = 512, width = 128, depth = 3, frequencies = 2;
  float learning_rate = 3e-3f, sliced_fraction = 0.5f;
  uint32_t sliced_directions = 0;
  uint64_t seed = 0;
};

struct Handles {
  swf_context context = nullptr;
  swf_model model = nullptr;
  ~Handles() {
    swf_model_destroy(model);
    swf_context_destroy(context);
  }
};

int run_train(const TrainOptions& o) {
  size_t frames = 0, n = 0, d = 0;
  if (swf_status s = swf_trajectory_shape(o.trajectory.c_str(), &frames, &n, &d)) return report_failure("train", s);
  std::vector<float> last(n * d);
  double end_time = 0;
  if (swf_status s = swf_trajectory_frame(o.trajectory.c_str(), frames - 1, last.data(), n, d, nullptr, &end_time))
    return report_failure("train", s);
  if (!(end_time > 0)) {
    std::fprintf(stderr, "swf-run train: %s: the trajectory has no frame after t = 0\n", o.trajectory.c_str());
    return kExitInput;
  }
  Handles h;
  if (swf_status s = open_context(o.backend, o.seed, &h.context)) return report_failure("train", s);
  swf_model_params params;
  swf_model_params_init(&params);
  params.width = o.width;
  params.depth = o.depth;
  params.activation = kActivations.at(o.activation);
  params.frequencies = o.frequencies;
  params.time_scale = float(end_time);
  // The model samples the law the flow started from, as the flow's command line recorded it.
  std::map<std::string, std::string> recorded;
  recorded_config(o.trajectory, recorded);  // a trajectory without one: the defaults, N(0, I)
  if (recorded["init"] == "uniform") params.initial_law = SWF_INIT_UNIFORM;
  if (!recorded["init-scale"].empty()) params.initial_scale = std::stof(recorded["init-scale"]);
  if (swf_status s = swf_model_create(h.context, d, &params, &h.model)) return report_failure("train", s);
  swf_train_params train;
  swf_train_params_init(&train);
  train.epochs = o.epochs;
  train.batch_size = o.batch;
  train.learning_rate = o.learning_rate;
  train.sliced_fraction = o.sliced_fraction;
  train.sliced_directions = o.sliced_directions;
  double loss = 0;
  if (swf_status s = swf_model_train_trajectory(h.model, o.trajectory.c_str(), &train, &loss))
    return report_failure("train", s);
  if (swf_status s = swf_model_save(h.model, o.out.c_str())) return report_failure("train", s);
  uint64_t steps = 0;
  swf_model_info(h.model, nullptr, nullptr, &steps);
  std::printf("trained on %zu frames of %zu particles (d = %zu, T = %g): %llu Adam steps, loss %.6g -> %s\n", frames,
              n, d, end_time, (unsigned long long)steps, loss, o.out.c_str());
  return kExitSuccess;
}

struct SampleOptions {
  std::string model, out;
  BackendChoice backend;
  size_t samples = 10000;
  double time = -1.0;
  uint64_t seed = 0;
};

int run_sample(const SampleOptions& o) {
  Handles h;
  if (swf_status s = open_context(o.backend, o.seed, &h.context)) return report_failure("sample", s);
  if (swf_status s = swf_model_load(h.context, o.model.c_str(), &h.model)) return report_failure("sample", s);
  size_t d = 0;
  double end_time = 0;
  swf_model_info(h.model, &d, &end_time, nullptr);
  const double t = o.time < 0 ? end_time : o.time;
  std::vector<float> x(o.samples * d);
  if (swf_status s = swf_model_sample(h.model, o.samples, t, x.data())) return report_failure("sample", s);
  if (swf_status s = swf_points_write(o.out.c_str(), "samples", x.data(), o.samples, d, nullptr))
    return report_failure("sample", s);
  std::printf("%zu samples at t = %g (d = %zu) -> %s:/particles/samples\n", o.samples, t, d, o.out.c_str());
  return kExitSuccess;
}

}  // namespace

Runner add_train_command(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* command = app.add_subcommand("train", "Learn a recorded flow with a time-conditioned MLP");
  command->add_option("TRAJECTORY", o->trajectory, "A trajectory written by swf-run flow")->required();
  command->add_option("--out,-o", o->out, "The model file to write (HDF5)")->required();
  command->add_option("--epochs", o->epochs, "Passes over the (particle, frame) pairs")->check(kPositive)->capture_default_str();
  command->add_option("--batch", o->batch, "Minibatch size")->check(kPositive)->capture_default_str();
  command->add_option("--width", o->width, "Units per hidden layer")->check(kPositive)->capture_default_str();
  command->add_option("--depth", o->depth, "Hidden layers")->check(CLI::Range(1, 64))->capture_default_str();
  command->add_option("--activation", o->activation, "silu | relu | tanh")->check(CLI::IsMember({"silu", "relu", "tanh"}))->capture_default_str();
  command->add_option("--frequencies", o->frequencies, "Fourier features of t")->check(CLI::Range(0, 24))->capture_default_str();
  command->add_option("--learning-rate,--lr", o->learning_rate, "Adam's step")->check(kPositive)->capture_default_str();
  command
      ->add_option("--sliced-fraction", o->sliced_fraction,
                   "Share of each minibatch drawn fresh and regressed onto a flow step toward the particles")
      ->check(CLI::Range(0.0f, 0.999f))
      ->capture_default_str();
  command->add_option("--sliced-directions", o->sliced_directions, "Directions per minibatch for those rows (0: max(64, 4 d))")
      ->check(kNonNegative)
      ->capture_default_str();
  command->add_option("--seed", o->seed, "Random seed (weights, minibatches)")->capture_default_str();
  add_backend_option(*command, o->backend);
  return [o] { return run_train(*o); };
}

Runner add_sample_command(CLI::App& app) {
  auto o = std::make_shared<SampleOptions>();
  CLI::App* command = app.add_subcommand("sample", "Draw new samples from a learned flow at time t");
  command->add_option("MODEL", o->model, "A model written by swf-run train")->required();
  command->add_option("--samples,-n", o->samples, "Number of samples")->check(kPositive)->capture_default_str();
  command->add_option("--time,-t", o->time, "Flow time (default: the end of the learned flow)")->check(kNonNegative);
  command->add_option("--out,-o", o->out, "Output file (H5MD, /particles/samples/position)")->required();
  command->add_option("--seed", o->seed, "Random seed of the draws")->capture_default_str();
  add_backend_option(*command, o->backend);
  return [o] { return run_sample(*o); };
}

}  // namespace swf::tools
