// The CUDA backend against the CPU reference (cpu/), operation by operation, on random inputs of awkward
// sizes (as llama.cpp's test-backend-ops does for every backend), and whole flows through the C ABI.
// Each comparison states its normalised error and tolerance. Every test skips itself when no CUDA device
// answers (and the file holds one skipping test in a build without CUDA).
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "api_handles.hpp"
#include "backend_factory.hpp"
#include "cpu_backend.hpp"
#include "cuda_backend.cuh"
#include "directions.cuh"
#include "error.hpp"
#include "flow.hpp"
#include "radix_sort.cuh"
#include "reference.hpp"
#include "transport.cuh"

namespace swf::gpu {
namespace {

// Why the CUDA tests cannot run here ("" when they can): no device answers, or the device cannot run this
// build's kernels (SWF_ERR_UNSUPPORTED). Checked once per process.
const std::string& cuda_unavailable() {
  static const std::string why = [] {
    if (cuda_device_count(nullptr) == 0) return std::string("no CUDA device");
    try {
      make_cuda_backend();
    } catch (const Error& error) {
      if (error.status() == SWF_ERR_UNSUPPORTED) return std::string("no CUDA device for this build: ") + error.what();
    }
    return std::string();
  }();
  return why;
}

#define SKIP_WITHOUT_CUDA_DEVICE() \
  if (!cuda_unavailable().empty()) GTEST_SKIP() << cuda_unavailable()

// Values on a dyadic grid (multiples of 1/4 in [-levels/4, levels/4]): exact ties when levels is small,
// and every sum and difference of a flow step exact in float.
std::vector<float> tied_values(size_t count, uint64_t seed, int levels = 8) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> pick(-levels, levels);
  std::vector<float> values(count);
  for (float& value : values) value = pick(rng) / 4.0f;
  return values;
}

double row_norm(const float* row, size_t d) {
  double sum = 0.0;
  for (size_t k = 0; k < d; ++k) sum += double(row[k]) * row[k];
  return std::sqrt(sum);
}

class CudaBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_CUDA_DEVICE();
    backend_ = make_cuda_backend();
    cuda_ = dynamic_cast<CudaBackend*>(backend_.get());
    ASSERT_NE(cuda_, nullptr);
  }

  template <class T>
  Buffer<T> to_device(const std::vector<T>& host) {
    Buffer<T> buffer(backend_.get(), std::max<size_t>(1, host.size()));
    buffer.upload(host.data(), host.size());
    return buffer;
  }
  template <class T>
  std::vector<T> to_host(const Buffer<T>& buffer, size_t count) {
    std::vector<T> host(count);
    buffer.download(host.data(), count);
    return host;
  }

  std::shared_ptr<Backend> backend_;
  CudaBackend* cuda_ = nullptr;
  cpu::CpuBackend cpu_;
};

// ---- GEMMs --------------------------------------------------------------------------------------------

// |gpu - cpu| / (|theta_l| |x_i|) <= 1e-5: float32 dot products of length d summed in another order
// (the worst case is about d * 2^-24 of |theta_l| |x_i|; random signs give sqrt(d) * 2^-24).
double projection_error(const std::vector<float>& gpu, const std::vector<float>& cpu, const std::vector<float>& theta,
                        const std::vector<float>& points, uint32_t L, size_t count, size_t d) {
  double worst = 0.0;
  for (uint32_t l = 0; l < L; ++l)
    for (size_t i = 0; i < count; ++i) {
      const double scale = row_norm(&theta[l * d], d) * row_norm(&points[i * d], d) + 1e-30;
      worst = std::max(worst, std::fabs(double(gpu[l * count + i]) - cpu[l * count + i]) / scale);
    }
  return worst;
}

TEST_F(CudaBackendTest, ProjectionMatchesTheCpu) {
  struct Size {
    size_t count, d;
    uint32_t L;
  };
  for (const Size s : {Size{1, 1, 1}, Size{31, 3, 7}, Size{1000, 784, 33}, Size{65537, 3, 5}, Size{1000, 1, 64},
                       Size{999, 31, 1}}) {
    const std::vector<float> theta = test::unit_directions(s.L, s.d, 1 + s.count);
    const std::vector<float> points = test::gaussian_points(s.count, s.d, 2 + s.count, 3.0f, 1.0f);
    std::vector<float> expected(size_t{s.L} * s.count);
    cpu_.project(theta.data(), s.L, points.data(), s.count, s.d, expected.data());
    Buffer<float> theta_gpu = to_device(theta), points_gpu = to_device(points);
    Buffer<float> out(backend_.get(), expected.size());
    backend_->project(theta_gpu.data(), s.L, points_gpu.data(), s.count, s.d, out.data());
    const double error = projection_error(to_host(out, expected.size()), expected, theta, points, s.L, s.count, s.d);
    EXPECT_LE(error, 1e-5) << "count " << s.count << " d " << s.d << " L " << s.L;
  }
}

// TF32 (off by default): inputs rounded to 10-bit mantissas, so about 2^-11 of |theta_l| |x_i| per product.
// The measured error is printed; the tolerance is 4e-3.
TEST_F(CudaBackendTest, Tf32ProjectionErrorIsMeasured) {
  const uint32_t L = 64;
  const size_t count = 4096, d = 784;
  const std::vector<float> theta = test::unit_directions(L, d, 3);
  const std::vector<float> points = test::gaussian_points(count, d, 4, 1.0f, 0.5f);
  std::vector<float> expected(size_t{L} * count);
  cpu_.project(theta.data(), L, points.data(), count, d, expected.data());
  Buffer<float> theta_gpu = to_device(theta), points_gpu = to_device(points), out(backend_.get(), expected.size());
  cuda_->set_tf32(true);
  backend_->project(theta_gpu.data(), L, points_gpu.data(), count, d, out.data());
  cuda_->set_tf32(false);
  const double tf32_error = projection_error(to_host(out, expected.size()), expected, theta, points, L, count, d);
  backend_->project(theta_gpu.data(), L, points_gpu.data(), count, d, out.data());
  const double fp32_error = projection_error(to_host(out, expected.size()), expected, theta, points, L, count, d);
  std::cout << "projection error / (|theta| |x|), d = 784: TF32 " << tf32_error << ", FP32 " << fp32_error << "\n";
  RecordProperty("tf32_projection_error", std::to_string(tf32_error));
  EXPECT_LE(tf32_error, 4e-3);
  EXPECT_LE(fp32_error, 1e-5);
}

