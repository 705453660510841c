// swf-run demo digits and the digits entry of swf-run datasets: a flow and a learned flow on real data.
#include "digits.hpp"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <utility>

#include "cli_common.hpp"
#include "plot_svg.hpp"
#include "point_source.hpp"

extern char** environ;

namespace swf::tools {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

bool is_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

// $SWF_IMPORTER, else the installed script, else the one in the source tree swf-run was built from.
std::string importer_path() {
  if (const char* path = std::getenv("SWF_IMPORTER")) return path;
  return is_file(SWF_IMPORTER_INSTALLED) ? SWF_IMPORTER_INSTALLED : SWF_IMPORTER_SOURCE;
}

std::string python_path() {
  const char* path = std::getenv("SWF_PYTHON");
  return path ? path : "/usr/bin/python3";
}

constexpr int kCannotStart = 127;  // posix_spawn's child could not exec the interpreter

// The importer's exit code, or kCannotStart.
int spawn_importer(const std::vector<std::string>& arguments, bool quiet) {
  std::vector<std::string> words{python_path(), importer_path()};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (quiet) posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t child = 0;
  const int spawned = posix_spawn(&child, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return kCannotStart;
  int status = 0;
  while (::waitpid(child, &status, 0) < 0)
    if (errno != EINTR) return kCannotStart;
  return WIFEXITED(status) ? WEXITSTATUS(status) : kExitRuntime;
}

}  // namespace

int run_importer(const std::vector<std::string>& arguments, bool quiet) {
  const int code = spawn_importer(arguments, quiet);
  if (code != kCannotStart) return code;
  std::fprintf(stderr, "swf-run: cannot run %s %s: install Debian's python3, python3-numpy and python3-h5py\n",
               python_path().c_str(), importer_path().c_str());
  return kExitRuntime;
}

int list_digits() {
  if (spawn_importer({"--list"}, false) == kExitSuccess) return kExitSuccess;
  std::printf(
      "digits  (needs %s with python3-numpy, python3-h5py and python3-sklearn: sudo apt-get install "
      "python3-numpy python3-h5py python3-sklearn)\n",
      python_path().c_str());
  return kExitSuccess;
}

namespace {

struct Handles {
  swf_context context = nullptr;
  swf_flow flow = nullptr;
  swf_model model = nullptr;
  ~Handles() {
    swf_model_destroy(model);
    swf_flow_destroy(flow);
    swf_context_destroy(context);
  }
};

struct Digits {
  std::vector<float> train, held_out;
  size_t m = 0, held = 0, d = 0;
  std::vector<uint32_t> shape;
  std::string value_scale = "1";
};

int read_digits(const std::string& path, Digits& digits) {
  size_t d_held = 0;
  if (int code = load_points("demo", path + ":/particles/train", "", 0, 0, 0, digits.train, digits.m, digits.d))
    return code;
  if (int code = load_points("demo", path + ":/particles/held_out", "", 0, 0, 0, digits.held_out, digits.held, d_held))
    return code;
  char text[64] = "";
  size_t length = 0;
  unsigned rows = 0, cols = 0;
  if (swf_file_parameter(path.c_str(), "image_shape", text, sizeof text, &length) != SWF_OK ||
      std::sscanf(text, "%u,%u", &rows, &cols) != 2 || size_t{rows} * cols != digits.d || d_held != digits.d) {
    std::fprintf(stderr,
                 "swf-run demo: %s: not an image set with /particles/train and /particles/held_out of the same "
                 "image_shape (write it with swf-run datasets digits -o FILE.h5)\n",
                 path.c_str());
    return kExitInput;
  }
  digits.shape = {rows, cols};
  if (swf_file_parameter(path.c_str(), "value_scale", text, sizeof text, &length) == SWF_OK) digits.value_scale = text;
  return kExitSuccess;
}

// L normalised Gaussian directions, the same for every distance the demo reports.
std::vector<float> fixed_directions(uint32_t count, size_t d, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal;
  std::vector<float> theta(size_t{count} * d);
  for (uint32_t l = 0; l < count; ++l) {
    double norm = 0;
    std::vector<double> row(d);
    for (double& v : row) v = normal(random), norm += v * v;
    for (size_t k = 0; k < d; ++k) theta[l * d + k] = float(row[k] / std::sqrt(norm));
  }
  return theta;
}

// For each of the n rows of x, the Euclidean distance to its nearest row of y (m rows) and that row.
std::vector<double> nearest(const std::vector<float>& x, const std::vector<float>& y, size_t d,
                            std::vector<size_t>* which = nullptr) {
  const size_t n = x.size() / d, m = y.size() / d;
  std::vector<double> distance(n, std::numeric_limits<double>::infinity());
  if (which) which->assign(n, 0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j) {
      double sum = 0;
      for (size_t k = 0; k < d; ++k) {
        const double delta = double(x[i * d + k]) - double(y[j * d + k]);
        sum += delta * delta;
      }
      if (sum < distance[i] * distance[i]) {
        distance[i] = std::sqrt(sum);
        if (which) (*which)[i] = j;
      }
    }
  return distance;
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? 0.0 : sum / double(values.size());
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

constexpr size_t kImagesPerRow = 10;

// The first images of x (n x d) as a row of the picture.
ImageRow image_row(std::vector<std::string> label, const float* x, size_t n, size_t d) {
  ImageRow row{std::move(label), {}};
  for (size_t i = 0; i < std::min(n, kImagesPerRow); ++i) row.images.emplace_back(x + i * d, x + (i + 1) * d);
  return row;
}

// The steps drawn: 0, K/32, K/16, K/8, K/4 and K (the flow moves most at the start), without repeats.
std::vector<uint64_t> drawn_steps(uint64_t steps) {
  std::vector<uint64_t> chosen;
  for (uint64_t divisor : {0, 32, 16, 8, 4, 1}) {
    const uint64_t step = divisor == 0 ? 0 : std::max<uint64_t>(1, steps / divisor);
    if (chosen.empty() || chosen.back() != step) chosen.push_back(step);
  }
  return chosen;
}

struct Wall {
  double import = 0, flow = 0, learn = 0, sample = 0, measure = 0, draw = 0;
};

}  // namespace

int run_digits_demo(const DigitsDemoOptions& o) {
  Wall wall;
  std::string data = o.data;
  if (data.empty()) {
    data = o.out + "-data.h5";
    const Clock::time_point start = Clock::now();
    if (int code = run_importer({"digits", "-o", data, "--seed", std::to_string(o.seed)}, true)) return code;
    wall.import = seconds_since(start);
  }
  Digits digits;
  if (int code = read_digits(data, digits)) return code;
  const size_t d = digits.d, n = o.particles;
  if (o.learn_every == 0 || o.steps == 0) {
    std::fprintf(stderr, "swf-run demo: --steps and --learn-every must be at least 1\n");
    return kExitUsage;
  }

  Handles h;
  if (swf_status s = open_context(o.backend, o.seed, &h.context)) return report_failure("demo", s);
  swf_flow_params flow_params;
  swf_flow_params_init(&flow_params);
  flow_params.num_directions = o.directions;
  flow_params.step_size = o.step_size;
  if (swf_status s = swf_flow_create(h.context, &flow_params, digits.train.data(), digits.m, d, &h.flow))
    return report_failure("demo", s);
  if (swf_status s = swf_flow_init_particles(h.flow, n, SWF_INIT_GAUSSIAN, 1.0f)) return report_failure("demo", s);
  swf_model_params model_params;
  swf_model_params_init(&model_params);
  model_params.time_scale = float(double(o.steps) * o.step_size);
  if (swf_status s = swf_model_create(h.context, d, &model_params, &h.model)) return report_failure("demo", s);
  swf_train_params training;
  swf_train_params_init(&training);
  training.steps_per_snapshot = o.learn_steps;
  training.learning_rate = kOnlineLearningRate;

  // The flow, the model learning each snapshot as the flow makes it (only x0 and the model are kept).
  std::vector<float> x(n * d), initial(n * d);
  swf_flow_get_particles(h.flow, initial.data(), n);
  const std::vector<uint64_t> drawn = drawn_steps(o.steps);
  std::vector<ImageRow> rows;
  rows.push_back(
      image_row({"(a) training digits", "of " + std::to_string(digits.m)}, digits.train.data(), digits.m, d));
  install_interrupt_handlers();
  Progress progress(0, o.steps);
  uint64_t snapshots = 0;
  for (uint64_t step = 0; step <= o.steps; ++step) {
    if (interrupted()) {
      std::fprintf(stderr, "swf-run demo: interrupted at step %llu; nothing written\n", (unsigned long long)step);
      return kExitRuntime;
    }
    Clock::time_point start = Clock::now();
    if (step > 0)
      if (swf_status s = swf_flow_step(h.flow, 1)) return report_failure("demo", s);
    wall.flow += seconds_since(start);
    start = Clock::now();
    if (step % o.learn_every == 0 || step == o.steps) {
      if (swf_status s = swf_model_train_snapshot(h.model, h.flow, &training, nullptr))
        return report_failure("demo", s);
      snapshots += step > 0;  // the first call only takes x0
    }
    wall.learn += seconds_since(start);
    if (std::find(drawn.begin(), drawn.end(), step) != drawn.end()) {
      swf_flow_get_particles(h.flow, x.data(), n);
      rows.push_back(image_row({step == 0 ? "(b) particles, N(0, I)" : "(b) particles",
                                "step " + std::to_string(step) + ", t = " + number(double(step) * o.step_size)},
                               x.data(), n, d));
    }
    progress.update(step, NAN);
  }
  progress.finish();
  swf_flow_get_particles(h.flow, x.data(), n);

  // New digits: fresh draws x0 of N(0, I) (f(x0, 0) = x0), mapped to the drawn times and to T.
  Clock::time_point start = Clock::now();
  const double end_time = double(o.steps) * o.step_size;
  std::vector<float> x0(n * d), samples(n * d), shown(kImagesPerRow * d);
  const size_t few = std::min(n, kImagesPerRow);
  if (swf_status s = swf_model_sample(h.model, n, 0.0, x0.data())) return report_failure("demo", s);
  if (swf_status s = swf_model_map(h.model, x0.data(), n, end_time, samples.data())) return report_failure("demo", s);
  for (uint64_t step : drawn) {
    const double t = double(step) * o.step_size;
    if (swf_status s = swf_model_map(h.model, x0.data(), few, t, shown.data())) return report_failure("demo", s);
    rows.push_back(image_row({"(c) model samples", "t = " + number(t)}, shown.data(), few, d));
  }
  wall.sample = seconds_since(start);

  // The figures, on the held-out digits: SW2 with one fixed set of directions, and nearest-training distances.
  start = Clock::now();
  const std::vector<float> theta = fixed_directions(o.sw2_directions, d, o.seed + 1);
  auto sw2 = [&](const std::vector<float>& points, double& value) {
    return swf_sliced_wasserstein(h.context, points.data(), points.size() / d, digits.held_out.data(), digits.held, d,
                                  theta.data(), o.sw2_directions, 2.0, &value);
  };
  double sw2_initial = 0, sw2_particles = 0, sw2_samples = 0, sw2_train = 0;
  const std::pair<const std::vector<float>*, double*> measured[] = {
      {&initial, &sw2_initial}, {&x, &sw2_particles}, {&samples, &sw2_samples}, {&digits.train, &sw2_train}};
  for (const auto& [points, value] : measured)
    if (swf_status s = sw2(*points, *value)) return report_failure("demo", s);
  std::vector<size_t> nearest_train;
  const double nn_held_out = mean(nearest(digits.held_out, digits.train, d));
  const double nn_samples = mean(nearest(samples, digits.train, d, &nearest_train));
  const double nn_particles = mean(nearest(x, digits.train, d));
  wall.measure = seconds_since(start);

  start = Clock::now();
  rows.push_back(image_row({"(d) model samples", "t = " + number(end_time)}, samples.data(), n, d));
  for (size_t i = 0; i < few; ++i)
    std::copy_n(digits.train.begin() + std::ptrdiff_t(nearest_train[i] * d), d, shown.begin() + std::ptrdiff_t(i * d));
  rows.push_back(image_row({"(d) nearest training", "digit of each"}, shown.data(), few, d));
  const std::string figure = o.out + ".svg", model_file = o.out + "-model.h5", samples_file = o.out + "-samples.h5";
  const std::string title = "swf-run demo digits: N(0, I) to " + std::to_string(digits.m) +
                            " digits, d = " + std::to_string(d) + ", value = pixel / " + digits.value_scale;
  if (int code = plot_image_rows(rows, digits.shape, figure, title, 0.0f, 1.0f)) return code;
  wall.draw = seconds_since(start);
  if (swf_status s = swf_model_save(h.model, model_file.c_str())) return report_failure("demo", s);
  if (swf_status s = swf_points_write(samples_file.c_str(), "samples", samples.data(), n, d, digits.shape.data()))
    return report_failure("demo", s);

  uint64_t adam_steps = 0;
  swf_model_info(h.model, nullptr, nullptr, &adam_steps);
  std::printf(
      "digits: %zu train, %zu held-out, d = %zu (%u x %u); %zu particles, %llu steps (h = %g, L = %u); "
      "model learned online on %llu snapshots (%llu Adam steps)\n",
      digits.m, digits.held, d, digits.shape[0], digits.shape[1], n, (unsigned long long)o.steps, double(o.step_size),
      o.directions, (unsigned long long)snapshots, (unsigned long long)adam_steps);
  std::printf("sw2_held_out  initial %.4g  particles %.4g  samples %.4g  train %.4g  (%u directions)\n", sw2_initial,
              sw2_particles, sw2_samples, sw2_train, o.sw2_directions);
  std::printf(
      "memorisation  samples %.4g  particles %.4g  (mean nearest-training distance over the held-out "
      "digits' %.4g)\n",
      nn_samples / nn_held_out, nn_particles / nn_held_out, nn_held_out);
  std::printf("wall_s  import %.3g  flow %.3g  learn %.3g  sample %.3g  measure %.3g  draw %.3g\n", wall.import,
              wall.flow, wall.learn, wall.sample, wall.measure, wall.draw);
  std::printf("figure %s\nmodel %s\nsamples %s\n", figure.c_str(), model_file.c_str(), samples_file.c_str());
  return kExitSuccess;
}

}  // namespace swf::tools
