#include "trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "error.hpp"

namespace swf {
namespace {

// A minibatch assembled in host memory and moved to the model's backend in one upload per array.
struct Batch {
  std::vector<float> x0, t, y;
  Buffer<float> x0_device, t_device, y_device, prediction;

  Batch(Backend* backend, size_t size, size_t d)
      : x0(size * d), t(size), y(size * d), x0_device(backend, size * d), t_device(backend, size),
        y_device(backend, size * d), prediction(backend, size * d) {}

  void set(size_t slot, const float* x0_row, float time, const float* y_row, size_t d) {
    std::memcpy(&x0[slot * d], x0_row, d * sizeof(float));
    t[slot] = time;
    if (y_row) std::memcpy(&y[slot * d], y_row, d * sizeof(float));
  }
  void upload(size_t size, size_t d) {
    x0_device.upload(x0.data(), size * d);
    t_device.upload(t.data(), size);
    y_device.upload(y.data(), size * d);
  }
};

size_t pick(const RandomDraw& draw, uint64_t element, size_t count) {
  return std::min(count - 1, static_cast<size_t>(draw.uniform(element) * double(count)));
}

}  // namespace

double train_on_trajectory(Mlp& model, const TrajectoryPairs& pairs, const TrainingParams& params, uint64_t seed) {
  std::vector<size_t> frames;
  for (size_t k = 0; k < pairs.times.size(); ++k)
    if (pairs.times[k] > 0.0) frames.push_back(k);
  if (frames.empty()) fail(SWF_ERR_INVALID_ARGUMENT, "the trajectory has no frame after t = 0 to learn from");
  const size_t d = pairs.d, batch_size = std::max<uint32_t>(1, params.batch_size);
  const size_t steps_per_epoch = std::max<size_t>(1, pairs.n * frames.size() / batch_size);
  Batch sized(model.backend(), batch_size, d);
  double epoch_loss = 0.0;
  uint64_t step = 0;
  const uint32_t epochs = std::max<uint32_t>(1, params.epochs);
  const double total_steps = double(epochs) * double(steps_per_epoch);
  AdamParams adam = params.adam;
  for (uint32_t epoch = 0; epoch < epochs; ++epoch) {
    epoch_loss = 0.0;
    for (size_t s = 0; s < steps_per_epoch; ++s, ++step) {
      const RandomDraw draw{seed, Stream::model, step};
      for (size_t b = 0; b < batch_size; ++b) {
        const size_t k = frames[pick(draw, 2 * b, frames.size())];
        const size_t i = pick(draw, 2 * b + 1, pairs.n);
        sized.set(b, &pairs.x0[i * d], float(pairs.times[k]), &pairs.frames[k][i * d], d);
      }
      sized.upload(batch_size, d);
      // Cosine decay of the step to a tenth: the last epochs average out the minibatch noise.
      adam.learning_rate =
          float(params.adam.learning_rate * (0.1 + 0.9 * 0.5 * (1.0 + std::cos(3.141592653589793 * double(step) / total_steps))));
      epoch_loss += model.train_step(sized.x0_device.data(), sized.t_device.data(), sized.y_device.data(), batch_size,
                                     adam);
    }
    epoch_loss /= double(steps_per_epoch);
  }
  return epoch_loss;
}

OnlineTrainer::OnlineTrainer(const float* x0, size_t n, size_t d) : n_(n), d_(d), x0_(x0, x0 + n * d) {}

double OnlineTrainer::train_on_snapshot(Mlp& model, double t, const float* particles, const TrainingParams& params,
                                        uint64_t seed) {
  if (t <= 0.0) return 0.0;  // f(x0, 0) = x0 already
  const size_t d = d_, batch_size = std::max<uint32_t>(2, params.batch_size);
  const size_t replayed = past_times_.empty() ? 0 : batch_size / 2;
  Batch batch(model.backend(), batch_size, d);
  double total = 0.0;
  const uint32_t steps = std::max<uint32_t>(1, params.steps_per_snapshot);
  for (uint32_t s = 0; s < steps; ++s) {
    const RandomDraw draw{seed, Stream::model, (snapshots_ << 20) + s};
    for (size_t b = 0; b < batch_size; ++b) {
      const size_t i = pick(draw, 2 * b, n_);
      if (b < replayed) {
        const double past = past_times_[pick(draw, 2 * b + 1, past_times_.size())];
        batch.set(b, &x0_[i * d], float(past), nullptr, d);
      } else {
        batch.set(b, &x0_[i * d], float(t), &particles[i * d], d);
      }
    }
    if (replayed > 0) {
      // The model's own outputs at the earlier times become their targets.
      batch.x0_device.upload(batch.x0.data(), replayed * d);
      batch.t_device.upload(batch.t.data(), replayed);
      model.forward(batch.x0_device.data(), batch.t_device.data(), replayed, batch.prediction.data());
      batch.prediction.download(batch.y.data(), replayed * d);
    }
    batch.upload(batch_size, d);
    total += model.train_step(batch.x0_device.data(), batch.t_device.data(), batch.y_device.data(), batch_size,
                              params.adam);
  }
  past_times_.push_back(t);
  ++snapshots_;
  return total / steps;
}

}  // namespace swf