// |gpu - cpu| / (|displacement_i| |theta_k| + |v0|) <= 1e-5, with and without accumulation.
TEST_F(CudaBackendTest, VelocityMatchesTheCpu) {
  struct Size {
    size_t n, d;
    uint32_t L;
  };
  for (const Size s : {Size{1, 1, 1}, Size{31, 3, 7}, Size{1000, 784, 33}, Size{65537, 3, 5}, Size{1000, 1, 64}}) {
    for (bool accumulate : {false, true}) {
      const std::vector<float> theta = test::unit_directions(s.L, s.d, 5 + s.n);
      const std::vector<float> displacement = test::gaussian_points(s.L, s.n, 6 + s.n, 0.5f);
      const std::vector<float> start = test::gaussian_points(s.n, s.d, 7 + s.n);
      std::vector<float> expected = start;
      cpu_.accumulate_velocity(displacement.data(), theta.data(), s.L, s.n, s.d, accumulate, expected.data());
      Buffer<float> theta_gpu = to_device(theta), displacement_gpu = to_device(displacement);
      Buffer<float> velocity = to_device(start);
      backend_->accumulate_velocity(displacement_gpu.data(), theta_gpu.data(), s.L, s.n, s.d, accumulate,
                                    velocity.data());
      const std::vector<float> got = to_host(velocity, expected.size());
      double worst = 0.0;
      for (size_t i = 0; i < s.n; ++i) {
        double displacement_norm = 0.0;
        for (uint32_t l = 0; l < s.L; ++l)
          displacement_norm += double(displacement[l * s.n + i]) * displacement[l * s.n + i];
        for (size_t k = 0; k < s.d; ++k) {
          double theta_norm = 0.0;
          for (uint32_t l = 0; l < s.L; ++l) theta_norm += double(theta[l * s.d + k]) * theta[l * s.d + k];
          const double scale =
              std::sqrt(displacement_norm * theta_norm) + (accumulate ? std::fabs(start[i * s.d + k]) : 0.0);
          worst = std::max(worst, std::fabs(double(got[i * s.d + k]) - expected[i * s.d + k]) / (scale + 1e-30));
        }
      }
      EXPECT_LE(worst, 1e-5) << "n " << s.n << " d " << s.d << " L " << s.L << " accumulate " << accumulate;
    }
  }
}

// ---- sorts, prefix sums, transport -------------------------------------------------------------------

struct RowShape {
  size_t count;
  uint32_t L;
};

// Row lengths on both sides of every on-chip shape (1024, 4096, 8192, 16384) and beyond.
const RowShape kRowShapes[] = {{1, 1},    {2, 3},    {31, 3},    {1000, 5},  {1024, 2},  {1025, 2},
                               {4097, 2}, {8192, 2}, {8193, 2},  {16384, 2}, {16385, 2}, {65537, 2}};

// Sorted rows equal the CPU's exactly (a sort moves values, it does not round them); prefix sums within
// 1e-12 of the row's sum of magnitudes (float64 sums in another order).
void expect_sorted_target_matches(Backend& gpu, cpu::CpuBackend& cpu, size_t m, uint32_t L,
                                  const std::vector<float>& target) {
  std::vector<float> expected = target;
  std::vector<double> expected_prefix(size_t{L} * (m + 1));
  cpu.sort_target_projections(expected.data(), L, m, expected_prefix.data());
  Buffer<float> rows(&gpu, target.size());
  rows.upload(target.data(), target.size());
  Buffer<double> prefix(&gpu, expected_prefix.size());
  gpu.sort_target_projections(rows.data(), L, m, prefix.data());
  std::vector<float> got(target.size());
  std::vector<double> got_prefix(expected_prefix.size());
  rows.download(got.data(), got.size());
  prefix.download(got_prefix.data(), got_prefix.size());
  for (size_t e = 0; e < got.size(); ++e) ASSERT_EQ(got[e], expected[e]) << "m " << m << " element " << e;
  for (uint32_t l = 0; l < L; ++l) {
    double magnitude = 0.0;
    for (size_t j = 0; j < m; ++j) magnitude += std::fabs(target[l * m + j]);
    for (size_t j = 0; j <= m; ++j)
      ASSERT_NEAR(got_prefix[l * (m + 1) + j], expected_prefix[l * (m + 1) + j], 1e-12 * (magnitude + 1.0))
          << "m " << m << " row " << l << " prefix " << j;
  }
}

TEST_F(CudaBackendTest, SortedTargetAndPrefixSumsMatchTheCpu) {
  for (const RowShape s : kRowShapes) {
    expect_sorted_target_matches(*backend_, cpu_, s.count, s.L,
                                 test::gaussian_points(size_t{s.L} * s.count, 1, 10 + s.count, 2.0f, 0.5f));
    expect_sorted_target_matches(*backend_, cpu_, s.count, s.L, tied_values(size_t{s.L} * s.count, 11 + s.count));
  }
}

// Both row-sort paths (on chip, CUB's segmented sort) at every length, against std::sort.
TEST_F(CudaBackendTest, OnChipAndSegmentedRowSortsAgree) {
  DeviceContext on_chip = cuda_->context();
  DeviceContext segmented = cuda_->context();
  segmented.on_chip_sort_limit = 0;
  std::cout << "on-chip limits: sort " << on_chip.on_chip_sort_limit << ", transport "
            << on_chip.on_chip_transport_limit << "\n";
  for (const RowShape s : kRowShapes) {
    const std::vector<float> values = test::gaussian_points(size_t{s.L} * s.count, 1, 12 + s.count);
    std::vector<float> expected = values;
    for (uint32_t l = 0; l < s.L; ++l) std::sort(expected.begin() + l * s.count, expected.begin() + (l + 1) * s.count);
    for (const DeviceContext* context : {&on_chip, &segmented}) {
      Buffer<float> rows = to_device(values);
      sort_rows(*context, rows.data(), s.L, s.count);
      EXPECT_EQ(to_host(rows, values.size()), expected)
          << "length " << s.count << " limit " << context->on_chip_sort_limit;
    }
  }
}

// The displacement of each particle, from the CPU's sorted target and prefix sums:
// |gpu - cpu| <= 1e-6 (1 + |T| + |p|) (T(r) is the same float64 formula, rounded to float once; only its
// order of operations may differ). With tied dyadic values and n = m the result is exact on both, so equal:
// that checks that ties are broken by index as on the CPU.
void expect_transport_matches(Backend& gpu, cpu::CpuBackend& cpu, const DeviceContext* context, size_t n, size_t m,
                              uint32_t L, const std::vector<float>& particles, const std::vector<float>& target,
                              bool exact) {
  std::vector<float> sorted_target = target;
  std::vector<double> prefix(size_t{L} * (m + 1));
  cpu.sort_target_projections(sorted_target.data(), L, m, prefix.data());
  std::vector<float> expected = particles;
  cpu.transport_displacement(expected.data(), L, n, sorted_target.data(), prefix.data(), m);

  Buffer<float> rows(&gpu, particles.size()), target_gpu(&gpu, sorted_target.size());
  Buffer<double> prefix_gpu(&gpu, prefix.size());
  rows.upload(particles.data(), particles.size());
  target_gpu.upload(sorted_target.data(), sorted_target.size());
  prefix_gpu.upload(prefix.data(), prefix.size());
  if (context)
    transport_displacement(*context, rows.data(), L, n, target_gpu.data(), prefix_gpu.data(), m);
  else
    gpu.transport_displacement(rows.data(), L, n, target_gpu.data(), prefix_gpu.data(), m);
  std::vector<float> got(particles.size());
  rows.download(got.data(), got.size());
  for (size_t e = 0; e < got.size(); ++e) {
    if (exact) {
      ASSERT_EQ(got[e], expected[e]) << "n " << n << " m " << m << " element " << e;
    } else {
      const double transported = double(expected[e]) + particles[e];
      ASSERT_NEAR(got[e], expected[e], 1e-6 * (1.0 + std::fabs(transported) + std::fabs(particles[e])))
          << "n " << n << " m " << m << " element " << e;
    }
  }
}

