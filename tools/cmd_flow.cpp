// swf-run flow: run a particle flow to a target, record its trajectory, checkpoint, resume.
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"
#include "flow_run.hpp"
#include "point_source.hpp"

namespace swf::tools {
namespace {



const std::map<std::string, swf_directions> kDirectionModes{
    {"gaussian", SWF_DIRECTIONS_GAUSSIAN}, {"orthogonal", SWF_DIRECTIONS_ORTHOGONAL}, {"fixed", SWF_DIRECTIONS_FIXED}};
const std::map<std::string, swf_velocity> kVelocities{{"normalized", SWF_VELOCITY_NORMALIZED},
                                                      {"gradient", SWF_VELOCITY_GRADIENT}};
const std::map<std::string, swf_init> kInits{{"gaussian", SWF_INIT_GAUSSIAN}, {"uniform", SWF_INIT_UNIFORM}};

// Owns the handles of one run and releases them in order.
struct Run {
  swf_context context = nullptr;
  swf_flow flow = nullptr;
  swf_recorder recorder = nullptr;
  swf_model model = nullptr;  // --learn
  swf_train_params training;
  ~Run() {
    swf_model_destroy(model);
    swf_recorder_discard(recorder);
    swf_flow_destroy(flow);
    swf_context_destroy(context);
  }
};

// Image-shaped targets (attribute image_shape of the target file) make image-shaped trajectories.
void target_image_shape(const std::string& spec, size_t d, uint32_t shape[2]) {
  if (spec.empty()) return;
  const std::string file = spec.substr(0, spec.rfind(":/") == std::string::npos ? spec.size() : spec.rfind(":/"));
  char text[64] = "";
  size_t length = 0;
  unsigned rows = 0, cols = 0;
  if (swf_file_parameter(file.c_str(), "image_shape", text, sizeof text, &length) == SWF_OK &&
      std::sscanf(text, "%u,%u", &rows, &cols) == 2 && size_t{rows} * cols == d) {
    shape[0] = rows;
    shape[1] = cols;
  }
}

int start_new_run(const FlowOptions& o, const std::string& config, Run& run) {
  std::vector<float> target;
  size_t m = 0, d = 0;
  if (int code = load_points("flow", o.target, o.dataset, o.dim, o.target_samples ? o.target_samples : o.particles,
                             o.seed + 1, target, m, d))
    return code;
  swf_flow_params params;
  swf_flow_params_init(&params);
  params.num_directions = o.directions;
  params.step_size = o.step_size;
  params.regularization = o.lambda;
  params.directions = kDirectionModes.at(o.directions_mode);
  params.velocity = kVelocities.at(o.velocity);
  if (swf_status s = swf_flow_create(run.context, &params, target.data(), m, d, &run.flow))
    return report_failure("flow", s);
  if (swf_status s = swf_flow_init_particles(run.flow, o.particles, kInits.at(o.init), o.init_scale))
    return report_failure("flow", s);
  swf_record_params record;
  swf_record_params_init(&record);
  record.sw2_directions = o.sw2_directions;
  record.compression = o.compression;
  record.config = config.c_str();
  target_image_shape(o.target, d, record.image_shape);
  if (swf_status s = swf_recorder_create(run.flow, o.out.c_str(), &record, &run.recorder))
    return report_failure("flow", s);
  if (!o.learn.empty()) {
    // Online learning: the model sees each recorded frame once, as the flow produces it.
    swf_model_params model;
    swf_model_params_init(&model);
    model.time_scale = float(double(o.steps) * o.step_size);
    model.initial_law = kInits.at(o.init);
    model.initial_scale = o.init_scale;
    if (swf_status s = swf_model_create(run.context, d, &model, &run.model)) return report_failure("flow", s, "--learn");
    swf_train_params_init(&run.training);
    run.training.steps_per_snapshot = o.learn_steps;
    run.training.learning_rate = kOnlineLearningRate;
    if (swf_status s = swf_model_train_snapshot(run.model, run.flow, &run.training, nullptr))
      return report_failure("flow", s, "--learn");
  }
  return kExitSuccess;
}

// A resumed run keeps the schedule of the run it continues, unless the command line says otherwise.
int adopt_recorded_schedule(FlowOptions& o, const CLI::App& command) {
  std::map<std::string, std::string> recorded;
  if (swf_status s = recorded_config(o.resume, recorded)) return report_failure("flow", s, "--resume " + o.resume);
  for (const auto& [key, value] : recorded) {
    // A file written by another command (swf-run jko) may record flags this one lacks.
    const CLI::Option* option = command.get_option_no_throw("--" + key);
    if (option && option->count() > 0) continue;
    if (key == "steps") o.steps = std::stoull(value);
    if (key == "record-every") o.record_every = uint32_t(std::stoul(value));
    if (key == "checkpoint-every") o.checkpoint_every = std::stod(value);
  }
  return kExitSuccess;
}

int resume_run(const FlowOptions& o, const std::string& config, Run& run) {
  swf_record_params record;
  swf_record_params_init(&record);
  record.config = config.c_str();
  if (swf_status s = swf_recorder_resume(run.context, o.resume.c_str(), &record, &run.flow, &run.recorder))
    return report_failure("flow", s, "--resume " + o.resume);
  return kExitSuccess;
}

}  // namespace

int run_flow(const FlowOptions& o, const std::string& config) {
  if (o.resume.empty() == o.out.empty()) {
    std::fprintf(stderr, "swf-run flow: give --out OUT.h5 for a new run or --resume OUT.h5 to continue one\n");
    return kExitUsage;
  }
  if (o.resume.empty() && o.target.empty() == o.dataset.empty()) {
    std::fprintf(stderr, "swf-run flow: give one target: --target FILE.h5:/dataset or --dataset NAME\n");
    return kExitUsage;
  }
  if (!o.learn.empty() && !o.resume.empty()) {
    std::fprintf(stderr, "swf-run flow: --learn needs a new run: online learning cannot resume\n");
    return kExitUsage;
  }
  if (o.record_every == 0) {
    std::fprintf(stderr, "swf-run flow: --record-every must be at least 1\n");
    return kExitUsage;
  }
  Run run;
  if (swf_status s = open_context(o.backend, o.seed, &run.context)) return report_failure("flow", s);
  install_interrupt_handlers();
  if (int code = o.resume.empty() ? start_new_run(o, config, run) : resume_run(o, config, run)) return code;
  const std::string& path = o.resume.empty() ? o.out : o.resume;

  uint64_t step = 0;
  swf_flow_info(run.flow, nullptr, nullptr, &step, nullptr);
  const uint64_t first_step = step;
  Progress progress(first_step, std::max(o.steps, step));
  RunClock clock(o.max_time, o.checkpoint_every);
  double sw2 = NAN;
  swf_recorder_last_sw2(run.recorder, &sw2);
  bool stopped = false;
  while (step < o.steps) {
    if ((stopped = clock.must_stop())) break;
    if (swf_status s = swf_flow_step(run.flow, 1)) return report_failure("flow", s);
    ++step;
    if (step % o.record_every == 0 || step == o.steps) {
      if (swf_status s = swf_recorder_append(run.recorder)) return report_failure("flow", s);
      swf_recorder_last_sw2(run.recorder, &sw2);
      if (run.model)
        if (swf_status s = swf_model_train_snapshot(run.model, run.flow, &run.training, nullptr))
          return report_failure("flow", s, "--learn");
    }
    progress.update(step, sw2);
    if (clock.checkpoint_due())
      if (swf_status s = swf_recorder_checkpoint(run.recorder)) return report_failure("flow", s);
  }
  progress.finish();
  const swf_status closed = swf_recorder_close(run.recorder);
  run.recorder = nullptr;
  if (closed != SWF_OK) return report_failure("flow", closed);
  const double wall = clock.elapsed();
  double time = 0;
  swf_flow_info(run.flow, nullptr, nullptr, &step, &time);
  if (run.model && !stopped) {
    if (swf_status s = swf_model_save(run.model, o.learn.c_str())) return report_failure("flow", s, "--learn");
    std::fprintf(stderr, "swf-run flow: learned model written to %s\n", o.learn.c_str());
  }
  if (stopped) {
    report_stopped("flow", step, path, o.steps);
    return kExitInterrupted;
  }
  std::printf("steps %llu  time %.6g  sw2 %.6g  wall %.3f s  %.1f steps/s  -> %s\n", (unsigned long long)step, time,
              sw2, wall, wall > 0 ? double(step - first_step) / wall : 0.0, path.c_str());
  return kExitSuccess;
}

Runner add_flow_command(CLI::App& app) {
  auto options = std::make_shared<FlowOptions>();
  CLI::App* command = app.add_subcommand("flow", "Flow particles to a target and record the trajectory (H5MD)");
  FlowOptions& o = *options;
  auto target = command->add_option("--target", o.target, "Target samples: FILE.h5:/dataset or an H5MD file");
  auto dataset = command->add_option("--dataset", o.dataset, "Built-in target instead (swf-run datasets lists them)");
  target->excludes(dataset);
  command->add_option("--dim", o.dim, "Dimension of a built-in n-D dataset")->check(kPositive)->capture_default_str();
  command->add_option("--target-samples", o.target_samples, "Samples drawn from a built-in dataset (default: --particles)");
  command->add_option("--particles,-n", o.particles, "Number of particles N")->check(kPositive)->capture_default_str();
  command->add_option("--steps,-k", o.steps, "Total number of steps (a resumed run continues up to it)")->capture_default_str();
  command->add_option("--directions,-L", o.directions, "Directions per step L")->check(kPositive)->capture_default_str();
  command->add_option("--step-size,-H", o.step_size, "Step size h")->check(kPositive)->capture_default_str();
  command->add_option("--lambda", o.lambda, "Entropic regularisation (noise sqrt(2 lambda h))")->check(kNonNegative)->capture_default_str();
  command->add_option("--directions-mode", o.directions_mode, "gaussian | orthogonal | fixed")
      ->check(CLI::IsMember({"gaussian", "orthogonal", "fixed"}))->capture_default_str();
  command->add_option("--velocity", o.velocity, "normalized (c = d) | gradient (c = 1)")
      ->check(CLI::IsMember({"normalized", "gradient"}))->capture_default_str();
  command->add_option("--init", o.init, "Initial particles: gaussian N(0, s^2 I) | uniform U[-s, s]^d")
      ->check(CLI::IsMember({"gaussian", "uniform"}))->capture_default_str();
  command->add_option("--init-scale", o.init_scale, "s of --init")->check(kPositive)->capture_default_str();
  command->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  command->add_option("--record-every", o.record_every, "Record a frame every E steps")->capture_default_str();
  command->add_option("--sw2-directions", o.sw2_directions, "Directions of the recorded SW2 (0: none)")->capture_default_str();
  command->add_option("--compression", o.compression, "Deflate level of the frames, 0-9")->check(CLI::Range(0, 9))->capture_default_str();
  add_backend_option(*command, o.backend);
  auto out = command->add_option("--out,-o", o.out, "Trajectory file to write");
  auto resume = command->add_option("--resume", o.resume, "Continue the trajectory of an interrupted run");
  out->excludes(resume);
  resume->excludes(target)->excludes(dataset);
  command->add_option("--max-time", o.max_time, "Stop cleanly (checkpoint, exit 75) after this many seconds")->check(kNonNegative);
  command->add_option("--learn", o.learn, "Learn the flow online into this model file (HDF5) while it runs");
  command->add_option("--learn-steps", o.learn_steps, "Adam steps per recorded frame for --learn")->check(kPositive)->capture_default_str();
  command->add_option("--checkpoint-every", o.checkpoint_every, "Seconds between checkpoints (0: only at the end)")
      ->check(kNonNegative)->capture_default_str();
  return [options, command]() -> int {
    if (!options->resume.empty())
      if (int code = adopt_recorded_schedule(*options, *command)) return code;
    return run_flow(*options, command->config_to_str(true, false));
  };
}

}  // namespace swf::tools
