// Whole flows on the CUDA backend through the C ABI against the CPU backend (core/flow.cpp on both).
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

using test::Context;
using test::Flow;
using test::flow_params;

TEST(CudaFlow, StepsMatchTheCpuBackend) {
  SKIP_WITHOUT_CUDA_DEVICE();
  struct Case {
    size_t n, m, d;
    uint32_t L;
    swf_directions mode;
    float lambda;
  };
  for (const Case c : {Case{1000, 700, 3, 16, SWF_DIRECTIONS_GAUSSIAN, 0.0f},
                       Case{1000, 700, 3, 16, SWF_DIRECTIONS_GAUSSIAN, 0.05f},
                       Case{500, 500, 8, 20, SWF_DIRECTIONS_ORTHOGONAL, 0.0f},
                       Case{300, 400, 784, 64, SWF_DIRECTIONS_GAUSSIAN, 0.01f},
                       Case{20000, 20000, 2, 8, SWF_DIRECTIONS_FIXED, 0.0f},
                       Case{31, 65537, 1, 1, SWF_DIRECTIONS_GAUSSIAN, 0.0f}}) {
    const std::vector<float> target = test::gaussian_points(c.m, c.d, 60 + c.n, 2.0f, 1.0f);
    std::vector<std::vector<float>> particles, directions;
    std::vector<double> distances;
    for (swf_backend kind : {SWF_BACKEND_CPU, SWF_BACKEND_CUDA}) {
      Context context(77, kind);
      Flow flow(context, flow_params(c.L, 0.5f, c.lambda, c.mode), target, c.d);
      ASSERT_EQ(swf_flow_init_particles(flow.handle, c.n, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK) << swf_last_error();
      flow.step(3);
      particles.push_back(flow.particles());
      std::vector<float> theta(size_t{c.L} * c.d);
      ASSERT_EQ(swf_flow_get_directions(flow.handle, theta.data(), c.L), SWF_OK) << swf_last_error();
      directions.push_back(theta);
      double sw2 = 0.0;
      ASSERT_EQ(swf_flow_distance(flow.handle, 50, &sw2), SWF_OK) << swf_last_error();
      distances.push_back(sw2);
    }
    EXPECT_LE(relative_difference(particles[1], particles[0]), 1e-4)
        << "n " << c.n << " d " << c.d << " mode " << c.mode;
    for (size_t e = 0; e < directions[0].size(); ++e) ASSERT_NEAR(directions[1][e], directions[0][e], 1e-5);
    EXPECT_NEAR(distances[1], distances[0], 1e-4 * (distances[0] + 1e-3));
  }
}

// The step loop allocates nothing: Flow::step reserves the backend's scratch before its loop (for every path:
// on-chip rows, segmented rows, orthogonal directions), so the workspace keeps its size through the steps.
TEST_F(CudaBackendTest, FlowStepsDoNotGrowTheWorkspace) {
  struct Case {
    size_t n, m, d;
    uint32_t L;
    swf_directions mode;
  };
  for (const Case c :
       {Case{1000, 700, 3, 16, SWF_DIRECTIONS_GAUSSIAN}, Case{40000, 30000, 2, 8, SWF_DIRECTIONS_GAUSSIAN},
        Case{500, 500, 8, 20, SWF_DIRECTIONS_ORTHOGONAL}}) {
    auto backend = make_cuda_backend();
    auto* cuda = dynamic_cast<CudaBackend*>(backend.get());
    ASSERT_NE(cuda, nullptr);
    const std::vector<float> target = test::gaussian_points(c.m, c.d, 70 + c.n, 2.0f, 1.0f);
    swf::FlowParams params;
    params.num_directions = c.L;
    params.directions = c.mode;
    swf::Flow flow(backend, 81, params, target.data(), c.m, c.d);
    flow.init_particles(c.n, SWF_INIT_GAUSSIAN, 1.0f);
    flow.step(0);  // reserves, takes no step
    const size_t reserved = cuda->context().workspace.capacity();
    flow.step(3);
    EXPECT_EQ(cuda->context().workspace.capacity(), reserved) << "n " << c.n << " m " << c.m << " mode " << c.mode;
  }
}

// swf_context_set_tf32 reaches the flow's GEMMs: in d = 784 the steps change (the inputs are rounded to 10-bit
// mantissas) and stay close to the float32 steps (bound: 1e-2 of the particles' norm, a projection being off by
// about 2^-11 |theta| |x|).
TEST(CudaFlow, Tf32StepsDifferFromFloat32OnlyByTheirRounding) {
  SKIP_WITHOUT_CUDA_DEVICE();
  const size_t n = 2000, m = 1500, d = 784;
  const uint32_t L = 64;
  const std::vector<float> target = test::gaussian_points(m, d, 64, 2.0f, 1.0f);
  std::vector<std::vector<float>> particles;
  for (int tf32 : {0, 1}) {
    Context context(79, SWF_BACKEND_CUDA);
    ASSERT_EQ(swf_context_set_tf32(context.handle, tf32), SWF_OK) << swf_last_error();
    Flow flow(context, flow_params(L, 0.5f), target, d);
    ASSERT_EQ(swf_flow_init_particles(flow.handle, n, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK) << swf_last_error();
    flow.step(3);
    particles.push_back(flow.particles());
  }
  const double difference = relative_difference(particles[1], particles[0]);
  std::cout << "TF32 vs float32 particles after 3 steps, d = 784: relative difference " << difference << "\n";
  RecordProperty("tf32_flow_relative_difference", std::to_string(difference));
  EXPECT_GT(difference, 0.0);
  EXPECT_LE(difference, 1e-2);
}

// Design section 1.1 on the GPU: d = 1, L = 1, h = 1 puts the particles exactly on the target's values.
TEST(CudaFlow, OneDimensionOneStepLandsExactlyOnTheTarget) {
  SKIP_WITHOUT_CUDA_DEVICE();
  for (size_t n : {size_t{1000}, size_t{40000}}) {  // the on-chip and the segmented transport
    const std::vector<float> target = tied_values(n, 1, 4000), start = tied_values(n, 2, 4000);
    Context context(11, SWF_BACKEND_CUDA);
    Flow flow(context, flow_params(1, 1.0f), target, 1);
    flow.set_particles(start);
    flow.step();
    std::vector<float> x = flow.particles(), y = target;
    std::sort(x.begin(), x.end());
    std::sort(y.begin(), y.end());
    EXPECT_EQ(x, y) << "n " << n;
  }
}

TEST(CudaFlow, SlicedWassersteinMatchesTheCpuBackend) {
  SKIP_WITHOUT_CUDA_DEVICE();
  for (auto [n, m, d] : {std::tuple<size_t, size_t, size_t>{1000, 31, 3}, {65537, 1000, 3}, {200, 300, 784}}) {
    const std::vector<float> x = test::gaussian_points(n, d, 70), y = test::gaussian_points(m, d, 71, 1.5f, 0.5f);
    const std::vector<float> theta = test::unit_directions(40, d, 72);
    double results[2];
    int slot = 0;
    for (swf_backend kind : {SWF_BACKEND_CPU, SWF_BACKEND_CUDA}) {
      Context context(5, kind);
      ASSERT_EQ(swf_sliced_wasserstein(context.handle, x.data(), n, y.data(), m, d, theta.data(), 40, 2.0,
                                       &results[slot++]),
                SWF_OK)
          << swf_last_error();
    }
    // Projections round differently (GEMM order): 1e-5 relative.
    EXPECT_NEAR(results[1], results[0], 1e-5 * results[0]) << "n " << n << " m " << m << " d " << d;
  }
}

TEST(CudaFlow, ExhaustedDeviceMemoryIsOutOfMemoryAndTheFlowGoesOn) {
  SKIP_WITHOUT_CUDA_DEVICE();
  const size_t d = 4;
  Context context(3, SWF_BACKEND_CUDA);
  Flow flow(context, flow_params(8, 0.5f), test::gaussian_points(500, d, 1), d);
  ASSERT_EQ(swf_flow_init_particles(flow.handle, 400, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK) << swf_last_error();
  flow.step();
  const std::vector<float> before = flow.particles();
  // 2^46 particles of dimension 4: a petabyte.
  EXPECT_EQ(swf_flow_init_particles(flow.handle, size_t{1} << 46, SWF_INIT_GAUSSIAN, 1.0f), SWF_ERR_OUT_OF_MEMORY);
  EXPECT_NE(std::string(swf_last_error()).find("device memory"), std::string::npos) << swf_last_error();
  EXPECT_EQ(flow.particles(), before);
  flow.step(2);
  size_t n = 0;
  uint64_t steps = 0;
  ASSERT_EQ(swf_flow_info(flow.handle, &n, nullptr, &steps, nullptr), SWF_OK);
  EXPECT_EQ(n, 400u);
  EXPECT_EQ(steps, 3u);
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
