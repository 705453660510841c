#include "directions.cuh"

#include <cub/block/block_reduce.cuh>

#include <algorithm>
#include <string>

#include "error.hpp"
#include "philox_device.cuh"

namespace swf::gpu {
namespace {

constexpr int kThreads = 256;

// One block per row: each thread draws whole Philox blocks (four normals) that overlap the row, keeps the
// float of each value and the float64 sum of squares, as the CPU does; then the row is scaled by the
// inverse norm.
__global__ __launch_bounds__(kThreads) void gaussian_directions_kernel(RandomDraw draw, uint32_t L, uint64_t d,
                                                                       float* theta) {
  using Reduce = cub::BlockReduce<double, kThreads>;
  __shared__ typename Reduce::TempStorage reduce_storage;
  __shared__ double inverse_norm;
  for (uint64_t l = blockIdx.x; l < L; l += gridDim.x) {
    const uint64_t first = l * d, last = first + d;
    float* row = theta + first;
    double sum_of_squares = 0.0;
    for (uint64_t block = first / 4 + threadIdx.x; 4 * block < last; block += kThreads) {
      double normals[4];
      philox_normals(draw, block, normals);
      for (int lane = 0; lane < 4; ++lane) {
        const uint64_t e = 4 * block + lane;
        if (e < first || e >= last) continue;
        row[e - first] = static_cast<float>(normals[lane]);
        sum_of_squares += normals[lane] * normals[lane];
      }
    }
    const double total = Reduce(reduce_storage).Sum(sum_of_squares);
    if (threadIdx.x == 0) inverse_norm = 1.0 / sqrt(total);
    __syncthreads();
    const double scale = inverse_norm;
    for (uint64_t k = threadIdx.x; k < d; k += kThreads) row[k] = static_cast<float>(row[k] * scale);
    __syncthreads();  // reduce_storage and inverse_norm are reused by the next row
  }
}

// out[i] = T(scale * normal(first + i)) for i < count: one thread per Philox block.
template <class T>
__global__ __launch_bounds__(kThreads) void normals_kernel(RandomDraw draw, uint64_t first, uint64_t count,
                                                           double scale, T* out) {
  const uint64_t last = first + count;
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t block = first / 4 + blockIdx.x * uint64_t{kThreads} + threadIdx.x; 4 * block < last;
       block += stride) {
    double normals[4];
    philox_normals(draw, block, normals);
    for (int lane = 0; lane < 4; ++lane) {
      const uint64_t e = 4 * block + lane;
      if (e >= first && e < last) out[e - first] = static_cast<T>(scale * normals[lane]);
    }
  }
}

// out[e] = float(scale * (2 u(e) - 1)) for e < count: one thread per Philox block.
__global__ __launch_bounds__(kThreads) void uniform_points_kernel(RandomDraw draw, uint64_t count, double scale,
                                                                  float* out) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t block = blockIdx.x * uint64_t{kThreads} + threadIdx.x; 4 * block < count; block += stride) {
    const Philox4x32 bits = philox_block(draw, block);
    for (int lane = 0; lane < 4; ++lane) {
      const uint64_t e = 4 * block + lane;
      if (e < count) out[e] = static_cast<float>(scale * (2.0 * uniform_from_word(bits.v[lane]) - 1.0));
    }
  }
}

__global__ __launch_bounds__(kThreads) void philox_words_kernel(RandomDraw draw, uint64_t first_block,
                                                                uint64_t blocks, uint32_t* words) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t i = blockIdx.x * uint64_t{kThreads} + threadIdx.x; i < blocks; i += stride) {
    const Philox4x32 bits = philox_block(draw, first_block + i);
    for (int lane = 0; lane < 4; ++lane) words[4 * i + lane] = bits.v[lane];
  }
}

