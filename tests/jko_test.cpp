// SW-JKO (design section 1.4) on the CPU backend: the functionals' gradients against central differences of
// float64 references written here, and the scheme against the validation targets of the design: aggregation
// on the ring of radius 1/sqrt(3), the uniform unit disk, and the Ornstein-Uhlenbeck closed form at time k tau d.
#include "jko.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "backend_factory.hpp"
#include "jko_problems.hpp"
#include "reference.hpp"

namespace swf::test {
namespace {

// float64 references of the empirical functionals (design section 1.4), written independently of cpu/.
double potential_reference(const std::vector<double>& x, size_t d, const std::vector<double>& A,
                           const std::vector<double>& b) {
  const size_t n = x.size() / d;
  double total = 0.0;
  for (size_t i = 0; i < n; ++i)
    for (size_t r = 0; r < d; ++r)
      for (size_t c = 0; c < d; ++c) total += 0.5 * (x[i * d + r] - b[r]) * A[r * d + c] * (x[i * d + c] - b[c]);
  return total / double(n);
}

double kernel_reference(double r, double p) { return p == 0.0 ? std::log(r) : std::pow(r, p) / p; }

double interaction_reference(const std::vector<double>& x, size_t d, double a, double b) {
  const size_t n = x.size() / d;
  double total = 0.0;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      double r2 = 0.0;
      for (size_t k = 0; k < d; ++k) r2 += (x[i * d + k] - x[j * d + k]) * (x[i * d + k] - x[j * d + k]);
      total += kernel_reference(std::sqrt(r2), a) - kernel_reference(std::sqrt(r2), b);
    }
  return total / (2.0 * double(n) * double(n));
}

double entropy_reference(const std::vector<double>& x, size_t d, double h) {
  const size_t n = x.size() / d;
  const double normalisation = std::pow(2.0 * M_PI * h * h, -0.5 * double(d));
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) {
    double density = 0.0;
    for (size_t j = 0; j < n; ++j) {
      double r2 = 0.0;
      for (size_t k = 0; k < d; ++k) r2 += (x[i * d + k] - x[j * d + k]) * (x[i * d + k] - x[j * d + k]);
      density += normalisation * std::exp(-r2 / (2.0 * h * h));
    }
    total += std::log(density / double(n));
  }
  return total / double(n);
}

// The Kozachenko-Leonenko negative entropy averaged over k = 1 .. K: each particle's distances sorted outright.
double neighbour_entropy_reference(const std::vector<double>& x, size_t d, size_t K) {
  const size_t n = x.size() / d;
  double log_radii = 0.0;
  for (size_t i = 0; i < n; ++i) {
    std::vector<double> r;
    for (size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      double r2 = 0.0;
      for (size_t k = 0; k < d; ++k) r2 += (x[i * d + k] - x[j * d + k]) * (x[i * d + k] - x[j * d + k]);
      r.push_back(std::sqrt(r2));
    }
    std::sort(r.begin(), r.end());
    for (size_t k = 0; k < K; ++k) log_radii += std::log(r[k]);
  }
  double digamma_gap = 0.0;  // (1/K) sum_k psi(n) - psi(k), with psi(n) - psi(k) = sum_{j=k}^{n-1} 1/j
  for (size_t k = 1; k <= K; ++k)
    for (size_t j = k; j < n; ++j) digamma_gap += 1.0 / double(j) / double(K);
  const double log_unit_ball = 0.5 * double(d) * std::log(M_PI) - std::lgamma(0.5 * double(d) + 1.0);
  return -(digamma_gap + log_unit_ball + double(d) * log_radii / (double(n) * double(K)));
}

// n times the central difference of `energy` with respect to every coordinate.
template <class Energy>
std::vector<double> central_differences(const std::vector<float>& x, Energy energy) {
  std::vector<double> point(x.begin(), x.end()), grad(x.size());
  const double n = double(x.size());  // scaled below by the caller's n / (n d) = 1 / d
  for (size_t e = 0; e < x.size(); ++e) {
    const double step = 1e-5 * std::max(1.0, std::fabs(point[e])), saved = point[e];
    point[e] = saved + step;
    const double up = energy(point);
    point[e] = saved - step;
    const double down = energy(point);
    point[e] = saved;
    grad[e] = (up - down) / (2.0 * step);
  }
  (void)n;
  return grad;
}

