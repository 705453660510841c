// swf-bench — times libswflow on a backend (the CPU by default, --backend cuda for the GPU) through the public
// C ABI (swflow.h) only.
//
// For each case (N particles, M target samples, dimension d, L directions) it measures
//   step: one swf_flow_step(f, 1) — L fresh normalised Gaussian directions, SWF_VELOCITY_NORMALIZED,
//         h = 1, lambda = 0. The particles are reset to the same X before every measured step (untimed),
//         so every repeat is the same computation on the same data;
//   sw:   one swf_sliced_wasserstein(ctx, X, N, Y, M, d, theta, L, p = 2, &out) with theta given
//         (L x d normalised Gaussians drawn here).
// Each measurement is warmed up, then repeated R times; the median (and the minimum) are printed, one
// CSV line per case and operation:
//   impl,op,N,M,d,L,repeats,median_ms,min_ms,value
// value is the SW2 for op = sw (empty for step). Lines starting with '#' are comments.
// Data: X ~ N(0, I_d), Y ~ N(1, 0.25 I_d) (mean 1 in every coordinate, std 0.5), theta normalised
// Gaussians, from a generator that bench/peers.py reproduces: peers see the same X, Y and theta, and
// their SW2 must match the value printed here. For these Gaussians SW2 = sqrt(1 + 0.5^2) ~ 1.118 in any
// dimension, up to the sampling and direction (Monte Carlo) error.
//
// The learned flow (swf_model_*), for each model case (d, batch B), default architecture (width 128,
// depth 3, SiLU, 6 Fourier frequencies, T = the trajectory's last time):
//   train:  one whole swf_model_train_trajectory call (batch B, `--epochs` E, default 1) on a trajectory
//           recorded here (swf_flow_* + swf_recorder_*: n = `--train-particles` particles, K =
//           `--train-frames` frames, one flow step per frame, X and Y as above with M = n). The call does
//           E * floor(n (K-1) / B) Adam steps (read back from swf_model_info); the time is the whole call,
//           reading the file and assembling the minibatches included: nothing is subtracted.
//   sample: one swf_model_sample(m, B, T) call (draws B points of the initial law and maps them).
// For these ops the CSV columns mean: N = batch B, M = training particles n (train) or 0 (sample),
// L = Adam steps per call (train) or 0 (sample), value = samples per second from the median time
// (train: steps * B / median; sample: B / median).
// Threads: the CPU backend uses OpenMP and OpenBLAS; set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS to pin
// the count (default: all cores).
// The GPU (--backend cuda, --tf32 for TF32 GEMMs): swf_flow_step waits for its work before it returns, so
// the host clock times the step's device work; the particles' upload before each step is not timed. sw
// includes the uploads of X, Y and theta (swf_sliced_wasserstein takes host arrays).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "swflow.h"

namespace {

struct Case {
  size_t n, m, d;
  uint32_t L;
};

const Case kDefaultGrid[] = {
    {4096, 4096, 2, 64},
    {10000, 10000, 64, 256},
    {20000, 10000, 3, 128},
    {2048, 2048, 784, 128},
};

// The learned flow: dimension d, minibatch (train) and sample count (sample) B.
struct ModelCase {
  size_t d, batch;
};

const ModelCase kDefaultModelGrid[] = {{2, 512}, {2, 1024}, {64, 512}, {64, 1024}};

struct Options {
  std::vector<Case> cases;
  std::vector<ModelCase> model_cases;
  size_t train_particles = 4096;
  size_t train_frames = 5;
  float sliced_fraction = -1.0f;  // < 0: the library's default
  uint32_t epochs = 1;
  int repeats = 5;
  int warmup = 1;
  bool step = true;
  bool sw = true;
  bool train = true;
  bool sample = true;
  bool header = true;
  bool tf32 = false;
  swf_backend backend = SWF_BACKEND_CPU;
  uint64_t seed = 12345;
};

[[noreturn]] void usage(int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: swf-bench [--case N,M,d,L]... [--model-case d,B]... [--repeats R] [--warmup W]\n"
               "                 [--ops step,sw,train,sample] [--train-particles n] [--train-frames K]\n"
               "                 [--sliced-fraction F]\n"
               "                 [--epochs E] [--seed S] [--backend cpu|cuda|auto] [--tf32] [--no-header]\n"
               "Times one libswflow flow step and one sliced Wasserstein distance (ops step, sw) and the\n"
               "learned flow (ops train: one swf_model_train_trajectory call; sample: one swf_model_sample\n"
               "call of B points) on a backend (default cpu; --tf32: TF32 GEMMs on the GPU) and prints CSV:\n"
               "impl,op,N,M,d,L,repeats,median_ms,min_ms,value.\n"
               "For train/sample: N = batch B, M = n (train) or 0, L = Adam steps per call (train) or 0,\n"
               "value = samples/s. Training set: a recorded trajectory of n = 4096 particles, K = 5 frames;\n"
               "E = 1 epoch, so E * floor(n (K-1) / B) Adam steps per call.\n"
               "Without --case, the default grid: 4096,4096,2,64 10000,10000,64,256 20000,10000,3,128\n"
               "2048,2048,784,128; without --model-case: 2,512 2,1024 64,512 64,1024. Default ops: all.\n"
               "R defaults to 5 (median of R after W = 1 warm-up runs).\n"
               "Threads: OMP_NUM_THREADS / OPENBLAS_NUM_THREADS (default: all cores).\n");
  std::exit(code);
}