// sign[k] = the sign of R's diagonal entry k (column-major d x d matrices, after geqrf), for `count`
// stacked matrices.
__global__ __launch_bounds__(kThreads) void diagonal_signs_kernel(const double* matrices, uint64_t d,
                                                                  uint64_t count, double* sign) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t t = blockIdx.x * uint64_t{kThreads} + threadIdx.x; t < count * d; t += stride) {
    const uint64_t matrix = t / d, k = t % d;
    sign[t] = matrices[matrix * d * d + k * d + k] < 0.0 ? -1.0 : 1.0;
  }
}

// Row k of block b of theta is column k of that block's Q times sign[k]: with the blocks stacked, element
// t of the rows written is element t of the column-major Q's (see the CPU's loop).
__global__ __launch_bounds__(kThreads) void signed_columns_kernel(const double* q, const double* sign, uint64_t d,
                                                                  uint64_t elements, float* theta) {
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * kThreads;
  for (uint64_t t = blockIdx.x * uint64_t{kThreads} + threadIdx.x; t < elements; t += stride)
    theta[t] = static_cast<float>(sign[t / d] * q[t]);
}

uint64_t philox_blocks_covering(uint64_t first, uint64_t count) { return (first + count + 3) / 4 - first / 4; }

}  // namespace

void draw_gaussian_directions(const DeviceContext& context, const RandomDraw& draw, uint32_t L, size_t d,
                              float* theta) {
  if (L == 0 || d == 0) return;
  gaussian_directions_kernel<<<grid_for_rows(L), kThreads, 0, context.stream>>>(draw, L, d, theta);
  SWF_CUDA_CHECK_LAUNCH();
}

namespace {

// The scratch of drawing L orthonormal directions in dimension d: chunks of d x d Gaussian matrices in float64,
// their Householder factors and diagonal signs, cuSOLVER's info word and its work array (sized by cuSOLVER,
// which wants a matrix pointer to answer: the matrices' part is reserved first).
struct OrthogonalScratch {
  uint64_t chunk = 0;
  int work_count = 0;
  size_t matrices_at = 0, tau_at = 0, sign_at = 0, info_at = 0, work_at = 0, bytes = 0;
};

OrthogonalScratch orthogonal_scratch(const DeviceContext& context, cusolverDnHandle_t solver, uint32_t L, size_t d) {
  // The 32-bit cuSOLVER API: d x d must stay below 2^31 elements.
  if (d > 46340)
    fail(SWF_ERR_UNSUPPORTED, "orthogonal directions in dimension " + std::to_string(d) +
                                  " on the GPU (at most 46340): use Gaussian directions");
  const int n = static_cast<int>(d);
  const uint64_t matrix = uint64_t{d} * d;
  const uint64_t blocks = (uint64_t{L} + d - 1) / d;
  OrthogonalScratch scratch;
  // Matrices factored per launch of the fill kernel: up to 2^24 doubles (128 MiB) of them at once.
  scratch.chunk = std::min<uint64_t>(blocks, std::max<uint64_t>(1, (uint64_t{1} << 24) / matrix));
  WorkspaceLayout layout;
  scratch.matrices_at = layout.add<double>(scratch.chunk * matrix);
  scratch.tau_at = layout.add<double>(scratch.chunk * d);
  scratch.sign_at = layout.add<double>(scratch.chunk * d);
  scratch.info_at = layout.add<int>(1);
  char* base = context.workspace.reserve(layout.bytes(), context.stream);
  double* matrices = WorkspaceLayout::at<double>(base, scratch.matrices_at);
  double* tau = WorkspaceLayout::at<double>(base, scratch.tau_at);
  int geqrf_work = 0, orgqr_work = 0;
  SWF_CUSOLVER_CHECK(cusolverDnDgeqrf_bufferSize(solver, n, n, matrices, n, &geqrf_work));
  SWF_CUSOLVER_CHECK(cusolverDnDorgqr_bufferSize(solver, n, n, n, matrices, n, tau, &orgqr_work));
  scratch.work_count = std::max({geqrf_work, orgqr_work, 1});
  scratch.work_at = layout.add<double>(static_cast<size_t>(scratch.work_count));
  scratch.bytes = layout.bytes();
  return scratch;
}

}  // namespace

