#include "cli_common.hpp"

#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <sstream>

namespace swf::tools {

namespace {

CLI::Validator number_check(bool allow_zero) {
  return CLI::Validator(
      [allow_zero](std::string& text) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(text, value)) return "\"" + text + "\" is not a number";
        if (!(value > 0 || (allow_zero && value == 0))) return text + (allow_zero ? " must be >= 0" : " must be > 0");
        return "";
      },
      allow_zero ? "NONNEGATIVE" : "POSITIVE");
}

}  // namespace

const CLI::Validator kPositive = number_check(false);
const CLI::Validator kNonNegative = number_check(true);

int exit_code_for(swf_status status) {
  switch (status) {
    case SWF_OK: return kExitSuccess;
    case SWF_ERR_INVALID_ARGUMENT: return kExitUsage;
    case SWF_ERR_NO_DEVICE: return kExitNoDevice;
    case SWF_ERR_IO:
    case SWF_ERR_FORMAT: return kExitInput;
    default: return kExitRuntime;
  }
}

void add_backend_option(CLI::App& command, BackendChoice& choice) {
  command.add_option("--backend", choice.name, "auto | cpu | cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  command.add_flag("--tf32", choice.tf32,
                   "TF32 tensor cores for the GPU's GEMMs (projections off by about 2^-11 |theta| |x|; no effect "
                   "on the CPU)");
}

swf_status open_context(const BackendChoice& choice, uint64_t seed, swf_context* out) {
  const swf_backend backend = choice.name == "cpu"    ? SWF_BACKEND_CPU
                              : choice.name == "cuda" ? SWF_BACKEND_CUDA
                                                      : SWF_BACKEND_AUTO;
  if (swf_status s = swf_context_create(backend, seed, out)) return s;
  if (!choice.tf32) return SWF_OK;
  if (swf_status s = swf_context_set_tf32(*out, 1)) {
    swf_context_destroy(*out);
    *out = nullptr;
    return s;
  }
  return SWF_OK;
}

swf_status recorded_config(const std::string& path, std::map<std::string, std::string>& values) {
  size_t length = 0;
  if (swf_status s = swf_file_parameter(path.c_str(), "config", nullptr, 0, &length)) return s;
  std::string config(length + 1, '\0');
  if (swf_status s = swf_file_parameter(path.c_str(), "config", config.data(), config.size(), &length)) return s;
  std::istringstream lines(config.substr(0, length));
  for (std::string line; std::getline(lines, line);) {
    const size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string value = line.substr(equals + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (!value.empty()) values[line.substr(0, equals)] = value;
  }
  return SWF_OK;
}

int report_failure(const std::string& command, swf_status status, const std::string& what) {
  std::fprintf(stderr, "swf-run %s: %s%s\n", command.c_str(), what.empty() ? "" : (what + ": ").c_str(),
               swf_last_error());
  return exit_code_for(status);
}

namespace {

volatile std::sig_atomic_t interrupt_flag = 0;

void on_signal(int signal_number) {
  interrupt_flag = 1;
  // The next signal of the same kind is not caught: a second Ctrl-C ends the process at once.
  std::signal(signal_number, SIG_DFL);
}

}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupted() { return interrupt_flag != 0; }

RunClock::RunClock(double max_time, double checkpoint_every)
    : max_time_(max_time), checkpoint_every_(checkpoint_every), start_(Clock::now()), last_checkpoint_(start_) {}

double RunClock::elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

bool RunClock::must_stop() const { return interrupted() || (max_time_ > 0 && elapsed() > max_time_); }

bool RunClock::checkpoint_due() {
  const Clock::time_point now = Clock::now();
  if (!(checkpoint_every_ > 0) || std::chrono::duration<double>(now - last_checkpoint_).count() <= checkpoint_every_)
    return false;
  last_checkpoint_ = now;
  return true;
}

void report_stopped(const char* command, uint64_t step, const std::string& path, uint64_t steps) {
  std::fprintf(stderr,
               "swf-run %s: stopped at step %llu (%s); checkpoint written to %s\n"
               "  continue with: swf-run %s --resume %s --steps %llu\n",
               command, (unsigned long long)step, interrupted() ? "signal" : "--max-time", path.c_str(), command,
               path.c_str(), (unsigned long long)steps);
}

Progress::Progress(uint64_t first_step, uint64_t last_step, const char* label)
    : terminal_(::isatty(STDERR_FILENO) != 0),
      first_step_(first_step),
      last_step_(last_step),
      label_(label),
      start_(Clock::now()),
      last_print_(start_) {}

void Progress::update(uint64_t step, double sw2) {
  const Clock::time_point now = Clock::now();
  const double since_print = std::chrono::duration<double>(now - last_print_).count();
  if (step != last_step_ && since_print < (terminal_ ? 0.1 : 5.0)) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? double(step - first_step_) / elapsed : 0.0;
  char sw2_text[32] = "";
  if (!std::isnan(sw2)) std::snprintf(sw2_text, sizeof sw2_text, "  %s %.6g", label_, sw2);
  if (terminal_) {
    const int width = 30;
    const double fraction = last_step_ > 0 ? double(step) / double(last_step_) : 1.0;
    const int filled = int(fraction * width);
    std::fprintf(stderr, "\r[%.*s%*s] %llu/%llu%s  %.1f steps/s ", filled, "##############################",
                 width - filled, "", (unsigned long long)step, (unsigned long long)last_step_, sw2_text, rate);
  } else {
    std::fprintf(stderr, "step %llu/%llu%s  %.1f steps/s\n", (unsigned long long)step,
                 (unsigned long long)last_step_, sw2_text, rate);
  }
  std::fflush(stderr);
}

void Progress::finish() {
  if (terminal_) std::fputc('\n', stderr);
}

}  // namespace swf::tools