bool parse_case(const char* text, Case* out) {
  unsigned long long n, m, d, L;
  char tail;
  if (std::sscanf(text, "%llu,%llu,%llu,%llu%c", &n, &m, &d, &L, &tail) != 4) return false;
  if (n == 0 || m == 0 || d == 0 || L == 0 || L > UINT32_MAX) return false;
  *out = Case{static_cast<size_t>(n), static_cast<size_t>(m), static_cast<size_t>(d), static_cast<uint32_t>(L)};
  return true;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "swf-bench: %s needs a value\n", arg.c_str());
        usage(2);
      }
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      usage(0);
    } else if (arg == "--case") {
      Case c;
      const char* text = value();
      if (!parse_case(text, &c)) {
        std::fprintf(stderr, "swf-bench: bad case '%s' (want N,M,d,L, all >= 1)\n", text);
        usage(2);
      }
      o.cases.push_back(c);
    } else if (arg == "--model-case") {
      const char* text = value();
      unsigned long long d, b;
      char tail;
      if (std::sscanf(text, "%llu,%llu%c", &d, &b, &tail) != 2 || d == 0 || b == 0 || b > UINT32_MAX) {
        std::fprintf(stderr, "swf-bench: bad model case '%s' (want d,B, both >= 1)\n", text);
        usage(2);
      }
      o.model_cases.push_back(ModelCase{static_cast<size_t>(d), static_cast<size_t>(b)});
    } else if (arg == "--train-particles") {
      o.train_particles = std::strtoull(value(), nullptr, 10);
      if (o.train_particles == 0) usage(2);
    } else if (arg == "--train-frames") {
      o.train_frames = std::strtoull(value(), nullptr, 10);
      if (o.train_frames < 2) usage(2);
    } else if (arg == "--sliced-fraction") {
      o.sliced_fraction = std::strtof(value(), nullptr);
      if (!(o.sliced_fraction >= 0.0f && o.sliced_fraction < 1.0f)) usage(2);
    } else if (arg == "--epochs") {
      o.epochs = static_cast<uint32_t>(std::strtoul(value(), nullptr, 10));
      if (o.epochs == 0) usage(2);
    } else if (arg == "--repeats") {
      o.repeats = std::atoi(value());
      if (o.repeats < 1) usage(2);
    } else if (arg == "--warmup") {
      o.warmup = std::atoi(value());
      if (o.warmup < 0) usage(2);
    } else if (arg == "--ops") {
      const std::string ops = std::string(",") + value() + ",";
      o.step = ops.find(",step,") != std::string::npos;
      o.sw = ops.find(",sw,") != std::string::npos;
      o.train = ops.find(",train,") != std::string::npos;
      o.sample = ops.find(",sample,") != std::string::npos;
      if (!o.step && !o.sw && !o.train && !o.sample) usage(2);
    } else if (arg == "--seed") {
      o.seed = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--backend") {
      const std::string name = value();
      if (name == "cpu")
        o.backend = SWF_BACKEND_CPU;
      else if (name == "cuda")
        o.backend = SWF_BACKEND_CUDA;
      else if (name == "auto")
        o.backend = SWF_BACKEND_AUTO;
      else {
        std::fprintf(stderr, "swf-bench: bad backend '%s' (want cpu, cuda or auto)\n", name.c_str());
        usage(2);
      }
    } else if (arg == "--tf32") {
      o.tf32 = true;
    } else if (arg == "--no-header") {
      o.header = false;
    } else {
      std::fprintf(stderr, "swf-bench: unknown argument '%s'\n", arg.c_str());
      usage(2);
    }
  }
  if (o.cases.empty()) o.cases.assign(std::begin(kDefaultGrid), std::end(kDefaultGrid));
  if (o.model_cases.empty()) o.model_cases.assign(std::begin(kDefaultModelGrid), std::end(kDefaultModelGrid));
  return o;
}