TEST_F(CudaBackendTest, TransportMatchesTheCpu) {
  struct Size {
    size_t n, m;
    uint32_t L;
  };
  for (const Size s : {Size{1, 1, 1}, Size{31, 31, 3}, Size{1000, 1000, 4}, Size{31, 1000, 2}, Size{1000, 31, 2},
                       Size{1000, 999, 2}, Size{1, 65537, 1}, Size{65537, 1, 1}, Size{65537, 65537, 2},
                       Size{8192, 8192, 2}, Size{8193, 5000, 2}, Size{16384, 16385, 2}, Size{16385, 16384, 2},
                       Size{4096, 4097, 3}}) {
    const std::vector<float> particles = test::gaussian_points(size_t{s.L} * s.n, 1, 20 + s.n);
    const std::vector<float> target = test::gaussian_points(size_t{s.L} * s.m, 1, 21 + s.m, 2.0f, 0.5f);
    expect_transport_matches(*backend_, cpu_, nullptr, s.n, s.m, s.L, particles, target, false);
  }
}

TEST_F(CudaBackendTest, TransportBreaksTiesByIndexOnBothPaths) {
  DeviceContext on_chip = cuda_->context();
  DeviceContext segmented = cuda_->context();
  segmented.on_chip_transport_limit = 0;
  for (const RowShape s : kRowShapes) {
    const std::vector<float> particles = tied_values(size_t{s.L} * s.count, 30 + s.count);
    const std::vector<float> target = tied_values(size_t{s.L} * s.count, 31 + s.count);
    for (const DeviceContext* context : {&on_chip, &segmented})
      expect_transport_matches(*backend_, cpu_, context, s.count, s.count, s.L, particles, target, true);
    // Unequal counts take the prefix-sum branch of T on both paths.
    const size_t m = s.count + 7;
    const std::vector<float> longer = test::gaussian_points(size_t{s.L} * m, 1, 32 + s.count);
    for (const DeviceContext* context : {&on_chip, &segmented})
      expect_transport_matches(*backend_, cpu_, context, s.count, m, s.L, particles, longer, false);
  }
}

// ---- update ------------------------------------------------------------------------------------------

// Without noise the float operations are the CPU's, so equal to the bit; with noise the normals come from
// the same Philox words through float64 log / sqrt / cos / sin of the device: |gpu - cpu| <= 1e-6 (1 + |cpu|).
TEST_F(CudaBackendTest, UpdateMatchesTheCpu) {
  struct Size {
    size_t n, d;
  };
  for (const Size s : {Size{1, 1}, Size{31, 3}, Size{1000, 784}, Size{65537, 3}, Size{3, 5}}) {
    for (float sigma : {0.0f, 0.3f}) {
      const RandomDraw draw{0xFEEDFACECAFEBEEFull, Stream::noise, (uint64_t{7} << 32) + 9};
      const std::vector<float> start = test::gaussian_points(s.n, s.d, 40 + s.n);
      const std::vector<float> velocity = test::gaussian_points(s.n, s.d, 41 + s.n);
      std::vector<float> expected = start;
      cpu_.update_particles(expected.data(), velocity.data(), s.n, s.d, 0.37f, sigma, draw);
      Buffer<float> x = to_device(start), v = to_device(velocity);
      backend_->update_particles(x.data(), v.data(), s.n, s.d, 0.37f, sigma, draw);
      const std::vector<float> got = to_host(x, expected.size());
      for (size_t e = 0; e < got.size(); ++e) {
        if (sigma == 0.0f)
          ASSERT_EQ(got[e], expected[e]) << "n " << s.n << " d " << s.d << " element " << e;
        else
          ASSERT_NEAR(got[e], expected[e], 1e-6 * (1.0 + std::fabs(expected[e])))
              << "n " << s.n << " d " << s.d << " element " << e;
      }
    }
  }
}

// ---- W_p ---------------------------------------------------------------------------------------------

// Rows sorted exactly as on the CPU; W_p^p within 1e-10 relative (float64 sums of the same terms in another
// order: the GPU splits the integral along the larger sample's atoms).
TEST_F(CudaBackendTest, Wasserstein1dMatchesTheCpu) {
  struct Size {
    size_t n, m;
    uint32_t L;
  };
  for (const Size s : {Size{1, 1, 1}, Size{31, 1000, 3}, Size{1000, 31, 3}, Size{1000, 999, 2}, Size{65537, 1000, 2},
                       Size{8193, 8193, 2}, Size{1, 65537, 1}, Size{100000, 99999, 1}}) {
    for (double p : {1.0, 2.0, 1.5}) {
      const std::vector<float> x = test::gaussian_points(size_t{s.L} * s.n, 1, 50 + s.n);
      const std::vector<float> y = test::gaussian_points(size_t{s.L} * s.m, 1, 51 + s.m, 1.5f, 0.25f);
      std::vector<float> x_cpu = x, y_cpu = y;
      std::vector<double> expected(s.L), got(s.L);
      cpu_.wasserstein_1d(x_cpu.data(), s.n, y_cpu.data(), s.m, s.L, p, expected.data());
      Buffer<float> x_gpu = to_device(x), y_gpu = to_device(y);
      backend_->wasserstein_1d(x_gpu.data(), s.n, y_gpu.data(), s.m, s.L, p, got.data());
      EXPECT_EQ(to_host(x_gpu, x.size()), x_cpu) << "n " << s.n;
      EXPECT_EQ(to_host(y_gpu, y.size()), y_cpu) << "m " << s.m;
      for (uint32_t l = 0; l < s.L; ++l)
        EXPECT_NEAR(got[l], expected[l], 1e-10 * expected[l] + 1e-300) << "n " << s.n << " m " << s.m << " p " << p;
    }
  }
}

// ---- random draws --------------------------------------------------------------------------------------

// cuRAND's Philox words equal RandomDraw::block(), for streams, 64-bit seeds and draw indices, and block
// indices past 2^32.
TEST_F(CudaBackendTest, PhiloxWordsEqualTheCpuGenerator) {
  const size_t blocks = 1000;
  for (const RandomDraw draw : {RandomDraw{0, Stream::directions, 0}, RandomDraw{12345, Stream::noise, 7},
                                RandomDraw{0xFFFFFFFFFFFFFFFFull, Stream::context, (uint64_t{0xABCDEF} << 32) + 5},
                                RandomDraw{0x0123456789ABCDEFull, Stream::initial, 0xFFFFFFFFull}}) {
    for (uint64_t first_block : {uint64_t{0}, (uint64_t{1} << 40) + 3, uint64_t{0xFFFFFFFF} - 10}) {
      Buffer<uint32_t> words(backend_.get(), 4 * blocks);
      philox_words(cuda_->context(), draw, first_block, blocks, words.data());
      const std::vector<uint32_t> got = to_host(words, 4 * blocks);
      for (size_t b = 0; b < blocks; ++b) {
        const Philox4x32 expected = draw.block(first_block + b);
        for (int lane = 0; lane < 4; ++lane)
          ASSERT_EQ(got[4 * b + lane], expected.v[lane]) << "seed " << draw.seed << " block " << first_block + b;
      }
    }
  }
}