double normalised_error(const std::vector<float>& value, const std::vector<double>& reference) {
  double error = 0.0, norm = 0.0;
  for (size_t e = 0; e < value.size(); ++e) {
    error += (value[e] - reference[e]) * (value[e] - reference[e]);
    norm += reference[e] * reference[e];
  }
  return std::sqrt(error / norm);
}

TEST(JkoGradients, MatchCentralDifferencesOfFloat64References) {
  const size_t n = 40, d = 3;
  auto backend = make_cpu_backend();
  const std::vector<float> x = gaussian_points(n, d, 1, 0.8f, 0.1f);
  const std::vector<float> A = {1.5f, 0.2f, -0.1f, 0.2f, 1.2f, 0.3f, -0.1f, 0.3f, 1.9f}, b = {0.3f, -0.5f, 1.0f};
  const std::vector<double> A64(A.begin(), A.end()), b64(b.begin(), b.end());
  const auto check = [&](const char* name, auto op, auto reference_energy) {
    std::vector<float> grad(n * d, 0.25f);  // the ops add: start from a known value
    double energy = 0.0;
    op(grad.data(), &energy);
    for (float& g : grad) g -= 0.25f;
    std::vector<double> expected = central_differences(x, reference_energy);
    for (double& g : expected) g *= double(n);
    std::vector<double> point(x.begin(), x.end());
    const double error = normalised_error(grad, expected);
    std::printf("[ measured ] %s: gradient error %.2e, energy %.8g (reference %.8g)\n", name, error, energy,
                reference_energy(point));
    EXPECT_LT(error, 1e-5) << name;
    EXPECT_NEAR(energy, reference_energy(point), 1e-9 * std::max(1.0, std::fabs(energy))) << name;
  };
  check(
      "potential",
      [&](float* grad, double* energy) {
        backend->potential_gradient(x.data(), n, d, A.data(), b.data(), 1.0f, grad, energy);
      },
      [&](const std::vector<double>& p) { return potential_reference(p, d, A64, b64); });
  for (auto [a, bb] : {std::pair{4.0f, 2.0f}, {2.0f, 0.0f}, {3.0f, 1.5f}}) {
    check(
        "interaction",
        [&, a = a, bb = bb](float* grad, double* energy) {
          backend->interaction_gradient(x.data(), n, d, a, bb, 1.0f, grad, energy);
        },
        [&, a = a, bb = bb](const std::vector<double>& p) { return interaction_reference(p, d, a, bb); });
  }
  for (float h : {0.3f, 1.0f}) {
    check(
        "entropy",
        [&](float* grad, double* energy) { backend->entropy_gradient(x.data(), n, d, h, 1.0f, grad, energy); },
        [&](const std::vector<double>& p) { return entropy_reference(p, d, h); });
  }
  for (uint32_t K : {1u, 5u, 39u}) {
    check(
        "nearest-neighbour entropy",
        [&](float* grad, double* energy) {
          backend->neighbour_entropy_gradient(x.data(), n, d, K, 1.0f, grad, energy);
        },
        [&](const std::vector<double>& p) { return neighbour_entropy_reference(p, d, K); });
  }
}

TEST(JkoGradients, NearestNeighbourEntropyEstimatesAGaussiansEntropyAndItsScore) {
  // N(0, s^2 I) in d = 3 and 8: int rho log rho = -(d/2) log(2 pi e s^2), and the per-particle gradient should
  // be the score -x / s^2, which the kernel estimate loses from d of about 4 on. Regressed on the score, the
  // gradient's slope is c (1 = unbiased).
  auto backend = make_cpu_backend();
  for (size_t d : {3u, 8u}) {
    const size_t n = 2000;
    const float s = 0.7f;
    const std::vector<float> x = gaussian_points(n, d, 40 + d, s);
    std::vector<float> grad(n * d, 0.0f);
    double energy = 0.0;
    backend->neighbour_entropy_gradient(x.data(), n, d, 8, 1.0f, grad.data(), &energy);
    const double exact = -0.5 * double(d) * std::log(2.0 * M_PI * M_E * s * s);
    double dot = 0.0, norm = 0.0;
    for (size_t e = 0; e < n * d; ++e) {
      const double score = -x[e] / (s * s);
      dot += grad[e] * score;
      norm += score * score;
    }
    std::printf("[ measured ] nearest-neighbour entropy, d = %zu: %.4f (exact %.4f), gradient / score slope %.3f\n", d,
                energy, exact, dot / norm);
    EXPECT_NEAR(energy, exact, 0.03 * double(d)) << "d = " << d;
    EXPECT_NEAR(dot / norm, 1.0, 0.05) << "d = " << d;
  }
}

