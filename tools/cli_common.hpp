// What every swf-run subcommand shares: exit codes, error lines, signals, progress.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "swflow.h"

namespace swf::tools {

// Exit codes, documented in the README and `swf-run --help`.
enum ExitCode : int {
  kExitSuccess = 0,
  kExitRuntime = 1,      // a failure while running
  kExitUsage = 2,        // bad flags or values
  kExitNoDevice = 3,     // a GPU was required and none answers
  kExitInput = 4,        // a file could not be read or written, or is not what it should be
  kExitInterrupted = 75  // EX_TEMPFAIL: interrupted, a resumable checkpoint was written
};

int exit_code_for(swf_status status);

// Flag checks with short messages ("must be > 0").
// Adam's step for learning online (constant, unlike a trajectory's decayed 3e-3): on the digits the samples'
// SW2 to held-out digits was 0.061 at 1e-3 and 0.086 at 3e-3.
constexpr float kOnlineLearningRate = 1e-3f;
extern const CLI::Validator kPositive;
extern const CLI::Validator kNonNegative;

// The --backend (auto | cpu | cuda) and --tf32 flags of every command that computes.
struct BackendChoice {
  std::string name = "auto";
  bool tf32 = false;
};
void add_backend_option(CLI::App& command, BackendChoice& choice);
// swf_context_create with the chosen backend, then swf_context_set_tf32 when --tf32 was given; on failure
// nothing is left open and *out is NULL.
swf_status open_context(const BackendChoice& choice, uint64_t seed, swf_context* out);

// The resolved command line a trajectory stores (attribute config of /parameters/swflow, one "key=value"
// per line) as key -> value, quotes removed and empty values left out.
swf_status recorded_config(const std::string& path, std::map<std::string, std::string>& values);

// Prints "swf-run <command>: <what>: <library message>" on stderr and returns the exit code for status.
int report_failure(const std::string& command, swf_status status, const std::string& what = "");

// SIGINT / SIGTERM set a flag that long runs poll between steps; a second signal ends the process.
void install_interrupt_handlers();
bool interrupted();

// The wall clock of a resumable run (swf-run flow, jko): when it must stop (a signal, or past --max-time
// seconds when that is > 0) and when a checkpoint is due (every --checkpoint-every seconds when > 0).
class RunClock {
 public:
  RunClock(double max_time, double checkpoint_every);
  bool must_stop() const;
  // True once per checkpoint_every seconds; restarts its interval when it says so.
  bool checkpoint_due();
  double elapsed() const;

 private:
  using Clock = std::chrono::steady_clock;
  double max_time_, checkpoint_every_;
  Clock::time_point start_, last_checkpoint_;
};

// The lines of a run stopped by must_stop(): where its checkpoint is and the command that continues it.
void report_stopped(const char* command, uint64_t step, const std::string& path, uint64_t steps);

// Progress on stderr: a live bar when stderr is a terminal, a line every few seconds otherwise.
class Progress {
 public:
  // `label` names the value shown with each line (the SW2 of a flow, the objective F of a JKO run).
  Progress(uint64_t first_step, uint64_t last_step, const char* label = "SW2");
  void update(uint64_t step, double sw2);
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  bool terminal_;
  uint64_t first_step_, last_step_;
  const char* label_;
  Clock::time_point start_, last_print_;
};

}  // namespace swf::tools
