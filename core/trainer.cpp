#include "trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "error.hpp"
#include "sliced_transport.hpp"

namespace swf {
namespace {

// A minibatch assembled in host memory and moved to the model's backend in one upload per array; rows
// from `host_rows` on are filled on the backend (SlicedTargets).
struct Batch {
  std::vector<float> x0, t, y;
  Buffer<float> x0_device, t_device, y_device, prediction;

  Batch(Backend* backend, size_t size, size_t d)
      : x0(size * d), t(size), y(size * d), x0_device(backend, size * d), t_device(backend, size),
        y_device(backend, size * d), prediction(backend, size * d) {}

  void set(size_t slot, const float* x0_row, float time, const float* y_row, size_t d) {
    if (x0_row) std::memcpy(&x0[slot * d], x0_row, d * sizeof(float));
    t[slot] = time;
    if (y_row) std::memcpy(&y[slot * d], y_row, d * sizeof(float));
  }
  void upload(size_t host_rows, size_t size, size_t d) {
    x0_device.upload(x0.data(), host_rows * d);
    t_device.upload(t.data(), size);
    y_device.upload(y.data(), host_rows * d);
  }
};

size_t pick(const RandomDraw& draw, uint64_t element, size_t count) {
  return std::min(count - 1, static_cast<size_t>(draw.uniform(element) * double(count)));
}

// Rows of a minibatch that no particle started from: x0 drawn fresh from the model's initial law, and as
// target the model's own output f(x0, t) moved by one step of the normalised flow (design section 1.1,
// h = min(1, L/d)) toward the particles at t. The gradient of this regression at f(x0, t) is that of
// (1/2) SW_2^2(model samples, particles at t) along these directions, up to a constant: these rows teach
// the law at t on the very draws sampling will make, where the pairs alone teach a regression whose
// average blurs the space between modes.
class SlicedTargets {
 public:
  SlicedTargets(Backend* backend, size_t rows, size_t d, uint32_t L)
      : rows_(rows), d_(d), L_(L > 0 ? L : default_directions(d)), theta_(backend, size_t{L_} * d),
        sum_(backend, rows * d), transport_(backend) {}

  size_t rows() const { return rows_; }

  // Enough directions that the step is not one noisy estimate in high dimension (d = 64 digits, online:
  // SW2 of the samples 0.108 with 64 directions, 0.061 with 256).
  static uint32_t default_directions(size_t d) {
    return static_cast<uint32_t>(std::min<size_t>(4096, std::max<size_t>(64, 4 * d)));
  }

  // Fills rows [first, first + rows()) of the batch on the backend, at time t (already in batch.t and
  // uploaded), toward `particles` (count x d, backend memory).
  void fill(Mlp& model, Batch& batch, size_t first, const float* particles, size_t count, uint64_t seed,
            uint64_t index) {
    if (rows_ == 0) return;
    Backend& backend = *model.backend();
    const MlpConfig& config = model.config();
    float* x0 = batch.x0_device.data() + first * d_;
    float* y = batch.y_device.data() + first * d_;
    backend.draw_points(config.initial_law, config.initial_scale, RandomDraw{seed, Stream::model_points, index},
                        rows_, d_, x0);
    backend.draw_directions(SWF_DIRECTIONS_GAUSSIAN, RandomDraw{seed, Stream::model_directions, index}, L_, d_,
                            theta_.data());
    model.forward(x0, batch.t_device.data() + first, rows_, y);
    transport_.displacement_sum(theta_.data(), L_, y, rows_, particles, count, d_, false, sum_.data());
    const double h = std::min(1.0, double(L_) / double(d_));
    backend.update_particles(y, sum_.data(), rows_, d_, static_cast<float>(h * double(d_) / L_), 0.0f,
                             RandomDraw{seed, Stream::model_points, index});
  }

 private:
  size_t rows_, d_;
  uint32_t L_;
  Buffer<float> theta_, sum_;
  SlicedTransport transport_;
};

size_t sliced_rows(const TrainingParams& params, size_t batch_size) {
  const float fraction = std::clamp(params.sliced_fraction, 0.0f, 1.0f);
  return std::min(batch_size - 1, static_cast<size_t>(std::lround(double(fraction) * double(batch_size))));
}

// The recorded x0 as a draw of exactly the model's initial law in mean and overall scale: the mean of n
// draws misses the law's by about scale sqrt(d / n) (0.07 for n = 1,500 in d = 8), the flow removes that
// offset by the end, and a regression on the raw pairs learns to remove it from every fresh draw too (its
// samples were then off by as much). Only the mean and one scale are fitted: the rest of the draws'
// shape is left as it is.
std::vector<float> matched_to_initial_law(const float* x0, size_t n, size_t d, const MlpConfig& config) {
  std::vector<double> mean(d, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < d; ++k) mean[k] += x0[i * d + k];
  for (double& value : mean) value /= double(n);
  double spread = 0.0;
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < d; ++k) spread += (x0[i * d + k] - mean[k]) * (x0[i * d + k] - mean[k]);
  const double law_sd = config.initial_law == SWF_INIT_UNIFORM ? config.initial_scale / std::sqrt(3.0)
                                                                : double(config.initial_scale);
  const double sample_sd = std::sqrt(spread / double(n * d));
  const double scale = n > 1 && sample_sd > 0.0 ? law_sd / sample_sd : 1.0;
  std::vector<float> matched(n * d);
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < d; ++k) matched[i * d + k] = float((x0[i * d + k] - mean[k]) * scale);
  return matched;
}

// Cosine decay of the step to a tenth over the run: the last epochs average out the minibatch noise.
float decayed_learning_rate(float start, double step, double total_steps) {
  return float(start * (0.1 + 0.9 * 0.5 * (1.0 + std::cos(3.141592653589793 * step / total_steps))));
}

}  // namespace

