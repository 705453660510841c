// swf-run jko: SW-JKO (Bonet et al. 2022), gradient flows of functionals in the sliced-Wasserstein space,
// recorded as an H5MD trajectory that swf-run info and plot read.
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"
#include "point_source.hpp"

namespace swf::tools {
namespace {

struct JkoOptions {
  std::string target, dataset, out, resume, potential, potential_center, interaction, save_generator,
      activation = "silu", init = "gaussian", entropy_estimator = "neighbours";
  BackendChoice backend{"cpu"};  // the CUDA kernels of SW-JKO have never run on a GPU: the CPU unless asked
  size_t dim = 2, target_samples = 0, particles = 500;
  uint64_t steps = 50, seed = 0;
  uint32_t inner_steps = 50, directions = 64, record_every = 1, sw2_directions = 256, width = 64, depth = 3,
           neighbours = 8;
  bool generator = false, time_conditioned = false;
  float tau = 0.1f, learning_rate = 1e-2f, target_weight = 1.0f, potential_scale = 0.0f, potential_weight = 1.0f,
        interaction_weight = 1.0f, entropy = 0.0f, bandwidth = 0.1f, init_scale = 1.0f;
  int compression = 0;
  double max_time = 0.0, checkpoint_every = 300.0;
};

// Owns the handles of one run and releases them in order.
struct Run {
  swf_context context = nullptr;
  swf_jko jko = nullptr;
  swf_recorder recorder = nullptr;
  ~Run() {
    swf_recorder_discard(recorder);
    swf_jko_destroy(jko);
    swf_context_destroy(context);
  }
};

int usage(const std::string& message) {
  std::fprintf(stderr, "swf-run jko: %s\n", message.c_str());
  return kExitUsage;
}

// "v1,v2,..." -> numbers; false on anything else.
bool parse_numbers(const std::string& text, std::vector<float>& values) {
  std::stringstream stream(text);
  std::string item;
  values.clear();
  while (std::getline(stream, item, ',')) {
    try {
      size_t used = 0;
      values.push_back(std::stof(item, &used));
      if (used != item.size()) return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return !values.empty();
}

// Reads a point-set spec that must hold exactly `count` values (any shape).
int read_values(const std::string& spec, size_t count, const char* flag, std::vector<float>& values) {
  size_t n = 0, d = 0;
  if (swf_status s = swf_points_shape(spec.c_str(), &n, &d)) return report_failure("jko", s, flag);
  if (n * d != count)
    return usage(std::string(flag) + ": " + spec + " holds " + std::to_string(n) + " x " + std::to_string(d) +
                 " values; " + std::to_string(count) + " are needed");
  values.resize(count);
  if (swf_status s = swf_points_read(spec.c_str(), values.data(), n, d)) return report_failure("jko", s, flag);
  return kExitSuccess;
}

// A new run: the scheme from the flags, its particles, and a recorder on --out.
int start_new_jko(const JkoOptions& o, bool potential_given, bool interaction_given, const std::string& config,
                  Run& run) {
  swf_jko_params params;
  swf_jko_params_init(&params);
  params.tau = o.tau;
  params.inner_steps = o.inner_steps;
  params.learning_rate = o.learning_rate;
  params.num_directions = o.directions;
  params.objective_directions = o.sw2_directions > 0 ? o.sw2_directions : params.objective_directions;
  if (!o.save_generator.empty() && !o.generator) return usage("--save-generator needs --generator");
  if (o.time_conditioned && !o.generator) return usage("--time-conditioned needs --generator");
  if (o.generator) {
    // The gate t/T reaches 1 at the run's last step.
    params.generator_time_conditioned = o.time_conditioned ? 1 : 0;
    params.generator_time_scale = o.steps > 0 ? float(double(o.steps) * o.tau) : 1.0f;
    params.variant = SWF_JKO_GENERATOR;
    params.generator_width = o.width;
    params.generator_depth = o.depth;
    params.generator_activation = o.activation == "relu"   ? SWF_ACTIVATION_RELU
                                  : o.activation == "tanh" ? SWF_ACTIVATION_TANH
                                                           : SWF_ACTIVATION_SILU;
  }
  std::vector<float> target;
  size_t m = 0, d = o.dim;
  if (!o.target.empty() || !o.dataset.empty()) {
    if (int code = load_points("jko", o.target, o.dataset, o.dim, o.target_samples ? o.target_samples : o.particles,
                               o.seed + 1, target, m, d))
      return code;
    params.target_weight = o.target_weight;
    params.target = target.data();
    params.target_count = m;
  }
  std::vector<float> A, b;
  if (potential_given) {
    params.potential_weight = o.potential_weight;
    if (!o.potential.empty()) {
      // "A.h5:/A" or "A.h5:/A,b.h5:/b"
      const size_t comma = o.potential.find(',');
      if (int code = read_values(o.potential.substr(0, comma), d * d, "--potential", A)) return code;
      if (comma != std::string::npos)
        if (int code = read_values(o.potential.substr(comma + 1), d, "--potential", b)) return code;
    } else if (o.potential_scale > 0.0f) {
      A.assign(d * d, 0.0f);
      for (size_t k = 0; k < d; ++k) A[k * d + k] = o.potential_scale;
    }
    if (!o.potential_center.empty()) {
      if (!parse_numbers(o.potential_center, b) || b.size() != d)
        return usage("--potential-center wants " + std::to_string(d) + " comma-separated numbers");
    }
    params.potential_matrix = A.empty() ? nullptr : A.data();
    params.potential_center = b.empty() ? nullptr : b.data();
  }
  if (interaction_given) {
    std::vector<float> exponents;
    if (!parse_numbers(o.interaction, exponents) || exponents.size() != 2)
      return usage("--interaction wants two exponents a,b (W = |x|^a/a - |x|^b/b; b = 0: -log|x|)");
    params.interaction_weight = o.interaction_weight;
    params.interaction_a = exponents[0];
    params.interaction_b = exponents[1];
  }
  if (o.entropy > 0.0f) {
    params.entropy_weight = o.entropy;
    params.bandwidth = o.bandwidth;
    params.entropy_estimator = o.entropy_estimator == "neighbours" ? SWF_ENTROPY_NEIGHBOURS : SWF_ENTROPY_KERNEL;
    params.entropy_neighbours = o.neighbours;
  }
  if (params.target_weight == 0.0f && params.potential_weight == 0.0f && params.interaction_weight == 0.0f &&
      params.entropy_weight == 0.0f)
    return usage(
        "give at least one functional: --target/--dataset, --potential/--potential-scale, --interaction, "
        "--entropy");

  if (swf_status s = open_context(o.backend, o.seed, &run.context)) return report_failure("jko", s);
  if (swf_status s = swf_jko_create(run.context, &params, d, &run.jko)) return report_failure("jko", s);
  if (swf_status s = swf_jko_init_particles(run.jko, o.particles,
                                            o.init == "uniform" ? SWF_INIT_UNIFORM : SWF_INIT_GAUSSIAN, o.init_scale))
    return report_failure("jko", s);
  swf_record_params record;
  swf_record_params_init(&record);
  record.sw2_directions = o.sw2_directions;
  record.compression = o.compression;
  record.config = config.c_str();
  if (swf_status s = swf_jko_recorder_create(run.jko, o.out.c_str(), &record, &run.recorder))
    return report_failure("jko", s);
  return kExitSuccess;
}

// A run continued from the checkpoint of --resume: its parameters are the file's.
int resume_jko(const JkoOptions& o, const std::string& config, Run& run) {
  if (swf_status s = open_context(o.backend, o.seed, &run.context)) return report_failure("jko", s);
  swf_record_params record;
  swf_record_params_init(&record);
  record.config = config.c_str();
  if (swf_status s = swf_jko_recorder_resume(run.context, o.resume.c_str(), &record, &run.jko, &run.recorder))
    return report_failure("jko", s, "--resume");
  return kExitSuccess;
}

}  // namespace

int run_jko(const JkoOptions& o, bool potential_given, bool interaction_given, const std::string& config) {
  if (o.resume.empty() == o.out.empty())
    return usage("give --out OUT.h5 for a new run or --resume OUT.h5 to continue one");
  if (o.record_every == 0) return usage("--record-every must be at least 1");
  Run run;
  if (int code = o.resume.empty() ? start_new_jko(o, potential_given, interaction_given, config, run)
                                  : resume_jko(o, config, run))
    return code;
  const std::string& path = o.resume.empty() ? o.out : o.resume;
  install_interrupt_handlers();

  uint64_t step = 0;
  swf_jko_info(run.jko, nullptr, nullptr, &step, nullptr);
  const uint64_t first_step = step;
  double objective = NAN, first_objective = NAN;
  swf_jko_objective(run.jko, &first_objective, nullptr);
  objective = first_objective;
  Progress progress(first_step, std::max(o.steps, step), "F");
  RunClock clock(o.max_time, o.checkpoint_every);
  bool stopped = false;
  while (step < o.steps) {
    if ((stopped = clock.must_stop())) break;
    if (swf_status s = swf_jko_step(run.jko, 1)) return report_failure("jko", s);
    ++step;
    if (step % o.record_every == 0 || step == o.steps)
      if (swf_status s = swf_recorder_append(run.recorder)) return report_failure("jko", s);
    if (swf_status s = swf_jko_objective(run.jko, &objective, nullptr)) return report_failure("jko", s);
    progress.update(step, objective);
    if (clock.checkpoint_due())
      if (swf_status s = swf_recorder_checkpoint(run.recorder)) return report_failure("jko", s);
  }
  progress.finish();
  if (!o.save_generator.empty() && !stopped)
    if (swf_status s = swf_jko_save_generator(run.jko, o.save_generator.c_str())) return report_failure("jko", s);
  const swf_status closed = swf_recorder_close(run.recorder);
  run.recorder = nullptr;
  if (closed != SWF_OK) return report_failure("jko", closed);
  const double wall = clock.elapsed();
  if (stopped) {
    report_stopped("jko", step, path, o.steps);
    return kExitInterrupted;
  }
  double time = 0.0;
  swf_jko_info(run.jko, nullptr, nullptr, nullptr, &time);
  std::printf("steps %llu  time %.6g  F %.6g -> %.6g  wall %.3f s  -> %s\n", (unsigned long long)step, time,
              first_objective, objective, wall, path.c_str());
  return kExitSuccess;
}

Runner add_jko_command(CLI::App& app) {
  auto options = std::make_shared<JkoOptions>();
  CLI::App* command = app.add_subcommand(
      "jko", "SW-JKO: gradient flow of F (target, potential, interaction, entropy) in the SW space (H5MD)");
  JkoOptions& o = *options;
  auto target = command->add_option("--target", o.target, "Target samples for 1/2 SW2^2: FILE.h5:/dataset");
  auto dataset = command->add_option("--dataset", o.dataset, "Built-in target instead (swf-run datasets lists them)");
  target->excludes(dataset);
  command->add_option("--target-weight", o.target_weight, "Weight of 1/2 SW2^2 to the target")
      ->check(kNonNegative)
      ->capture_default_str();
  command->add_option("--target-samples", o.target_samples, "Samples drawn from a built-in dataset (default: -n)");
  command->add_option("--dim", o.dim, "Dimension without a target (and of a built-in n-D dataset)")
      ->check(kPositive)
      ->capture_default_str();
  auto potential = command->add_option("--potential", o.potential,
                                       "V = 1/2 (x-b)^T A (x-b): A.h5:/A (d x d, SPD) or A.h5:/A,b.h5:/b");
  auto scale = command->add_option("--potential-scale", o.potential_scale, "V with A = s I instead")->check(kPositive);
  potential->excludes(scale);
  auto center = command->add_option("--potential-center", o.potential_center, "b as comma-separated numbers");
  auto potential_weight = command->add_option("--potential-weight", o.potential_weight, "Weight of E[V]")
                              ->check(kNonNegative)
                              ->capture_default_str();
  auto interaction =
      command->add_option("--interaction", o.interaction, "W = |x|^a/a - |x|^b/b as a,b (b = 0: -log|x|)");
  command->add_option("--interaction-weight", o.interaction_weight, "Weight of 1/2 E[W(X - X')]")
      ->check(kNonNegative)
      ->capture_default_str();
  command->add_option("--entropy", o.entropy, "Weight lambda of the negative entropy")
      ->check(kNonNegative)
      ->capture_default_str();
  command
      ->add_option("--entropy-estimator", o.entropy_estimator,
                   "kernel: Gaussian kernel density estimate (--bandwidth) | neighbours: Kozachenko-Leonenko over the "
                   "--neighbours nearest (keeps its strength beyond d = 4)")
      ->check(CLI::IsMember({"kernel", "neighbours"}))
      ->capture_default_str();
  command->add_option("--bandwidth", o.bandwidth, "Bandwidth h of the entropy's kernel density estimate")
      ->check(kPositive)
      ->capture_default_str();
  command->add_option("--neighbours", o.neighbours, "K nearest neighbours of the entropy's estimate (1-64, < -n)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command->add_option("--tau", o.tau, "JKO step tau")->check(kPositive)->capture_default_str();
  command->add_option("--steps,-k", o.steps, "JKO steps")->capture_default_str();
  command->add_option("--inner-steps", o.inner_steps, "Adam steps per JKO step")
      ->check(kPositive)
      ->capture_default_str();
  command->add_option("--lr", o.learning_rate, "Adam's learning rate (with --generator: on the weights)")
      ->check(kPositive)
      ->capture_default_str();
  command->add_option("--directions,-L", o.directions, "Directions per Adam step L")
      ->check(kPositive)
      ->capture_default_str();
  command->add_option("--particles,-n", o.particles, "Number of particles N")->check(kPositive)->capture_default_str();
  command->add_option("--init", o.init, "Initial particles: gaussian N(0, s^2 I) | uniform U[-s, s]^d")
      ->check(CLI::IsMember({"gaussian", "uniform"}))
      ->capture_default_str();
  command->add_option("--init-scale", o.init_scale, "s of --init")->check(kPositive)->capture_default_str();
  command->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  command->add_option("--record-every", o.record_every, "Record a frame every E JKO steps")->capture_default_str();
  command->add_option("--sw2-directions", o.sw2_directions, "Fixed directions of the SW2 observable (0: none)")
      ->capture_default_str();
  command->add_option("--compression", o.compression, "Deflate level of the frames, 0-9")
      ->check(CLI::Range(0, 9))
      ->capture_default_str();
  command->add_flag("--generator", o.generator,
                    "Minimise over a generator g pushing --init forward (an MLP) instead of the particles; frames "
                    "hold -n of its samples per step");
  command->add_option("--width", o.width, "The generator's units per hidden layer")
      ->check(kPositive)
      ->capture_default_str();
  command->add_option("--depth", o.depth, "The generator's hidden layers")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command->add_option("--activation", o.activation, "The generator's activation")
      ->check(CLI::IsMember({"silu", "relu", "tanh"}))
      ->capture_default_str();
  command->add_flag("--time-conditioned", o.time_conditioned,
                    "With --generator: one network f(z, t) for every step (T = steps x tau), so that a saved model "
                    "samples step k at t = k tau");
  command->add_option("--save-generator", o.save_generator,
                      "Save the final generator as a model file (swf-run sample reads it: at t = 1, or with "
                      "--time-conditioned at any t = k tau, the last step by default)");
  add_backend_option(*command, o.backend);
  auto out = command->add_option("--out,-o", o.out, "Trajectory file to write");
  auto resume = command->add_option("--resume", o.resume,
                                    "Continue the trajectory of an interrupted run (its parameters are the file's)");
  out->excludes(resume);
  command->add_option("--max-time", o.max_time, "Stop cleanly (checkpoint, exit 75) after this many seconds")
      ->check(kNonNegative);
  command->add_option("--checkpoint-every", o.checkpoint_every, "Seconds between checkpoints (0: only at the end)")
      ->check(kNonNegative)
      ->capture_default_str();
  return [options, command, potential, scale, center, potential_weight, interaction]() -> int {
    const bool potential_given = potential->count() + scale->count() + center->count() + potential_weight->count() > 0;
    return run_jko(*options, potential_given, interaction->count() > 0, command->config_to_str(true, false));
  };
}

}  // namespace swf::tools
