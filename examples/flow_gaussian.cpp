// Flows 2,048 particles from N(0, I) towards the built-in "gaussian" dataset in d = 8, records the
// trajectory (with its SW2 observable) to an H5MD file, then prints the SW2 curve read back from the file
// and how far the particle mean is from the target's (m_k = k / d).
// C++17 over the C ABI through the RAII layer swflow.hpp: no cleanup code, failures are exceptions.
// Usage: swf-example-gaussian [out.h5 = flow_gaussian.h5] [backend: auto|cpu|cuda]
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "swflow.hpp"

int main(int argc, char** argv) try {
  const std::string path = argc > 1 ? argv[1] : "flow_gaussian.h5";
  const swf_backend backend = argc <= 2                          ? SWF_BACKEND_AUTO
                              : std::strcmp(argv[2], "cpu") == 0 ? SWF_BACKEND_CPU
                              : std::strcmp(argv[2], "cuda") == 0 ? SWF_BACKEND_CUDA
                                                                 : SWF_BACKEND_AUTO;
  const size_t n = 2048, d = 8;
  const uint64_t seed = 7;

  const swflow::Context ctx = swflow::make_context(backend, seed);
  swf_flow_params params;
  swf_flow_params_init(&params);
  params.num_directions = 32;
  params.directions = SWF_DIRECTIONS_ORTHOGONAL;
  params.step_size = 0.5f;
  const swflow::Flow flow = swflow::make_flow(ctx, params, swflow::dataset("gaussian", n, d, seed), d);
  swflow::check(swf_flow_init_particles(flow.get(), n, SWF_INIT_GAUSSIAN, 1.0f));

  swf_record_params record;
  swf_record_params_init(&record);
  record.sw2_directions = 128;
  swflow::Recorder recorder = swflow::make_recorder(flow, path, record);
  for (int frame = 0; frame < 8; ++frame) {
    swflow::check(swf_flow_step(flow.get(), 5));
    swflow::check(swf_recorder_append(recorder.get()));
  }
  swflow::close(recorder);

  size_t count = 0;
  swflow::check(swf_trajectory_sw2(path.c_str(), 0, nullptr, nullptr, nullptr, &count));
  std::vector<uint64_t> steps(count);
  std::vector<double> sw2(count);
  swflow::check(swf_trajectory_sw2(path.c_str(), count, steps.data(), nullptr, sw2.data(), &count));
  std::printf("%s: %zu frames\n%6s %12s\n", path.c_str(), count, "step", "SW2");
  for (size_t k = 0; k < count; ++k) std::printf("%6llu %12.6f\n", (unsigned long long)steps[k], sw2[k]);

  const std::vector<float> x = swflow::particles(flow);
  double worst = 0;
  for (size_t k = 0; k < d; ++k) {
    double mean = 0;
    for (size_t i = 0; i < n; ++i) mean += x[i * d + k];
    worst = std::fmax(worst, std::fabs(mean / n - double(k) / d));
  }
  std::printf("largest error of the particle mean against the target's: %.4f\n", worst);
  return 0;
} catch (const swflow::Error& error) {
  std::fprintf(stderr, "swflow error %d: %s\n", int(error.status()), error.what());
  return 1;
}