// Unit rows from the same normals: |gpu - cpu| <= 1e-6 (entries of unit vectors; the norm's float64 sum
// runs in another order).
TEST_F(CudaBackendTest, GaussianDirectionsEqualTheCpu) {
  for (auto [L, d] : {std::pair<uint32_t, size_t>{1, 1}, {7, 3}, {33, 784}, {1000, 1}, {5, 31}, {3, 5}}) {
    const RandomDraw draw{99, Stream::directions, 3};
    std::vector<float> expected(size_t{L} * d);
    cpu_.draw_directions(SWF_DIRECTIONS_GAUSSIAN, draw, L, d, expected.data());
    Buffer<float> theta(backend_.get(), expected.size());
    backend_->draw_directions(SWF_DIRECTIONS_GAUSSIAN, draw, L, d, theta.data());
    const std::vector<float> got = to_host(theta, expected.size());
    for (size_t e = 0; e < got.size(); ++e) ASSERT_NEAR(got[e], expected[e], 1e-6) << "L " << L << " d " << d;
  }
}

// The Q of the same Gaussian matrices with R's diagonal made positive is unique, so cuSOLVER's and LAPACK's
// Householder QRs give it to float64 rounding times the matrix's condition: |gpu - cpu| <= 1e-5. The rows of
// each block are orthonormal within 1e-5.
TEST_F(CudaBackendTest, OrthogonalDirectionsEqualTheCpu) {
  for (size_t d : {size_t{1}, size_t{3}, size_t{64}, size_t{784}}) {
    const uint32_t L = static_cast<uint32_t>(2 * d + (d + 1) / 2);
    const RandomDraw draw{5, Stream::directions, 2};
    std::vector<float> expected(size_t{L} * d);
    cpu_.draw_directions(SWF_DIRECTIONS_ORTHOGONAL, draw, L, d, expected.data());
    Buffer<float> theta(backend_.get(), expected.size());
    backend_->draw_directions(SWF_DIRECTIONS_ORTHOGONAL, draw, L, d, theta.data());
    const std::vector<float> got = to_host(theta, expected.size());
    for (size_t e = 0; e < got.size(); ++e) ASSERT_NEAR(got[e], expected[e], 1e-5) << "d " << d << " element " << e;
    for (uint32_t a = 0; a < std::min<uint32_t>(L, 8); ++a)
      for (uint32_t b = a; b < L && b / d == a / d; ++b) {
        double dot = 0.0;
        for (size_t k = 0; k < d; ++k) dot += double(got[a * d + k]) * got[b * d + k];
        EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-5) << "d " << d;
      }
  }
}

// Points from the same words: |gpu - cpu| <= 1e-6 (1 + |cpu|).
TEST_F(CudaBackendTest, PointsEqualTheCpu) {
  for (auto [count, d] : {std::pair<size_t, size_t>{1, 1}, {31, 3}, {1000, 784}, {65537, 1}, {5, 3}}) {
    for (swf_init law : {SWF_INIT_GAUSSIAN, SWF_INIT_UNIFORM}) {
      const RandomDraw draw{2024, Stream::initial, 1};
      std::vector<float> expected(count * d);
      cpu_.draw_points(law, 2.5f, draw, count, d, expected.data());
      Buffer<float> points(backend_.get(), expected.size());
      backend_->draw_points(law, 2.5f, draw, count, d, points.data());
      const std::vector<float> got = to_host(points, expected.size());
      for (size_t e = 0; e < got.size(); ++e)
        ASSERT_NEAR(got[e], expected[e], 1e-6 * (1.0 + std::fabs(expected[e]))) << "count " << count << " d " << d;
    }
  }
}

// ---- errors ------------------------------------------------------------------------------------------

TEST_F(CudaBackendTest, AnAbsurdAllocationIsOutOfMemoryAndTheBackendStaysUsable) {
  try {
    backend_->allocate(size_t{1} << 50);
    FAIL() << "a petabyte was allocated";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), SWF_ERR_OUT_OF_MEMORY) << error.what();
  }
  // The failed allocation leaves no error behind for the next launch check.
  const std::vector<float> theta = test::unit_directions(3, 4, 1), points = test::gaussian_points(10, 4, 2);
  std::vector<float> expected(30);
  cpu_.project(theta.data(), 3, points.data(), 10, 4, expected.data());
  Buffer<float> theta_gpu = to_device(theta), points_gpu = to_device(points), out(backend_.get(), 30);
  backend_->project(theta_gpu.data(), 3, points_gpu.data(), 10, 4, out.data());
  backend_->draw_directions(SWF_DIRECTIONS_GAUSSIAN, RandomDraw{1, Stream::directions, 1}, 3, 4, theta_gpu.data());
  EXPECT_LE(projection_error(to_host(out, 30), expected, theta, points, 3, 10, 4), 1e-5);
}

// ---- whole flows through the C ABI ---------------------------------------------------------------------

using test::Context;
using test::Flow;
using test::flow_params;

// ||x_gpu - x_cpu|| / ||x_cpu|| <= 1e-4 after a few steps: the GEMMs round differently, and a particle whose
// projection lies within rounding of another's may take the neighbouring rank on one backend (a change of
// one target spacing in one direction's displacement).
double relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double diff = 0.0, norm = 0.0;
  for (size_t e = 0; e < a.size(); ++e) {
    diff += (double(a[e]) - b[e]) * (double(a[e]) - b[e]);
    norm += double(b[e]) * b[e];
  }
  return std::sqrt(diff / std::max(norm, 1e-300));
}

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


// ---- the learned flow's layers (core/mlp.cpp) -----------------------------------------------------------
// Each operation against the CPU backend's, on random inputs of awkward sizes: rows 1, 31, 1000, 65537 and
// widths 1, 3, 128, 784 (shapes of more than 2^24 elements are left out, to keep the host references short).

const size_t kMlpRows[] = {1, 31, 1000, 65537};
const size_t kMlpWidths[] = {1, 3, 128, 784};
constexpr size_t kMlpMaxElements = size_t{1} << 24;

std::vector<float> uniform_values(size_t count, uint64_t seed, float low, float high) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> pick(low, high);
  std::vector<float> values(count);
  for (float& value : values) value = pick(rng);
  return values;
}

// Times in [0, T], the first exactly 0 and the last exactly T.
std::vector<float> mlp_times(size_t n, float time_scale, uint64_t seed) {
  std::vector<float> t = uniform_values(n, seed, 0.0f, time_scale);
  t.front() = 0.0f;
  if (n > 1) t.back() = time_scale;
  return t;
}

