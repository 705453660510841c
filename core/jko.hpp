// SW-JKO (design section 1.4; Bonet, Courty, Septier and Drumetz 2022), backend-neutral, in two variants:
// particles, x_{k+1} = argmin_x F(x) + SW_2^2(x, x_k) / (2 tau) minimised by Adam over the positions; and a
// generator, rho = g#mu (mu the initial law, g the MLP of core/mlp.hpp at t = T), each step minimising
// F(g#mu) + SW_2^2(g#mu, rho_k) / (2 tau) by Adam over g's weights on fresh minibatches of mu. Both use one
// gradient (Jko::gradient) of the objective at the points.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backend.hpp"
#include "mlp.hpp"
#include "sliced_transport.hpp"

namespace swf {

// F = target_weight 1/2 SW_2^2(rho, target) + potential_weight E[V] + interaction_weight 1/2 E[W(X - X')]
//     + entropy_weight int rho log rho (a kernel density or nearest-neighbour estimate). A weight of 0 leaves its
// term out.
enum class JkoVariant : int32_t { particles = 0, generator = 1 };
enum class EntropyEstimator : int32_t { kernel = 0, neighbours = 1 };

struct JkoParams {
  JkoVariant variant = JkoVariant::particles;
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
  EntropyEstimator entropy_estimator = EntropyEstimator::neighbours;
  float bandwidth = 0.1f;           // the kernel estimate's h
  uint32_t entropy_neighbours = 8;  // the nearest-neighbour estimate's K (< n)
  // The generator variant: g's hidden layers.
  uint32_t generator_width = 64, generator_depth = 3;
  MlpActivation generator_activation = MlpActivation::silu;
  // One time-conditioned network f(z, t) for all steps, rho_k = f(., k tau)#mu, its gate t/T reaching 1 at
  // t = generator_time_scale (T, in the scheme's time); else g = f(., T) with T = 1, retrained at every step.
  bool generator_time_conditioned = false;
  float generator_time_scale = 1.0f;
};

// The terms of F at the current particles (unweighted), and F itself (weighted sum).
struct JkoObjective {
  double total = 0.0, target = 0.0, potential = 0.0, interaction = 0.0, entropy = 0.0;
};

// What a checkpoint holds of a scheme beyond its parameters: enough to continue it bit for bit.
struct JkoState {
  uint64_t step = 0, inner_draws = 0, particle_draws = 0, generator_draws = 0;
  size_t n = 0;
  std::vector<float> particles;  // n x d
  // The generator: its law, its flat weights, and the time-conditioned one's replay pairs (step x n x d each).
  swf_init generator_law = SWF_INIT_GAUSSIAN;
  float generator_scale = 1.0f;
  std::vector<float> generator, replay_z, replay_x;
};

class Jko {
 public:
  // target: m x d host array, copied (m may be 0 when target_weight is 0). Arguments are checked by capi/.
  Jko(std::shared_ptr<Backend> backend, uint64_t seed, const JkoParams& params, const float* target, size_t m,
      size_t d);

  // Particles: n fresh draws of the law. Generator: a fresh generator g = identity pushing that law forward
  // (rho_0 = the law), n samples per minibatch and n samples representing rho_k (the "particles").
  void init_particles(size_t n, swf_init law, float scale);
  // Particles only (SWF_ERR_UNSUPPORTED for the generator: it pushes forward its own law).
  void set_particles(const float* x, size_t n);
  // The state of a checkpoint, and back (SWF_ERR_FORMAT when it does not fit these parameters).
  JkoState state() const;
  void restore(const JkoState& state);
  // Runs `steps` outer JKO steps, each of params().inner_steps Adam steps from a fresh optimiser. After a failure
  // the particles (and the generator's weights) are those of the last completed step.
  void step(uint32_t steps);
  // Particles: the particles. Generator: the n samples of rho_k drawn when step k completed (or at init).
  void get_particles(float* out) const;
  // Generator only: n fresh samples g(z) of the current generator into out (host, n x d).
  void sample(size_t n, float* out);
  // Time-conditioned generator only: n fresh samples of rho at `time` (the scheme's time, from 0 to time()):
  // f(z, time), which at a step's time k tau is rho_k.
  void sample_at(double time, size_t n, float* out);
  bool is_time_conditioned() const { return is_generator() && params_.generator_time_conditioned; }
  // Generator only (nullptr for particles).
  const Mlp* generator() const { return generator_.get(); }
  bool is_generator() const { return params_.variant == JkoVariant::generator; }
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
  // A fresh generator g = identity pushing the law forward (weights from the seed), no replay pairs yet.
  void make_generator(swf_init law, float scale);
  std::unique_ptr<Mlp> new_generator(swf_init law, float scale) const;
  // SWF_ERR_INVALID_ARGUMENT when n is too few for the entropy estimate (the nearest-neighbour one needs n > K).
  void require_enough_particles(size_t n) const;
  void step_once();
  void step_once_generator();
  // grad (n x d) <- factor n times the gradient of F + SW_2^2(x, x_k) / (2 tau) at x (n points, x_k: the n
  // points of previous_), along the directions of `draw`. The particles take factor 1, the generator 1 / n.
  void gradient(const float* x, uint64_t draw, double factor, float* grad);
  // grad += weight n d(-H)/dx_i of the chosen entropy estimate at x (n points); *energy = -H when not NULL.
  void entropy_gradient(const float* x, float weight, float* grad, double* energy);
  // times_'s first n rows <- time (once per JKO step or sampling call, not per Adam step).
  void set_generator_times(size_t n, float time);
  // z_'s first n rows <- fresh draws of the generator's law.
  void draw_generator_inputs(size_t n);
  // out (n x d, backend memory) <- f(z, t) for n fresh draws z (into z_'s first rows), t the times set before.
  void draw_generator_samples(size_t n, float* out);
  // The generator's time input at step k: k tau when time-conditioned, else T = 1.
  float generator_time(uint64_t step) const;
  // Time-conditioned generator: rows [n, 2n) of z_, times_ and replay_target_ <- n of the pairs (z, f_j(z)) kept
  // from the completed steps j = 1 .. k, the rows whose regression keeps f(., j tau) where step j left it while
  // step k + 1 trains f(., (k + 1) tau). Returns the rows (0 before step 1 completes).
  size_t load_replay_rows();

  std::shared_ptr<Backend> backend_;
  uint64_t seed_;
  JkoParams params_;
  size_t m_, d_, n_ = 0;
  uint64_t step_ = 0;
  uint64_t inner_draws_ = 0;
  uint64_t particle_draws_ = 0;   // init_particles calls: each draws fresh points
  uint64_t generator_draws_ = 0;  // the generator's draws of z (minibatches and samples)
  std::unique_ptr<Mlp> generator_;

  Buffer<float> target_, particles_, previous_, theta_, objective_theta_, sum_, grad_, zeros_;
  Buffer<float> first_moment_, second_moment_, potential_matrix_, potential_center_;
  Buffer<float> z_, times_, batch_;  // the generator's inputs, their times and outputs (n x d, 2n x d with replay)
  Buffer<float> replay_target_;      // the time-conditioned generator's replay targets (n x d)
  // Host copies of each completed step's n pairs (z, f(z, j tau)), step j = 1 .. k at row (j - 1) n.
  std::vector<float> replay_z_, replay_x_;
  SlicedTransport previous_transport_, target_transport_;
};

}  // namespace swf