TEST(JkoGradients, NearestNeighbourEntropyIgnoresCoincidentPairs) {
  // Two copies of a point: the pair adds nothing to the gradient, and the energy stays finite.
  auto backend = make_cpu_backend();
  std::vector<float> x = gaussian_points(30, 2, 5);
  x[2] = x[0];
  x[3] = x[1];
  std::vector<float> grad(x.size(), 0.0f);
  double energy = 0.0;
  backend->neighbour_entropy_gradient(x.data(), 30, 2, 3, 1.0f, grad.data(), &energy);
  EXPECT_TRUE(std::isfinite(energy));
  for (float g : grad) EXPECT_TRUE(std::isfinite(g));
}

TEST(JkoGradients, AreTheSameBitsWhateverTheWeightSplit) {
  // weight scales the gradient linearly and leaves the energy alone.
  const size_t n = 50, d = 2;
  auto backend = make_cpu_backend();
  const std::vector<float> x = gaussian_points(n, d, 2);
  std::vector<float> one(n * d, 0.0f), two(n * d, 0.0f);
  double e1 = 0.0, e2 = 0.0;
  backend->entropy_gradient(x.data(), n, d, 0.5f, 1.0f, one.data(), &e1);
  backend->entropy_gradient(x.data(), n, d, 0.5f, 2.0f, two.data(), &e2);
  EXPECT_EQ(e1, e2);
  for (size_t e = 0; e < n * d; ++e) EXPECT_NEAR(two[e], 2.0f * one[e], 1e-6f * std::fabs(one[e]) + 1e-12f);
  std::fill(one.begin(), one.end(), 0.0f);
  std::fill(two.begin(), two.end(), 0.0f);
  backend->neighbour_entropy_gradient(x.data(), n, d, 4, 1.0f, one.data(), &e1);
  backend->neighbour_entropy_gradient(x.data(), n, d, 4, 2.0f, two.data(), &e2);
  EXPECT_EQ(e1, e2);
  for (size_t e = 0; e < n * d; ++e) EXPECT_NEAR(two[e], 2.0f * one[e], 1e-6f * std::fabs(one[e]) + 1e-12f);
}

TEST(Jko, AggregationSettlesOnTheRingOfRadiusOneOverSqrt3) {
  expect_ring_of_radius_one_over_sqrt3(JkoParams{}, JkoSchedule{0.1f, 30, 5e-3f, 40},
                                       RingTolerances{/*mean_radius=*/0.02, /*radius_std=*/0.05,
                                                      /*objective_slack=*/1e-4});
}

TEST(Jko, LogInteractionSettlesOnTheUniformUnitDisk) {
  const auto start = std::chrono::steady_clock::now();
  const AggregationOutcome outcome = run_aggregation(JkoParams{}, 2.0f, 0.0f, JkoSchedule{0.1f, 30, 5e-3f, 40}, 8);
  const std::vector<float>& x = outcome.x;
  const size_t n = x.size() / 2;
  const std::vector<double> center = column_means(x, 2);
  const RadialStats stats = radial_stats(x);
  std::printf("[ measured ] disk: max radius %.4f, mean radius %.4f (uniform disk: 2/3)", stats.max, stats.mean);
  for (double r : {0.25, 0.5, 0.75, 0.9}) {
    size_t inside = 0;
    for (size_t i = 0; i < n; ++i) inside += std::hypot(x[2 * i] - center[0], x[2 * i + 1] - center[1]) <= r;
    const double fraction = double(inside) / double(n);
    std::printf(", P(|x| <= %.2f) = %.4f (r^2 = %.4f)", r, fraction, r * r);
    EXPECT_NEAR(fraction, r * r, 0.04) << "r = " << r;
  }
  std::printf(", F %.5f -> %.5f, %.1f s\n", outcome.objective.front(), outcome.objective.back(), seconds_since(start));
  EXPECT_NEAR(stats.max, 1.0, 0.05);
  EXPECT_NEAR(stats.mean, 2.0 / 3.0, 0.02);
  expect_decreasing(outcome.objective, 1e-4);
}

