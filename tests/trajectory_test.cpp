// Trajectories and checkpoints: round trips, bit-for-bit resume, atomic publication.
#include "trajectory.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "api_handles.hpp"
#include "reference.hpp"
#include "scratch_dir.hpp"

namespace swf::test {
namespace {

namespace fs = std::filesystem;


swf_record_params record_params(uint32_t sw2_directions = 32) {
  swf_record_params params;
  swf_record_params_init(&params);
  params.sw2_directions = sw2_directions;
  params.config = "--steps 12";
  params.author = "trajectory_test";
  return params;
}

std::vector<float> frame(const std::string& path, size_t index, size_t n, size_t d, uint64_t* step = nullptr) {
  std::vector<float> x(n * d);
  EXPECT_EQ(swf_trajectory_frame(path.c_str(), index, x.data(), n, d, step, nullptr), SWF_OK) << swf_last_error();
  return x;
}

TEST(Trajectory, RecordsFramesThatReadBackIdentically) {
  ScratchDir dir;
  const std::string path = dir.file("run.h5");
  Context context(3);
  const std::vector<float> target = gaussian_points(300, 3, 1, 1.0f, 2.0f);
  Flow flow(context, flow_params(16, 0.5f, 0.01f), target, 3);
  ASSERT_EQ(swf_flow_init_particles(flow.handle, 200, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
  swf_record_params params = record_params();
  swf_recorder recorder = nullptr;
  ASSERT_EQ(swf_recorder_create(flow.handle, path.c_str(), &params, &recorder), SWF_OK) << swf_last_error();
  EXPECT_FALSE(fs::exists(path)) << "nothing is published before a checkpoint";
  std::vector<std::vector<float>> expected{flow.particles()};
  for (int k = 0; k < 4; ++k) {
    flow.step(3);
    ASSERT_EQ(swf_recorder_append(recorder), SWF_OK) << swf_last_error();
    expected.push_back(flow.particles());
  }
  ASSERT_EQ(swf_recorder_close(recorder), SWF_OK) << swf_last_error();
  EXPECT_FALSE(fs::exists(path + ".part"));
  size_t frames = 0, n = 0, d = 0;
  ASSERT_EQ(swf_trajectory_shape(path.c_str(), &frames, &n, &d), SWF_OK) << swf_last_error();
  ASSERT_EQ(frames, 5u);
  EXPECT_EQ(n, 200u);
  EXPECT_EQ(d, 3u);
  for (size_t k = 0; k < frames; ++k) {
    uint64_t step = 99;
    EXPECT_EQ(frame(path, k, n, d, &step), expected[k]);
    EXPECT_EQ(step, 3 * k);
  }
  size_t count = 0;
  std::vector<double> sw2(5), times(5);
  ASSERT_EQ(swf_trajectory_sw2(path.c_str(), 5, nullptr, times.data(), sw2.data(), &count), SWF_OK);
  EXPECT_EQ(count, 5u);
  EXPECT_DOUBLE_EQ(times[4], 6.0);
  EXPECT_LT(sw2[4], sw2[0]);
  // The target and the last frame are readable as point sets.
  std::vector<float> back(300 * 3);
  ASSERT_EQ(swf_points_read((path + ":/particles/target").c_str(), back.data(), 300, 3), SWF_OK) << swf_last_error();
  EXPECT_EQ(back, target);
  std::vector<float> last(200 * 3);
  ASSERT_EQ(swf_points_read(path.c_str(), last.data(), 200, 3), SWF_OK) << swf_last_error();
  EXPECT_EQ(last, expected.back());
}

TEST(Trajectory, SaveLoadContinuesBitForBit) {
  ScratchDir dir;
  for (swf_directions mode : {SWF_DIRECTIONS_GAUSSIAN, SWF_DIRECTIONS_ORTHOGONAL, SWF_DIRECTIONS_FIXED}) {
    const std::vector<float> target = gaussian_points(250, 4, 5, 0.5f, 1.0f);
    Context context(9);
    Flow straight(context, flow_params(12, 0.5f, 0.05f, mode), target, 4);
    ASSERT_EQ(swf_flow_init_particles(straight.handle, 150, SWF_INIT_UNIFORM, 1.0f), SWF_OK);
    double distance_straight = 0;
    straight.step(4);
    ASSERT_EQ(swf_flow_distance(straight.handle, 16, &distance_straight), SWF_OK);
    const std::string path = dir.file("checkpoint.h5");
    ASSERT_EQ(swf_flow_save(straight.handle, path.c_str()), SWF_OK) << swf_last_error();
    straight.step(5);
    ASSERT_EQ(swf_flow_distance(straight.handle, 16, &distance_straight), SWF_OK);

    Context other(12345);  // the file's seed wins over the context's
    swf_flow loaded_handle = nullptr;
    ASSERT_EQ(swf_flow_load(other.handle, path.c_str(), &loaded_handle), SWF_OK) << swf_last_error();
    swf_flow_step(loaded_handle, 5);
    double distance_loaded = 0;
    ASSERT_EQ(swf_flow_distance(loaded_handle, 16, &distance_loaded), SWF_OK);
    std::vector<float> loaded(150 * 4);
    ASSERT_EQ(swf_flow_get_particles(loaded_handle, loaded.data(), 150), SWF_OK);
    uint64_t step = 0;
    double time = 0;
    swf_flow_info(loaded_handle, nullptr, nullptr, &step, &time);
    swf_flow_params params;
    swf_flow_params_init(&params);
    ASSERT_EQ(swf_flow_get_params(loaded_handle, &params), SWF_OK);
    EXPECT_EQ(params.num_directions, 12u);
    EXPECT_EQ(params.step_size, 0.5f);
    EXPECT_EQ(params.regularization, 0.05f);
    EXPECT_EQ(params.directions, mode);
    swf_flow_destroy(loaded_handle);
    EXPECT_EQ(loaded, straight.particles()) << "mode " << mode;
    EXPECT_EQ(distance_loaded, distance_straight);
    EXPECT_EQ(step, 9u);
    EXPECT_DOUBLE_EQ(time, 4.5);

  }
}

TEST(Trajectory, ResumeEqualsAnUninterruptedRun) {
  ScratchDir dir;
  const std::vector<float> target = gaussian_points(400, 2, 7, 0.5f, -1.0f);
  swf_record_params params = record_params();
  // K = 12 steps, recorded every 2, in one go.
  const std::string whole = dir.file("whole.h5");
  {
    Context context(21);
    Flow flow(context, flow_params(8, 0.5f, 0.02f), target, 2);
    ASSERT_EQ(swf_flow_init_particles(flow.handle, 300, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
    swf_recorder recorder = nullptr;
    ASSERT_EQ(swf_recorder_create(flow.handle, whole.c_str(), &params, &recorder), SWF_OK) << swf_last_error();
    for (int k = 0; k < 6; ++k) {
      flow.step(2);
      ASSERT_EQ(swf_recorder_append(recorder), SWF_OK);
    }
    ASSERT_EQ(swf_recorder_close(recorder), SWF_OK);
  }
  // K1 = 7 steps (frames up to step 6, then a checkpoint at 7 after one more step and a frame that
  // the interruption would lose), then resume to K.
  const std::string split = dir.file("split.h5");
  {
    Context context(21);
    Flow flow(context, flow_params(8, 0.5f, 0.02f), target, 2);
    ASSERT_EQ(swf_flow_init_particles(flow.handle, 300, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
    swf_recorder recorder = nullptr;
    ASSERT_EQ(swf_recorder_create(flow.handle, split.c_str(), &params, &recorder), SWF_OK);
    for (int k = 0; k < 3; ++k) {
      flow.step(2);
      ASSERT_EQ(swf_recorder_append(recorder), SWF_OK);
    }
    flow.step(1);
    ASSERT_EQ(swf_recorder_checkpoint(recorder), SWF_OK) << swf_last_error();
    flow.step(1);
    ASSERT_EQ(swf_recorder_append(recorder), SWF_OK);  // step 8: after the checkpoint
    swf_recorder_discard(recorder);                    // as if killed: only the checkpoint survives
  }
  EXPECT_TRUE(fs::exists(split));
  EXPECT_FALSE(fs::exists(split + ".part"));
  {
    Context context(0);
    swf_flow flow = nullptr;
    swf_recorder recorder = nullptr;
    ASSERT_EQ(swf_recorder_resume(context.handle, split.c_str(), &params, &flow, &recorder), SWF_OK) << swf_last_error();
    uint64_t step = 0;
    swf_flow_info(flow, nullptr, nullptr, &step, nullptr);
    EXPECT_EQ(step, 7u);
    ASSERT_EQ(swf_flow_step(flow, 1), SWF_OK);
    for (int k = 0; k < 2; ++k) {
      ASSERT_EQ(swf_recorder_append(recorder), SWF_OK);
      ASSERT_EQ(swf_flow_step(flow, 2), SWF_OK);
    }
    ASSERT_EQ(swf_recorder_append(recorder), SWF_OK);
    ASSERT_EQ(swf_recorder_close(recorder), SWF_OK) << swf_last_error();
    swf_flow_destroy(flow);
  }
  size_t frames_whole = 0, frames_split = 0;
  ASSERT_EQ(swf_trajectory_shape(whole.c_str(), &frames_whole, nullptr, nullptr), SWF_OK);
  ASSERT_EQ(swf_trajectory_shape(split.c_str(), &frames_split, nullptr, nullptr), SWF_OK);
  ASSERT_EQ(frames_split, frames_whole);
  for (size_t k = 0; k < frames_whole; ++k) {
    uint64_t step_whole = 0, step_split = 0;
    EXPECT_EQ(frame(whole, k, 300, 2, &step_whole), frame(split, k, 300, 2, &step_split)) << "frame " << k;
    EXPECT_EQ(step_whole, step_split);
  }
  std::vector<double> sw_whole(7), sw_split(7);
  size_t count_whole = 0, count_split = 0;
  swf_trajectory_sw2(whole.c_str(), 7, nullptr, nullptr, sw_whole.data(), &count_whole);
  swf_trajectory_sw2(split.c_str(), 7, nullptr, nullptr, sw_split.data(), &count_split);
  EXPECT_EQ(count_whole, count_split);
  EXPECT_EQ(sw_whole, sw_split);
}

TEST(Trajectory, DescribeAndErrors) {
  ScratchDir dir;
  const std::string path = dir.file("described.h5");
  Context context(4);
  const std::vector<float> target = gaussian_points(50, 2, 1);
  Flow flow(context, flow_params(4, 0.25f), target, 2);
  ASSERT_EQ(swf_flow_init_particles(flow.handle, 40, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
  ASSERT_EQ(swf_flow_save(flow.handle, path.c_str()), SWF_OK);
  size_t length = 0;
  ASSERT_EQ(swf_file_describe(path.c_str(), nullptr, 0, &length), SWF_OK) << swf_last_error();
  std::string text(length + 1, '\0');
  ASSERT_EQ(swf_file_describe(path.c_str(), text.data(), text.size(), &length), SWF_OK);
  for (const char* fragment : {"trajectory (H5MD 1.1, resumable)", "frames: 1 of 40 particles in dimension 2",
                               "step_size = 0.25", "directions = \"gaussian\"", "/particles/target/position  [50, 2]"})
    EXPECT_NE(text.find(fragment), std::string::npos) << fragment << "\n" << text;
  // Small buffers are cut and terminated.
  char small[8];
  ASSERT_EQ(swf_file_describe(path.c_str(), small, sizeof small, &length), SWF_OK);
  EXPECT_EQ(std::string(small).size(), 7u);

  swf_flow loaded = nullptr;
  EXPECT_EQ(swf_flow_load(context.handle, dir.file("none.h5").c_str(), &loaded), SWF_ERR_IO);
  const std::string points = dir.file("points.h5");
  ASSERT_EQ(swf_points_write(points.c_str(), "p", target.data(), 50, 2, nullptr), SWF_OK);
  EXPECT_EQ(swf_flow_load(context.handle, points.c_str(), &loaded), SWF_ERR_FORMAT);
  EXPECT_NE(std::string(swf_last_error()).find("holds no checkpoint"), std::string::npos) << swf_last_error();
  EXPECT_EQ(swf_trajectory_shape(points.c_str(), nullptr, nullptr, nullptr), SWF_ERR_FORMAT);
  std::vector<float> x(80);
  EXPECT_EQ(swf_trajectory_frame(path.c_str(), 1, x.data(), 40, 2, nullptr, nullptr), SWF_ERR_INVALID_ARGUMENT);
  swf_record_params params = record_params();
  swf_recorder recorder = nullptr;
  params.compression = 12;
  EXPECT_EQ(swf_recorder_create(flow.handle, dir.file("r.h5").c_str(), &params, &recorder), SWF_ERR_INVALID_ARGUMENT);
  params = record_params();
  EXPECT_EQ(swf_recorder_create(flow.handle, (dir.file("missing-dir") + "/r.h5").c_str(), &params, &recorder),
            SWF_ERR_IO);
  EXPECT_EQ(recorder, nullptr);
  EXPECT_EQ(swf_recorder_close(nullptr), SWF_OK);
}

}  // namespace
}  // namespace swf::test