#define CHECK(call)                                                                                       \
  do {                                                                                                    \
    const swf_status status_ = (call);                                                                    \
    if (status_ != SWF_OK) {                                                                              \
      std::fprintf(stderr, "swf-bench: %s failed: %s\n  %s\n", #call, swf_status_string(status_),         \
                   swf_last_error());                                                                     \
      std::exit(1);                                                                                       \
    }                                                                                                     \
  } while (0)

// The data generator shared with peers.py, so that all implementations see the same inputs (up to the
// last bit of libm's log/cos): element i of stream `key` is splitmix64(key + i) as a uniform in (0, 1);
// normals by Box-Muller from consecutive pairs, in double, rounded to float at the end.
uint64_t splitmix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double uniform(uint64_t key, uint64_t i) {
  return (static_cast<double>(splitmix64(key + i) >> 11) + 0.5) * 0x1p-53;
}

uint64_t stream_key(uint64_t seed, uint64_t tag) { return splitmix64(seed * 8 + tag); }

std::vector<double> normals(uint64_t key, size_t count) {
  const double two_pi = 6.283185307179586;
  std::vector<double> v(count);
  for (size_t e = 0; e < count; ++e) {
    const double r = std::sqrt(-2.0 * std::log(uniform(key, 2 * e)));
    v[e] = r * std::cos(two_pi * uniform(key, 2 * e + 1));
  }
  return v;
}

// mean + sd * N(0, 1), as float.
std::vector<float> gaussian(uint64_t key, size_t count, double mean, double sd) {
  const std::vector<double> z = normals(key, count);
  std::vector<float> v(count);
  for (size_t e = 0; e < count; ++e) v[e] = static_cast<float>(mean + sd * z[e]);
  return v;
}

// L normalised Gaussian rows of length d.
std::vector<float> unit_directions(uint64_t key, uint32_t L, size_t d) {
  const std::vector<double> z = normals(key, size_t{L} * d);
  std::vector<float> theta(z.size());
  for (uint32_t l = 0; l < L; ++l) {
    const double* row = z.data() + size_t{l} * d;
    double norm2 = 0.0;
    for (size_t k = 0; k < d; ++k) norm2 += row[k] * row[k];
    const double norm = std::sqrt(norm2);
    for (size_t k = 0; k < d; ++k) theta[size_t{l} * d + k] = static_cast<float>(row[k] / norm);
  }
  return theta;
}

struct Summary {
  double median_ms, min_ms;
};

Summary summarise(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  const size_t k = ms.size();
  const double median = k % 2 ? ms[k / 2] : 0.5 * (ms[k / 2 - 1] + ms[k / 2]);
  return Summary{median, ms.front()};
}

using Clock = std::chrono::steady_clock;
double elapsed_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The CSV's impl column: "libswflow", or "libswflow-tf32" with --tf32.
const char* impl_name = "libswflow";

void print_line(const char* op, const Case& c, int repeats, const Summary& s, const std::string& value) {
  std::printf("%s,%s,%zu,%zu,%zu,%u,%d,%.4f,%.4f,%s\n", impl_name, op, c.n, c.m, c.d, c.L, repeats, s.median_ms,
              s.min_ms, value.c_str());
  std::fflush(stdout);
}

