// swflow.hpp — a header-only C++17 layer over swflow.h, for examples and C++ callers: handles that free
// themselves (std::unique_ptr) and failures thrown as swflow::Error with the status and swf_last_error().
// It adds nothing else: call the C API with ctx.get(), flow.get(), recorder.get().
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "swflow.h"

namespace swflow {

class Error : public std::runtime_error {
 public:
  Error(swf_status status, const char* message) : std::runtime_error(message), status_(status) {}
  swf_status status() const noexcept { return status_; }

 private:
  swf_status status_;
};

// Throws swflow::Error for any status but SWF_OK.
inline void check(swf_status status) {
  if (status != SWF_OK) throw Error(status, swf_last_error());
}

struct Deleter {
  void operator()(swf_context ctx) const noexcept { swf_context_destroy(ctx); }
  void operator()(swf_flow flow) const noexcept { swf_flow_destroy(flow); }
  // A recorder that goes out of scope is discarded (its path keeps the last checkpoint); close() publishes.
  void operator()(swf_recorder recorder) const noexcept { swf_recorder_discard(recorder); }
};
using Context = std::unique_ptr<swf_context_s, Deleter>;
using Flow = std::unique_ptr<swf_flow_s, Deleter>;
using Recorder = std::unique_ptr<swf_recorder_s, Deleter>;

inline Context make_context(swf_backend backend, uint64_t seed) {
  swf_context ctx = nullptr;
  check(swf_context_create(backend, seed, &ctx));
  return Context(ctx);
}

// target: m x d row-major.
inline Flow make_flow(const Context& ctx, const swf_flow_params& params, const std::vector<float>& target,
                      size_t d) {
  swf_flow flow = nullptr;
  check(swf_flow_create(ctx.get(), &params, target.data(), d ? target.size() / d : 0, d, &flow));
  return Flow(flow);
}

// The flow must outlive the recorder.
inline Recorder make_recorder(const Flow& flow, const std::string& path, const swf_record_params& params) {
  swf_recorder recorder = nullptr;
  check(swf_recorder_create(flow.get(), path.c_str(), &params, &recorder));
  return Recorder(recorder);
}

// Checkpoints and publishes the file; the recorder is freed even when this throws.
inline void close(Recorder& recorder) { check(swf_recorder_close(recorder.release())); }

inline std::vector<float> dataset(const char* name, size_t n, size_t d, uint64_t seed) {
  std::vector<float> out(n * d);
  check(swf_dataset_generate(name, n, d, seed, out.data()));
  return out;
}

// The particles, n x d row-major.
inline std::vector<float> particles(const Flow& flow) {
  size_t n = 0, d = 0;
  check(swf_flow_info(flow.get(), &n, &d, nullptr, nullptr));
  std::vector<float> out(n * d);
  check(swf_flow_get_particles(flow.get(), out.data(), n));
  return out;
}

}  // namespace swflow
