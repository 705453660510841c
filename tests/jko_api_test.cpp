// SW-JKO through the C ABI: every call's argument checks, a run recorded to H5MD and read back, and the same
// bits whatever the thread count.
#include <cblas.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "reference.hpp"
#include "scratch_dir.hpp"
#include "swflow.h"

namespace swf::test {
namespace {

struct JkoHandles {
  swf_context context = nullptr;
  swf_jko jko = nullptr;
  explicit JkoHandles(uint64_t seed) { EXPECT_EQ(swf_context_create(SWF_BACKEND_CPU, seed, &context), SWF_OK); }
  ~JkoHandles() {
    swf_jko_destroy(jko);
    swf_context_destroy(context);
  }
};

swf_jko_params interaction_params() {
  swf_jko_params p;
  swf_jko_params_init(&p);
  p.interaction_weight = 1.0f;
  p.inner_steps = 10;
  p.learning_rate = 5e-3f;
  return p;
}

void expect_invalid(swf_status status, const std::string& words) {
  EXPECT_EQ(status, SWF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(swf_last_error()).find(words), std::string::npos) << swf_last_error();
}

TEST(JkoApi, CreateChecksEveryParameter) {
  JkoHandles h(1);
  swf_jko out = reinterpret_cast<swf_jko>(&h);  // must be reset to NULL on failure
  swf_jko_params p = interaction_params();
  expect_invalid(swf_jko_create(nullptr, &p, 2, &out), "ctx is NULL");
  EXPECT_EQ(out, nullptr);
  expect_invalid(swf_jko_create(h.context, nullptr, 2, &out), "params is NULL");
  expect_invalid(swf_jko_create(h.context, &p, 2, nullptr), "out is NULL");
  expect_invalid(swf_jko_create(h.context, &p, 0, &out), "dimension d is 0");
  const auto with = [&](auto change, const char* words) {
    swf_jko_params q = interaction_params();
    change(q);
    expect_invalid(swf_jko_create(h.context, &q, 2, &out), words);
    EXPECT_EQ(out, nullptr);
  };
  with([](swf_jko_params& q) { q.struct_size = 8; }, "struct_size");
  with([](swf_jko_params& q) { q.tau = 0.0f; }, "tau");
  with([](swf_jko_params& q) { q.tau = NAN; }, "tau");
  with([](swf_jko_params& q) { q.learning_rate = -1.0f; }, "learning_rate");
  with([](swf_jko_params& q) { q.bandwidth = INFINITY; }, "bandwidth");
  with([](swf_jko_params& q) { q.inner_steps = 0; }, "inner_steps");
  with([](swf_jko_params& q) { q.num_directions = 0; }, "num_directions");
  with([](swf_jko_params& q) { q.objective_directions = 0; }, "objective_directions");
  with([](swf_jko_params& q) { q.entropy_weight = -0.5f; }, "entropy_weight");
  with([](swf_jko_params& q) { q.entropy_estimator = static_cast<swf_entropy_estimator>(2); }, "entropy_estimator");
  with([](swf_jko_params& q) { q.entropy_neighbours = 0; }, "entropy_neighbours is 0: 1 to 64");
  with([](swf_jko_params& q) { q.entropy_neighbours = 65; }, "entropy_neighbours is 65: 1 to 64");
  with([](swf_jko_params& q) { q.interaction_weight = 0.0f; }, "every weight");
  with([](swf_jko_params& q) { q.interaction_a = 2.0f, q.interaction_b = 4.0f; }, "a > b >= 0");
  with([](swf_jko_params& q) { q.interaction_b = -1.0f; }, "a > b >= 0");
  with([](swf_jko_params& q) { q.target_weight = 1.0f; }, "params->target is NULL");
  static const float nan_target[4] = {0.0f, 1.0f, NAN, 2.0f};
  with(
      [](swf_jko_params& q) {
        q.target_weight = 1.0f;
        q.target = nan_target;
        q.target_count = 2;
      },
      "non-finite");
  static const float target[4] = {0.0f, 1.0f, 1.0f, 2.0f};
  with(
      [](swf_jko_params& q) {
        q.target_weight = 1.0f;
        q.target = target;
        q.target_count = 0;
      },
      "target_count is 0");
  static const float asymmetric[4] = {1.0f, 0.5f, 0.0f, 1.0f}, indefinite[4] = {1.0f, 2.0f, 2.0f, 1.0f},
                     bad_center[2] = {0.0f, NAN};
  with(
      [](swf_jko_params& q) {
        q.potential_weight = 1.0f;
        q.potential_matrix = asymmetric;
      },
      "not symmetric");
  with(
      [](swf_jko_params& q) {
        q.potential_weight = 1.0f;
        q.potential_matrix = indefinite;
      },
      "not positive definite");
  with(
      [](swf_jko_params& q) {
        q.potential_weight = 1.0f;
        q.potential_center = bad_center;
      },
      "potential_center");
  // A valid one; the matrix and center default to I and 0.
  p.potential_weight = 1.0f;
  EXPECT_EQ(swf_jko_create(h.context, &p, 2, &h.jko), SWF_OK) << swf_last_error();
}

TEST(JkoApi, CallsCheckHandlesParticlesAndSizes) {
  JkoHandles h(2);
  swf_jko_params p = interaction_params();
  ASSERT_EQ(swf_jko_create(h.context, &p, 2, &h.jko), SWF_OK);
  double total = 0.0;
  std::vector<float> x(20);
  expect_invalid(swf_jko_step(h.jko, 1), "no particles yet");
  expect_invalid(swf_jko_objective(h.jko, &total, nullptr), "no particles yet");
  expect_invalid(swf_jko_get_particles(h.jko, x.data(), 10), "no particles yet");
  expect_invalid(swf_jko_step(nullptr, 1), "jko is NULL");
  expect_invalid(swf_jko_init_particles(h.jko, 0, SWF_INIT_GAUSSIAN, 1.0f), "particle count n is 0");
  expect_invalid(swf_jko_init_particles(h.jko, 10, SWF_INIT_GAUSSIAN, 0.0f), "scale");
  expect_invalid(swf_jko_init_particles(h.jko, 10, static_cast<swf_init>(7), 1.0f), "swf_init");
  x[3] = NAN;
  expect_invalid(swf_jko_set_particles(h.jko, x.data(), 10), "non-finite");
  expect_invalid(swf_jko_set_particles(h.jko, nullptr, 10), "x is NULL");
  ASSERT_EQ(swf_jko_init_particles(h.jko, 10, SWF_INIT_GAUSSIAN, 0.3f), SWF_OK);
  expect_invalid(swf_jko_get_particles(h.jko, x.data(), 9), "n is 9");
  expect_invalid(swf_jko_objective(h.jko, nullptr, nullptr), "total is NULL");
  EXPECT_EQ(swf_jko_step(h.jko, 0), SWF_OK);
  EXPECT_EQ(swf_jko_step(h.jko, 2), SWF_OK);
  size_t n = 0, d = 0;
  uint64_t step = 0;
  double time = 0.0;
  EXPECT_EQ(swf_jko_info(h.jko, &n, &d, &step, &time), SWF_OK);
  EXPECT_EQ(n, 10u);
  EXPECT_EQ(d, 2u);
  EXPECT_EQ(step, 2u);
  EXPECT_DOUBLE_EQ(time, 2.0 * double(p.tau));
  expect_invalid(swf_jko_info(nullptr, &n, &d, &step, &time), "jko is NULL");
  swf_jko_destroy(nullptr);
}

TEST(JkoApi, ObjectiveTermsAddUpWithTheirWeights) {
  JkoHandles h(3);
  const std::vector<float> target = gaussian_points(200, 2, 4, 0.5f, 1.0f);
  swf_jko_params p;
  swf_jko_params_init(&p);
  p.target_weight = 0.5f;
  p.target = target.data();
  p.target_count = 200;
  p.potential_weight = 2.0f;
  p.interaction_weight = 0.25f;
  p.entropy_weight = 0.1f;
  ASSERT_EQ(swf_jko_create(h.context, &p, 2, &h.jko), SWF_OK) << swf_last_error();
  ASSERT_EQ(swf_jko_init_particles(h.jko, 150, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
  double total = 0.0, terms[4] = {0, 0, 0, 0}, again = 0.0;
  ASSERT_EQ(swf_jko_objective(h.jko, &total, terms), SWF_OK);
  ASSERT_EQ(swf_jko_objective(h.jko, &again, nullptr), SWF_OK);
  EXPECT_EQ(total, again);  // fixed directions: the same particles, the same value
  EXPECT_NEAR(total, 0.5 * terms[0] + 2.0 * terms[1] + 0.25 * terms[2] + double(0.1f) * terms[3],
              1e-12 * std::fabs(total));
  for (double term : terms) EXPECT_NE(term, 0.0);
  // All four terms at once still decrease F.
  ASSERT_EQ(swf_jko_step(h.jko, 5), SWF_OK);
  ASSERT_EQ(swf_jko_objective(h.jko, &again, nullptr), SWF_OK);
  EXPECT_LT(again, total);
}

TEST(JkoApi, TheEntropyEstimateIsChosenAndTheNeighbourOneNeedsMoreThanKParticles) {
  JkoHandles h(4);
  const std::vector<float> x = gaussian_points(40, 2, 9, 0.5f);
  const auto entropy_term = [&](swf_jko_params p) {
    swf_jko j = nullptr;
    EXPECT_EQ(swf_jko_create(h.context, &p, 2, &j), SWF_OK) << swf_last_error();
    EXPECT_EQ(swf_jko_set_particles(j, x.data(), 40), SWF_OK) << swf_last_error();
    double total = 0.0, terms[4] = {0, 0, 0, 0};
    EXPECT_EQ(swf_jko_objective(j, &total, terms), SWF_OK);
    swf_jko_destroy(j);
    return terms[3];
  };
  swf_jko_params p;
  swf_jko_params_init(&p);
  EXPECT_EQ(p.entropy_estimator, SWF_ENTROPY_NEIGHBOURS);
  EXPECT_EQ(p.entropy_neighbours, 8u);
  p.entropy_weight = 1.0f;
  p.bandwidth = 0.2f;
  const double neighbours = entropy_term(p);
  p.entropy_estimator = SWF_ENTROPY_KERNEL;
  const double kernel = entropy_term(p);
  EXPECT_NE(neighbours, kernel);
  // A struct written before the estimator existed keeps the kernel estimate it was written for.
  p.entropy_estimator = SWF_ENTROPY_NEIGHBOURS;
  p.struct_size = offsetof(swf_jko_params, entropy_estimator);
  EXPECT_EQ(entropy_term(p), kernel);
  // K = 8 neighbours need at least 9 particles; nothing is replaced on failure.
  p.struct_size = sizeof(swf_jko_params);
  ASSERT_EQ(swf_jko_create(h.context, &p, 2, &h.jko), SWF_OK);
  ASSERT_EQ(swf_jko_set_particles(h.jko, x.data(), 40), SWF_OK);
  expect_invalid(swf_jko_init_particles(h.jko, 8, SWF_INIT_GAUSSIAN, 1.0f), "8 particles for the nearest-neighbour");
  expect_invalid(swf_jko_set_particles(h.jko, x.data(), 5), "need more than K");
  size_t n = 0;
  ASSERT_EQ(swf_jko_info(h.jko, &n, nullptr, nullptr, nullptr), SWF_OK);
  EXPECT_EQ(n, 40u);
  EXPECT_EQ(swf_jko_init_particles(h.jko, 9, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
  EXPECT_EQ(swf_jko_step(h.jko, 1), SWF_OK);
}

TEST(JkoApi, RecordsAnH5mdTrajectoryWithTheObjective) {
  ScratchDir scratch;
  const std::string path = scratch.file("jko.h5");
  JkoHandles h(5);
  swf_jko_params p = interaction_params();
  ASSERT_EQ(swf_jko_create(h.context, &p, 2, &h.jko), SWF_OK);
  ASSERT_EQ(swf_jko_init_particles(h.jko, 50, SWF_INIT_GAUSSIAN, 0.25f), SWF_OK);
  swf_record_params record;
  swf_record_params_init(&record);
  swf_recorder recorder = nullptr;
  expect_invalid(swf_jko_recorder_create(nullptr, path.c_str(), &record, &recorder), "jko is NULL");
  ASSERT_EQ(swf_jko_recorder_create(h.jko, path.c_str(), &record, &recorder), SWF_OK) << swf_last_error();
  std::vector<double> objective;
  for (int k = 0; k <= 3; ++k) {
    if (k > 0) {
      ASSERT_EQ(swf_jko_step(h.jko, 1), SWF_OK);
      ASSERT_EQ(swf_recorder_append(recorder), SWF_OK);
    }
    double total = 0.0;
    swf_jko_objective(h.jko, &total, nullptr);
    objective.push_back(total);
  }
  ASSERT_EQ(swf_recorder_close(recorder), SWF_OK) << swf_last_error();
  size_t frames = 0, n = 0, d = 0;
  ASSERT_EQ(swf_trajectory_shape(path.c_str(), &frames, &n, &d), SWF_OK);
  EXPECT_EQ(frames, 4u);
  EXPECT_EQ(n, 50u);
  EXPECT_EQ(d, 2u);
  std::vector<float> frame(100), now(100);
  uint64_t step = 0;
  double time = 0.0;
  ASSERT_EQ(swf_trajectory_frame(path.c_str(), 3, frame.data(), 50, 2, &step, &time), SWF_OK);
  ASSERT_EQ(swf_jko_get_particles(h.jko, now.data(), 50), SWF_OK);
  EXPECT_EQ(frame, now);
  EXPECT_EQ(step, 3u);
  EXPECT_DOUBLE_EQ(time, 3.0 * double(float(p.tau)));
  char text[32] = "";
  size_t length = 0;
  ASSERT_EQ(swf_file_parameter(path.c_str(), "scheme", text, sizeof text, &length), SWF_OK);
  EXPECT_STREQ(text, "jko");
  ASSERT_EQ(swf_file_parameter(path.c_str(), "jko_inner_steps", text, sizeof text, &length), SWF_OK);
  EXPECT_STREQ(text, "10");
  ASSERT_EQ(swf_file_parameter(path.c_str(), "jko_entropy_estimator", text, sizeof text, &length), SWF_OK);
  EXPECT_STREQ(text, "1");  // SWF_ENTROPY_NEIGHBOURS
  ASSERT_EQ(swf_file_parameter(path.c_str(), "jko_entropy_neighbours", text, sizeof text, &length), SWF_OK);
  EXPECT_STREQ(text, "8");
  // /observables/energy holds F of every frame.
  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  hid_t dataset = H5Dopen2(file, "/observables/energy/value", H5P_DEFAULT);
  ASSERT_GE(dataset, 0);
  std::vector<double> energy(4);
  EXPECT_GE(H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, energy.data()), 0);
  H5Dclose(dataset);
  H5Fclose(file);
  EXPECT_EQ(energy, objective);
  size_t count = 0;
  std::vector<double> values(4), times(4);
  std::vector<uint64_t> steps(4);
  ASSERT_EQ(swf_trajectory_energy(path.c_str(), 4, steps.data(), times.data(), values.data(), &count), SWF_OK);
  EXPECT_EQ(count, 4u);
  EXPECT_EQ(values, objective);
  EXPECT_EQ(steps, (std::vector<uint64_t>{0, 1, 2, 3}));
  ASSERT_EQ(swf_trajectory_sw2(path.c_str(), 0, nullptr, nullptr, nullptr, &count), SWF_OK);
  EXPECT_EQ(count, 0u);  // no target, no SW2
  // Not a flow: loading or resuming it says so.
  swf_flow flow = nullptr;
  EXPECT_EQ(swf_flow_load(h.context, path.c_str(), &flow), SWF_ERR_FORMAT);
  EXPECT_NE(std::string(swf_last_error()).find("written by jko"), std::string::npos) << swf_last_error();
}

// Runs 2 steps, checkpoints, copies the published file, runs 3 more; then resumes the copy in a context of
// another seed (the file's seed counts) and runs the same 3: the two must end on the same bits.
void expect_resumed_run_equals_the_uninterrupted_one(const swf_jko_params& p, size_t d, const char* label) {
  ScratchDir scratch;
  const std::string path = scratch.file("run.h5"), copy = scratch.file("copy.h5");
  const size_t n = 60;
  std::vector<float> uninterrupted(n * d), resumed(n * d);
  {
    JkoHandles h(21);
    ASSERT_EQ(swf_jko_create(h.context, &p, d, &h.jko), SWF_OK) << swf_last_error();
    ASSERT_EQ(swf_jko_init_particles(h.jko, n, SWF_INIT_GAUSSIAN, 0.5f), SWF_OK);
    swf_record_params record;
    swf_record_params_init(&record);
    swf_recorder recorder = nullptr;
    ASSERT_EQ(swf_jko_recorder_create(h.jko, path.c_str(), &record, &recorder), SWF_OK) << swf_last_error();
    ASSERT_EQ(swf_jko_step(h.jko, 2), SWF_OK);
    ASSERT_EQ(swf_recorder_append(recorder), SWF_OK);
    ASSERT_EQ(swf_recorder_checkpoint(recorder), SWF_OK) << swf_last_error();
    std::filesystem::copy_file(path, copy);
    ASSERT_EQ(swf_jko_step(h.jko, 3), SWF_OK);
    ASSERT_EQ(swf_recorder_append(recorder), SWF_OK);
    ASSERT_EQ(swf_recorder_close(recorder), SWF_OK) << swf_last_error();
    ASSERT_EQ(swf_jko_get_particles(h.jko, uninterrupted.data(), n), SWF_OK);
  }
  JkoHandles h(99);
  swf_record_params record;
  swf_record_params_init(&record);
  swf_recorder recorder = nullptr;
  ASSERT_EQ(swf_jko_recorder_resume(h.context, copy.c_str(), &record, &h.jko, &recorder), SWF_OK) << swf_last_error();
  uint64_t step = 0;
  ASSERT_EQ(swf_jko_info(h.jko, nullptr, nullptr, &step, nullptr), SWF_OK);
  EXPECT_EQ(step, 2u) << label;
  ASSERT_EQ(swf_jko_step(h.jko, 3), SWF_OK);
  ASSERT_EQ(swf_recorder_append(recorder), SWF_OK);
  ASSERT_EQ(swf_recorder_close(recorder), SWF_OK) << swf_last_error();
  ASSERT_EQ(swf_jko_get_particles(h.jko, resumed.data(), n), SWF_OK);
  EXPECT_EQ(resumed, uninterrupted) << label;
  // Both files hold the frames of steps 0, 2, 5 and the same energies.
  size_t frames = 0;
  ASSERT_EQ(swf_trajectory_shape(copy.c_str(), &frames, nullptr, nullptr), SWF_OK);
  EXPECT_EQ(frames, 3u) << label;
  std::vector<float> last(n * d);
  ASSERT_EQ(swf_trajectory_frame(copy.c_str(), 2, last.data(), n, d, &step, nullptr), SWF_OK);
  EXPECT_EQ(step, 5u);
  EXPECT_EQ(last, uninterrupted) << label;
}

TEST(JkoApi, ResumesFromACheckpointBitForBit) {
  const std::vector<float> target = gaussian_points(80, 3, 31, 0.5f, 1.0f);
  const std::vector<float> A = {1.5f, 0.2f, 0.0f, 0.2f, 1.0f, 0.1f, 0.0f, 0.1f, 2.0f}, b = {0.3f, -0.2f, 0.1f};
  swf_jko_params p;
  swf_jko_params_init(&p);
  p.inner_steps = 5;
  p.target_weight = 0.5f;
  p.target = target.data();
  p.target_count = 80;
  p.potential_weight = 1.0f;
  p.potential_matrix = A.data();
  p.potential_center = b.data();
  p.interaction_weight = 0.2f;
  p.entropy_weight = 0.1f;
  expect_resumed_run_equals_the_uninterrupted_one(p, 3, "particles, every term");
  swf_jko_params_init(&p);
  p.inner_steps = 5;
  p.interaction_weight = 1.0f;
  p.variant = SWF_JKO_GENERATOR;
  p.generator_width = 16;
  p.generator_activation = SWF_ACTIVATION_TANH;
  p.generator_time_conditioned = 1;
  p.generator_time_scale = 0.5f;
  expect_resumed_run_equals_the_uninterrupted_one(p, 2, "time-conditioned generator");
  p.generator_time_conditioned = 0;
  expect_resumed_run_equals_the_uninterrupted_one(p, 2, "generator");
}

TEST(JkoApi, ResumeRefusesWhatIsNotAJkoTrajectory) {
  ScratchDir scratch;
  JkoHandles h(1);
  swf_record_params record;
  swf_record_params_init(&record);
  swf_jko jko = reinterpret_cast<swf_jko>(&h);
  swf_recorder recorder = reinterpret_cast<swf_recorder>(&h);
  EXPECT_EQ(swf_jko_recorder_resume(h.context, scratch.file("missing.h5").c_str(), &record, &jko, &recorder),
            SWF_ERR_IO);
  EXPECT_EQ(jko, nullptr);
  EXPECT_EQ(recorder, nullptr);
  expect_invalid(swf_jko_recorder_resume(nullptr, "x.h5", &record, &jko, &recorder), "ctx is NULL");
  expect_invalid(swf_jko_recorder_resume(h.context, "x.h5", &record, nullptr, &recorder), "jko_out is NULL");
  // A flow's trajectory.
  const std::string flow_path = scratch.file("flow.h5");
  const std::vector<float> target = gaussian_points(50, 2, 3);
  swf_flow_params fp;
  swf_flow_params_init(&fp);
  swf_flow flow = nullptr;
  ASSERT_EQ(swf_flow_create(h.context, &fp, target.data(), 50, 2, &flow), SWF_OK) << swf_last_error();
  ASSERT_EQ(swf_flow_init_particles(flow, 40, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
  ASSERT_EQ(swf_recorder_create(flow, flow_path.c_str(), &record, &recorder), SWF_OK) << swf_last_error();
  ASSERT_EQ(swf_recorder_close(recorder), SWF_OK);
  swf_flow_destroy(flow);
  EXPECT_EQ(swf_jko_recorder_resume(h.context, flow_path.c_str(), &record, &jko, &recorder), SWF_ERR_FORMAT);
  EXPECT_NE(std::string(swf_last_error()).find("written by flow, not by jko"), std::string::npos) << swf_last_error();
}

std::vector<float> run_everything(uint64_t seed, swf_entropy_estimator estimator) {
  const std::vector<float> target = gaussian_points(300, 3, 6, 0.5f, 1.0f);
  JkoHandles h(seed);
  swf_jko_params p;
  swf_jko_params_init(&p);
  p.target_weight = 1.0f;
  p.target = target.data();
  p.target_count = 300;
  p.potential_weight = 1.0f;
  p.interaction_weight = 0.5f;
  p.entropy_weight = 0.1f;
  p.bandwidth = 0.3f;
  p.entropy_estimator = estimator;
  p.inner_steps = 5;
  EXPECT_EQ(swf_jko_create(h.context, &p, 3, &h.jko), SWF_OK);
  EXPECT_EQ(swf_jko_init_particles(h.jko, 257, SWF_INIT_UNIFORM, 1.0f), SWF_OK);
  EXPECT_EQ(swf_jko_step(h.jko, 3), SWF_OK);
  std::vector<float> x(257 * 3);
  EXPECT_EQ(swf_jko_get_particles(h.jko, x.data(), 257), SWF_OK);
  return x;
}

TEST(JkoApi, SameSeedSameBitsWhateverTheThreadCount) {
  const int threads = omp_get_max_threads();
  for (swf_entropy_estimator estimator : {SWF_ENTROPY_KERNEL, SWF_ENTROPY_NEIGHBOURS}) {
    omp_set_num_threads(1);
    openblas_set_num_threads(1);
    const std::vector<float> one = run_everything(7, estimator);
    omp_set_num_threads(std::max(threads, 4));
    openblas_set_num_threads(std::max(threads, 4));
    const std::vector<float> many = run_everything(7, estimator);
    omp_set_num_threads(threads);
    openblas_set_num_threads(threads);
    EXPECT_EQ(one, many) << "estimator " << estimator;
    EXPECT_NE(one, run_everything(8, estimator)) << "estimator " << estimator;
  }
}

}  // namespace
}  // namespace swf::test