double train_on_trajectory(Mlp& model, const TrajectoryPairs& pairs, const TrainingParams& params, uint64_t seed) {
  std::vector<size_t> frames;
  for (size_t k = 0; k < pairs.times.size(); ++k)
    if (pairs.times[k] > 0.0) frames.push_back(k);
  if (frames.empty()) fail(SWF_ERR_INVALID_ARGUMENT, "the trajectory has no frame after t = 0 to learn from");
  const size_t d = pairs.d, batch_size = std::max<uint32_t>(2, params.batch_size);
  const size_t steps_per_epoch = std::max<size_t>(1, pairs.n * frames.size() / batch_size);
  Backend* backend = model.backend();
  Batch batch(backend, batch_size, d);
  SlicedTargets sliced(backend, sliced_rows(params, batch_size), d, params.sliced_directions);
  const size_t pair_rows = batch_size - sliced.rows();
  const std::vector<float> x0 = matched_to_initial_law(pairs.x0.data(), pairs.n, d, model.config());
  // The frames the sliced rows aim at, on the backend once.
  std::vector<Buffer<float>> frames_device;
  if (sliced.rows() > 0)
    for (size_t k : frames) frames_device.emplace_back(backend).upload(pairs.frames[k].data(), pairs.n * d);
  double epoch_loss = 0.0;
  uint64_t step = 0;
  const uint32_t epochs = std::max<uint32_t>(1, params.epochs);
  const double total_steps = double(epochs) * double(steps_per_epoch);
  AdamParams adam = params.adam;
  for (uint32_t epoch = 0; epoch < epochs; ++epoch) {
    epoch_loss = 0.0;
    for (size_t s = 0; s < steps_per_epoch; ++s, ++step) {
      const RandomDraw draw{seed, Stream::model, step};
      for (size_t b = 0; b < pair_rows; ++b) {
        const size_t k = frames[pick(draw, 2 * b, frames.size())];
        const size_t i = pick(draw, 2 * b + 1, pairs.n);
        batch.set(b, &x0[i * d], float(pairs.times[k]), &pairs.frames[k][i * d], d);
      }
      const size_t target = pick(draw, 2 * batch_size, frames.size());
      for (size_t b = pair_rows; b < batch_size; ++b) batch.set(b, nullptr, float(pairs.times[frames[target]]), nullptr, d);
      batch.upload(pair_rows, batch_size, d);
      if (sliced.rows() > 0) sliced.fill(model, batch, pair_rows, frames_device[target].data(), pairs.n, seed, step);
      adam.learning_rate = decayed_learning_rate(params.adam.learning_rate, double(step), total_steps);
      epoch_loss += model.train_step(batch.x0_device.data(), batch.t_device.data(), batch.y_device.data(), batch_size,
                                     adam);
    }
    epoch_loss /= double(steps_per_epoch);
  }
  model.backend()->synchronize();  // the last Adam update may still be queued: its failure is this call's
  return epoch_loss;
}

OnlineTrainer::OnlineTrainer(const float* x0, size_t n, size_t d, const MlpConfig& config)
    : n_(n), d_(d), x0_(matched_to_initial_law(x0, n, d, config)) {}

double OnlineTrainer::train_on_snapshot(Mlp& model, double t, const float* particles, const TrainingParams& params,
                                        uint64_t seed) {
  if (t <= 0.0) return 0.0;  // f(x0, 0) = x0 already
  const size_t d = d_, batch_size = std::max<uint32_t>(3, params.batch_size);
  Backend* backend = model.backend();
  SlicedTargets sliced(backend, sliced_rows(params, batch_size), d, params.sliced_directions);
  const size_t host_rows = batch_size - sliced.rows();
  const size_t replayed = past_times_.empty() ? 0 : host_rows / 2;
  Batch batch(backend, batch_size, d);
  Buffer<float> snapshot(backend);
  if (sliced.rows() > 0) snapshot.upload(particles, n_ * d);
  double total = 0.0;
  const uint32_t steps = std::max<uint32_t>(1, params.steps_per_snapshot);
  for (uint32_t s = 0; s < steps; ++s) {
    const uint64_t index = (snapshots_ << 20) + s;
    const RandomDraw draw{seed, Stream::model, index};
    for (size_t b = 0; b < host_rows; ++b) {
      const size_t i = pick(draw, 2 * b, n_);
      if (b < replayed) {
        const double past = past_times_[pick(draw, 2 * b + 1, past_times_.size())];
        batch.set(b, &x0_[i * d], float(past), nullptr, d);
      } else {
        batch.set(b, &x0_[i * d], float(t), &particles[i * d], d);
      }
    }
    for (size_t b = host_rows; b < batch_size; ++b) batch.set(b, nullptr, float(t), nullptr, d);
    if (replayed > 0) {
      // The model's own outputs at the earlier times become their targets.
      batch.x0_device.upload(batch.x0.data(), replayed * d);
      batch.t_device.upload(batch.t.data(), replayed);
      model.forward(batch.x0_device.data(), batch.t_device.data(), replayed, batch.prediction.data());
      batch.prediction.download(batch.y.data(), replayed * d);
    }
    batch.upload(host_rows, batch_size, d);
    sliced.fill(model, batch, host_rows, snapshot.data(), n_, seed, index);
    total += model.train_step(batch.x0_device.data(), batch.t_device.data(), batch.y_device.data(), batch_size,
                              params.adam);
  }
  model.backend()->synchronize();  // the last Adam update may still be queued: its failure is this call's
  past_times_.push_back(t);
  ++snapshots_;
  return total / steps;
}

}  // namespace swf