// |gpu - cpu| / (|alpha| |row i of op(a)| |column j of op(b)| + |beta c_ij| + 1e-30) <= 1e-5, for the four
// transpose combinations, beta = 0 (c not read: it holds NaN) and beta != 0. Inputs are zero-mean, where a
// float32 dot product summed in any order errs by a few 2^-24 of that scale (cuBLAS and OpenBLAS block
// differently; the worst case k 2^-24 is far from reached). k = 0 gives c = beta c on both.
TEST_F(CudaBackendTest, MlpGemmMatchesTheCpu) {
  struct Size {
    size_t m, n, k;
  };
  for (const Size s : {Size{1, 1, 1}, Size{31, 3, 128}, Size{1000, 128, 784}, Size{65537, 3, 128}, Size{65537, 128, 3},
                       Size{3, 128, 65537}, Size{128, 784, 1000}, Size{1, 784, 31}, Size{128, 1, 65537},
                       Size{31, 3, 0}}) {
    const std::vector<float> a = test::gaussian_points(s.m, s.k, 100 + s.m + s.k);
    const std::vector<float> b = test::gaussian_points(s.k, s.n, 101 + s.n + s.k);
    const std::vector<float> c0 = test::gaussian_points(s.m, s.n, 102 + s.m + s.n);
    for (int transposes = 0; transposes < 4; ++transposes) {
      const bool ta = transposes & 1, tb = transposes & 2;
      // Norms of the rows of op(a) and of the columns of op(b), in double.
      std::vector<double> a_norm(s.m, 0.0), b_norm(s.n, 0.0);
      for (size_t i = 0; i < s.m; ++i)
        for (size_t l = 0; l < s.k; ++l) {
          const double value = ta ? a[l * s.m + i] : a[i * s.k + l];
          a_norm[i] += value * value;
        }
      for (size_t j = 0; j < s.n; ++j)
        for (size_t l = 0; l < s.k; ++l) {
          const double value = tb ? b[j * s.k + l] : b[l * s.n + j];
          b_norm[j] += value * value;
        }
      for (auto [alpha, beta] : {std::pair<float, float>{1.0f, 0.0f}, {-0.7f, 0.5f}}) {
        std::vector<float> start = c0;
        if (beta == 0.0f) std::fill(start.begin(), start.end(), std::nanf(""));
        std::vector<float> expected = start;
        cpu_.gemm(ta, tb, s.m, s.n, s.k, alpha, a.data(), b.data(), beta, expected.data());
        Buffer<float> a_gpu = to_device(a), b_gpu = to_device(b), c_gpu = to_device(start);
        backend_->gemm(ta, tb, s.m, s.n, s.k, alpha, a_gpu.data(), b_gpu.data(), beta, c_gpu.data());
        const std::vector<float> got = to_host(c_gpu, expected.size());
        double worst = 0.0;
        for (size_t i = 0; i < s.m; ++i)
          for (size_t j = 0; j < s.n; ++j) {
            const size_t e = i * s.n + j;
            ASSERT_TRUE(std::isfinite(got[e])) << "m " << s.m << " n " << s.n << " k " << s.k << " element " << e;
            const double scale = std::fabs(alpha) * std::sqrt(a_norm[i] * b_norm[j]) +
                                 (beta == 0.0f ? 0.0 : std::fabs(beta * c0[e])) + 1e-30;
            worst = std::max(worst, std::fabs(double(got[e]) - expected[e]) / scale);
          }
        EXPECT_LE(worst, 1e-5) << "m " << s.m << " n " << s.n << " k " << s.k << " transpose a " << ta
                               << " transpose b " << tb << " beta " << beta;
      }
    }
  }
}

// pre = y + bias is one float addition on both: equal. act(pre) within 2e-6 |cpu|, 16 ulps near a power of two
// (glibc's vector expf and tanhf are within 4 ulps, the device's within 2; one or two more roundings follow).
TEST_F(CudaBackendTest, MlpBiasActivationMatchesTheCpu) {
  for (size_t rows : kMlpRows)
    for (size_t cols : kMlpWidths) {
      if (rows * cols > kMlpMaxElements) continue;
      const std::vector<float> y0 = test::gaussian_points(rows, cols, 110 + rows + cols, 3.0f);
      const std::vector<float> bias = test::gaussian_points(1, cols, 111 + cols, 0.5f);
      for (MlpActivation activation : {MlpActivation::silu, MlpActivation::relu, MlpActivation::tanh}) {
        std::vector<float> expected = y0, expected_pre(y0.size());
        cpu_.bias_activation(expected.data(), bias.data(), rows, cols, activation, expected_pre.data());
        Buffer<float> y = to_device(y0), bias_gpu = to_device(bias), pre(backend_.get(), y0.size());
        backend_->bias_activation(y.data(), bias_gpu.data(), rows, cols, activation, pre.data());
        const std::vector<float> got = to_host(y, y0.size()), got_pre = to_host(pre, y0.size());
        for (size_t e = 0; e < got.size(); ++e) {
          ASSERT_EQ(got_pre[e], expected_pre[e]) << "rows " << rows << " cols " << cols << " element " << e;
          ASSERT_NEAR(got[e], expected[e], 2e-6 * std::fabs(expected[e]) + 1e-30)
              << "rows " << rows << " cols " << cols << " activation " << int(activation) << " pre " << got_pre[e];
        }
      }
    }
}

// grad_pre within 1e-6 |grad_y| (1 + |pre|): act' may cancel (SiLU' crosses 0 near -1.28; tanh' = 1 - tanh^2
// near 1), so the bound is on the error of its terms (a few ulps of 1 and of |pre|), not relative to it.
// Also in place (grad_pre = grad_y), as the backward pass may call it.
TEST_F(CudaBackendTest, MlpActivationBackwardMatchesTheCpu) {
  for (size_t rows : kMlpRows)
    for (size_t cols : kMlpWidths) {
      if (rows * cols > kMlpMaxElements) continue;
      const std::vector<float> pre = test::gaussian_points(rows, cols, 120 + rows + cols, 3.0f);
      const std::vector<float> grad_y = test::gaussian_points(rows, cols, 121 + rows + cols);
      for (MlpActivation activation : {MlpActivation::silu, MlpActivation::relu, MlpActivation::tanh}) {
        std::vector<float> expected(pre.size());
        cpu_.activation_backward(pre.data(), grad_y.data(), rows, cols, activation, expected.data());
        Buffer<float> pre_gpu = to_device(pre), grad_gpu = to_device(grad_y), out(backend_.get(), pre.size());
        backend_->activation_backward(pre_gpu.data(), grad_gpu.data(), rows, cols, activation, out.data());
        backend_->activation_backward(pre_gpu.data(), grad_gpu.data(), rows, cols, activation, grad_gpu.data());
        const std::vector<float> got = to_host(out, pre.size()), in_place = to_host(grad_gpu, pre.size());
        for (size_t e = 0; e < got.size(); ++e) {
          ASSERT_NEAR(got[e], expected[e], 1e-6 * std::fabs(grad_y[e]) * (1.0 + std::fabs(pre[e])) + 1e-30)
              << "rows " << rows << " cols " << cols << " activation " << int(activation) << " pre " << pre[e];
          ASSERT_EQ(in_place[e], got[e]) << "rows " << rows << " cols " << cols << " element " << e;
        }
      }
    }
}

