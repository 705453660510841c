// The CUDA backend against the CPU reference (cpu/), operation by operation, on random inputs of awkward
// sizes (as llama.cpp's test-backend-ops does for every backend), and whole flows through the C ABI.
// Each comparison states its normalised error and tolerance. Every test skips itself when no CUDA device
// answers (and the file holds one skipping test in a build without CUDA).
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "api_handles.hpp"
#include "backend_factory.hpp"
#include "cpu_backend.hpp"
#include "cuda_backend.cuh"
#include "directions.cuh"
#include "error.hpp"
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

#else  // no CUDA in this build

TEST(CudaBackend, NeedsACudaBuild) { GTEST_SKIP() << "no CUDA device (this build has no CUDA backend)"; }

#endif
