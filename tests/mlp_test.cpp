// The learned flow's MLP on the CPU backend: each layer against a float64 reference and central finite
// differences, the whole network's gradient, Adam's closed form, the identity at t = 0, training on a known
// map, determinism across thread counts, and the checks of set_parameters.
#include "mlp.hpp"

#include <cblas.h>
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <tuple>

#include "cpu_backend.hpp"
#include "error.hpp"
#include "reference.hpp"

namespace swf {
namespace {

const MlpActivation all_activations[] = {MlpActivation::silu, MlpActivation::relu, MlpActivation::tanh};

std::vector<float> uniform_values(size_t count, uint64_t seed, float low, float high) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(low, high);
  std::vector<float> values(count);
  for (float& value : values) value = uniform(rng);
  return values;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double total = 0.0;
  for (size_t i = 0; i < a.size(); ++i) total += double(a[i]) * b[i];
  return total;
}

double norm(const std::vector<float>& a) { return std::sqrt(dot(a, a)); }

double activation_reference(MlpActivation activation, double x) {
  switch (activation) {
    case MlpActivation::silu: return x / (1.0 + std::exp(-x));
    case MlpActivation::relu: return x > 0.0 ? x : 0.0;
    case MlpActivation::tanh: return std::tanh(x);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// ---- GEMM --------------------------------------------------------------------------------------------

TEST(CpuGemm, MatchesNaiveDoubleLoopForAllTransposesAndAwkwardSizes) {
  cpu::CpuBackend backend;
  struct Shape {
    size_t m, n, k;
  };
  const Shape shapes[] = {{1, 1, 1}, {7, 13, 5}, {33, 17, 65}, {130, 3, 257}, {1, 300, 2}, {257, 129, 1}, {2, 2, 1031}};
  uint64_t seed = 1;
  for (const Shape& s : shapes)
    for (bool transpose_a : {false, true})
      for (bool transpose_b : {false, true})
        for (float beta : {0.0f, -1.25f}) {
          const std::vector<float> a = uniform_values(s.m * s.k, seed++, -1.0f, 1.0f);
          const std::vector<float> b = uniform_values(s.k * s.n, seed++, -1.0f, 1.0f);
          std::vector<float> c = uniform_values(s.m * s.n, seed++, -1.0f, 1.0f);
          const std::vector<float> c_before = c;
          // beta = 0 must not read c: NaN there may not leak into the product.
          if (beta == 0.0f) std::fill(c.begin(), c.end(), std::numeric_limits<float>::quiet_NaN());
          const float alpha = 0.75f;
          backend.gemm(transpose_a, transpose_b, s.m, s.n, s.k, alpha, a.data(), b.data(), beta, c.data());
          for (size_t i = 0; i < s.m; ++i)
            for (size_t j = 0; j < s.n; ++j) {
              double sum = 0.0, magnitude = 0.0;
              for (size_t p = 0; p < s.k; ++p) {
                const double a_ip = transpose_a ? a[p * s.m + i] : a[i * s.k + p];
                const double b_pj = transpose_b ? b[j * s.k + p] : b[p * s.n + j];
                sum += a_ip * b_pj;
                magnitude += std::fabs(a_ip * b_pj);
              }
              const double expected = alpha * sum + (beta == 0.0f ? 0.0 : beta * double(c_before[i * s.n + j]));
              ASSERT_NEAR(c[i * s.n + j], expected, 1e-6 * (magnitude + 1.0))
                  << "m " << s.m << " n " << s.n << " k " << s.k << " transposes " << transpose_a << transpose_b
                  << " beta " << beta << " at " << i << ", " << j;
            }
        }
}

TEST(CpuGemm, EmptyInnerDimensionOnlyScalesC) {
  cpu::CpuBackend backend;
  std::vector<float> c = {1.0f, -2.0f, 3.0f, 4.0f, 5.0f, 6.0f};
  backend.gemm(false, false, 2, 3, 0, 1.0f, nullptr, nullptr, 0.5f, c.data());
  EXPECT_EQ(c, (std::vector<float>{0.5f, -1.0f, 1.5f, 2.0f, 2.5f, 3.0f}));
  std::fill(c.begin(), c.end(), std::numeric_limits<float>::quiet_NaN());
  backend.gemm(true, true, 2, 3, 0, 1.0f, nullptr, nullptr, 0.0f, c.data());
  EXPECT_EQ(c, std::vector<float>(6, 0.0f));
}

// OpenBLAS cuts a long inner dimension into panels differently on one thread and on several; the slices of
// cpu/gemm.cpp keep the weight gradients (k = the batch) the same bits.
TEST(CpuGemm, SameBitsWhateverTheThreadCount) {
  cpu::CpuBackend backend;
  const size_t m = 130, n = 96, k = 1500;
  const std::vector<float> a = uniform_values(m * k, 16, -1.0f, 1.0f), b = uniform_values(k * n, 17, -1.0f, 1.0f);
  const auto product = [&](int threads, bool transpose_a) {
    omp_set_num_threads(threads);
    openblas_set_num_threads(threads);
    std::vector<float> c(m * n);
    backend.gemm(transpose_a, false, m, n, k, 1.0f, a.data(), b.data(), 0.0f, c.data());
    return c;
  };
  const int threads = omp_get_max_threads();
  for (bool transpose_a : {false, true}) {
    const std::vector<float> one = product(1, transpose_a), many = product(std::max(threads, 4), transpose_a);
    EXPECT_EQ(one, many) << "transpose_a " << transpose_a;
  }
  omp_set_num_threads(threads);
  openblas_set_num_threads(threads);
}

// ---- bias, activation, column sums --------------------------------------------------------------------

TEST(MlpLayers, BiasActivationMatchesItsDefinition) {
  cpu::CpuBackend backend;
  const size_t rows = 301, cols = 67;  // rows * cols above the parallel threshold
  const std::vector<float> z = uniform_values(rows * cols, 3, -8.0f, 8.0f);
  const std::vector<float> bias = uniform_values(cols, 4, -1.0f, 1.0f);
  for (MlpActivation activation : all_activations) {
    std::vector<float> y = z, pre(rows * cols);
    backend.bias_activation(y.data(), bias.data(), rows, cols, activation, pre.data());
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < cols; ++c) {
        const size_t e = r * cols + c;
        ASSERT_EQ(pre[e], z[e] + bias[c]);
        const double expected = activation_reference(activation, pre[e]);
        ASSERT_NEAR(y[e], expected, 1e-6 * (1.0 + std::fabs(expected))) << static_cast<int>(activation);
      }
  }
}

// d/dpre of sum(w * act(pre)) is w * act'(pre): activation_backward against central differences of the
// float forward pass. eps = 1e-2: truncation ~eps^2 |act'''| < 1e-4, rounding ~1e-7 |act| / eps < 1e-4, while
// a wrong derivative (the sigmoid for SiLU's, 1 - tanh for tanh's) is off by 0.1 or more.
TEST(MlpLayers, ActivationBackwardMatchesCentralDifferences) {
  cpu::CpuBackend backend;
  const size_t rows = 257, cols = 70;
  const float eps = 1e-2f;
  std::vector<float> pre = uniform_values(rows * cols, 5, -6.0f, 6.0f);
  for (size_t e = 0; e < 20; ++e) pre[e] = 40.0f * (e % 2 ? 1.0f : -1.0f);  // exp() overflows on one side
  const std::vector<float> grad_y = uniform_values(rows * cols, 6, -2.0f, 2.0f);
  const std::vector<float> zero_bias(cols, 0.0f);
  for (MlpActivation activation : all_activations) {
    std::vector<float> grad_pre(rows * cols), plus = pre, minus = pre, scratch(rows * cols);
    backend.activation_backward(pre.data(), grad_y.data(), rows, cols, activation, grad_pre.data());
    for (size_t e = 0; e < rows * cols; ++e) {
      plus[e] += eps;
      minus[e] -= eps;
    }
    backend.bias_activation(plus.data(), zero_bias.data(), rows, cols, activation, scratch.data());
    backend.bias_activation(minus.data(), zero_bias.data(), rows, cols, activation, scratch.data());
    for (size_t e = 0; e < rows * cols; ++e) {
      if (activation == MlpActivation::relu && std::fabs(pre[e]) <= eps) continue;  // the kink
      const double central = grad_y[e] * (double(plus[e]) - minus[e]) / (double(pre[e] + eps) - (pre[e] - eps));
      ASSERT_NEAR(grad_pre[e], central, 2e-4 + 1e-4 * std::fabs(central))
          << static_cast<int>(activation) << " at pre " << pre[e];
      ASSERT_TRUE(std::isfinite(grad_pre[e]));
    }
    // In place, as a caller may use it.
    std::vector<float> in_place = grad_y;
    backend.activation_backward(pre.data(), in_place.data(), rows, cols, activation, in_place.data());
    EXPECT_EQ(in_place, grad_pre);
  }
}

TEST(MlpLayers, ColumnSumsMatchADoubleLoop) {
  cpu::CpuBackend backend;
  for (size_t rows : {size_t{1}, size_t{3}, size_t{1000}})
    for (size_t cols : {size_t{1}, size_t{2}, size_t{63}, size_t{64}, size_t{65}, size_t{200}}) {
      const std::vector<float> x = uniform_values(rows * cols, rows * 1000 + cols, -1.0f, 1.0f);
      std::vector<float> sums(cols, 123.0f), accumulated = uniform_values(cols, 7, -1.0f, 1.0f);
      const std::vector<float> before = accumulated;
      backend.column_sums(x.data(), rows, cols, false, sums.data());
      backend.column_sums(x.data(), rows, cols, true, accumulated.data());
      for (size_t c = 0; c < cols; ++c) {
        double expected = 0.0;
        for (size_t r = 0; r < rows; ++r) expected += x[r * cols + c];
        ASSERT_NEAR(sums[c], expected, 1e-6 * (1.0 + std::fabs(expected))) << rows << " x " << cols;
        ASSERT_NEAR(accumulated[c], expected + before[c], 1e-6 * (1.0 + std::fabs(expected))) << rows << " x " << cols;
      }
    }
}

// ---- time conditioning ---------------------------------------------------------------------------------

TEST(MlpLayers, TimeFeaturesAreX0ThenTauThenSineCosinePairs) {
  cpu::CpuBackend backend;
  const size_t n = 5, d = 3;
  const uint32_t frequencies = 4;
  const float time_scale = 2.5f;
  const std::vector<float> x0 = uniform_values(n * d, 8, -3.0f, 3.0f);
  const std::vector<float> t = {0.0f, 0.3f, 1.25f, 2.5f, 4.0f};
  const size_t width = d + 1 + 2 * frequencies;
  std::vector<float> features(n * width);
  backend.time_features(x0.data(), t.data(), n, d, frequencies, time_scale, features.data());
  for (size_t i = 0; i < n; ++i) {
    const float* row = features.data() + i * width;
    for (size_t k = 0; k < d; ++k) EXPECT_EQ(row[k], x0[i * d + k]);
    const double tau = double(t[i]) / time_scale;
    EXPECT_EQ(row[d], t[i] / time_scale);
    for (uint32_t f = 0; f < frequencies; ++f) {
      const double angle = std::ldexp(M_PI, static_cast<int>(f)) * tau;
      EXPECT_NEAR(row[d + 1 + 2 * f], std::sin(angle), 1e-7) << "row " << i << " frequency " << f;
      EXPECT_NEAR(row[d + 2 + 2 * f], std::cos(angle), 1e-7) << "row " << i << " frequency " << f;
    }
  }
}

// time_gate and regression_gradient together: the loss as a function of g, L(g) = 1/(n d) |x0 + tau g - y|^2,
// against central differences on random directions and on single coordinates.
TEST(MlpLayers, RegressionGradientThroughTheTimeGateMatchesCentralDifferences) {
  cpu::CpuBackend backend;
  const size_t n = 37, d = 3;
  const float time_scale = 1.5f;
  const std::vector<float> x0 = uniform_values(n * d, 9, -2.0f, 2.0f), y = uniform_values(n * d, 10, -2.0f, 2.0f);
  const std::vector<float> g = uniform_values(n * d, 11, -1.0f, 1.0f);
  std::vector<float> t = uniform_values(n, 12, 0.0f, time_scale);
  t[0] = 0.0f;
  std::vector<float> out(n * d), grad_g(n * d), unused(n * d);
  const auto loss_at = [&](const std::vector<float>& g_values) {
    backend.time_gate(x0.data(), t.data(), g_values.data(), n, d, time_scale, out.data());
    return backend.regression_gradient(out.data(), y.data(), t.data(), n, d, time_scale, unused.data());
  };
  backend.time_gate(x0.data(), t.data(), g.data(), n, d, time_scale, out.data());
  const double loss = backend.regression_gradient(out.data(), y.data(), t.data(), n, d, time_scale, grad_g.data());

  double expected_loss = 0.0;
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < d; ++k) {
      const double tau = double(t[i]) / time_scale;
      EXPECT_NEAR(out[i * d + k], x0[i * d + k] + tau * g[i * d + k], 1e-6);
      const double residual = x0[i * d + k] + tau * g[i * d + k] - y[i * d + k];
      expected_loss += residual * residual;
    }
  EXPECT_NEAR(loss, expected_loss / double(n * d), 1e-6 * loss);
  for (size_t k = 0; k < d; ++k) EXPECT_EQ(grad_g[k], 0.0f);  // t = 0: g does not matter

  const float eps = 1e-3f;
  for (uint64_t direction = 0; direction < 4; ++direction) {
    const std::vector<float> v = uniform_values(n * d, 100 + direction, -1.0f, 1.0f);
    std::vector<float> plus = g, minus = g;
    for (size_t e = 0; e < n * d; ++e) {
      plus[e] += eps * v[e];
      minus[e] -= eps * v[e];
    }
    const double central = (loss_at(plus) - loss_at(minus)) / (2.0 * eps);
    EXPECT_NEAR(central, dot(grad_g, v), 1e-2 * std::fabs(central));
  }
  for (size_t e = 0; e < n * d; e += 5) {
    std::vector<float> plus = g, minus = g;
    plus[e] += eps;
    minus[e] -= eps;
    const double central = (loss_at(plus) - loss_at(minus)) / (double(plus[e]) - minus[e]);
    EXPECT_NEAR(central, grad_g[e], 1e-2 * std::fabs(grad_g[e]) + 1e-6) << "coordinate " << e;
  }
}

// ---- Adam -----------------------------------------------------------------------------------------------

// Two steps from zero moments have a closed form: after gradients g1, g2,
// m^ = (b1 g1 + g2) / (1 + b1), v^ = (b2 g1^2 + g2^2) / (1 + b2) at step 2, and m^ = g1, v^ = g1^2 at step 1.
TEST(MlpAdam, TwoStepsMatchTheClosedForm) {
  cpu::CpuBackend backend;
  const size_t count = 20000;  // above the parallel threshold
  AdamParams adam;
  adam.learning_rate = 0.01f;
  adam.beta1 = 0.8f;
  adam.beta2 = 0.99f;
  adam.epsilon = 1e-6f;
  const std::vector<float> w0 = uniform_values(count, 13, -1.0f, 1.0f);
  std::vector<float> g1 = uniform_values(count, 14, -1.0f, 1.0f), g2 = uniform_values(count, 15, -1e-3f, 1e-3f);
  g1[0] = 0.0f;
  g2[0] = 0.0f;
  g1[1] = 1e-7f;
  std::vector<float> w = w0, m(count, 0.0f), v(count, 0.0f);
  backend.adam_update(w.data(), g1.data(), m.data(), v.data(), count, adam, 1);
  const std::vector<float> w1 = w;
  backend.adam_update(w.data(), g2.data(), m.data(), v.data(), count, adam, 2);
  const double b1 = adam.beta1, b2 = adam.beta2, lr = adam.learning_rate, eps = adam.epsilon;
  for (size_t e = 0; e < count; ++e) {
    const double step1 = lr * g1[e] / (std::fabs(double(g1[e])) + eps);
    const double m_hat = (b1 * g1[e] + g2[e]) / (1.0 + b1);
    const double v_hat = (b2 * double(g1[e]) * g1[e] + double(g2[e]) * g2[e]) / (1.0 + b2);
    const double step2 = lr * m_hat / (std::sqrt(v_hat) + eps);
    ASSERT_NEAR(w1[e], w0[e] - step1, 1e-7 + 1e-5 * std::fabs(step1)) << e;
    ASSERT_NEAR(w[e], w0[e] - step1 - step2, 2e-7 + 1e-5 * (std::fabs(step1) + std::fabs(step2))) << e;
    ASSERT_NEAR(m[e], (1.0 - b1) * (b1 * g1[e] + g2[e]), 1e-6 * (std::fabs(g1[e]) + std::fabs(g2[e])));
  }
  EXPECT_EQ(w[0], w0[0]);  // zero gradients leave a weight alone
  EXPECT_THROW(backend.adam_update(w.data(), g1.data(), m.data(), v.data(), count, adam, 0), Error);
}

// ---- the network ----------------------------------------------------------------------------------------

struct Batch {
  size_t n;
  std::vector<float> x0, t, y;
};

Batch random_batch(const MlpConfig& config, size_t n, uint64_t seed) {
  Batch batch{n, test::gaussian_points(n, config.dim, seed), uniform_values(n, seed + 1, 0.0f, config.time_scale),
              test::gaussian_points(n, config.dim, seed + 2, 1.5f, 0.25f)};
  return batch;
}

// Every parameter drawn afresh (the output layer starts at zero, which hides every other layer's gradient).
std::vector<float> random_parameters(const Mlp& model, uint64_t seed, float scale) {
  return test::gaussian_points(model.parameter_count(), 1, seed, scale);
}

double float_loss(Mlp& model, const Batch& batch, std::vector<float>& gradient) {
  return model.loss_and_gradient(batch.x0.data(), batch.t.data(), batch.y.data(), batch.n, gradient.data());
}

// The network in float64, independently of the backend, from the documented flat layout: per layer the
// weight [inputs x outputs] row-major, then the bias.
double reference_loss(const MlpConfig& config, const std::vector<double>& params, const Batch& batch,
                      std::vector<double>* mapped = nullptr) {
  const size_t d = config.dim, features = d + 1 + 2 * size_t{config.frequencies};
  double total = 0.0;
  for (size_t i = 0; i < batch.n; ++i) {
    const double tau = double(batch.t[i]) / config.time_scale;
    std::vector<double> h(batch.x0.begin() + i * d, batch.x0.begin() + (i + 1) * d);
    h.push_back(tau);
    for (uint32_t f = 0; f < config.frequencies; ++f) {
      h.push_back(std::sin(std::ldexp(M_PI, static_cast<int>(f)) * tau));
      h.push_back(std::cos(std::ldexp(M_PI, static_cast<int>(f)) * tau));
    }
    size_t offset = 0, inputs = features;
    for (uint32_t l = 0; l <= config.depth; ++l) {
      const size_t outputs = l < config.depth ? config.width : d;
      std::vector<double> z(outputs);
      for (size_t o = 0; o < outputs; ++o) {
        double sum = params[offset + inputs * outputs + o];
        for (size_t p = 0; p < inputs; ++p) sum += h[p] * params[offset + p * outputs + o];
        z[o] = l < config.depth ? activation_reference(config.activation, sum) : sum;
      }
      offset += inputs * outputs + outputs;
      inputs = outputs;
      h = z;
    }
    for (size_t k = 0; k < d; ++k) {
      const double out = batch.x0[i * d + k] + tau * h[k];
      if (mapped) mapped->push_back(out);
      total += (out - batch.y[i * d + k]) * (out - batch.y[i * d + k]);
    }
  }
  return total / double(batch.n * d);
}

MlpConfig random_config(std::mt19937_64& rng, MlpActivation activation) {
  MlpConfig config;
  config.dim = 1 + rng() % 3;
  config.width = 3 + static_cast<uint32_t>(rng() % 6);
  config.depth = 1 + static_cast<uint32_t>(rng() % 3);
  config.frequencies = static_cast<uint32_t>(rng() % 4);
  config.time_scale = (rng() % 2) ? 1.0f : 2.5f;
  config.activation = activation;
  return config;
}

// The library's float loss and gradient against the float64 network: its loss (1e-5), central differences of
// its own float loss on random directions (eps 1e-3 on parameters of size ~0.5, relative 1e-2), and central
// differences of the float64 loss (eps 1e-6) on single coordinates of every layer (relative 1e-3).
TEST(MlpNetwork, ParameterGradientMatchesCentralDifferencesOnRandomConfigs) {
  std::mt19937_64 rng(2024);
  auto backend = std::make_shared<cpu::CpuBackend>();
  for (int trial = 0; trial < 12; ++trial) {
    const MlpConfig config = random_config(rng, all_activations[trial % 3]);
    SCOPED_TRACE("trial " + std::to_string(trial) + ": d " + std::to_string(config.dim) + " width " +
                 std::to_string(config.width) + " depth " + std::to_string(config.depth) + " F " +
                 std::to_string(config.frequencies) + " activation " +
                 std::to_string(static_cast<int>(config.activation)));
    Mlp model(backend, config, 77 + trial);
    const std::vector<float> params = random_parameters(model, 500 + trial, 0.5f);
    model.set_flat_parameters(params);
    const Batch batch = random_batch(config, 9 + trial, 900 + trial);
    std::vector<float> gradient(model.parameter_count()), unused(model.parameter_count());
    const double loss = float_loss(model, batch, gradient);
    const std::vector<double> params64(params.begin(), params.end());
    EXPECT_NEAR(loss, reference_loss(config, params64, batch), 1e-5 * loss);

    const float eps = 1e-3f;
    const double gradient_norm = norm(gradient);
    ASSERT_GT(gradient_norm, 1e-3);
    for (uint64_t direction = 0; direction < 3; ++direction) {
      const std::vector<float> v = test::gaussian_points(params.size(), 1, 7000 + 10 * trial + direction);
      std::vector<float> plus = params, minus = params;
      for (size_t e = 0; e < params.size(); ++e) {
        plus[e] += eps * v[e];
        minus[e] -= eps * v[e];
      }
      model.set_flat_parameters(plus);
      const double loss_plus = float_loss(model, batch, unused);
      model.set_flat_parameters(minus);
      const double loss_minus = float_loss(model, batch, unused);
      const double central = (loss_plus - loss_minus) / (2.0 * eps), analytic = dot(gradient, v);
      EXPECT_NEAR(central, analytic, 1e-2 * std::fabs(analytic) + 1e-4) << "direction " << direction;
    }

    // A few coordinates of every weight matrix and bias, first and last included.
    std::vector<size_t> coordinates;
    size_t offset = 0, inputs = config.dim + 1 + 2 * size_t{config.frequencies};
    for (uint32_t l = 0; l <= config.depth; ++l) {
      const size_t outputs = l < config.depth ? config.width : config.dim;
      const size_t bias = offset + inputs * outputs;
      for (size_t e : {offset, offset + inputs * outputs / 2, bias - 1, bias, bias + outputs - 1})
        coordinates.push_back(e);
      coordinates.push_back(offset + rng() % (inputs * outputs));
      offset = bias + outputs;
      inputs = outputs;
    }
    ASSERT_EQ(offset, model.parameter_count());
    double largest = 0.0;
    for (float value : gradient) largest = std::max(largest, double(std::fabs(value)));
    for (size_t e : coordinates) {
      const double h = 1e-6;
      std::vector<double> plus = params64, minus = params64;
      plus[e] += h;
      minus[e] -= h;
      const double central = (reference_loss(config, plus, batch) - reference_loss(config, minus, batch)) / (2 * h);
      EXPECT_NEAR(gradient[e], central, 1e-3 * std::fabs(central) + 1e-5 * largest) << "coordinate " << e;
    }
    model.set_flat_parameters(params);
  }
}

// A loss that is no regression, L = sum_ik c_ik sin(out_ik), through its output gradient c_ik cos(out_ik):
// the parameter gradient against central differences of the float64 network (eps 1e-6, relative 1e-3).
TEST(MlpNetwork, OutputGradientBackwardMatchesCentralDifferencesOfAnyLoss) {
  std::mt19937_64 rng(77);
  auto backend = std::make_shared<cpu::CpuBackend>();
  for (int trial = 0; trial < 6; ++trial) {
    const MlpConfig config = random_config(rng, all_activations[trial % 3]);
    Mlp model(backend, config, 5 + trial);
    const std::vector<float> params = random_parameters(model, 60 + trial, 0.5f);
    model.set_flat_parameters(params);
    const Batch batch = random_batch(config, 7 + trial, 80 + trial);
    const std::vector<float> weights = test::gaussian_points(batch.n, config.dim, 90 + trial);
    const std::vector<double> params64(params.begin(), params.end());
    const auto loss64 = [&](const std::vector<double>& p) {
      std::vector<double> out;
      reference_loss(config, p, batch, &out);
      double total = 0.0;
      for (size_t e = 0; e < out.size(); ++e) total += weights[e] * std::sin(out[e]);
      return total;
    };
    std::vector<double> out;
    reference_loss(config, params64, batch, &out);
    std::vector<float> output_gradient(out.size()), gradient(model.parameter_count());
    for (size_t e = 0; e < out.size(); ++e) output_gradient[e] = float(weights[e] * std::cos(out[e]));
    model.output_gradient_backward(batch.x0.data(), batch.t.data(), batch.n, output_gradient.data(), gradient.data());
    double largest = 0.0;
    for (float value : gradient) largest = std::max(largest, double(std::fabs(value)));
    ASSERT_GT(largest, 1e-3);
    for (int pick = 0; pick < 24; ++pick) {
      const size_t e = rng() % params.size();
      std::vector<double> plus = params64, minus = params64;
      plus[e] += 1e-6;
      minus[e] -= 1e-6;
      const double central = (loss64(plus) - loss64(minus)) / 2e-6;
      EXPECT_NEAR(gradient[e], central, 1e-3 * std::fabs(central) + 1e-5 * largest)
          << "trial " << trial << " coordinate " << e;
    }
  }
}

TEST(MlpNetwork, ForwardMatchesTheFloat64NetworkAndTheLayoutOfParameters) {
  auto backend = std::make_shared<cpu::CpuBackend>();
  MlpConfig config;
  config.dim = 3;
  config.width = 16;
  config.depth = 2;
  config.frequencies = 3;
  config.time_scale = 2.0f;
  Mlp model(backend, config, 5);
  EXPECT_EQ(model.parameter_count(), (3 + 1 + 6) * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3);
  const std::vector<float> params = random_parameters(model, 6, 0.4f);
  model.set_flat_parameters(params);
  const std::vector<NamedArray> arrays = model.parameters();
  ASSERT_EQ(arrays.size(), 6u);
  const char* names[] = {"layer0/weight", "layer0/bias",   "layer1/weight",
                         "layer1/bias",   "layer2/weight", "layer2/bias"};
  const std::vector<size_t> shapes[] = {{10, 16}, {16}, {16, 16}, {16}, {16, 3}, {3}};
  std::vector<float> concatenated;
  for (size_t a = 0; a < arrays.size(); ++a) {
    EXPECT_EQ(arrays[a].name, names[a]);
    EXPECT_EQ(arrays[a].shape, shapes[a]);
    concatenated.insert(concatenated.end(), arrays[a].values.begin(), arrays[a].values.end());
  }
  EXPECT_EQ(concatenated, params);

  const Batch batch = random_batch(config, 50, 7);
  std::vector<float> out(batch.n * config.dim);
  model.forward(batch.x0.data(), batch.t.data(), batch.n, out.data());
  std::vector<double> expected;
  reference_loss(config, std::vector<double>(params.begin(), params.end()), batch, &expected);
  for (size_t e = 0; e < out.size(); ++e) EXPECT_NEAR(out[e], expected[e], 1e-5 * (1.0 + std::fabs(expected[e])));
}

TEST(MlpNetwork, IsTheIdentityAtTimeZeroAndAtInitialisation) {
  auto backend = std::make_shared<cpu::CpuBackend>();
  for (MlpActivation activation : all_activations) {
    MlpConfig config;
    config.dim = 4;
    config.width = 32;
    config.depth = 3;
    config.activation = activation;
    config.time_scale = 3.0f;
    Mlp model(backend, config, 11);
    const size_t n = 500;
    const std::vector<float> x0 = test::gaussian_points(n, config.dim, 12, 3.0f);
    std::vector<float> t = uniform_values(n, 13, 0.0f, 6.0f), out(n * config.dim);
    t[1] = 3.0f;
    t[2] = 1e6f;
    model.forward(x0.data(), t.data(), n, out.data());
    EXPECT_EQ(out, x0) << "f = x0 at initialisation, for every t";

    // The output layer is zero at the start, the hidden layers are not.
    const std::vector<NamedArray> arrays = model.parameters();
    for (const NamedArray& array : arrays) {
      const bool zero = std::all_of(array.values.begin(), array.values.end(), [](float v) { return v == 0.0f; });
      const bool output_layer = array.name.rfind("layer" + std::to_string(config.depth) + "/", 0) == 0;
      EXPECT_EQ(zero, output_layer || array.name.find("bias") != std::string::npos) << array.name;
      if (array.name.find("weight") != std::string::npos && !output_layer) {
        const double limit = std::sqrt(6.0 / double(array.shape[0] + array.shape[1]));
        for (float value : array.values) ASSERT_LE(std::fabs(value), limit) << array.name;
      }
    }

    model.set_flat_parameters(random_parameters(model, 14, 1.0f));
    std::fill(t.begin(), t.end(), 0.0f);
    model.forward(x0.data(), t.data(), n, out.data());
    EXPECT_EQ(out, x0) << "f(x0, 0) = x0 whatever the weights";
  }
}

TEST(MlpNetwork, SameSeedSameWeightsOtherSeedOtherWeights) {
  auto backend = std::make_shared<cpu::CpuBackend>();
  const MlpConfig config;
  EXPECT_EQ(Mlp(backend, config, 1).flat_parameters(), Mlp(backend, config, 1).flat_parameters());
  EXPECT_NE(Mlp(backend, config, 1).flat_parameters(), Mlp(backend, config, 2).flat_parameters());
}

// Buffers grow with the batch and are reused for smaller ones: a small batch after a large one gives the same
// bits as on a fresh model.
TEST(MlpNetwork, SmallBatchAfterALargeOneGivesTheSameGradient) {
  auto backend = std::make_shared<cpu::CpuBackend>();
  MlpConfig config;
  config.width = 20;
  config.depth = 2;
  Mlp used(backend, config, 8), fresh(backend, config, 8);
  const std::vector<float> params = random_parameters(used, 9, 0.5f);
  used.set_flat_parameters(params);
  fresh.set_flat_parameters(params);
  const Batch large = random_batch(config, 700, 10), small = random_batch(config, 33, 11);
  std::vector<float> gradient_used(used.parameter_count()), gradient_fresh(used.parameter_count());
  float_loss(used, large, gradient_used);
  EXPECT_EQ(float_loss(used, small, gradient_used), float_loss(fresh, small, gradient_fresh));
  EXPECT_EQ(gradient_used, gradient_fresh);
}

// Batches larger than any training batch are mapped in chunks; rows do not depend on their neighbours.
TEST(MlpNetwork, LargeBatchesMatchSmallOnes) {
  auto backend = std::make_shared<cpu::CpuBackend>();
  MlpConfig config;
  config.width = 24;
  config.depth = 2;
  Mlp model(backend, config, 3);
  model.set_flat_parameters(random_parameters(model, 4, 0.3f));
  const size_t n = 40000;
  const std::vector<float> x0 = test::gaussian_points(n, config.dim, 5), t = uniform_values(n, 6, 0.0f, 1.0f);
  std::vector<float> all(n * config.dim), part(100 * config.dim);
  model.forward(x0.data(), t.data(), n, all.data());
  for (size_t first : {size_t{0}, size_t{16380}, size_t{39900}}) {
    model.forward(x0.data() + first * config.dim, t.data() + first, 100, part.data());
    for (size_t e = 0; e < part.size(); ++e)
      ASSERT_NEAR(all[first * config.dim + e], part[e], 1e-6 * (1.0 + std::fabs(part[e]))) << first;
  }
}

// y = x0 + t A x0, t ~ U[0, T]: g = A x0 is in reach of a small network; fresh minibatches every step. The
// loss falls about 10^5-fold in 3000 steps (measured: 8.5e4); a wrong gradient stalls far above 1/1000.
TEST(MlpTraining, LearnsALinearFlowAndDrivesTheLossDownAThousandfold) {
  auto backend = std::make_shared<cpu::CpuBackend>();
  MlpConfig config;
  config.dim = 2;
  config.width = 32;
  config.depth = 2;
  config.frequencies = 2;
  config.time_scale = 2.0f;
  Mlp model(backend, config, 21);
  const double A[2][2] = {{0.5, -1.0}, {0.8, 0.3}};
  AdamParams adam;
  adam.learning_rate = 3e-3f;
  const size_t n = 256, steps = 3000;
  std::mt19937_64 rng(22);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> uniform(0.0f, config.time_scale);
  std::vector<float> x0(n * 2), t(n), y(n * 2);
  double first_loss = 0.0, last_losses = 0.0;
  for (size_t step = 0; step < steps; ++step) {
    for (size_t i = 0; i < n; ++i) {
      x0[2 * i] = normal(rng);
      x0[2 * i + 1] = normal(rng);
      t[i] = uniform(rng);
      for (size_t k = 0; k < 2; ++k)
        y[2 * i + k] = static_cast<float>(x0[2 * i + k] + t[i] * (A[k][0] * x0[2 * i] + A[k][1] * x0[2 * i + 1]));
    }
    if (step == steps / 2) adam.learning_rate = 1e-3f;
    const double loss = model.train_step(x0.data(), t.data(), y.data(), n, adam);
    if (step == 0) first_loss = loss;
    if (step >= steps - 100) last_losses += loss / 100.0;
  }
  EXPECT_EQ(model.adam_steps(), steps);
  EXPECT_GT(first_loss, 0.5);
  EXPECT_LT(last_losses, first_loss / 1000.0) << "first " << first_loss << " last " << last_losses;
}

// The model's parameters after training steps, and the losses, are the same bits with 1 and 4 threads.
TEST(MlpTraining, SameBitsWhateverTheThreadCount) {
  const auto train = [] {
    auto backend = std::make_shared<cpu::CpuBackend>();
    MlpConfig config;
    config.dim = 3;
    config.width = 96;
    config.depth = 2;
    Mlp model(backend, config, 31);
    const Batch batch = random_batch(config, 3000, 32);  // above every parallel threshold
    std::vector<double> losses;
    for (int step = 0; step < 5; ++step)
      losses.push_back(model.train_step(batch.x0.data(), batch.t.data(), batch.y.data(), batch.n, AdamParams{}));
    std::vector<float> out(batch.n * config.dim);
    model.forward(batch.x0.data(), batch.t.data(), batch.n, out.data());
    return std::make_tuple(model.flat_parameters(), losses, out);
  };
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  openblas_set_num_threads(1);
  const auto one = train();
  omp_set_num_threads(std::max(threads, 4));
  openblas_set_num_threads(std::max(threads, 4));
  const auto many = train();
  omp_set_num_threads(threads);
  openblas_set_num_threads(threads);
  EXPECT_EQ(std::get<0>(one), std::get<0>(many));
  EXPECT_EQ(std::get<1>(one), std::get<1>(many));
  EXPECT_EQ(std::get<2>(one), std::get<2>(many));
}

// ---- parameters in and out ------------------------------------------------------------------------------

swf_status status_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& error) {
    return error.status();
  }
  return SWF_OK;
}