// Both sum in float64 and round once: |gpu - cpu| <= 2^-23 |cpu| (one float rounding of float64 sums that
// differ) + 1e-10 (sum_r |x_rc| + |old|) (float64 sums of the same terms in another order: at most about
// rows 2^-53 of that). The GPU's order depends on the shape only: two runs give the same bits.
TEST_F(CudaBackendTest, MlpColumnSumsMatchTheCpuAndRepeat) {
  std::vector<size_t> rows_list(std::begin(kMlpRows), std::end(kMlpRows));
  rows_list.push_back(0);
  rows_list.push_back(300001);  // past the row chunks' cap (131072): empty trailing chunks
  for (size_t rows : rows_list)
    for (size_t cols : kMlpWidths) {
      if (rows * cols > kMlpMaxElements) continue;
      const std::vector<float> x = test::gaussian_points(rows, cols, 130 + rows + cols, 1.0f, 0.25f);
      const std::vector<float> old = test::gaussian_points(1, cols, 131 + cols, 10.0f);
      std::vector<double> magnitude(cols, 0.0);
      for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < cols; ++c) magnitude[c] += std::fabs(x[r * cols + c]);
      for (bool accumulate : {false, true}) {
        std::vector<float> expected = old;
        cpu_.column_sums(x.data(), rows, cols, accumulate, expected.data());
        Buffer<float> x_gpu = to_device(x), sums = to_device(old);
        backend_->column_sums(x_gpu.data(), rows, cols, accumulate, sums.data());
        const std::vector<float> got = to_host(sums, cols);
        sums.upload(old.data(), cols);
        backend_->column_sums(x_gpu.data(), rows, cols, accumulate, sums.data());
        EXPECT_EQ(to_host(sums, cols), got) << "rows " << rows << " cols " << cols << ": not repeatable";
        for (size_t c = 0; c < cols; ++c)
          ASSERT_NEAR(got[c], expected[c],
                      std::ldexp(std::fabs(expected[c]), -23) +
                          1e-10 * (magnitude[c] + (accumulate ? std::fabs(old[c]) : 0.0)))
              << "rows " << rows << " cols " << cols << " accumulate " << accumulate << " column " << c;
      }
    }
}

// x0 and tau = t/T (float64 division, rounded once) equal the CPU's; the sines and cosines are of the same
// float64 angle, by the device's and by glibc's sin/cos (within 2 float64 ulps of each other), rounded to
// float: within 2^-23.
TEST_F(CudaBackendTest, MlpTimeFeaturesMatchTheCpu) {
  const float time_scale = 2.5f;
  for (size_t n : kMlpRows)
    for (size_t d : kMlpWidths)
      for (uint32_t frequencies : {0u, 1u, 8u}) {
        const size_t width = d + 1 + 2 * size_t{frequencies};
        if (n * width > kMlpMaxElements) continue;
        const std::vector<float> x0 = test::gaussian_points(n, d, 140 + n + d);
        const std::vector<float> t = mlp_times(n, time_scale, 141 + n);
        std::vector<float> expected(n * width);
        cpu_.time_features(x0.data(), t.data(), n, d, frequencies, time_scale, expected.data());
        Buffer<float> x0_gpu = to_device(x0), t_gpu = to_device(t), features(backend_.get(), expected.size());
        backend_->time_features(x0_gpu.data(), t_gpu.data(), n, d, frequencies, time_scale, features.data());
        const std::vector<float> got = to_host(features, expected.size());
        for (size_t i = 0; i < n; ++i)
          for (size_t j = 0; j < width; ++j) {
            const size_t e = i * width + j;
            if (j <= d)
              ASSERT_EQ(got[e], expected[e]) << "n " << n << " d " << d << " F " << frequencies << " column " << j;
            else
              ASSERT_NEAR(got[e], expected[e], std::ldexp(1.0, -23))
                  << "n " << n << " d " << d << " F " << frequencies << " column " << j << " t " << t[i];
          }
      }
}

// The same float operations as the CPU (x0 + (t/T) g, no FMA): expected equal; allowed 1e-6 (|x0| + |(t/T) g|)
// (one rounding of difference if a compiler fused them). Exactly x0 where t = 0.
TEST_F(CudaBackendTest, MlpTimeGateMatchesTheCpu) {
  const float time_scale = 0.75f;
  for (size_t n : kMlpRows)
    for (size_t d : kMlpWidths) {
      if (n * d > kMlpMaxElements) continue;
      const std::vector<float> x0 = test::gaussian_points(n, d, 150 + n + d);
      const std::vector<float> g = test::gaussian_points(n, d, 151 + n + d, 2.0f);
      const std::vector<float> t = mlp_times(n, time_scale, 152 + n);
      std::vector<float> expected(n * d);
      cpu_.time_gate(x0.data(), t.data(), g.data(), n, d, time_scale, expected.data());
      Buffer<float> x0_gpu = to_device(x0), t_gpu = to_device(t), g_gpu = to_device(g), out(backend_.get(), n * d);
      backend_->time_gate(x0_gpu.data(), t_gpu.data(), g_gpu.data(), n, d, time_scale, out.data());
      const std::vector<float> got = to_host(out, n * d);
      for (size_t i = 0; i < n; ++i)
        for (size_t k = 0; k < d; ++k) {
          const size_t e = i * d + k;
          if (t[i] == 0.0f) ASSERT_EQ(got[e], x0[e]) << "n " << n << " d " << d << " row " << i;
          ASSERT_NEAR(got[e], expected[e], 1e-6 * (std::fabs(x0[e]) + std::fabs(t[i] / time_scale * g[e])) + 1e-30)
              << "n " << n << " d " << d << " element " << e;
        }
    }
}

// grad_g: the CPU's float operations, expected equal; allowed 1e-6 |cpu|. The loss: the same float64 row sums
// added in another order (the CPU's in sequence, at most n 2^-53 off for these positive terms): within
// 1e-11 relative. Two calls return the same bits.
TEST_F(CudaBackendTest, MlpRegressionGradientMatchesTheCpuAndRepeats) {
  const float time_scale = 3.0f;
  for (size_t n : {size_t{1}, size_t{31}, size_t{1000}, size_t{65537}, size_t{300001}})  // 300001: > 262144
    for (size_t d : kMlpWidths) {
      if (n * d > kMlpMaxElements) continue;
      const std::vector<float> out = test::gaussian_points(n, d, 160 + n + d);
      const std::vector<float> y = test::gaussian_points(n, d, 161 + n + d, 1.5f, 0.5f);
      const std::vector<float> t = mlp_times(n, time_scale, 162 + n);
      std::vector<float> expected(n * d);
      const double expected_loss =
          cpu_.regression_gradient(out.data(), y.data(), t.data(), n, d, time_scale, expected.data());
      Buffer<float> out_gpu = to_device(out), y_gpu = to_device(y), t_gpu = to_device(t), grad(backend_.get(), n * d);
      const double loss =
          backend_->regression_gradient(out_gpu.data(), y_gpu.data(), t_gpu.data(), n, d, time_scale, grad.data());
      const std::vector<float> got = to_host(grad, n * d);
      const double again =
          backend_->regression_gradient(out_gpu.data(), y_gpu.data(), t_gpu.data(), n, d, time_scale, grad.data());
      EXPECT_EQ(again, loss) << "n " << n << " d " << d << ": the loss is not repeatable";
      EXPECT_NEAR(loss, expected_loss, 1e-11 * expected_loss) << "n " << n << " d " << d;
      for (size_t e = 0; e < got.size(); ++e)
        ASSERT_NEAR(got[e], expected[e], 1e-6 * std::fabs(expected[e]) + 1e-37) << "n " << n << " d " << d
                                                                                 << " element " << e;
    }
}

