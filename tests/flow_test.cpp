// The particle flow through the C ABI against the facts of design section 1.1.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "api_handles.hpp"
#include "reference.hpp"

namespace swf::test {
namespace {

// Dyadic values (multiples of 1/8 below 2^10): every sum and difference of the step is exact in float.
std::vector<float> dyadic_points(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> pick(-4000, 4000);
  std::vector<float> points(count);
  for (float& value : points) value = pick(rng) / 8.0f;
  return points;
}

std::vector<float> sorted(std::vector<float> values) {
  std::sort(values.begin(), values.end());
  return values;
}

double exact_w2_1d(const std::vector<float>& x, const std::vector<float>& y) {
  return std::sqrt(wasserstein_pp_1d(std::vector<double>(x.begin(), x.end()), std::vector<double>(y.begin(), y.end()), 2.0));
}

TEST(Flow, OneDimensionOneStepLandsExactlyOnTheTargetQuantiles) {
  Context context(11);
  const std::vector<float> target = dyadic_points(1000, 1), start = dyadic_points(1000, 2);
  Flow flow(context, flow_params(1, 1.0f), target, 1);
  flow.set_particles(start);
  flow.step();
  const std::vector<float> x = flow.particles();
  EXPECT_EQ(sorted(x), sorted(target));
  // Each particle keeps its rank (the map is monotone).
  for (size_t a = 0; a + 1 < x.size(); a += 37) {
    const size_t b = a + 1;
    if (start[a] < start[b]) EXPECT_LE(x[a], x[b]);
    if (start[a] > start[b]) EXPECT_GE(x[a], x[b]);
  }
}

TEST(Flow, OneDimensionOneStepWithRandomValuesIsWithinRounding) {
  Context context(12);
  const std::vector<float> target = gaussian_points(777, 1, 3, 3.0f, 1.0f), start = gaussian_points(777, 1, 4);
  Flow flow(context, flow_params(1, 1.0f), target, 1);
  flow.set_particles(start);
  flow.step();
  const std::vector<float> x = sorted(flow.particles()), y = sorted(target);
  for (size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(x[i], y[i], 4e-7f * (std::fabs(y[i]) + 4.0f));
}

TEST(Flow, OneDimensionUnequalCountsLandOnTheBarycentricQuantiles) {
  for (auto [n, m] : {std::pair<size_t, size_t>{300, 1000}, {1000, 300}, {1, 50}}) {
    Context context(13);
    const std::vector<float> target = gaussian_points(m, 1, 5 + n, 2.0f), start = gaussian_points(n, 1, 6 + m);
    Flow flow(context, flow_params(1, 1.0f), target, 1);
    flow.set_particles(start);
    flow.step();
    const std::vector<float> x = flow.particles();
    const std::vector<double> expected =
        barycentric_transport(std::vector<double>(start.begin(), start.end()), std::vector<double>(target.begin(), target.end()));
    for (size_t i = 0; i < n; ++i) ASSERT_NEAR(x[i], expected[i], 2e-6 * (1.0 + std::fabs(expected[i]))) << n << " " << m;
  }
}

TEST(Flow, OneDimensionW2ErrorShrinksByOneMinusHPerStep) {
  Context context(14);
  const std::vector<float> target = gaussian_points(2000, 1, 7, 0.5f, 3.0f), start = gaussian_points(2000, 1, 8);
  const float h = 0.3f;
  Flow flow(context, flow_params(1, h), target, 1);
  flow.set_particles(start);
  double previous = exact_w2_1d(start, target);
  for (int k = 0; k < 8; ++k) {
    flow.step();
    const double now = exact_w2_1d(flow.particles(), target);
    EXPECT_NEAR(now / previous, 1.0 - h, 2e-5) << "step " << k;
    previous = now;
  }
}

TEST(Flow, DOrthonormalDirectionsMatchEveryProjectedMarginalInOneStep) {
  const size_t d = 5, n = 3000;
  Context context(15);
  const std::vector<float> target = gaussian_points(n, d, 9, 2.0f, -1.0f), start = gaussian_points(n, d, 10);
  std::vector<float> basis(d * d);
  // A random orthonormal basis: Gram-Schmidt of Gaussian rows, in double.
  std::vector<float> raw = gaussian_points(d, d, 11);
  std::vector<double> q(d * d);
  for (size_t a = 0; a < d; ++a) {
    for (size_t k = 0; k < d; ++k) q[a * d + k] = raw[a * d + k];
    for (size_t b = 0; b < a; ++b) {
      double proj = 0;
      for (size_t k = 0; k < d; ++k) proj += q[a * d + k] * q[b * d + k];
      for (size_t k = 0; k < d; ++k) q[a * d + k] -= proj * q[b * d + k];
    }
    double norm = 0;
    for (size_t k = 0; k < d; ++k) norm += q[a * d + k] * q[a * d + k];
    for (size_t k = 0; k < d; ++k) q[a * d + k] /= std::sqrt(norm);
    for (size_t k = 0; k < d; ++k) basis[a * d + k] = float(q[a * d + k]);
  }
  Flow flow(context, flow_params(1, 1.0f), target, d);
  ASSERT_EQ(swf_flow_set_directions(flow.handle, basis.data(), uint32_t(d)), SWF_OK) << swf_last_error();
  flow.set_particles(start);
  flow.step();
  const std::vector<float> x = flow.particles();
  for (size_t a = 0; a < d; ++a) {
    std::vector<double> px = project(x, d, &basis[a * d]), py = project(target, d, &basis[a * d]);
    std::sort(px.begin(), px.end());
    std::sort(py.begin(), py.end());
    for (size_t i = 0; i < n; ++i) ASSERT_NEAR(px[i], py[i], 2e-5 * (1.0 + std::fabs(py[i]))) << "direction " << a;
  }
}

TEST(Flow, OrthogonalModeWithLEqualDMatchesTheDrawnMarginals) {
  const size_t d = 4, n = 2000;
  Context context(16);
  const std::vector<float> target = gaussian_points(n, d, 12, 0.5f, 2.0f), start = gaussian_points(n, d, 13);
  Flow flow(context, flow_params(uint32_t(d), 1.0f, 0.0f, SWF_DIRECTIONS_ORTHOGONAL), target, d);
  flow.set_particles(start);
  flow.step();
  std::vector<float> theta(d * d);
  ASSERT_EQ(swf_flow_get_directions(flow.handle, theta.data(), uint32_t(d)), SWF_OK) << swf_last_error();
  const std::vector<float> x = flow.particles();
  for (size_t a = 0; a < d; ++a) {
    std::vector<double> px = project(x, d, &theta[a * d]), py = project(target, d, &theta[a * d]);
    std::sort(px.begin(), px.end());
    std::sort(py.begin(), py.end());
    for (size_t i = 0; i < n; ++i) ASSERT_NEAR(px[i], py[i], 2e-5 * (1.0 + std::fabs(py[i])));
  }
}

// With orthogonal blocks filling L = k d, sum_l theta_l theta_l^T = k I exactly, so the mean error
// shrinks by exactly (1 - h c / d) per step (the transport preserves the mean of every projection).
TEST(Flow, MeanErrorShrinksByOneMinusHCOverDWithFullOrthogonalBlocks) {
  const size_t d = 4, n = 4000;
  const float h = 0.5f;
  const std::vector<float> target = gaussian_points(n, d, 14, 1.0f, 1.5f), start = gaussian_points(n, d, 15);
  const std::vector<double> target_mean = column_means(target, d);
  for (swf_velocity velocity : {SWF_VELOCITY_NORMALIZED, SWF_VELOCITY_GRADIENT}) {
    const double c = velocity == SWF_VELOCITY_NORMALIZED ? double(d) : 1.0;
    Context context(17);
    Flow flow(context, flow_params(uint32_t(2 * d), h, 0.0f, SWF_DIRECTIONS_ORTHOGONAL, velocity), target, d);
    flow.set_particles(start);
    std::vector<double> error = column_means(start, d);
    for (size_t k = 0; k < d; ++k) error[k] -= target_mean[k];
    for (int s = 0; s < 4; ++s) {
      flow.step();
      const std::vector<double> mean = column_means(flow.particles(), d);
      for (size_t k = 0; k < d; ++k) {
        const double expected = error[k] * (1.0 - h * c / double(d));
        EXPECT_NEAR(mean[k] - target_mean[k], expected, 1e-5 + 1e-4 * std::fabs(error[k])) << "c " << c;
        error[k] = mean[k] - target_mean[k];
      }
    }
  }
}

TEST(Flow, MeanErrorShrinksInExpectationWithGaussianDirections) {
  const size_t d = 3, n = 2000;
  const float h = 0.5f;
  const std::vector<float> target = gaussian_points(n, d, 16, 1.0f, 2.0f), start = gaussian_points(n, d, 17);
  const std::vector<double> target_mean = column_means(target, d), start_mean = column_means(start, d);
  // Average the one-step mean error over seeds: its expectation is (1 - h c/d) times the initial error.
  std::vector<double> average(d, 0.0);
  const int seeds = 40;
  for (int seed = 0; seed < seeds; ++seed) {
    Context context(100 + seed);
    Flow flow(context, flow_params(16, h, 0.0f, SWF_DIRECTIONS_GAUSSIAN, SWF_VELOCITY_GRADIENT), target, d);
    flow.set_particles(start);
    flow.step();
    const std::vector<double> mean = column_means(flow.particles(), d);
    for (size_t k = 0; k < d; ++k) average[k] += (mean[k] - target_mean[k]) / seeds;
  }
  for (size_t k = 0; k < d; ++k) {
    const double error = start_mean[k] - target_mean[k];
    EXPECT_NEAR(average[k], error * (1.0 - h / double(d)), 0.03 * std::fabs(error)) << "coordinate " << k;
  }
}

TEST(Flow, ReachesAnAnisotropicGaussianInMeanAndCovariance) {
  const size_t d = 8, n = 8000;
  // Target: x = m + A z, A = rotation-free scaling times a shear, so the covariance is full.
  std::vector<float> z = gaussian_points(n, d, 18), target(n * d);
  std::vector<double> m(d);
  for (size_t k = 0; k < d; ++k) m[k] = 0.5 * double(k) - 1.0;
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < d; ++k) {
      const double scale = 0.3 + 0.25 * double(k);
      const double shear = k > 0 ? 0.5 * z[i * d + k - 1] : 0.0;
      target[i * d + k] = float(m[k] + scale * z[i * d + k] + shear);
    }
  Context context(19);
  Flow flow(context, flow_params(64, 0.5f), target, d);
  ASSERT_EQ(swf_flow_init_particles(flow.handle, n, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK) << swf_last_error();
  flow.step(150);
  const std::vector<float> x = flow.particles();
  const std::vector<double> mean = column_means(x, d), target_mean = column_means(target, d);
  const std::vector<double> cov = covariance(x, d), target_cov = covariance(target, d);
  double mean_error = 0, cov_error = 0, cov_norm = 0;
  for (size_t k = 0; k < d; ++k) mean_error = std::max(mean_error, std::fabs(mean[k] - target_mean[k]));
  for (size_t e = 0; e < d * d; ++e) {
    cov_error += (cov[e] - target_cov[e]) * (cov[e] - target_cov[e]);
    cov_norm += target_cov[e] * target_cov[e];
  }
  EXPECT_LT(mean_error, 0.02);
  EXPECT_LT(std::sqrt(cov_error / cov_norm), 0.03);
}

TEST(Flow, EntropicSpreadTendsToTheClosedForm) {
  const size_t d = 2, n = 10000;
  const double s = 1.0, lambda = 0.5;
  for (swf_velocity velocity : {SWF_VELOCITY_NORMALIZED, SWF_VELOCITY_GRADIENT}) {
    const double c = velocity == SWF_VELOCITY_NORMALIZED ? double(d) : 1.0;
    const double sigma_star = (s + std::sqrt(s * s + 4.0 * lambda * double(d) / c)) / 2.0;
    Context context(20);
    const std::vector<float> target = gaussian_points(n, d, 21, float(s), 0.7f);
    Flow flow(context, flow_params(32, 0.05f, float(lambda), SWF_DIRECTIONS_GAUSSIAN, velocity), target, d);
    ASSERT_EQ(swf_flow_init_particles(flow.handle, n, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
    flow.step(c == 1.0 ? 600 : 300);  // about 8 relaxation times
    double average_sigma = 0;
    const int samples = 20;
    for (int k = 0; k < samples; ++k) {
      flow.step(5);
      const std::vector<double> cov = covariance(flow.particles(), d);
      average_sigma += std::sqrt((cov[0] + cov[3]) / 2.0) / samples;
    }
    EXPECT_NEAR(average_sigma, sigma_star, 0.02 * sigma_star) << "c " << c;
  }
}

TEST(Flow, IdenticalParticlesAndTargetDoNotMove) {
  const size_t d = 3;
  Context context(22);
  std::vector<float> target = gaussian_points(500, d, 23);
  for (size_t k = 0; k < d; ++k) target[100 * d + k] = target[k];  // a duplicate point: ties
  Flow flow(context, flow_params(50, 1.0f), target, d);
  flow.set_particles(target);
  flow.step(3);
  EXPECT_EQ(flow.particles(), target);
}

TEST(Flow, FixedDirectionsAreReusedAndFlowsAreReproducible) {
  const size_t d = 3;
  const std::vector<float> target = gaussian_points(700, d, 24, 1.0f, 1.0f);
  std::vector<float> first_run;
  for (int run = 0; run < 2; ++run) {
    Context context(25);
    Flow flow(context, flow_params(8, 0.5f, 0.01f, SWF_DIRECTIONS_FIXED), target, d);
    ASSERT_EQ(swf_flow_init_particles(flow.handle, 600, SWF_INIT_UNIFORM, 2.0f), SWF_OK);
    std::vector<float> before(8 * d), after(8 * d);
    ASSERT_EQ(swf_flow_get_directions(flow.handle, before.data(), 8), SWF_OK) << swf_last_error();
    flow.step(5);
    ASSERT_EQ(swf_flow_get_directions(flow.handle, after.data(), 8), SWF_OK);
    EXPECT_EQ(before, after);
    if (run == 0) first_run = flow.particles();
    else EXPECT_EQ(flow.particles(), first_run);
  }
}

// The CPU backend has no TF32 GEMMs: swf_context_set_tf32 is accepted and changes no bit of a flow.
TEST(Flow, Tf32ChangesNothingOnTheCpu) {
  const size_t d = 40;
  const std::vector<float> target = gaussian_points(300, d, 26, 1.0f, 1.0f);
  std::vector<float> runs[2];
  for (int tf32 = 0; tf32 < 2; ++tf32) {
    Context context(27);
    ASSERT_EQ(swf_context_set_tf32(context.handle, tf32), SWF_OK) << swf_last_error();
    Flow flow(context, flow_params(16, 0.5f), target, d);
    ASSERT_EQ(swf_flow_init_particles(flow.handle, 250, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
    flow.step(3);
    runs[tf32] = flow.particles();
  }
  EXPECT_EQ(runs[0], runs[1]);
}

TEST(Flow, InfoCountsStepsAndTime) {
  Context context(26);
  const std::vector<float> target = gaussian_points(100, 2, 27);
  Flow flow(context, flow_params(4, 0.25f), target, 2);
  ASSERT_EQ(swf_flow_init_particles(flow.handle, 50, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
  flow.step(6);
  size_t n = 0, d = 0;
  uint64_t step = 0;
  double time = 0;
  ASSERT_EQ(swf_flow_info(flow.handle, &n, &d, &step, &time), SWF_OK);
  EXPECT_EQ(n, 50u);
  EXPECT_EQ(d, 2u);
  EXPECT_EQ(step, 6u);
  EXPECT_DOUBLE_EQ(time, 1.5);
}

TEST(Flow, MeasuringTheDistanceDoesNotChangeTheTrajectory) {
  const std::vector<float> target = gaussian_points(400, 2, 28, 1.0f, 1.0f);
  std::vector<float> results[2];
  for (int measure = 0; measure < 2; ++measure) {
    Context context(29);
    Flow flow(context, flow_params(16, 0.5f, 0.1f), target, 2);
    ASSERT_EQ(swf_flow_init_particles(flow.handle, 300, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
    for (int s = 0; s < 5; ++s) {
      flow.step();
      double sw2;
      if (measure) ASSERT_EQ(swf_flow_distance(flow.handle, 64, &sw2), SWF_OK);
    }
    results[measure] = flow.particles();
  }
  EXPECT_EQ(results[0], results[1]);
}

TEST(Flow, DistanceToTheTargetDecreases) {
  Context context(30);
  const std::vector<float> target = gaussian_points(2000, 2, 31, 0.5f, 2.0f);
  Flow flow(context, flow_params(32, 0.5f), target, 2);
  ASSERT_EQ(swf_flow_init_particles(flow.handle, 2000, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
  double before, after;
  ASSERT_EQ(swf_flow_distance(flow.handle, 256, &before), SWF_OK);
  flow.step(40);
  ASSERT_EQ(swf_flow_distance(flow.handle, 256, &after), SWF_OK);
  EXPECT_GT(before, 1.0);
  EXPECT_LT(after, 0.05);
}

}  // namespace
}  // namespace swf::test
