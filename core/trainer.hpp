// Training the learned flow by regression on (x0, t_k, x_{t_k}): from the frames of a trajectory, or
// online from each snapshot of a running flow.
#pragma once

#include <cstdint>
#include <vector>

#include "mlp.hpp"

namespace swf {

struct TrainingParams {
  uint32_t epochs = 100;                // passes over the n x K pairs of a trajectory
  uint32_t batch_size = 512;
  AdamParams adam;
  uint32_t steps_per_snapshot = 20;     // online: Adam steps per snapshot
  // Share of each minibatch that is fresh draws of x0 regressed onto sliced targets (SlicedTargets);
  // 0 trains on the particles' pairs only.
  float sliced_fraction = 0.5f;
  uint32_t sliced_directions = 0;       // directions per minibatch for those targets; 0: max(64, 4 d)
};

// The pairs of a trajectory held in host memory: x0 (n x d) and, for each frame k, its time and particles.
struct TrajectoryPairs {
  size_t n = 0, d = 0;
  std::vector<float> x0;
  std::vector<double> times;
  std::vector<std::vector<float>> frames;
};

// Minibatches of (x0_i, t_k, x_{t_k,i}) drawn uniformly (frames with t > 0 only: f(x0, 0) = x0 already),
// completed by sliced rows at one frame per minibatch; deterministic from `seed`. Returns the mean loss
// of the last epoch.
double train_on_trajectory(Mlp& model, const TrajectoryPairs& pairs, const TrainingParams& params, uint64_t seed);

// Online training: keeps x0 and the times seen so far, nothing of the frames.
class OnlineTrainer {
 public:
  // x0 (n x d, host memory) is kept matched to the model's initial law (train_on_trajectory does the same).
  OnlineTrainer(const float* x0, size_t n, size_t d, const MlpConfig& config);
  size_t particles() const { return n_; }
  // Adam steps on this snapshot: the sliced rows of each batch aim at the snapshot's law, of the rest half
  // regress on (x0, t, x_t) and half hold the model's own outputs at earlier snapshot times (drawn before
  // the step), so that learning the new time does not unlearn the old ones. Returns the mean loss.
  double train_on_snapshot(Mlp& model, double t, const float* particles, const TrainingParams& params, uint64_t seed);

 private:
  size_t n_, d_;
  std::vector<float> x0_;
  std::vector<double> past_times_;
  uint64_t snapshots_ = 0;
};

}  // namespace swf
