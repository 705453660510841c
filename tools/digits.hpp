// Real data for swf-run: the UCI handwritten digits that Debian's python3-sklearn ships, imported by
// tools/import_points.py, and the demo that flows to them, learns the flow and judges its samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli_common.hpp"

namespace swf::tools {

// Prints the line of `swf-run datasets` for digits: where they come from, or how to install them.
int list_digits();

// Runs tools/import_points.py (with /usr/bin/python3, or $SWF_PYTHON) with these arguments; its output
// goes to stderr when quiet. Returns its exit code (0, 2 usage, 4 file), or 1 when it cannot be started.
int run_importer(const std::vector<std::string>& arguments, bool quiet);

struct DigitsDemoOptions {
  std::string data;                   // digits.h5 from the importer; empty: import into PREFIX-data.h5
  std::string out = "swflow-digits";  // PREFIX: PREFIX.svg, PREFIX-model.h5, PREFIX-samples.h5
  BackendChoice backend;
  size_t particles = 1500;
  uint64_t steps = 1000, seed = 0;
  uint32_t directions = 64, learn_every = 25, learn_steps = 100, sw2_directions = 1000;
  float step_size = 0.5f;
};

// Flows N particles from N(0, I) to the training digits while a time-conditioned MLP learns the flow,
// samples new digits from fresh noise, measures both on the held-out digits (SW2, memorisation ratio,
// wall time per phase; on stdout) and draws the picture. Returns the exit code.
int run_digits_demo(const DigitsDemoOptions& options);

}  // namespace swf::tools
