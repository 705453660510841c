#include "flow.hpp"

#include <algorithm>
#include <cmath>

#include "error.hpp"
#include "sliced_wasserstein.hpp"

namespace swf {

Flow::Flow(std::shared_ptr<Backend> backend, uint64_t seed, const FlowParams& params, const float* target,
           size_t m, size_t d)
    : backend_(std::move(backend)),
      seed_(seed),
      params_(params),
      m_(m),
      d_(d),
      target_(backend_.get()),
      particles_(backend_.get()),
      theta_(backend_.get()),
      velocity_(backend_.get()),
      transport_(backend_.get()) {
  target_.upload(target, m * d);
  if (params_.directions == SWF_DIRECTIONS_FIXED) {
    theta_.reserve(size_t{params_.num_directions} * d_);
    backend_->draw_directions(SWF_DIRECTIONS_GAUSSIAN, RandomDraw{seed_, Stream::directions, 0},
                              params_.num_directions, d_, theta_.data());
    backend_->synchronize();
    directions_valid_ = true;
  }
}

void Flow::init_particles(size_t n, swf_init law, float scale) {
  Buffer<float> fresh(backend_.get(), n * d_);
  backend_->draw_points(law, scale, RandomDraw{seed_, Stream::initial, particle_draws_}, n, d_, fresh.data());
  backend_->synchronize();
  ++particle_draws_;
  particles_.swap(fresh);
  n_ = n;
  step_ = 0;
  time_ = 0.0;
}

void Flow::set_particles(const float* x, size_t n) {
  Buffer<float> fresh(backend_.get(), n * d_);
  fresh.upload(x, n * d_);
  particles_.swap(fresh);
  n_ = n;
  step_ = 0;
  time_ = 0.0;
}

void Flow::set_directions(const float* theta, uint32_t L) {
  Buffer<float> fresh(backend_.get(), size_t{L} * d_);
  fresh.upload(theta, size_t{L} * d_);
  theta_.swap(fresh);
  params_.directions = SWF_DIRECTIONS_FIXED;
  params_.num_directions = L;
  directions_valid_ = true;
  sorted_target_cached_ = false;
}

void Flow::reserve_workspace() {
  theta_.reserve(size_t{params_.num_directions} * d_);
  velocity_.reserve(n_ * d_);
  transport_.reserve(params_.num_directions, n_, m_);
  backend_->reserve_transport(params_.directions, params_.num_directions,
                              transport_.block_size(params_.num_directions, n_, m_), n_, m_, d_);
}

void Flow::step(uint32_t steps) {
  if (n_ == 0) fail(SWF_ERR_INVALID_ARGUMENT, "the flow has no particles yet: call swf_flow_init_particles or swf_flow_set_particles first");
  // All allocation happens here, before the loop; the particles change only when a step completes.
  reserve_workspace();
  for (uint32_t s = 0; s < steps; ++s) step_once();
  // The steps' work may still be queued on the device: wait, so that a failure is this call's.
  backend_->synchronize();
}

void Flow::step_once() {
  const uint32_t L = params_.num_directions;
  if (params_.directions != SWF_DIRECTIONS_FIXED) {
    backend_->draw_directions(params_.directions, RandomDraw{seed_, Stream::directions, step_ + 1}, L, d_,
                              theta_.data());
    directions_valid_ = true;
  }
  const bool cache_target = params_.directions == SWF_DIRECTIONS_FIXED && transport_.reuses_target(L, n_, m_);
  transport_.displacement_sum(theta_.data(), L, particles_.data(), n_, target_.data(), m_, d_,
                              cache_target && sorted_target_cached_, velocity_.data());
  sorted_target_cached_ = cache_target;
  const double c = params_.velocity == SWF_VELOCITY_NORMALIZED ? static_cast<double>(d_) : 1.0;
  const double h = params_.step_size;
  const float scale = static_cast<float>(h * c / L);
  const float sigma = static_cast<float>(std::sqrt(2.0 * params_.regularization * h));
  backend_->update_particles(particles_.data(), velocity_.data(), n_, d_, scale, sigma,
                             RandomDraw{seed_, Stream::noise, step_ + 1});
  ++step_;
  time_ += h;
}

void Flow::get_particles(float* out) const { particles_.download(out, n_ * d_); }

void Flow::get_directions(float* out) const {
  theta_.download(out, size_t{params_.num_directions} * d_);
}

void Flow::get_target(float* out) const { target_.download(out, m_ * d_); }

void Flow::restore_counters(uint64_t step, double time, uint64_t distance_draws, uint64_t particle_draws) {
  step_ = step;
  time_ = time;
  distance_draws_ = distance_draws;
  particle_draws_ = particle_draws;
}

double Flow::distance(uint32_t L) {
  Buffer<float> theta(backend_.get(), size_t{L} * d_);
  backend_->draw_directions(SWF_DIRECTIONS_GAUSSIAN, RandomDraw{seed_, Stream::distance, distance_draws_++}, L,
                            d_, theta.data());
  return sliced_wasserstein(*backend_, particles_.data(), n_, target_.data(), m_, d_, theta.data(), L, 2.0);
}

}  // namespace swf
