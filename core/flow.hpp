// The particle flow driver (design section 1.1), backend-neutral.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backend.hpp"
#include "sliced_transport.hpp"

namespace swf {

struct FlowParams {
  uint32_t num_directions = 128;
  float step_size = 1.0f;
  float regularization = 0.0f;
  swf_directions directions = SWF_DIRECTIONS_GAUSSIAN;
  swf_velocity velocity = SWF_VELOCITY_NORMALIZED;
};

class Flow {
 public:
  // target: m x d host array, copied. Arguments are checked by the caller (capi/).
  Flow(std::shared_ptr<Backend> backend, uint64_t seed, const FlowParams& params, const float* target, size_t m,
       size_t d);

  void init_particles(size_t n, swf_init law, float scale);
  void set_particles(const float* x, size_t n);
  void set_directions(const float* theta, uint32_t L);
  void step(uint32_t steps);
  void get_particles(float* out) const;
  void get_directions(float* out) const;
  void get_target(float* out) const;

  // The positions of the random streams, for checkpoints: with the particles, the parameters (and the
  // directions when fixed) they determine every later step.
  uint64_t seed() const { return seed_; }
  uint64_t distance_draws() const { return distance_draws_; }
  uint64_t particle_draws() const { return particle_draws_; }
  void restore_counters(uint64_t step, double time, uint64_t distance_draws, uint64_t particle_draws);
  double distance(uint32_t L);

  size_t num_particles() const { return n_; }
  size_t num_targets() const { return m_; }
  size_t dim() const { return d_; }
  uint64_t steps_taken() const { return step_; }
  double time() const { return time_; }
  uint32_t num_directions() const { return params_.num_directions; }
  bool has_directions() const { return directions_valid_; }
  const FlowParams& params() const { return params_; }
  swf_backend backend_kind() const { return backend_->kind(); }

 private:
  void step_once();
  void reserve_workspace();

  std::shared_ptr<Backend> backend_;
  uint64_t seed_;
  FlowParams params_;
  size_t m_, d_, n_ = 0;
  uint64_t step_ = 0;
  uint64_t distance_draws_ = 0;
  uint64_t particle_draws_ = 0;
  double time_ = 0.0;

  Buffer<float> target_, particles_, theta_, velocity_;
  SlicedTransport transport_;
  bool directions_valid_ = false;
  // With fixed directions processed in one block, the sorted target projections never change.
  bool sorted_target_cached_ = false;
};

}  // namespace swf