// Three consecutive steps from step 1, 2 and 1000, with two sets of hyperparameters: the CPU's float
// operations and the same host-side bias corrections, so expected equal; allowed 1e-6 |cpu| for the moments
// and 1e-6 (|w| + lr) for the weights. Step 0 is refused as on the CPU.
TEST_F(CudaBackendTest, MlpAdamMatchesTheCpu) {
  for (size_t count : {size_t{1}, size_t{31}, size_t{1000}, size_t{65537}, size_t{1000003}}) {
    for (const AdamParams adam : {AdamParams{}, AdamParams{0.05f, 0.8f, 0.99f, 1e-6f}}) {
      for (uint64_t first_step : {uint64_t{1}, uint64_t{2}, uint64_t{1000}}) {
        std::vector<float> w = test::gaussian_points(count, 1, 170 + count);
        std::vector<float> m = test::gaussian_points(count, 1, 171 + count, 0.1f);
        std::vector<float> v = uniform_values(count, 172 + count, 0.0f, 0.01f);
        Buffer<float> w_gpu = to_device(w), m_gpu = to_device(m), v_gpu = to_device(v), g_gpu(backend_.get(), count);
        for (uint64_t step = first_step; step < first_step + 3; ++step) {
          const std::vector<float> g = test::gaussian_points(count, 1, 173 + count + step, 0.5f);
          cpu_.adam_update(w.data(), g.data(), m.data(), v.data(), count, adam, step);
          g_gpu.upload(g.data(), count);
          backend_->adam_update(w_gpu.data(), g_gpu.data(), m_gpu.data(), v_gpu.data(), count, adam, step);
        }
        const std::vector<float> got_w = to_host(w_gpu, count), got_m = to_host(m_gpu, count),
                                 got_v = to_host(v_gpu, count);
        for (size_t e = 0; e < count; ++e) {
          ASSERT_NEAR(got_m[e], m[e], 1e-6 * std::fabs(m[e]) + 1e-37) << "count " << count << " step " << first_step;
          ASSERT_NEAR(got_v[e], v[e], 1e-6 * std::fabs(v[e]) + 1e-37) << "count " << count << " step " << first_step;
          ASSERT_NEAR(got_w[e], w[e], 1e-6 * (std::fabs(w[e]) + adam.learning_rate))
              << "count " << count << " step " << first_step << " lr " << adam.learning_rate;
        }
      }
    }
  }
  Buffer<float> one(backend_.get(), 1);
  try {
    backend_->adam_update(one.data(), one.data(), one.data(), one.data(), 1, AdamParams{}, 0);
    FAIL() << "step 0 was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), SWF_ERR_INVALID_ARGUMENT) << error.what();
  }
}

// ---- SW-JKO's functionals ---------------------------------------------------------------------------------

constexpr size_t kJkoCounts[] = {1, 31, 1000, 4097};

// ||gpu - cpu|| / ||cpu|| over a whole gradient (the ops add into grad: both start from the same random values).
double gradient_error(const std::vector<float>& gpu, const std::vector<float>& cpu) {
  double diff = 0.0, norm = 0.0;
  for (size_t e = 0; e < cpu.size(); ++e) {
    diff += (double(gpu[e]) - cpu[e]) * (double(gpu[e]) - cpu[e]);
    norm += double(cpu[e]) * cpu[e];
  }
  return std::sqrt(diff / std::max(norm, 1e-300));
}

// A symmetric positive definite d x d matrix, I + (R + R^T) / (4 d) with R standard normal.
std::vector<float> spd_matrix(size_t d, uint64_t seed) {
  const std::vector<float> r = test::gaussian_points(d, d, seed);
  std::vector<float> A(d * d);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j)
      A[i * d + j] = (i == j ? 1.0f : 0.0f) + (r[i * d + j] + r[j * d + i]) / (4.0f * float(d));
  return A;
}

// The CPU's float64 operations in its order, without fused multiply-adds: the gradients are expected equal,
// allowed 1e-6 normalised. The energy adds the same per-particle float64 values in another order (at most
// n 2^-53 relative for these positive terms): within 1e-11 relative. Two calls return the same bits.
TEST_F(CudaBackendTest, JkoPotentialGradientMatchesTheCpu) {
  for (size_t n : {size_t{1}, size_t{31}, size_t{1000}, size_t{4097}, size_t{524289}})
    for (size_t d : {size_t{1}, size_t{2}, size_t{3}, size_t{8}, size_t{33}}) {
      if (n > 4097 && d != 3) continue;  // 524289: past one pass of the grid-stride loop
      const std::vector<float> x = test::gaussian_points(n, d, 200 + n + d, 1.5f, 0.2f);
      const std::vector<float> A = spd_matrix(d, 201 + d), b = test::gaussian_points(1, d, 202 + d, 0.5f);
      const std::vector<float> start = test::gaussian_points(n, d, 203 + n, 0.3f);
      const float weight = 0.7f;
      std::vector<float> expected = start;
      double expected_energy = 0.0;
      cpu_.potential_gradient(x.data(), n, d, A.data(), b.data(), weight, expected.data(), &expected_energy);
      Buffer<float> x_gpu = to_device(x), A_gpu = to_device(A), b_gpu = to_device(b), grad = to_device(start);
      double energy = 0.0, again = 0.0;
      backend_->potential_gradient(x_gpu.data(), n, d, A_gpu.data(), b_gpu.data(), weight, grad.data(), &energy);
      const std::vector<float> got = to_host(grad, n * d);
      backend_->potential_gradient(x_gpu.data(), n, d, A_gpu.data(), b_gpu.data(), 0.0f, grad.data(), &again);
      EXPECT_EQ(again, energy) << "n " << n << " d " << d << ": the energy is not repeatable";
      EXPECT_LE(gradient_error(got, expected), 1e-6) << "n " << n << " d " << d;
      EXPECT_NEAR(energy, expected_energy, 1e-11 * std::fabs(expected_energy)) << "n " << n << " d " << d;
    }
}