void bench_step(swf_context ctx, const Case& c, const std::vector<float>& x, const std::vector<float>& y,
                const Options& o) {
  swf_flow_params params;
  swf_flow_params_init(&params);
  params.num_directions = c.L;
  params.step_size = 1.0f;
  params.regularization = 0.0f;
  params.directions = SWF_DIRECTIONS_GAUSSIAN;
  params.velocity = SWF_VELOCITY_NORMALIZED;
  swf_flow flow = nullptr;
  CHECK(swf_flow_create(ctx, &params, y.data(), c.m, c.d, &flow));
  std::vector<double> ms;
  for (int r = 0; r < o.warmup + o.repeats; ++r) {
    CHECK(swf_flow_set_particles(flow, x.data(), c.n));  // untimed: every step starts from the same X
    const Clock::time_point start = Clock::now();
    CHECK(swf_flow_step(flow, 1));
    const double t = elapsed_ms(start);
    if (r >= o.warmup) ms.push_back(t);
  }
  swf_flow_destroy(flow);
  print_line("step", c, o.repeats, summarise(ms), "");
}

void bench_sw(swf_context ctx, const Case& c, const std::vector<float>& x, const std::vector<float>& y,
              const std::vector<float>& theta, const Options& o) {
  std::vector<double> ms;
  double value = 0.0;
  for (int r = 0; r < o.warmup + o.repeats; ++r) {
    const Clock::time_point start = Clock::now();
    CHECK(swf_sliced_wasserstein(ctx, x.data(), c.n, y.data(), c.m, c.d, theta.data(), c.L, 2.0, &value));
    const double t = elapsed_ms(start);
    if (r >= o.warmup) ms.push_back(t);
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.9g", value);
  print_line("sw", c, o.repeats, summarise(ms), text);
}

// ---- the learned flow ----------------------------------------------------------------------------

// Records the training set: n particles X ~ N(0, I) flowing towards M = n targets Y ~ N(1, 0.25 I), one
// flow step (L = 64 directions, h = 1) per frame, K frames (the first at t = 0), no SW2 observable.
// Returns the last frame's time.
double record_trajectory(swf_context ctx, const std::string& path, size_t d, const Options& o) {
  const size_t n = o.train_particles;
  const std::vector<float> x = gaussian(stream_key(o.seed, 0), n * d, 0.0, 1.0);
  const std::vector<float> y = gaussian(stream_key(o.seed, 1), n * d, 1.0, 0.5);
  swf_flow_params params;
  swf_flow_params_init(&params);
  params.num_directions = 64;
  params.step_size = 1.0f;
  swf_flow flow = nullptr;
  CHECK(swf_flow_create(ctx, &params, y.data(), n, d, &flow));
  CHECK(swf_flow_set_particles(flow, x.data(), n));
  swf_record_params rp;
  swf_record_params_init(&rp);
  rp.sw2_directions = 0;
  swf_recorder recorder = nullptr;
  CHECK(swf_recorder_create(flow, path.c_str(), &rp, &recorder));
  for (size_t k = 1; k < o.train_frames; ++k) {
    CHECK(swf_flow_step(flow, 1));
    CHECK(swf_recorder_append(recorder));
  }
  CHECK(swf_recorder_close(recorder));
  double time = 0.0;
  CHECK(swf_flow_info(flow, nullptr, nullptr, nullptr, &time));
  swf_flow_destroy(flow);
  return time;
}

void print_model_line(const char* op, const ModelCase& c, size_t m, uint64_t steps, int repeats, const Summary& s,
                      double samples_per_call) {
  std::printf("%s,%s,%zu,%zu,%zu,%llu,%d,%.4f,%.4f,%.6g\n", impl_name, op, c.batch, m, c.d,
              static_cast<unsigned long long>(steps), repeats, s.median_ms, s.min_ms,
              samples_per_call / (s.median_ms * 1e-3));
  std::fflush(stdout);
}

void bench_model(swf_context ctx, const ModelCase& c, const std::string& trajectory, double time_scale,
                 const Options& o) {
  swf_model_params mp;
  swf_model_params_init(&mp);  // width 128, depth 3, SiLU, 6 frequencies
  mp.time_scale = static_cast<float>(time_scale);
  swf_model model = nullptr;
  CHECK(swf_model_create(ctx, c.d, &mp, &model));
  swf_train_params tp;
  swf_train_params_init(&tp);
  tp.epochs = o.epochs;
  tp.batch_size = static_cast<uint32_t>(c.batch);
  if (o.sliced_fraction >= 0.0f) tp.sliced_fraction = o.sliced_fraction;

  // train: whole calls; the Adam steps of each call from swf_model_info before and after.
  std::vector<double> ms;
  uint64_t steps_per_call = 0;
  for (int r = 0; o.train && r < o.warmup + o.repeats; ++r) {
    uint64_t before = 0, after = 0;
    CHECK(swf_model_info(model, nullptr, nullptr, &before));
    const Clock::time_point start = Clock::now();
    CHECK(swf_model_train_trajectory(model, trajectory.c_str(), &tp, nullptr));
    const double t = elapsed_ms(start);
    CHECK(swf_model_info(model, nullptr, nullptr, &after));
    if (r > 0 && after - before != steps_per_call) {
      std::fprintf(stderr, "swf-bench: train d=%zu B=%zu: %llu Adam steps in one call, %llu in another\n", c.d,
                   c.batch, static_cast<unsigned long long>(after - before),
                   static_cast<unsigned long long>(steps_per_call));
      std::exit(1);
    }
    steps_per_call = after - before;
    if (r >= o.warmup) ms.push_back(t);
  }
  if (o.train)
    print_model_line("train", c, o.train_particles, steps_per_call, o.repeats, summarise(ms),
                     double(steps_per_call) * double(c.batch));

  // sample: B fresh draws mapped to t = T, one call (the same cost trained or not).
  if (o.sample) {
    std::vector<float> out(c.batch * c.d);
    ms.clear();
    for (int r = 0; r < o.warmup + o.repeats; ++r) {
      const Clock::time_point start = Clock::now();
      CHECK(swf_model_sample(model, c.batch, time_scale, out.data()));
      const double t = elapsed_ms(start);
      if (r >= o.warmup) ms.push_back(t);
    }
    print_model_line("sample", c, 0, 0, o.repeats, summarise(ms), double(c.batch));
  }
  swf_model_destroy(model);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  swf_context ctx = nullptr;
  CHECK(swf_context_create(o.backend, o.seed, &ctx));
  if (o.tf32) {
    CHECK(swf_context_set_tf32(ctx, 1));
    impl_name = "libswflow-tf32";
  }
  if (o.header) {
    const char* omp = std::getenv("OMP_NUM_THREADS");
    const char* blas = std::getenv("OPENBLAS_NUM_THREADS");
    char backend[512] = "";
    size_t length = 0;
    CHECK(swf_context_describe(ctx, backend, sizeof backend, &length));
    std::printf(
        "# libswflow %s, %s, hardware threads %u, OMP_NUM_THREADS=%s, OPENBLAS_NUM_THREADS=%s, "
        "warm-up %d, repeats %d\n",
        swf_version_string(), backend, std::thread::hardware_concurrency(), omp ? omp : "(unset)",
        blas ? blas : "(unset)", o.warmup, o.repeats);
    std::printf("impl,op,N,M,d,L,repeats,median_ms,min_ms,value\n");
  }
  for (const Case& c : o.cases) {
    const std::vector<float> x = gaussian(stream_key(o.seed, 0), c.n * c.d, 0.0, 1.0);
    const std::vector<float> y = gaussian(stream_key(o.seed, 1), c.m * c.d, 1.0, 0.5);
    if (o.step) bench_step(ctx, c, x, y, o);
    if (o.sw) bench_sw(ctx, c, x, y, unit_directions(stream_key(o.seed, 2), c.L, c.d), o);
  }
  if (o.train || o.sample) {
    // One trajectory per dimension, in a private temporary directory removed at the end.
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/swf-bench-XXXXXX";
    if (!mkdtemp(&dir[0])) {
      std::fprintf(stderr, "swf-bench: cannot create a temporary directory %s\n", dir.c_str());
      return 1;
    }
    std::vector<std::string> files;
    std::vector<std::pair<size_t, double>> recorded;  // (d, last time), files[i] for recorded[i]
    for (const ModelCase& c : o.model_cases) {
      size_t i = 0;
      while (i < recorded.size() && recorded[i].first != c.d) ++i;
      if (i == recorded.size()) {
        files.push_back(dir + "/trajectory-d" + std::to_string(c.d) + ".h5");
        recorded.emplace_back(c.d, record_trajectory(ctx, files.back(), c.d, o));
      }
      bench_model(ctx, c, files[i], recorded[i].second, o);
    }
    for (const std::string& f : files) std::remove(f.c_str());
    rmdir(dir.c_str());
  }
  swf_context_destroy(ctx);
  return 0;
}
