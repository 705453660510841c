// The learned flow through the C ABI: sample quality against the particle flow on held-out data, tracking
// of intermediate times, memorisation, files, online learning, bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "api_handles.hpp"
#include "reference.hpp"
#include "scratch_dir.hpp"

namespace swf::test {
namespace {

struct Model {
  swf_model handle = nullptr;
  ~Model() { swf_model_destroy(handle); }
};

std::vector<float> builtin(const char* name, size_t n, size_t d, uint64_t seed) {
  std::vector<float> x(n * d);
  EXPECT_EQ(swf_dataset_generate(name, n, d, seed, x.data()), SWF_OK) << swf_last_error();
  return x;
}

double sw2(const std::vector<float>& x, const std::vector<float>& y, size_t d) {
  Context context(999);
  double value = 0;
  EXPECT_EQ(swf_sliced_wasserstein(context.handle, x.data(), x.size() / d, y.data(), y.size() / d, d, nullptr, 2000,
                                   2.0, &value),
            SWF_OK);
  return value;
}

// Mean distance from each point of `from` to its nearest point of `to`.
double mean_nearest(const std::vector<float>& from, const std::vector<float>& to, size_t d) {
  double total = 0;
  const size_t n = from.size() / d, m = to.size() / d;
  for (size_t i = 0; i < n; ++i) {
    double best = INFINITY;
    for (size_t j = 0; j < m; ++j) {
      double dist2 = 0;
      for (size_t k = 0; k < d; ++k) dist2 += double(from[i * d + k] - to[j * d + k]) * (from[i * d + k] - to[j * d + k]);
      best = std::min(best, dist2);
    }
    total += std::sqrt(best);
  }
  return total / double(n);
}

// The model's law is measured on 10 n samples: with only n, their own sampling noise adds to the distance
// as much as the held-out set's does, and a model whose law were exactly that of the n training samples
// would be at sqrt(3/2) = 1.22 times the particles' distance in expectation (the particles sit on the
// training samples). Measured with the defaults (width 128, depth 3, 100 epochs, learning rate 3e-3, half
// of each minibatch sliced rows, 1,500 particles): see the README's learned-flow table.
constexpr size_t law_samples_factor = 10;

struct Outcome {
  // The model's law (measured on law_samples_factor x n samples), and n of its samples, against held-out data.
  double model_sw2, model_sw2_same_count, flow_sw2, memorisation, tracking_worst;
};

// Flows n particles to the training samples, records K frames, learns the trajectory, and measures the
// model's fresh samples against held-out samples of the same law.
Outcome learn_and_measure(const char* dataset, size_t d, size_t n, uint32_t steps, float h, uint32_t epochs) {
  ScratchDir dir;
  const std::string trajectory = dir.file("run.h5");
  const std::vector<float> train = builtin(dataset, n, d, 1), held_out = builtin(dataset, n, d, 2);
  Context context(5);
  Flow flow(context, flow_params(64, h, 1e-4f), train, d);
  EXPECT_EQ(swf_flow_init_particles(flow.handle, n, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
  const std::vector<float> x0 = flow.particles();
  swf_record_params record;
  swf_record_params_init(&record);
  record.sw2_directions = 0;
  swf_recorder recorder = nullptr;
  EXPECT_EQ(swf_recorder_create(flow.handle, trajectory.c_str(), &record, &recorder), SWF_OK) << swf_last_error();
  const uint32_t every = steps / 8;
  std::vector<std::vector<float>> snapshots;
  std::vector<double> times;
  for (uint32_t s = 0; s < steps; s += every) {
    flow.step(every);
    EXPECT_EQ(swf_recorder_append(recorder), SWF_OK);
    snapshots.push_back(flow.particles());
    times.push_back(double(s + every) * h);
  }
  EXPECT_EQ(swf_recorder_close(recorder), SWF_OK);

  Model model;
  swf_model_params params;
  swf_model_params_init(&params);
  params.time_scale = float(times.back());
  EXPECT_EQ(swf_model_create(context.handle, d, &params, &model.handle), SWF_OK) << swf_last_error();
  swf_train_params train_params;
  swf_train_params_init(&train_params);
  train_params.epochs = epochs;
  double loss = -1;
  EXPECT_EQ(swf_model_train_trajectory(model.handle, trajectory.c_str(), &train_params, &loss), SWF_OK)
      << swf_last_error();
  EXPECT_GE(loss, 0.0);

  std::vector<float> many(law_samples_factor * n * d);
  EXPECT_EQ(swf_model_sample(model.handle, law_samples_factor * n, times.back(), many.data()), SWF_OK)
      << swf_last_error();
  const std::vector<float> samples(many.begin(), many.begin() + std::ptrdiff_t(n * d));
  Outcome outcome;
  outcome.model_sw2 = sw2(many, held_out, d);
  outcome.model_sw2_same_count = sw2(samples, held_out, d);
  outcome.flow_sw2 = sw2(snapshots.back(), held_out, d);
  outcome.memorisation = mean_nearest(samples, train, d) / mean_nearest(held_out, train, d);
  // Intermediate times: the model at the flow's own x0 against each snapshot, relative to how far the flow
  // has moved from x0 by then.
  outcome.tracking_worst = 0;
  for (size_t k = 0; k < snapshots.size(); ++k) {
    std::vector<float> at_k(n * d);
    EXPECT_EQ(swf_model_map(model.handle, x0.data(), n, times[k], at_k.data()), SWF_OK);
    outcome.tracking_worst = std::max(outcome.tracking_worst, sw2(at_k, snapshots[k], d) / sw2(x0, snapshots[k], d));
    // Halfway to the next frame (times the model never saw): no farther from the nearer snapshot.
    if (k + 1 < snapshots.size()) {
      EXPECT_EQ(swf_model_map(model.handle, x0.data(), n, (times[k] + times[k + 1]) / 2, at_k.data()), SWF_OK);
      const double nearer = std::min(sw2(at_k, snapshots[k], d), sw2(at_k, snapshots[k + 1], d));
      outcome.tracking_worst = std::max(outcome.tracking_worst, nearer / sw2(x0, snapshots[k], d));
    }
  }
  std::printf("%s d=%zu: flow SW2 %.4f; model SW2 %.4f (ratio %.3f), %zu samples %.4f (ratio %.3f); memorisation "
              "%.3f, tracking %.3f\n",
              dataset, d, outcome.flow_sw2, outcome.model_sw2, outcome.model_sw2 / outcome.flow_sw2, n,
              outcome.model_sw2_same_count, outcome.model_sw2_same_count / outcome.flow_sw2, outcome.memorisation,
              outcome.tracking_worst);
  return outcome;
}

void expect_learned(const Outcome& o) {
  EXPECT_LE(o.model_sw2, 1.25 * o.flow_sw2) << "the model's law is farther from held-out data than the flow's";
  EXPECT_LE(o.model_sw2_same_count, 1.45 * o.flow_sw2);
  EXPECT_LT(o.tracking_worst, 0.25) << "the model strays from the snapshots at intermediate times";
  EXPECT_GT(o.memorisation, 0.7) << "samples sit closer to the training set than held-out data do";
}

TEST(LearnedFlow, MoonsSamplesMatchTheFlowOnHeldOutData) { expect_learned(learn_and_measure("moons", 2, 1500, 160, 0.5f, 100)); }

TEST(LearnedFlow, EightGaussiansSamplesMatchTheFlowOnHeldOutData) {
  expect_learned(learn_and_measure("8-gaussians", 2, 1500, 160, 0.5f, 100));
}

TEST(LearnedFlow, AnisotropicGaussianIn8dSamplesMatchTheFlowOnHeldOutData) {
  expect_learned(learn_and_measure("gaussian", 8, 1500, 160, 0.5f, 100));
}

TEST(LearnedFlow, IsTheIdentityAtTimeZeroAndSavesAndLoads) {
  ScratchDir dir;
  Context context(3);
  Model model;
  swf_model_params params;
  swf_model_params_init(&params);
  params.width = 16;
  params.depth = 2;
  ASSERT_EQ(swf_model_create(context.handle, 3, &params, &model.handle), SWF_OK) << swf_last_error();
  const std::vector<float> x0 = gaussian_points(50, 3, 1);
  std::vector<float> out(150), again(150);
  ASSERT_EQ(swf_model_map(model.handle, x0.data(), 50, 0.0, out.data()), SWF_OK);
  EXPECT_EQ(out, x0);
  const std::string path = dir.file("model.h5");
  ASSERT_EQ(swf_model_save(model.handle, path.c_str()), SWF_OK) << swf_last_error();
  Model loaded;
  ASSERT_EQ(swf_model_load(context.handle, path.c_str(), &loaded.handle), SWF_OK) << swf_last_error();
  ASSERT_EQ(swf_model_map(model.handle, x0.data(), 50, 0.7, out.data()), SWF_OK);
  ASSERT_EQ(swf_model_map(loaded.handle, x0.data(), 50, 0.7, again.data()), SWF_OK);
  EXPECT_EQ(out, again);
  size_t d = 0;
  double time_scale = 0;
  ASSERT_EQ(swf_model_info(loaded.handle, &d, &time_scale, nullptr), SWF_OK);
  EXPECT_EQ(d, 3u);
  EXPECT_EQ(time_scale, 1.0);
  // Bad input.
  EXPECT_EQ(swf_model_map(model.handle, x0.data(), 50, -1.0, out.data()), SWF_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(swf_model_map(model.handle, nullptr, 50, 0.5, out.data()), SWF_ERR_INVALID_ARGUMENT);
  std::vector<float> bad = x0;
  bad[4] = NAN;
  EXPECT_EQ(swf_model_map(model.handle, bad.data(), 50, 0.5, out.data()), SWF_ERR_INVALID_ARGUMENT);
  params.depth = 0;
  swf_model other = nullptr;
  EXPECT_EQ(swf_model_create(context.handle, 3, &params, &other), SWF_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(other, nullptr);
  EXPECT_EQ(swf_model_load(context.handle, dir.file("missing.h5").c_str(), &other), SWF_ERR_IO);
  const std::vector<float> points = gaussian_points(10, 3, 2);
  ASSERT_EQ(swf_points_write(dir.file("points.h5").c_str(), "p", points.data(), 10, 3, nullptr), SWF_OK);
  EXPECT_EQ(swf_model_load(context.handle, dir.file("points.h5").c_str(), &other), SWF_ERR_FORMAT);
  EXPECT_NE(std::string(swf_last_error()).find("no /model group"), std::string::npos) << swf_last_error();
  swf_train_params train;
  swf_train_params_init(&train);
  EXPECT_EQ(swf_model_train_trajectory(model.handle, dir.file("points.h5").c_str(), &train, nullptr), SWF_ERR_FORMAT);
  train.sliced_fraction = 1.0f;  // every row sliced: nothing would tie the model to the particles' paths
  EXPECT_EQ(swf_model_train_trajectory(model.handle, dir.file("points.h5").c_str(), &train, nullptr),
            SWF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(swf_last_error()).find("sliced_fraction"), std::string::npos) << swf_last_error();
  train.sliced_fraction = NAN;
  EXPECT_EQ(swf_model_train_trajectory(model.handle, dir.file("points.h5").c_str(), &train, nullptr),
            SWF_ERR_INVALID_ARGUMENT);
}

TEST(LearnedFlow, LearnsOnlineFromARunningFlow) {
  const size_t d = 2, n = 1500;
  const float h = 0.5f;
  const uint32_t steps = 160, every = 10;
  const std::vector<float> train = builtin("moons", n, d, 1), held_out = builtin("moons", n, d, 2);
  Context context(7);
  Flow flow(context, flow_params(64, h, 1e-4f), train, d);
  ASSERT_EQ(swf_flow_init_particles(flow.handle, n, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
  Model model;
  swf_model_params params;
  swf_model_params_init(&params);
  params.time_scale = steps * h;
  ASSERT_EQ(swf_model_create(context.handle, d, &params, &model.handle), SWF_OK);
  swf_train_params train_params;
  swf_train_params_init(&train_params);
  train_params.steps_per_snapshot = 150;
  train_params.learning_rate = 1e-3f;  // kept constant online
  ASSERT_EQ(swf_model_train_snapshot(model.handle, flow.handle, &train_params, nullptr), SWF_OK) << swf_last_error();
  for (uint32_t s = 0; s < steps; s += every) {
    flow.step(every);
    ASSERT_EQ(swf_model_train_snapshot(model.handle, flow.handle, &train_params, nullptr), SWF_OK);
  }
  std::vector<float> samples(law_samples_factor * n * d);
  ASSERT_EQ(swf_model_sample(model.handle, law_samples_factor * n, steps * h, samples.data()), SWF_OK);
  const double model_sw2 = sw2(samples, held_out, d), flow_sw2 = sw2(flow.particles(), held_out, d);
  std::printf("online moons: model SW2 %.4f, flow SW2 %.4f, ratio %.3f\n", model_sw2, flow_sw2, model_sw2 / flow_sw2);
  EXPECT_LE(model_sw2, 1.5 * flow_sw2);
}

}  // namespace
}  // namespace swf::test