// Points with one coincident pair (x_1 = x_0, skipped by both) and dimensions that take each of the kernel's
// paths (registers for d <= 4, 8, 16; the workspace row beyond; x_j from shared memory for every d here). The
// same float64 operations in the same j order: the gradients differ only where the device's pow rounds
// differently (a = 3, b = 1.5), allowed 1e-6 normalised. The energy: per-particle sums added in another order,
// log and pow rounding: within 1e-9 (|E| + 1).
TEST_F(CudaBackendTest, JkoInteractionGradientMatchesTheCpu) {
  for (size_t n : kJkoCounts)
    for (size_t d : {size_t{1}, size_t{2}, size_t{3}, size_t{8}, size_t{12}, size_t{20}, size_t{8200}}) {
      if (n * n * d > size_t{4097} * 4097 * 8 || (d > 20 && n > 40)) continue;  // 8200: x_j from global memory
      std::vector<float> x = test::gaussian_points(n, d, 210 + n + d, 1.0f, 0.1f);
      if (n > 1) std::copy(x.begin(), x.begin() + d, x.begin() + d);
      const std::vector<float> start = test::gaussian_points(n, d, 211 + n, 0.3f);
      Buffer<float> x_gpu = to_device(x);
      for (auto [a, b] : {std::pair{4.0f, 2.0f}, {2.0f, 0.0f}, {3.0f, 1.5f}}) {
        const float weight = 1.3f;
        std::vector<float> expected = start;
        double expected_energy = 0.0;
        cpu_.interaction_gradient(x.data(), n, d, a, b, weight, expected.data(), &expected_energy);
        Buffer<float> grad = to_device(start);
        double energy = 0.0, again = 0.0;
        backend_->interaction_gradient(x_gpu.data(), n, d, a, b, weight, grad.data(), &energy);
        const std::vector<float> got = to_host(grad, n * d);
        backend_->interaction_gradient(x_gpu.data(), n, d, a, b, 0.0f, grad.data(), &again);
        EXPECT_EQ(again, energy) << "n " << n << " d " << d << " a " << a << " b " << b;
        EXPECT_LE(gradient_error(got, expected), 1e-6) << "n " << n << " d " << d << " a " << a << " b " << b;
        EXPECT_NEAR(energy, expected_energy, 1e-9 * (std::fabs(expected_energy) + 1.0))
            << "n " << n << " d " << d << " a " << a << " b " << b;
      }
    }
}

// The two passes (densities, then the gradient with them) at two bandwidths, with one coincident pair: the
// gradients differ only where the device's exp rounds differently, allowed 1e-6 normalised; the energy (log u_i
// added in another order) within 1e-9 (|E| + 1). A d = 784 case takes the path where a tile holds a few points.
TEST_F(CudaBackendTest, JkoEntropyGradientMatchesTheCpu) {
  struct Size {
    size_t n, d;
  };
  std::vector<Size> sizes;
  for (size_t n : kJkoCounts)
    for (size_t d : {size_t{1}, size_t{2}, size_t{3}, size_t{8}, size_t{12}, size_t{20}})
      if (n * n * d <= size_t{4097} * 4097 * 8) sizes.push_back({n, d});
  sizes.push_back({300, 784});
  sizes.push_back({40, 8200});  // too wide for a shared-memory tile: x_j from global memory
  for (const Size s : sizes) {
    const size_t n = s.n, d = s.d;
    std::vector<float> x = test::gaussian_points(n, d, 220 + n + d, 1.0f, -0.2f);
    if (n > 1) std::copy(x.begin(), x.begin() + d, x.begin() + d);
    const std::vector<float> start = test::gaussian_points(n, d, 221 + n, 0.3f);
    Buffer<float> x_gpu = to_device(x);
    for (float h : {0.3f, 1.0f}) {
      const float bandwidth = h * std::sqrt(float(d));  // keeps the densities away from underflow at d = 784
      const float weight = 0.6f;
      std::vector<float> expected = start;
      double expected_energy = 0.0;
      cpu_.entropy_gradient(x.data(), n, d, bandwidth, weight, expected.data(), &expected_energy);
      Buffer<float> grad = to_device(start);
      double energy = 0.0, again = 0.0;
      backend_->entropy_gradient(x_gpu.data(), n, d, bandwidth, weight, grad.data(), &energy);
      const std::vector<float> got = to_host(grad, n * d);
      backend_->entropy_gradient(x_gpu.data(), n, d, bandwidth, 0.0f, grad.data(), &again);
      EXPECT_EQ(again, energy) << "n " << n << " d " << d << " h " << bandwidth;
      EXPECT_LE(gradient_error(got, expected), 1e-6) << "n " << n << " d " << d << " h " << bandwidth;
      EXPECT_NEAR(energy, expected_energy, 1e-9 * (std::fabs(expected_energy) + 1.0))
          << "n " << n << " d " << d << " h " << bandwidth;
    }
  }
}

// The neighbour lists come from the same float64 distances in the same order, so the edges and the gradient's
// float64 sums are the CPU's: allowed 1e-6 normalised; the energy (logarithms added in another order) within
// 1e-9 (|E| + 1). K = 1, 8, 64; one coincident pair; d = 784 reads x_j through small tiles.
TEST_F(CudaBackendTest, JkoNeighbourEntropyGradientMatchesTheCpu) {
  struct Size {
    size_t n, d;
  };
  std::vector<Size> sizes;
  for (size_t n : {size_t{65}, size_t{1000}, size_t{4097}})
    for (size_t d : {size_t{1}, size_t{2}, size_t{6}, size_t{12}, size_t{20}})
      if (n * n * d <= size_t{4097} * 4097 * 6) sizes.push_back({n, d});
  sizes.push_back({300, 784});
  sizes.push_back({80, 8200});  // too wide for a shared-memory tile: x_j from global memory (K = 64 < n)
  for (const Size s : sizes) {
    const size_t n = s.n, d = s.d;
    std::vector<float> x = test::gaussian_points(n, d, 240 + n + d, 1.0f, 0.3f);
    std::copy(x.begin(), x.begin() + d, x.begin() + d);
    const std::vector<float> start = test::gaussian_points(n, d, 241 + n, 0.3f);
    Buffer<float> x_gpu = to_device(x);
    for (uint32_t K : {1u, 8u, 64u}) {
      const float weight = 0.7f;
      std::vector<float> expected = start;
      double expected_energy = 0.0;
      cpu_.neighbour_entropy_gradient(x.data(), n, d, K, weight, expected.data(), &expected_energy);
      Buffer<float> grad = to_device(start);
      double energy = 0.0, again = 0.0;
      backend_->neighbour_entropy_gradient(x_gpu.data(), n, d, K, weight, grad.data(), &energy);
      const std::vector<float> got = to_host(grad, n * d);
      backend_->neighbour_entropy_gradient(x_gpu.data(), n, d, K, 0.0f, grad.data(), &again);
      EXPECT_EQ(again, energy) << "n " << n << " d " << d << " K " << K;
      EXPECT_LE(gradient_error(got, expected), 1e-6) << "n " << n << " d " << d << " K " << K;
      EXPECT_NEAR(energy, expected_energy, 1e-9 * (std::fabs(expected_energy) + 1.0))
          << "n " << n << " d " << d << " K " << K;
    }
  }
}

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

#else  // no CUDA in this build

TEST(CudaBackend, NeedsACudaBuild) { GTEST_SKIP() << "no CUDA device (this build has no CUDA backend)"; }

#endif
