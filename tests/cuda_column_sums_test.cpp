// cuda/column_sums.cu against cpu/column_sums.cpp.
#include <gtest/gtest.h>

#ifdef SWF_HAVE_CUDA

#include "cuda_test_support.hpp"

namespace swf::gpu {
namespace {

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

}  // namespace
}  // namespace swf::gpu

#endif  // SWF_HAVE_CUDA
