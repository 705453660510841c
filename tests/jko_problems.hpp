// The validation problems that the SW-JKO tests of both variants solve (tests/jko_test.cpp for the particles,
// tests/jko_generator_test.cpp for the generator), each with its measurement and its assertions, so that a test
// states only its variant, its schedule and its tolerances: the generator mirrors the particles on the same
// problems, seeds and printed figures, with looser tolerances.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "backend_factory.hpp"
#include "jko.hpp"
#include "jko_reference.hpp"
#include "reference.hpp"

namespace swf::test {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// How a test runs the scheme: tau, the Adam steps (and their rate) within each JKO step, and the JKO steps.
struct JkoSchedule {
  float tau;
  uint32_t inner_steps;
  float learning_rate;
  uint32_t outer_steps;
};

inline JkoParams with_schedule(JkoParams params, const JkoSchedule& schedule) {
  params.tau = schedule.tau;
  params.inner_steps = schedule.inner_steps;
  params.learning_rate = schedule.learning_rate;
  return params;
}

// What the printed figures are prefixed with, so that the two variants' lines tell apart in one log.
inline const char* variant_label(const JkoParams& params) {
  return params.variant == JkoVariant::generator ? "generator " : "";
}

// The points the law of rho_k is measured on: the particles themselves, or for the generator 4000 fresh samples
// (not the n that F was measured on), since it can draw as many as its moments need.
inline std::vector<float> law_points(Jko& jko) {
  const size_t count = jko.is_generator() ? 4000 : jko.num_particles();
  std::vector<float> x(count * jko.dim());
  if (jko.is_generator())
    jko.sample(count, x.data());
  else
    jko.get_particles(x.data());
  return x;
}

// Aggregation alone, F = 1/2 E[W(X - X')] with W(r) = r^a / a - r^b / b, from 400 draws of N(0, 0.25^2 I) in 2-D.
struct AggregationOutcome {
  std::vector<double> objective;  // after each step, index 0 at the start
  std::vector<float> x;           // law_points at the end
};

inline AggregationOutcome run_aggregation(JkoParams variant, float a, float b, const JkoSchedule& schedule,
                                          uint64_t seed) {
  JkoParams params = with_schedule(variant, schedule);
  params.interaction_weight = 1.0f;
  params.interaction_a = a;
  params.interaction_b = b;
  Jko jko(make_cpu_backend(), seed, params, nullptr, 0, 2);
  jko.init_particles(400, SWF_INIT_GAUSSIAN, 0.25f);
  AggregationOutcome outcome;
  outcome.objective = run(jko, schedule.outer_steps);
  outcome.x = law_points(jko);
  return outcome;
}

// Fractions of the ring's radius, and the slack F may rise by between two steps.
struct RingTolerances {
  double mean_radius, radius_std, objective_slack;
};

// (a, b) = (4, 2): the minimiser is the uniform law on the ring of radius 1/sqrt(3).
inline void expect_ring_of_radius_one_over_sqrt3(JkoParams variant, const JkoSchedule& schedule,
                                                 const RingTolerances& tolerance) {
  const auto start = std::chrono::steady_clock::now();
  const AggregationOutcome outcome = run_aggregation(variant, 4.0f, 2.0f, schedule, 7);
  const RadialStats stats = radial_stats(outcome.x);
  const double radius = 1.0 / std::sqrt(3.0);
  std::printf(
      "[ measured ] %sring: mean radius %.5f (1/sqrt 3 = %.5f, error %.2f %%), radius std %.4f, F %.5f -> %.5f "
      "(ring: %.5f), %.1f s\n",
      variant_label(variant), stats.mean, radius, 100.0 * (stats.mean / radius - 1.0), stats.std,
      outcome.objective.front(), outcome.objective.back(),
      0.5 * (1.5 * radius * radius * radius * radius - radius * radius), seconds_since(start));
  EXPECT_NEAR(stats.mean, radius, tolerance.mean_radius * radius);
  EXPECT_LT(stats.std, tolerance.radius_std * radius);
  expect_decreasing(outcome.objective, tolerance.objective_slack);
}

// Absolute on the moments; final_fraction bounds F's end over its start; objective_slack as for the ring.
struct TargetTolerances {
  double mean, variance, final_fraction, objective_slack;
};

// F = 1/2 SW_2^2(rho, nu), nu = 300 draws of N((2, -1), 0.5^2 I), from N(0, I): the mean and spread become nu's.
inline void expect_target_samples_reached(JkoParams variant, const JkoSchedule& schedule,
                                          const TargetTolerances& tolerance) {
  const auto start = std::chrono::steady_clock::now();
  const size_t n = 300, d = 2;
  const std::vector<float> target = gaussian_points(n, d, 31, 0.5f, 0.0f);
  std::vector<float> shifted = target;
  for (size_t i = 0; i < n; ++i) shifted[2 * i] += 2.0f, shifted[2 * i + 1] -= 1.0f;
  JkoParams params = with_schedule(variant, schedule);
  params.target_weight = 1.0f;
  Jko jko(make_cpu_backend(), 10, params, shifted.data(), n, d);
  jko.init_particles(n, SWF_INIT_GAUSSIAN, 1.0f);
  const std::vector<double> objective = run(jko, schedule.outer_steps);
  const std::vector<float> x = law_points(jko);
  const std::vector<double> mean = column_means(x, d), cov = covariance(x, d), target_cov = covariance(shifted, d);
  const std::vector<double> target_mean = column_means(shifted, d);
  std::printf("[ measured ] %starget: mean (%.4f, %.4f) vs (%.4f, %.4f), variances (%.4f, %.4f) vs (%.4f, %.4f), ",
              variant_label(params), mean[0], mean[1], target_mean[0], target_mean[1], cov[0], cov[3], target_cov[0],
              target_cov[3]);
  // The generator's line also tells the off-diagonal covariance and its run time.
  if (jko.is_generator()) std::printf("covariance %.4f vs %.4f, ", cov[1], target_cov[1]);
  std::printf("1/2 SW2^2 %.5f -> %.5f", objective.front(), objective.back());
  if (jko.is_generator()) std::printf(", %.1f s", seconds_since(start));
  std::printf("\n");
  EXPECT_NEAR(mean[0], target_mean[0], tolerance.mean);
  EXPECT_NEAR(mean[1], target_mean[1], tolerance.mean);
  EXPECT_NEAR(cov[0], target_cov[0], tolerance.variance);
  EXPECT_NEAR(cov[3], target_cov[3], tolerance.variance);
  EXPECT_LT(objective.back(), tolerance.final_fraction * objective.front());
  expect_decreasing(objective, tolerance.objective_slack);
}

// The Ornstein-Uhlenbeck case, F = E[V] + int rho log rho with V = 1/2 (x - b)^T A (x - b), from 600 draws of
// N(0, 0.5^2 I) in 2-D, measured every 5 steps against the Fokker-Planck closed form at time k tau d.
struct OrnsteinUhlenbeckErrors {
  // Over the measurements: the mean's distance, and the covariance's relative Frobenius error.
  double worst_mean = 0.0, worst_cov = 0.0, last_mean = 0.0, last_cov = 0.0, average_mean = 0.0, average_cov = 0.0;
  std::vector<double> objective;  // after each step, index 0 at the start
};

inline OrnsteinUhlenbeckErrors run_ornstein_uhlenbeck(JkoParams variant, const JkoSchedule& schedule) {
  const auto start = std::chrono::steady_clock::now();
  const size_t n = 600, d = 2;
  // A = R diag(1, 2) R^T, a rotation by 0.6 rad; b ~ N(0, I).
  const double angle = 0.6, c = std::cos(angle), s = std::sin(angle), l1 = 1.0, l2 = 2.0;
  const double A[4] = {c * c * l1 + s * s * l2, c * s * (l1 - l2), c * s * (l1 - l2), s * s * l1 + c * c * l2};
  const std::vector<float> b_draw = gaussian_points(1, d, 21);
  const double b[2] = {b_draw[0], b_draw[1]};
  JkoParams params = with_schedule(variant, schedule);
  params.potential_weight = 1.0f;
  params.potential_matrix = {float(A[0]), float(A[1]), float(A[2]), float(A[3])};
  params.potential_center = {float(b[0]), float(b[1])};
  params.entropy_weight = 1.0f;
  // h trades the estimate's smoothing bias (covariance about A^-1 - h^2 I at equilibrium) against the weight of
  // each particle's own kernel (1 / (2 pi h^2 n), which shrinks the cloud): 0.1 gave the particles 8 % too small
  // a covariance here, 0.2 gives 2.4 %.
  params.bandwidth = 0.2f;
  Jko jko(make_cpu_backend(), 9, params, nullptr, 0, d);
  jko.init_particles(n, SWF_INIT_GAUSSIAN, 0.5f);
  // The closed form starts from the particles' own moments, but from the law's exact ones for the generator (it
  // maps the law, not one draw of it): N(0, 0.25 I).
  Gaussian2 initial{{0.0, 0.0}, {0.25, 0.0, 0.0, 0.25}};
  if (!jko.is_generator()) {
    const std::vector<float> x0 = law_points(jko);
    const std::vector<double> m0 = column_means(x0, d), S0 = covariance(x0, d);
    initial = Gaussian2{{m0[0], m0[1]}, {S0[0], S0[1], S0[2], S0[3]}};
  }
  OrnsteinUhlenbeckErrors errors;
  errors.objective = {jko.objective().total};
  const double measurements = double(schedule.outer_steps / 5);
  for (uint32_t k = 1; k <= schedule.outer_steps; ++k) {
    jko.step(1);
    errors.objective.push_back(jko.objective().total);
    if (k % 5 != 0) continue;
    const std::vector<float> x = law_points(jko);
    const std::vector<double> mean = column_means(x, d), cov = covariance(x, d);
    const Gaussian2 exact = fokker_planck(initial, A, b, k * double{params.tau} * d);
    const double mean_error = std::hypot(mean[0] - exact.m[0], mean[1] - exact.m[1]);
    double cov_error = 0.0, cov_norm = 0.0;
    for (int e = 0; e < 4; ++e) {
      cov_error += (cov[e] - exact.S[e]) * (cov[e] - exact.S[e]);
      cov_norm += exact.S[e] * exact.S[e];
    }
    cov_error = std::sqrt(cov_error / cov_norm);
    std::printf(
        "[ measured ] %sOU step %u (SW time %.2f, W time %.2f): |mean error| %.4f, relative covariance error "
        "%.4f; mean (%.4f, %.4f) vs (%.4f, %.4f), cov (%.4f %.4f %.4f) vs (%.4f %.4f %.4f)\n",
        variant_label(params), k, k * params.tau, k * params.tau * d, mean_error, cov_error, mean[0], mean[1],
        exact.m[0], exact.m[1], cov[0], cov[1], cov[3], exact.S[0], exact.S[1], exact.S[3]);
    errors.worst_mean = std::max(errors.worst_mean, mean_error);
    errors.worst_cov = std::max(errors.worst_cov, cov_error);
    errors.last_mean = mean_error;
    errors.last_cov = cov_error;
    errors.average_mean += mean_error / measurements;
    errors.average_cov += cov_error / measurements;
  }
  // The generator's summary adds the average errors: its test bounds them, its moments wandering from step to step.
  if (jko.is_generator())
    std::printf(
        "[ measured ] generator OU: mean error worst %.4f, average %.4f; relative covariance error worst %.4f, "
        "average %.4f; F %.5f -> %.5f, %.1f s\n",
        errors.worst_mean, errors.average_mean, errors.worst_cov, errors.average_cov, errors.objective.front(),
        errors.objective.back(), seconds_since(start));
  else
    std::printf(
        "[ measured ] OU: worst mean error %.4f, worst relative covariance error %.4f, F %.5f -> %.5f, %.1f s\n",
        errors.worst_mean, errors.worst_cov, errors.objective.front(), errors.objective.back(), seconds_since(start));
  return errors;
}

}  // namespace swf::test
