// What the SW-JKO tests of both variants share: radial statistics of a 2-D cloud, a run recording F, the
// check that F decreases, and the Fokker-Planck closed form of the Ornstein-Uhlenbeck case.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "jko.hpp"
#include "reference.hpp"

namespace swf::test {

struct RadialStats {
  double mean = 0.0, std = 0.0, max = 0.0;
};

inline RadialStats radial_stats(const std::vector<float>& x) {
  const std::vector<double> center = column_means(x, 2);
  const size_t n = x.size() / 2;
  RadialStats stats;
  std::vector<double> r(n);
  for (size_t i = 0; i < n; ++i) {
    r[i] = std::hypot(x[2 * i] - center[0], x[2 * i + 1] - center[1]);
    stats.mean += r[i] / double(n);
    stats.max = std::max(stats.max, r[i]);
  }
  for (double value : r) stats.std += (value - stats.mean) * (value - stats.mean) / double(n);
  stats.std = std::sqrt(stats.std);
  return stats;
}

// Runs the scheme for `steps` outer steps; objective after each step (index 0: at the start).
inline std::vector<double> run(Jko& jko, uint32_t steps) {
  std::vector<double> objective{jko.objective().total};
  for (uint32_t k = 0; k < steps; ++k) {
    jko.step(1);
    objective.push_back(jko.objective().total);
  }
  return objective;
}

inline void expect_decreasing(const std::vector<double>& objective, double slack) {
  for (size_t k = 1; k < objective.size(); ++k)
    EXPECT_LE(objective[k], objective[k - 1] + slack)
        << "step " << k << ": F went from " << objective[k - 1] << " to " << objective[k];
  EXPECT_LT(objective.back(), objective.front());
}

// The Fokker-Planck equation of V = 1/2 (x - b)^T A (x - b) plus the entropy, from N(m0, S0): dm/dt = -A (m - b),
// dS/dt = -A S - S A + 2 I, integrated in float64 with RK4.
struct Gaussian2 {
  double m[2], S[4];
};

inline Gaussian2 fokker_planck(Gaussian2 g, const double* A, const double* b, double t) {
  const auto derivative = [&](const Gaussian2& s) {
    Gaussian2 out{};
    for (int r = 0; r < 2; ++r) out.m[r] = -(A[2 * r] * (s.m[0] - b[0]) + A[2 * r + 1] * (s.m[1] - b[1]));
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 2; ++c) {
        double as = 0.0, sa = 0.0;
        for (int k = 0; k < 2; ++k) {
          as += A[2 * r + k] * s.S[2 * k + c];
          sa += s.S[2 * r + k] * A[2 * k + c];
        }
        out.S[2 * r + c] = -as - sa + (r == c ? 2.0 : 0.0);
      }
    return out;
  };
  const auto axpy = [](const Gaussian2& s, double h, const Gaussian2& k) {
    Gaussian2 out = s;
    for (int e = 0; e < 2; ++e) out.m[e] += h * k.m[e];
    for (int e = 0; e < 4; ++e) out.S[e] += h * k.S[e];
    return out;
  };
  const int steps = 2000;
  const double h = t / steps;
  for (int s = 0; s < steps; ++s) {
    const Gaussian2 k1 = derivative(g), k2 = derivative(axpy(g, h / 2, k1)), k3 = derivative(axpy(g, h / 2, k2)),
                    k4 = derivative(axpy(g, h, k3));
    for (int e = 0; e < 2; ++e) g.m[e] += h / 6 * (k1.m[e] + 2 * k2.m[e] + 2 * k3.m[e] + k4.m[e]);
    for (int e = 0; e < 4; ++e) g.S[e] += h / 6 * (k1.S[e] + 2 * k2.S[e] + 2 * k3.S[e] + k4.S[e]);
  }
  return g;
}

}  // namespace swf::test
