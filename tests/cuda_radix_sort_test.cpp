// cuda/radix_sort.cu (per-row sorts on chip and through CUB's segmented sort) and the target's float64
// prefix sums of cuda/transport.cu against cpu/radix_sort.cpp and cpu/transport.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

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

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