TEST(Jko, TargetTermAloneReachesTheTargetSamples) {
  expect_target_samples_reached(JkoParams{}, JkoSchedule{0.5f, 40, 2e-2f, 15},
                                TargetTolerances{/*mean=*/0.05, /*variance=*/0.05, /*final_fraction=*/0.01,
                                                 /*objective_slack=*/1e-4});
}

TEST(Jko, OrnsteinUhlenbeckFollowsTheGaussianClosedFormAtTimeKTauD) {
  // Adam moves a coordinate by at most about lr per step: 50 x 0.01 leaves room for the 0.2 the mean moves in
  // the first steps (5e-3 x 40 did not, and the scheme lagged).
  JkoParams kernel;
  kernel.entropy_estimator = EntropyEstimator::kernel;
  const OrnsteinUhlenbeckErrors ou = run_ornstein_uhlenbeck(kernel, JkoSchedule{0.05f, 50, 1e-2f, 20});
  // The early error is mostly the scheme's own (implicit Euler in time: after 5 steps of tau d = 0.1 along the
  // eigenvalue 2, (1 + 0.2)^-5 = 0.40 against e^-1 = 0.37 of |m0 - b| = 1.7); it shrinks as the flow settles.
  EXPECT_LT(ou.worst_mean, 0.1);
  EXPECT_LT(ou.worst_cov, 0.1);
  EXPECT_LT(ou.last_mean, 0.04);
  EXPECT_LT(ou.last_cov, 0.05);
  expect_decreasing(ou.objective, 5e-3);
}

TEST(Jko, OrnsteinUhlenbeckWithTheNearestNeighbourEntropy) {
  JkoParams neighbours;
  neighbours.entropy_estimator = EntropyEstimator::neighbours;
  const OrnsteinUhlenbeckErrors ou = run_ornstein_uhlenbeck(neighbours, JkoSchedule{0.05f, 50, 1e-2f, 20});
  EXPECT_LT(ou.worst_mean, 0.1);
  EXPECT_LT(ou.worst_cov, 0.1);
  EXPECT_LT(ou.last_mean, 0.04);
  EXPECT_LT(ou.last_cov, 0.05);
  expect_decreasing(ou.objective, 5e-3);
}

// Solves S y = r for a symmetric positive definite S (d x d) by Cholesky, in float64.
std::vector<double> solve_spd(std::vector<double> S, std::vector<double> r, size_t d) {
  for (size_t c = 0; c < d; ++c) {
    for (size_t k = 0; k < c; ++k) S[c * d + c] -= S[c * d + k] * S[c * d + k];
    S[c * d + c] = std::sqrt(S[c * d + c]);
    for (size_t row = c + 1; row < d; ++row) {
      for (size_t k = 0; k < c; ++k) S[row * d + c] -= S[row * d + k] * S[c * d + k];
      S[row * d + c] /= S[c * d + c];
    }
  }
  for (size_t row = 0; row < d; ++row) {
    for (size_t k = 0; k < row; ++k) r[row] -= S[row * d + k] * r[k];
    r[row] /= S[row * d + row];
  }
  for (size_t row = d; row-- > 0;) {
    for (size_t k = row + 1; k < d; ++k) r[row] -= S[k * d + row] * r[k];
    r[row] /= S[row * d + row];
  }
  return r;
}

