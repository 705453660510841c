// Whole SW-JKO steps on the CUDA backend through the C ABI against the CPU backend (core/jko.cpp on both).
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

using test::Context;
using test::Flow;
using test::flow_params;

// Whole SW-JKO steps through the C ABI with every term on, on both backends from the same seed: the directions are
// drawn identically from the same counters, the functionals' gradients agree to float rounding, and the SW
// terms' GEMMs round differently (a particle may take a neighbouring rank on one backend, as in
// CudaFlow.StepsMatchTheCpuBackend): ||x_gpu - x_cpu|| / ||x_cpu|| <= 1e-4 after two steps of ten Adam steps
// (1e-3 with the nearest-neighbour entropy), and the objective within 1e-4 relative. Both entropy estimates.
TEST(CudaJko, StepsMatchTheCpuBackend) {
  SKIP_WITHOUT_CUDA_DEVICE();
  for (auto [d, estimator] : {std::pair{size_t{2}, SWF_ENTROPY_KERNEL},
                              {size_t{3}, SWF_ENTROPY_KERNEL},
                              {size_t{2}, SWF_ENTROPY_NEIGHBOURS},
                              {size_t{3}, SWF_ENTROPY_NEIGHBOURS}}) {
    const size_t n = 400, m = 300;
    const std::vector<float> target = test::gaussian_points(m, d, 230 + d, 0.5f, 1.0f);
    std::vector<float> A(d * d, 0.0f), b(d, 0.25f);
    for (size_t k = 0; k < d; ++k) A[k * d + k] = 1.0f + 0.5f * float(k);
    std::vector<std::vector<float>> particles;
    std::vector<std::vector<double>> objectives;
    for (swf_backend kind : {SWF_BACKEND_CPU, SWF_BACKEND_CUDA}) {
      Context context(91, kind);
      swf_jko_params params;
      swf_jko_params_init(&params);
      params.inner_steps = 10;
      params.num_directions = 16;
      params.objective_directions = 32;
      params.target_weight = 0.5f;
      params.target = target.data();
      params.target_count = m;
      params.potential_weight = 0.5f;
      params.potential_matrix = A.data();
      params.potential_center = b.data();
      params.interaction_weight = 0.2f;
      params.entropy_weight = 0.05f;
      params.bandwidth = 0.3f;
      params.entropy_estimator = estimator;
      swf_jko jko = nullptr;
      ASSERT_EQ(swf_jko_create(context.handle, &params, d, &jko), SWF_OK) << swf_last_error();
      ASSERT_EQ(swf_jko_init_particles(jko, n, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK) << swf_last_error();
      EXPECT_EQ(swf_jko_step(jko, 2), SWF_OK) << swf_last_error();
      std::vector<float> x(n * d);
      EXPECT_EQ(swf_jko_get_particles(jko, x.data(), n), SWF_OK) << swf_last_error();
      std::vector<double> objective(5);
      EXPECT_EQ(swf_jko_objective(jko, &objective[0], &objective[1]), SWF_OK) << swf_last_error();
      swf_jko_destroy(jko);
      particles.push_back(x);
      objectives.push_back(objective);
    }
    // The nearest-neighbour gradient jumps where two neighbours swap ranks: a particle that rounding moves across
    // such a switch takes a different Adam step on the other backend, hence 1e-3 there.
    const double tolerance = estimator == SWF_ENTROPY_NEIGHBOURS ? 1e-3 : 1e-4;
    EXPECT_LE(relative_difference(particles[1], particles[0]), tolerance) << "d " << d << " estimator " << estimator;
    for (size_t t = 0; t < 5; ++t)
      EXPECT_NEAR(objectives[1][t], objectives[0][t], 1e-4 * (std::fabs(objectives[0][t]) + 1e-3))
          << "d " << d << " estimator " << estimator << " term " << t;
  }
}

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
