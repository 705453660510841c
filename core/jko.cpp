#include "jko.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "error.hpp"
#include "sliced_wasserstein.hpp"

namespace swf {

Jko::Jko(std::shared_ptr<Backend> backend, uint64_t seed, const JkoParams& params, const float* target, size_t m,
         size_t d)
    : backend_(std::move(backend)),
      seed_(seed),
      params_(params),
      m_(params.target_weight > 0.0f ? m : 0),
      d_(d),
      target_(backend_.get()),
      particles_(backend_.get()),
      previous_(backend_.get()),
      theta_(backend_.get()),
      objective_theta_(backend_.get()),
      sum_(backend_.get()),
      grad_(backend_.get()),
      zeros_(backend_.get()),
      first_moment_(backend_.get()),
      second_moment_(backend_.get()),
      potential_matrix_(backend_.get()),
      potential_center_(backend_.get()),
      z_(backend_.get()),
      times_(backend_.get()),
      batch_(backend_.get()),
      replay_target_(backend_.get()),
      previous_transport_(backend_.get()),
      target_transport_(backend_.get()) {
  if (m_ > 0) {
    target_.upload(target, m_ * d_);
    objective_theta_.reserve(size_t{params_.objective_directions} * d_);
    backend_->draw_directions(SWF_DIRECTIONS_GAUSSIAN, RandomDraw{seed_, Stream::jko_objective, 0},
                              params_.objective_directions, d_, objective_theta_.data());
    backend_->synchronize();
  }
  if (params_.potential_weight > 0.0f) {
    potential_matrix_.upload(params_.potential_matrix.data(), d_ * d_);
    potential_center_.upload(params_.potential_center.data(), d_);
  }
}

void Jko::require_enough_particles(size_t n) const {
  if (params_.entropy_weight > 0.0f && params_.entropy_estimator == EntropyEstimator::neighbours &&
      n <= params_.entropy_neighbours)
    fail(SWF_ERR_INVALID_ARGUMENT, std::to_string(n) + " particles for the nearest-neighbour entropy with K = " +
                                       std::to_string(params_.entropy_neighbours) + " neighbours: need more than K");
}

void Jko::make_generator(swf_init law, float scale) {
  generator_ = new_generator(law, scale);
  replay_z_.clear();
  replay_x_.clear();
}

std::unique_ptr<Mlp> Jko::new_generator(swf_init law, float scale) const {
  MlpConfig config;
  config.dim = d_;
  config.width = params_.generator_width;
  config.depth = params_.generator_depth;
  config.activation = params_.generator_activation;
  config.time_scale = is_time_conditioned() ? params_.generator_time_scale : 1.0f;  // g(z) = f(z, T), T = 1
  config.initial_law = law;
  config.initial_scale = scale;
  return std::make_unique<Mlp>(backend_, config, seed_);
}

JkoState Jko::state() const {
  JkoState state;
  state.step = step_;
  state.inner_draws = inner_draws_;
  state.particle_draws = particle_draws_;
  state.generator_draws = generator_draws_;
  state.n = n_;
  state.particles.resize(n_ * d_);
  get_particles(state.particles.data());
  if (generator_) {
    state.generator_law = generator_->config().initial_law;
    state.generator_scale = generator_->config().initial_scale;
    state.generator = generator_->flat_parameters();
    state.replay_z = replay_z_;
    state.replay_x = replay_x_;
  }
  return state;
}

void Jko::restore(const JkoState& state) {
  const size_t count = state.n * d_;
  if (state.n == 0 || state.particles.size() != count)
    fail(SWF_ERR_FORMAT, "the SW-JKO checkpoint's particles do not match its particle count and dimension");
  require_enough_particles(state.n);
  Buffer<float> fresh(backend_.get(), count);
  fresh.upload(state.particles.data(), count);
  // Everything is checked and built before the scheme changes: a refused state leaves it as it was.
  std::unique_ptr<Mlp> generator;
  std::vector<float> replay_z, replay_x;
  if (is_generator()) {
    generator = new_generator(state.generator_law, state.generator_scale);
    if (state.generator.size() != generator->parameter_count() || state.replay_z.size() != state.replay_x.size() ||
        state.replay_z.size() % count != 0 || (is_time_conditioned() && state.replay_z.size() != state.step * count))
      fail(SWF_ERR_FORMAT, "the SW-JKO checkpoint's generator does not match its parameters");
    generator->set_flat_parameters(state.generator);
    replay_z = state.replay_z;
    replay_x = state.replay_x;
  }
  generator_ = std::move(generator);
  replay_z_.swap(replay_z);
  replay_x_.swap(replay_x);
  particles_.swap(fresh);
  n_ = state.n;
  step_ = state.step;
  inner_draws_ = state.inner_draws;
  particle_draws_ = state.particle_draws;
  generator_draws_ = state.generator_draws;
}

void Jko::init_particles(size_t n, swf_init law, float scale) {
  require_enough_particles(n);
  Buffer<float> fresh(backend_.get(), n * d_);
  backend_->draw_points(law, scale, RandomDraw{seed_, Stream::initial, particle_draws_++}, n, d_, fresh.data());
  backend_->synchronize();
  // g starts as the identity (the output layer at zero): rho_0 is the law, and these draws are its samples.
  if (is_generator()) make_generator(law, scale);
  particles_.swap(fresh);
  n_ = n;
  step_ = 0;
}

void Jko::set_particles(const float* x, size_t n) {
  if (is_generator())
    fail(SWF_ERR_UNSUPPORTED,
         "a generator SW-JKO scheme pushes forward its own law: use swf_jko_init_particles, not _set_particles");
  require_enough_particles(n);
  Buffer<float> fresh(backend_.get(), n * d_);
  fresh.upload(x, n * d_);
  particles_.swap(fresh);
  n_ = n;
  step_ = 0;
}

void Jko::reserve_workspace() {
  const size_t count = n_ * d_;
  previous_.reserve(count);
  sum_.reserve(count);
  grad_.reserve(count);
  first_moment_.reserve(count);
  second_moment_.reserve(count);
  if (zeros_.capacity() < count) {
    const std::vector<float> zeros(count, 0.0f);
    zeros_.upload(zeros.data(), count);
  }
  theta_.reserve(size_t{params_.num_directions} * d_);
  if (is_generator()) {
    // The time-conditioned generator's minibatches carry n replay rows after the n fresh ones.
    const size_t rows = is_time_conditioned() ? 2 * n_ : n_;
    z_.reserve(rows * d_);
    batch_.reserve(rows * d_);
    times_.reserve(rows);
    grad_.reserve(rows * d_);
    if (is_time_conditioned()) replay_target_.reserve(count);
  }
  previous_transport_.reserve(params_.num_directions, n_, n_);
  if (m_ > 0) target_transport_.reserve(params_.num_directions, n_, m_);
  // The transports' scratch (the larger of the two pairs of sizes). The functionals' and the generator's
  // kernels still size their own scratch at their first call.
  const uint32_t L = params_.num_directions;
  backend_->reserve_transport(SWF_DIRECTIONS_GAUSSIAN, L, previous_transport_.block_size(L, n_, n_), n_, n_, d_);
  if (m_ > 0)
    backend_->reserve_transport(SWF_DIRECTIONS_GAUSSIAN, L, target_transport_.block_size(L, n_, m_), n_, m_, d_);
}

void Jko::step(uint32_t steps) {
  if (n_ == 0)
    fail(SWF_ERR_INVALID_ARGUMENT, "no particles yet: call swf_jko_init_particles or swf_jko_set_particles first");
  // All allocation happens here, before the loop. Adam moves the particles in place: a step that fails puts
  // back those of the last completed step (kept for the proximal term).
  reserve_workspace();
  for (uint32_t s = 0; s < steps; ++s) {
    std::vector<float> weights;
    if (generator_) weights = generator_->flat_parameters();
    try {
      is_generator() ? step_once_generator() : step_once();
      backend_->synchronize();  // a failure of the step's queued work is this step's: caught below
    } catch (...) {
      backend_->copy(particles_.data(), previous_.data(), n_ * d_ * sizeof(float));
      if (generator_) generator_->set_flat_parameters(weights);
      throw;
    }
  }
}

// Every gradient is n times that of the empirical functional with respect to particle i (the gradient of the
// integrand at x_i when F is an expectation): d/dx_i (1/2) SW_2^2(x, y) = -sum_i / (n L) (core/sliced_transport.hpp)
// becomes -sum_i / L, and the proximal term SW_2^2(x, x_k) / (2 tau) gives -sum_i / (tau L). `factor` scales it all.
void Jko::gradient(const float* x, uint64_t draw, double factor, float* grad) {
  const size_t count = n_ * d_;
  const uint32_t L = params_.num_directions;
  const RandomDraw none{seed_, Stream::jko, 0};
  backend_->copy(grad, zeros_.data(), count * sizeof(float));
  backend_->draw_directions(SWF_DIRECTIONS_GAUSSIAN, RandomDraw{seed_, Stream::jko, draw}, L, d_, theta_.data());
  previous_transport_.displacement_sum(theta_.data(), L, x, n_, previous_.data(), n_, d_, false, sum_.data());
  backend_->update_particles(grad, sum_.data(), n_, d_, static_cast<float>(-factor / (double{params_.tau} * L)), 0.0f,
                             none);
  if (m_ > 0) {
    target_transport_.displacement_sum(theta_.data(), L, x, n_, target_.data(), m_, d_, false, sum_.data());
    backend_->update_particles(grad, sum_.data(), n_, d_, static_cast<float>(-factor * params_.target_weight / L), 0.0f,
                               none);
  }
  if (params_.potential_weight > 0.0f)
    backend_->potential_gradient(x, n_, d_, potential_matrix_.data(), potential_center_.data(),
                                 static_cast<float>(factor * params_.potential_weight), grad, nullptr);
  if (params_.interaction_weight > 0.0f)
    backend_->interaction_gradient(x, n_, d_, params_.interaction_a, params_.interaction_b,
                                   static_cast<float>(factor * params_.interaction_weight), grad, nullptr);
  if (params_.entropy_weight > 0.0f)
    entropy_gradient(x, static_cast<float>(factor * params_.entropy_weight), grad, nullptr);
}

void Jko::entropy_gradient(const float* x, float weight, float* grad, double* energy) {
  if (params_.entropy_estimator == EntropyEstimator::kernel)
    backend_->entropy_gradient(x, n_, d_, params_.bandwidth, weight, grad, energy);
  else
    backend_->neighbour_entropy_gradient(x, n_, d_, params_.entropy_neighbours, weight, grad, energy);
}

void Jko::step_once() {
  const size_t count = n_ * d_;
  backend_->copy(previous_.data(), particles_.data(), count * sizeof(float));
  // A fresh optimiser for every JKO step: each is its own minimisation problem.
  backend_->copy(first_moment_.data(), zeros_.data(), count * sizeof(float));
  backend_->copy(second_moment_.data(), zeros_.data(), count * sizeof(float));
  AdamParams adam;
  adam.learning_rate = params_.learning_rate;
  for (uint32_t t = 1; t <= params_.inner_steps; ++t) {
    gradient(particles_.data(), ++inner_draws_, 1.0, grad_.data());
    backend_->adam_update(particles_.data(), grad_.data(), first_moment_.data(), second_moment_.data(), count, adam, t);
  }
  ++step_;
}

float Jko::generator_time(uint64_t step) const {
  return is_time_conditioned() ? static_cast<float>(double(step) * params_.tau) : 1.0f;
}

void Jko::set_generator_times(size_t n, float time) {
  const std::vector<float> times(n, time);
  backend_->upload(times_.data(), times.data(), n * sizeof(float));  // rows [0, n) only: the replay rows stay
}

void Jko::draw_generator_inputs(size_t n) {
  const MlpConfig& config = generator_->config();
  backend_->draw_points(config.initial_law, config.initial_scale,
                        RandomDraw{seed_, Stream::jko_generator, ++generator_draws_}, n, d_, z_.data());
}

void Jko::draw_generator_samples(size_t n, float* out) {
  draw_generator_inputs(n);
  generator_->forward(z_.data(), times_.data(), n, out);
}

size_t Jko::load_replay_rows() {
  const size_t completed = replay_z_.size() / (n_ * d_);
  if (!is_time_conditioned() || completed == 0) return 0;
  // Row r replays sample r of step 1 + (r mod k): every completed step in turn, a different share of its samples
  // at each k.
  std::vector<float> z(n_ * d_), x(n_ * d_), times(n_);
  for (size_t r = 0; r < n_; ++r) {
    const size_t step = r % completed, source = (step * n_ + r) * d_;
    std::copy(replay_z_.begin() + source, replay_z_.begin() + source + d_, z.begin() + r * d_);
    std::copy(replay_x_.begin() + source, replay_x_.begin() + source + d_, x.begin() + r * d_);
    times[r] = generator_time(step + 1);
  }
  backend_->upload(z_.data() + n_ * d_, z.data(), z.size() * sizeof(float));
  backend_->upload(times_.data() + n_, times.data(), times.size() * sizeof(float));
  replay_target_.upload(x.data(), x.size());
  return n_;
}

// The generator's loss is the empirical objective of its n outputs x = g(z), an average over the samples: its
// gradient with respect to x_i is 1/n times the particles' (factor 1 / n). Adam's steps hardly depend on that
// scale (it divides by the gradient's root mean square), so learning_rate is Adam's step on the weights.
// The time-conditioned generator adds n replay rows with the loss (1 / (2 n)) sum |f(z, t_j) - x_j|^2. On the ring
// problem (tests/jko_generator_test.cpp) a weight of 1 / tau held the earlier steps no better and left the last
// one 6 % short of the ring's radius (1: 2.9 %); 0.1 reached the ring but let the first steps drift by as much as
// they had moved.
void Jko::step_once_generator() {
  const size_t count = n_ * d_;
  backend_->copy(previous_.data(), particles_.data(), count * sizeof(float));
  generator_->reset_optimizer();
  AdamParams adam;
  adam.learning_rate = params_.learning_rate;
  const float time = generator_time(step_ + 1);
  const size_t replay = load_replay_rows(), rows = n_ + replay;
  set_generator_times(n_, time);  // the fresh rows' time, for every Adam step of this JKO step
  const RandomDraw none{seed_, Stream::jko, 0};
  const float replay_factor = static_cast<float>(1.0 / double(n_));
  for (uint32_t t = 1; t <= params_.inner_steps; ++t) {
    // Fresh z in rows [0, n), then one forward pass over those and the replay rows.
    draw_generator_inputs(n_);
    generator_->forward(z_.data(), times_.data(), rows, batch_.data());
    gradient(batch_.data(), ++inner_draws_, 1.0 / double(n_), grad_.data());
    if (replay > 0) {
      float* replay_grad = grad_.data() + count;
      backend_->copy(replay_grad, zeros_.data(), count * sizeof(float));
      backend_->update_particles(replay_grad, batch_.data() + count, n_, d_, replay_factor, 0.0f, none);
      backend_->update_particles(replay_grad, replay_target_.data(), n_, d_, -replay_factor, 0.0f, none);
    }
    // Maps z again (keeping the activations for the backward pass): one extra forward of a small MLP.
    generator_->train_step_output_gradient(z_.data(), times_.data(), rows, grad_.data(), adam);
  }
  // rho_{k+1}: a fixed set of n samples of the new generator, the proximal term's points in the next step.
  draw_generator_samples(n_, batch_.data());
  backend_->copy(particles_.data(), batch_.data(), count * sizeof(float));
  if (is_time_conditioned()) {
    std::vector<float> z(count), x(count);
    z_.download(z.data(), count);
    batch_.download(x.data(), count);
    // Both reserved first: the two appends cannot fail half-way.
    replay_z_.reserve(replay_z_.size() + count);
    replay_x_.reserve(replay_x_.size() + count);
    replay_z_.insert(replay_z_.end(), z.begin(), z.end());
    replay_x_.insert(replay_x_.end(), x.begin(), x.end());
  }
  ++step_;
}

void Jko::sample(size_t n, float* out) { sample_at(time(), n, out); }

void Jko::sample_at(double time, size_t n, float* out) {
  if (!is_generator())
    fail(SWF_ERR_UNSUPPORTED, "a particle SW-JKO scheme has no generator to sample: read its particles instead");
  if (n_ == 0) fail(SWF_ERR_INVALID_ARGUMENT, "no generator yet: call swf_jko_init_particles first");
  if (!is_time_conditioned() && std::fabs(time - this->time()) > 1e-6 * this->time())
    fail(SWF_ERR_UNSUPPORTED, "this generator holds only the last step's law (time " + std::to_string(this->time()) +
                                  "): sampling another time needs generator_time_conditioned");
  // A last step's time computed by the caller in float64 from its decimal tau may pass the float tau's product.
  if (time > this->time() && time <= this->time() * (1.0 + 1e-6)) time = this->time();
  if (!(time >= 0.0 && time <= this->time()))
    fail(SWF_ERR_INVALID_ARGUMENT,
         "time " + std::to_string(time) + " is outside the steps taken, [0, " + std::to_string(this->time()) + "]");
  reserve_workspace();
  set_generator_times(std::min(n_, n), is_time_conditioned() ? static_cast<float>(time) : 1.0f);
  // In chunks of the minibatch size, through the generator's own buffers.
  for (size_t first = 0; first < n; first += n_) {
    const size_t rows = std::min(n_, n - first);
    draw_generator_samples(rows, batch_.data());
    batch_.download(out + first * d_, rows * d_);
  }
}

void Jko::get_particles(float* out) const { particles_.download(out, n_ * d_); }

void Jko::get_target(float* out) const { target_.download(out, m_ * d_); }

JkoObjective Jko::objective() {
  if (n_ == 0)
    fail(SWF_ERR_INVALID_ARGUMENT, "no particles yet: call swf_jko_init_particles or swf_jko_set_particles first");
  reserve_workspace();
  JkoObjective value;
  float* scratch = grad_.data();  // the functionals' ops add gradients: computed into a scratch and dropped
  backend_->copy(scratch, zeros_.data(), n_ * d_ * sizeof(float));
  if (m_ > 0) {
    const double sw = sliced_wasserstein(*backend_, particles_.data(), n_, target_.data(), m_, d_,
                                         objective_theta_.data(), params_.objective_directions, 2.0);
    value.target = 0.5 * sw * sw;
    value.total += params_.target_weight * value.target;
  }
  if (params_.potential_weight > 0.0f) {
    backend_->potential_gradient(particles_.data(), n_, d_, potential_matrix_.data(), potential_center_.data(), 0.0f,
                                 scratch, &value.potential);
    value.total += params_.potential_weight * value.potential;
  }
  if (params_.interaction_weight > 0.0f) {
    backend_->interaction_gradient(particles_.data(), n_, d_, params_.interaction_a, params_.interaction_b, 0.0f,
                                   scratch, &value.interaction);
    value.total += params_.interaction_weight * value.interaction;
  }
  if (params_.entropy_weight > 0.0f) {
    entropy_gradient(particles_.data(), 0.0f, scratch, &value.entropy);
    value.total += params_.entropy_weight * value.entropy;
  }
  return value;
}

}  // namespace swf
