// The options of one flow run, shared by `swf-run flow` and `swf-run demo`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "cli_common.hpp"

namespace swf::tools {

struct FlowOptions {
  std::string target, dataset, out, resume, directions_mode = "gaussian", velocity = "normalized", init = "gaussian";
  BackendChoice backend;
  size_t dim = 2, particles = 2000, target_samples = 0;
  uint64_t steps = 100, seed = 0;
  uint32_t directions = 128, record_every = 10, sw2_directions = 256;
  float step_size = 1.0f, lambda = 0.0f, init_scale = 1.0f;
  int compression = 0;
  double max_time = 0.0, checkpoint_every = 300.0;
  std::string learn;               // a model file to learn online while the flow runs
  uint32_t learn_steps = 20;       // Adam steps per recorded frame
};

// Runs (or resumes) a flow and records it; `config` is stored in the trajectory. Returns the exit code.
int run_flow(const FlowOptions& options, const std::string& config);

}  // namespace swf::tools
