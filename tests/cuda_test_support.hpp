// What the CUDA tests (tests/cuda_*_test.cpp) share: the skip when no device answers, the fixture that holds
// both backends, and the inputs and error measures that several operations' tests use. Each test file compares
// one cuda/ operation with its cpu/ reference of the same name on random inputs of awkward sizes (as
// llama.cpp's test-backend-ops does for every backend); every test skips itself when no CUDA device answers.
#pragma once

#include <gtest/gtest.h>

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

// Why the CUDA tests cannot run here ("" when they can): no device answers, or the device cannot run this
// build's kernels (SWF_ERR_UNSUPPORTED). Checked once per process.
inline const std::string& cuda_unavailable() {
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
inline std::vector<float> tied_values(size_t count, uint64_t seed, int levels = 8) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> pick(-levels, levels);
  std::vector<float> values(count);
  for (float& value : values) value = pick(rng) / 4.0f;
  return values;
}

inline double row_norm(const float* row, size_t d) {
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

// |gpu - cpu| / (|theta_l| |x_i|) <= 1e-5: float32 dot products of length d summed in another order
// (the worst case is about d * 2^-24 of |theta_l| |x_i|; random signs give sqrt(d) * 2^-24).
inline double projection_error(const std::vector<float>& gpu, const std::vector<float>& cpu, const std::vector<float>& theta,
                        const std::vector<float>& points, uint32_t L, size_t count, size_t d) {
  double worst = 0.0;
  for (uint32_t l = 0; l < L; ++l)
    for (size_t i = 0; i < count; ++i) {
      const double scale = row_norm(&theta[l * d], d) * row_norm(&points[i * d], d) + 1e-30;
      worst = std::max(worst, std::fabs(double(gpu[l * count + i]) - cpu[l * count + i]) / scale);
    }
  return worst;
}

struct RowShape {
  size_t count;
  uint32_t L;
};

// Row lengths on both sides of every on-chip shape (1024, 4096, 8192, 16384) and beyond.
const RowShape kRowShapes[] = {{1, 1},    {2, 3},    {31, 3},    {1000, 5},  {1024, 2},  {1025, 2},
                               {4097, 2}, {8192, 2}, {8193, 2},  {16384, 2}, {16385, 2}, {65537, 2}};

// ||x_gpu - x_cpu|| / ||x_cpu|| <= 1e-4 after a few steps: the GEMMs round differently, and a particle whose
// projection lies within rounding of another's may take the neighbouring rank on one backend (a change of
// one target spacing in one direction's displacement).
inline double relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double diff = 0.0, norm = 0.0;
  for (size_t e = 0; e < a.size(); ++e) {
    diff += (double(a[e]) - b[e]) * (double(a[e]) - b[e]);
    norm += double(b[e]) * b[e];
  }
  return std::sqrt(diff / std::max(norm, 1e-300));
}

// Each operation against the CPU backend's, on random inputs of awkward sizes: rows 1, 31, 1000, 65537 and
// widths 1, 3, 128, 784 (shapes of more than 2^24 elements are left out, to keep the host references short).
const size_t kMlpRows[] = {1, 31, 1000, 65537};
const size_t kMlpWidths[] = {1, 3, 128, 784};
constexpr size_t kMlpMaxElements = size_t{1} << 24;

inline std::vector<float> uniform_values(size_t count, uint64_t seed, float low, float high) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> pick(low, high);
  std::vector<float> values(count);
  for (float& value : values) value = pick(rng);
  return values;
}

// Times in [0, T], the first exactly 0 and the last exactly T.
inline std::vector<float> mlp_times(size_t n, float time_scale, uint64_t seed) {
  std::vector<float> t = uniform_values(n, seed, 0.0f, time_scale);
  t.front() = 0.0f;
  if (n > 1) t.back() = time_scale;
  return t;
}

constexpr size_t kJkoCounts[] = {1, 31, 1000, 4097};

// ||gpu - cpu|| / ||cpu|| over a whole gradient (the ops add into grad: both start from the same random values).
inline double gradient_error(const std::vector<float>& gpu, const std::vector<float>& cpu) {
  double diff = 0.0, norm = 0.0;
  for (size_t e = 0; e < cpu.size(); ++e) {
    diff += (double(gpu[e]) - cpu[e]) * (double(gpu[e]) - cpu[e]);
    norm += double(cpu[e]) * cpu[e];
  }
  return std::sqrt(diff / std::max(norm, 1e-300));
}

}  // namespace swf::gpu
