#include "jko.hpp"

#include <algorithm>
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
      previous_transport_(backend_.get()),
      target_transport_(backend_.get()) {
  if (m_ > 0) {
    target_.upload(target, m_ * d_);
    objective_theta_.reserve(size_t{params_.objective_directions} * d_);
    backend_->draw_directions(SWF_DIRECTIONS_GAUSSIAN, RandomDraw{seed_, Stream::jko_objective, 0},
                              params_.objective_directions, d_, objective_theta_.data());
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

void Jko::init_particles(size_t n, swf_init law, float scale) {
  require_enough_particles(n);
  Buffer<float> fresh(backend_.get(), n * d_);
  backend_->draw_points(law, scale, RandomDraw{seed_, Stream::initial, particle_draws_++}, n, d_, fresh.data());
  if (is_generator()) {
    // g starts as the identity (the output layer at zero): rho_0 is the law, and these draws are its samples.
    MlpConfig config;
    config.dim = d_;
    config.width = params_.generator_width;
    config.depth = params_.generator_depth;
    config.activation = params_.generator_activation;
    config.time_scale = 1.0f;  // g(z) = f(z, T) with T = 1
    config.initial_law = law;
    config.initial_scale = scale;
    generator_ = std::make_unique<Mlp>(backend_, config, seed_);
    const std::vector<float> ones(n, config.time_scale);
    times_.upload(ones.data(), n);
  }
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
    z_.reserve(count);
    batch_.reserve(count);
  }
  previous_transport_.reserve(params_.num_directions, n_, n_);
  if (m_ > 0) target_transport_.reserve(params_.num_directions, n_, m_);
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

void Jko::draw_generator_samples(size_t n, float* out) {
  const MlpConfig& config = generator_->config();
  backend_->draw_points(config.initial_law, config.initial_scale,
                        RandomDraw{seed_, Stream::jko_generator, ++generator_draws_}, n, d_, z_.data());
  generator_->forward(z_.data(), times_.data(), n, out);
}

// The generator's loss is the empirical objective of its n outputs x = g(z), an average over the samples: its
// gradient with respect to x_i is 1/n times the particles' (factor 1 / n). Adam's steps hardly depend on that
// scale (it divides by the gradient's root mean square), so learning_rate is Adam's step on the weights.
void Jko::step_once_generator() {
  const size_t count = n_ * d_;
  backend_->copy(previous_.data(), particles_.data(), count * sizeof(float));
  generator_->reset_optimizer();
  AdamParams adam;
  adam.learning_rate = params_.learning_rate;
  for (uint32_t t = 1; t <= params_.inner_steps; ++t) {
    draw_generator_samples(n_, batch_.data());
    gradient(batch_.data(), ++inner_draws_, 1.0 / double(n_), grad_.data());
    // Maps z again (keeping the activations for the backward pass): one extra forward of a small MLP.
    generator_->train_step_output_gradient(z_.data(), times_.data(), n_, grad_.data(), adam);
  }
  // rho_{k+1}: a fixed set of n samples of the new generator, the proximal term's points in the next step.
  draw_generator_samples(n_, batch_.data());
  backend_->copy(particles_.data(), batch_.data(), count * sizeof(float));
  ++step_;
}

void Jko::sample(size_t n, float* out) {
  if (!is_generator())
    fail(SWF_ERR_UNSUPPORTED, "a particle SW-JKO scheme has no generator to sample: read its particles instead");
  if (n_ == 0) fail(SWF_ERR_INVALID_ARGUMENT, "no generator yet: call swf_jko_init_particles first");
  reserve_workspace();
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