TEST(MlpParameters, RoundTripInAnyOrderAndRejectWrongNamesAndShapes) {
  auto backend = std::make_shared<cpu::CpuBackend>();
  MlpConfig config;
  config.width = 8;
  config.depth = 2;
  Mlp source(backend, config, 41), target(backend, config, 42);
  source.set_flat_parameters(random_parameters(source, 43, 1.0f));
  std::vector<NamedArray> arrays = source.parameters();
  std::reverse(arrays.begin(), arrays.end());
  target.set_parameters(arrays);
  EXPECT_EQ(target.flat_parameters(), source.flat_parameters());

  const std::vector<float> before = target.flat_parameters();
  const auto rejects = [&](const std::vector<NamedArray>& wrong, const char* why) {
    EXPECT_EQ(status_of([&] { target.set_parameters(wrong); }), SWF_ERR_FORMAT) << why;
    EXPECT_EQ(target.flat_parameters(), before) << why << ": nothing may change";
  };
  std::vector<NamedArray> wrong = arrays;
  wrong[0].name = "layer9/weight";
  rejects(wrong, "unknown name");
  wrong = arrays;
  wrong.pop_back();
  rejects(wrong, "missing array");
  wrong = arrays;
  wrong.push_back(arrays[0]);
  rejects(wrong, "array given twice");
  wrong = arrays;
  for (NamedArray& array : wrong)
    if (array.name == "layer1/weight") array.shape = {4, 16};  // same count, other shape
  rejects(wrong, "wrong shape");
  wrong = arrays;
  for (NamedArray& array : wrong)
    if (array.name == "layer0/bias") array.values.pop_back();
  rejects(wrong, "values do not fill the shape");
  wrong = arrays;
  for (NamedArray& array : wrong)
    if (array.name == "layer2/bias") array.values[0] = std::numeric_limits<float>::quiet_NaN();
  rejects(wrong, "NaN");

  EXPECT_EQ(status_of([&] { target.set_flat_parameters(std::vector<float>(3)); }), SWF_ERR_INVALID_ARGUMENT);
  MlpConfig bad = config;
  bad.depth = 0;
  EXPECT_EQ(status_of([&] { Mlp(backend, bad, 1); }), SWF_ERR_INVALID_ARGUMENT);
  bad = config;
  bad.time_scale = 0.0f;
  EXPECT_EQ(status_of([&] { Mlp(backend, bad, 1); }), SWF_ERR_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace swf
