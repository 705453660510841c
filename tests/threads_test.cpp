// Determinism: the same seed gives bit-identical results whatever the thread count, and two contexts
// used from two threads at once give what they give one after the other.
#include <cblas.h>
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <thread>

#include "api_handles.hpp"
#include "reference.hpp"

namespace swf::test {
namespace {

struct FlowRun {
  std::vector<float> particles;
  double distance;
};

FlowRun run_flow(uint64_t seed, swf_directions mode, size_t d = 16, uint32_t L = 48, size_t n = 2500) {
  const std::vector<float> target = gaussian_points(n + 500, d, seed, 0.7f, 1.0f);
  Context context(seed);
  Flow flow(context, flow_params(L, 0.5f * float(L) / float(std::max<size_t>(d, L)), 0.05f, mode), target, d);
  EXPECT_EQ(swf_flow_init_particles(flow.handle, n, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
  flow.step(5);
  FlowRun run{flow.particles(), 0.0};
  EXPECT_EQ(swf_flow_distance(flow.handle, 100, &run.distance), SWF_OK);
  return run;
}

TEST(Determinism, SameSeedSameBitsWhateverTheThreadCount) {
  const int threads = omp_get_max_threads();
  for (swf_directions mode : {SWF_DIRECTIONS_GAUSSIAN, SWF_DIRECTIONS_ORTHOGONAL}) {
    omp_set_num_threads(1);
    openblas_set_num_threads(1);
    const FlowRun one = run_flow(3, mode);
    omp_set_num_threads(std::max(threads, 4));
    openblas_set_num_threads(std::max(threads, 4));
    const FlowRun many = run_flow(3, mode);
    omp_set_num_threads(threads);
    openblas_set_num_threads(threads);
    EXPECT_EQ(one.particles, many.particles);
    EXPECT_EQ(one.distance, many.distance);
  }
}

// Long inner dimensions (d and L in the hundreds) are where a BLAS may split its sums by thread count.
TEST(Determinism, LargeDimensionAndManyDirectionsGiveTheSameBitsWhateverTheThreadCount) {
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  openblas_set_num_threads(1);
  const FlowRun one = run_flow(4, SWF_DIRECTIONS_GAUSSIAN, 400, 700, 600);
  omp_set_num_threads(std::max(threads, 4));
  openblas_set_num_threads(std::max(threads, 4));
  const FlowRun many = run_flow(4, SWF_DIRECTIONS_GAUSSIAN, 400, 700, 600);
  omp_set_num_threads(threads);
  openblas_set_num_threads(threads);
  EXPECT_EQ(one.particles, many.particles);
  EXPECT_EQ(one.distance, many.distance);
}

TEST(Determinism, TwoContextsOnTwoThreadsMatchSequentialRuns) {
  const FlowRun first = run_flow(5, SWF_DIRECTIONS_GAUSSIAN), second = run_flow(6, SWF_DIRECTIONS_ORTHOGONAL);
  FlowRun concurrent_first, concurrent_second;
  std::thread a([&] { concurrent_first = run_flow(5, SWF_DIRECTIONS_GAUSSIAN); });
  std::thread b([&] { concurrent_second = run_flow(6, SWF_DIRECTIONS_ORTHOGONAL); });
  a.join();
  b.join();
  EXPECT_EQ(first.particles, concurrent_first.particles);
  EXPECT_EQ(second.particles, concurrent_second.particles);
  EXPECT_EQ(first.distance, concurrent_first.distance);
  EXPECT_EQ(second.distance, concurrent_second.distance);
  EXPECT_NE(first.particles, second.particles);
}

}  // namespace
}  // namespace swf::test