TEST(Jko, FokkerPlanckInSixDimensionsWithTheNearestNeighbourEntropy) {
  // JKO-ICNN's problem (bench/jko_fokker_planck.py) in d = 6: A = Q diag(lambda) Q with lambda in [1, 2] and Q
  // the Householder reflection of a random vector, b ~ N(0, I), rho_0 = N(0, I), 1,000 particles, t = 0.5 in
  // 10 JKO steps. In Q's basis the exact solution has independent coordinates: mean b + e^{-lambda t}(0 - b),
  // variance e^{-2 lambda t} + (1 - e^{-2 lambda t}) / lambda. The kernel estimate's SymKL on the bench's problem
  // was 1.0 (its gradient fades below the particles' spacing); 1,000 exact draws' own Gaussian fit has about 0.03.
  const auto start = std::chrono::steady_clock::now();
  const size_t n = 1000, d = 6;
  const std::vector<float> u = gaussian_points(1, d, 60), b_draw = gaussian_points(1, d, 61);
  double u2 = 0.0;
  for (float v : u) u2 += double{v} * v;
  std::vector<double> Q(d * d), lambda(d), A(d * d, 0.0);
  for (size_t r = 0; r < d; ++r)
    for (size_t c = 0; c < d; ++c) Q[r * d + c] = (r == c ? 1.0 : 0.0) - 2.0 * u[r] * u[c] / u2;
  for (size_t k = 0; k < d; ++k) lambda[k] = 1.0 + double(k) / double(d - 1);
  JkoParams params = with_schedule(JkoParams{}, JkoSchedule{float(0.5 / (d * 10)), 50, 1e-2f, 10});
  params.entropy_estimator = EntropyEstimator::neighbours;
  params.potential_weight = 1.0f;
  params.entropy_weight = 1.0f;
  params.potential_matrix.resize(d * d);
  for (size_t r = 0; r < d; ++r)
    for (size_t c = 0; c < d; ++c) {
      for (size_t k = 0; k < d; ++k) A[r * d + c] += Q[r * d + k] * lambda[k] * Q[c * d + k];
      params.potential_matrix[r * d + c] = float(A[r * d + c]);
    }
  params.potential_center.assign(b_draw.begin(), b_draw.end());
  Jko jko(make_cpu_backend(), 11, params, nullptr, 0, d);
  jko.init_particles(n, SWF_INIT_GAUSSIAN, 1.0f);
  const std::vector<double> objective = run(jko, 10);
  std::vector<float> x(n * d), y(n * d);
  jko.get_particles(x.data());
  for (size_t i = 0; i < n; ++i)  // y = Q x (Q is its own inverse)
    for (size_t r = 0; r < d; ++r) {
      double sum = 0.0;
      for (size_t k = 0; k < d; ++k) sum += Q[r * d + k] * x[i * d + k];
      y[i * d + r] = float(sum);
    }
  const std::vector<double> mean = column_means(y, d), cov = covariance(y, d);
  const double t = jko.time() * double(d);
  // SymKL(N(mean, cov), N(m, diag(v))) = 1/2 [tr(D^-1 S) + tr(S^-1 D) - 2d + dm^T (D^-1 + S^-1) dm].
  double symmetric_kl = -2.0 * double(d);
  std::vector<double> dm(d);
  for (size_t k = 0; k < d; ++k) {
    double b = 0.0;
    for (size_t c = 0; c < d; ++c) b += Q[k * d + c] * b_draw[c];
    const double decay = std::exp(-lambda[k] * t), v = decay * decay + (1.0 - decay * decay) / lambda[k];
    dm[k] = mean[k] - (b - decay * b);
    symmetric_kl += cov[k * d + k] / v + dm[k] * dm[k] / v;
    std::vector<double> column(d, 0.0);
    column[k] = v;
    symmetric_kl += solve_spd(cov, column, d)[k];  // (S^-1 D)_kk
  }
  const std::vector<double> solved = solve_spd(cov, dm, d);
  for (size_t k = 0; k < d; ++k) symmetric_kl += dm[k] * solved[k];
  symmetric_kl *= 0.5;
  std::printf("[ measured ] Fokker-Planck d = 6, t = %.2f: SymKL %.4f, F %.5f -> %.5f, %.1f s\n", t, symmetric_kl,
              objective.front(), objective.back(), seconds_since(start));
  EXPECT_LT(symmetric_kl, 0.04);
  expect_decreasing(objective, 5e-3);
}

}  // namespace
}  // namespace swf::test