size_t orthogonal_directions_workspace_bytes(const DeviceContext& context, cusolverDnHandle_t solver, uint32_t L,
                                             size_t d) {
  if (L == 0 || d == 0) return 0;
  return orthogonal_scratch(context, solver, L, d).bytes;
}

void draw_orthogonal_directions(const DeviceContext& context, cusolverDnHandle_t solver, const RandomDraw& draw,
                                uint32_t L, size_t d, float* theta) {
  if (L == 0 || d == 0) return;
  const OrthogonalScratch scratch = orthogonal_scratch(context, solver, L, d);
  const int n = static_cast<int>(d);
  const uint64_t matrix = uint64_t{d} * d;
  const uint64_t blocks = (uint64_t{L} + d - 1) / d;
  const uint64_t chunk = scratch.chunk;
  const int work_count = scratch.work_count;
  char* base = context.workspace.reserve(scratch.bytes, context.stream);
  double* matrices = WorkspaceLayout::at<double>(base, scratch.matrices_at);
  double* tau = WorkspaceLayout::at<double>(base, scratch.tau_at);
  double* sign = WorkspaceLayout::at<double>(base, scratch.sign_at);
  int* info = WorkspaceLayout::at<int>(base, scratch.info_at);
  double* work = WorkspaceLayout::at<double>(base, scratch.work_at);

  for (uint64_t first_block = 0; first_block < blocks; first_block += chunk) {
    const uint64_t count = std::min(chunk, blocks - first_block);
    const uint64_t first_element = first_block * matrix;
    normals_kernel<double><<<grid_for(philox_blocks_covering(first_element, count * matrix), kThreads,
                                      context.multiprocessors),
                             kThreads, 0, context.stream>>>(draw, first_element, count * matrix, 1.0, matrices);
    SWF_CUDA_CHECK_LAUNCH();
    // info is only written on an invalid argument, which the status already reports; not read back (that
    // would synchronise).
    for (uint64_t b = 0; b < count; ++b)
      SWF_CUSOLVER_CHECK(cusolverDnDgeqrf(solver, n, n, matrices + b * matrix, n, tau + b * d, work, work_count, info));
    diagonal_signs_kernel<<<grid_for(count * d, kThreads, context.multiprocessors), kThreads, 0, context.stream>>>(
        matrices, d, count, sign);
    SWF_CUDA_CHECK_LAUNCH();
    for (uint64_t b = 0; b < count; ++b)
      SWF_CUSOLVER_CHECK(
          cusolverDnDorgqr(solver, n, n, n, matrices + b * matrix, n, tau + b * d, work, work_count, info));
    const uint64_t rows = std::min<uint64_t>(count * d, uint64_t{L} - first_block * d);
    signed_columns_kernel<<<grid_for(rows * d, kThreads, context.multiprocessors), kThreads, 0, context.stream>>>(
        matrices, sign, d, rows * d, theta + first_element);
    SWF_CUDA_CHECK_LAUNCH();
  }
}

void draw_points(const DeviceContext& context, swf_init law, float scale, const RandomDraw& draw, size_t count,
                 size_t d, float* points) {
  const uint64_t total = uint64_t{count} * d;
  if (total == 0) return;
  const unsigned grid = grid_for(philox_blocks_covering(0, total), kThreads, context.multiprocessors);
  if (law == SWF_INIT_UNIFORM)
    uniform_points_kernel<<<grid, kThreads, 0, context.stream>>>(draw, total, scale, points);
  else
    normals_kernel<float><<<grid, kThreads, 0, context.stream>>>(draw, 0, total, scale, points);
  SWF_CUDA_CHECK_LAUNCH();
}

void philox_words(const DeviceContext& context, const RandomDraw& draw, uint64_t first_block, size_t blocks,
                  uint32_t* words) {
  if (blocks == 0) return;
  philox_words_kernel<<<grid_for(blocks, kThreads, context.multiprocessors), kThreads, 0, context.stream>>>(
      draw, first_block, blocks, words);
  SWF_CUDA_CHECK_LAUNCH();
}

}  // namespace swf::gpu
