// SW-JKO (design section 1.4; Bonet, Courty, Septier and Drumetz 2022) on a particle cloud, backend-neutral:
// x_{k+1} = argmin_x F(x) + SW_2^2(x, x_k) / (2 tau), minimised by Adam over the particle positions.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backend.hpp"
#include "sliced_transport.hpp"

namespace swf {

// F = target_weight 1/2 SW_2^2(rho, target) + potential_weight E[V] + interaction_weight 1/2 E[W(X - X')]
//     + entropy_weight int rho log rho (kernel density estimate). A weight of 0 leaves its term out.
struct JkoParams {
  float tau = 0.1f;
  uint32_t inner_steps = 50;
  float learning_rate = 1e-2f;
  uint32_t num_directions = 64;         // fresh Gaussian directions at every inner step
  uint32_t objective_directions = 256;  // fixed directions for the objective's SW term
  float target_weight = 0.0f;
  float potential_weight = 0.0f;
  std::vector<float> potential_matrix;  // A, d x d, symmetric positive definite
  std::vector<float> potential_center;  // b, d
  float interaction_weight = 0.0f;
  float interaction_a = 4.0f, interaction_b = 2.0f;
  float entropy_weight = 0.0f;
  float bandwidth = 0.1f;
};

// The terms of F at the current particles (unweighted), and F itself (weighted sum).
struct JkoObjective {
  double total = 0.0, target = 0.0, potential = 0.0, interaction = 0.0, entropy = 0.0;
};

class Jko {
 public:
  // target: m x d host array, copied (m may be 0 when target_weight is 0). Arguments are checked by capi/.
  Jko(std::shared_ptr<Backend> backend, uint64_t seed, const JkoParams& params, const float* target, size_t m,
      size_t d);

  void init_particles(size_t n, swf_init law, float scale);
  void set_particles(const float* x, size_t n);
  // Runs `steps` outer JKO steps, each of params().inner_steps Adam steps from a fresh optimiser. After a failure
  // the particles are those of the last completed step.
  void step(uint32_t steps);
  void get_particles(float* out) const;
  void get_target(float* out) const;
  JkoObjective objective();

  size_t num_particles() const { return n_; }
  size_t num_targets() const { return m_; }
  size_t dim() const { return d_; }
  uint64_t steps_taken() const { return step_; }
  double time() const { return double(step_) * params_.tau; }
  uint64_t seed() const { return seed_; }
  const JkoParams& params() const { return params_; }
  swf_backend backend_kind() const { return backend_->kind(); }

 private:
  void reserve_workspace();
  void step_once();
  // grad (n x d) <- n times the gradient of F + SW_2^2(x, x_k) / (2 tau) at x, along the directions of `draw`.
  void gradient(const float* x, uint64_t draw, float* grad);

  std::shared_ptr<Backend> backend_;
  uint64_t seed_;
  JkoParams params_;
  size_t m_, d_, n_ = 0;
  uint64_t step_ = 0;
  uint64_t inner_draws_ = 0;
  uint64_t particle_draws_ = 0;  // init_particles calls: each draws fresh points

  Buffer<float> target_, particles_, previous_, theta_, objective_theta_, sum_, grad_, zeros_;
  Buffer<float> first_moment_, second_moment_, potential_matrix_, potential_center_;
  SlicedTransport previous_transport_, target_transport_;
};

}  // namespace swf
