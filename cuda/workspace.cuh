// The device scratch memory of a CUDA backend and what every launcher receives with it. One allocation,
// grown when a call needs more and kept; a flow reserves what its steps need before their loop
// (Backend::reserve_transport), so no step allocates.
#pragma once

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "cuda_check.cuh"

namespace swf::gpu {

class Workspace {
 public:
  Workspace() = default;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  ~Workspace() { release(); }

  // At least `bytes` of device memory, 256-byte aligned, valid until the next reserve. Growing waits for
  // the stream first: work already queued may still read the old block.
  char* reserve(size_t bytes, cudaStream_t stream) {
    if (bytes <= capacity_) return data_;
    SWF_CUDA_CHECK(cudaStreamSynchronize(stream));
    SWF_CUDA_CHECK(cudaFree(data_));
    data_ = nullptr;
    capacity_ = 0;
    const size_t rounded = (bytes + kGranule - 1) / kGranule * kGranule;
    void* block = nullptr;
    SWF_CUDA_CHECK(cudaMalloc(&block, rounded));
    data_ = static_cast<char*>(block);
    capacity_ = rounded;
    return data_;
  }
  size_t capacity() const { return capacity_; }
  void release() noexcept {
    cudaFree(data_);
    data_ = nullptr;
    capacity_ = 0;
  }

 private:
  static constexpr size_t kGranule = size_t{2} << 20;
  char* data_ = nullptr;
  size_t capacity_ = 0;
};

// Offsets of typed arrays inside one workspace block: add() them all, reserve(bytes()), then at().
class WorkspaceLayout {
 public:
  template <class T>
  size_t add(size_t count) {
    bytes_ = (bytes_ + kAlignment - 1) / kAlignment * kAlignment;
    const size_t offset = bytes_;
    bytes_ += count * sizeof(T);
    return offset;
  }
  size_t bytes() const { return bytes_; }
  template <class T>
  static T* at(char* base, size_t offset) {
    return reinterpret_cast<T*>(base + offset);
  }

 private:
  static constexpr size_t kAlignment = 256;  // what cudaMalloc gives, and what CUB's temp storage asks
  size_t bytes_ = 0;
};

// What a launcher needs from its backend: the stream its work is queued on, the scratch memory, and what
// the device holds.
struct DeviceContext {
  cudaStream_t stream;
  Workspace& workspace;
  int multiprocessors;
  uint64_t on_chip_sort_limit;       // the longest row cuda/radix_sort.cu sorts in one block
  uint64_t on_chip_transport_limit;  // the longest particle row cuda/transport.cu transports in one block
};

// The thread-block shapes of the on-chip kernels (one block sorts one row: cub::BlockRadixSort over
// threads x items keys in registers and shared memory), smallest first; a row goes to the first shape that
// holds it. ptxas of CUDA 13.0 for sm_90 (-Xptxas -v): the 1024-thread shape is held to 64 registers by
// __launch_bounds__ and spills (transport: 204 bytes of stores per thread, sort: 40); the others use 52 to 104
// registers without spills.
struct OnChipShape {
  int threads, items;
  constexpr uint64_t capacity() const { return static_cast<uint64_t>(threads) * items; }
};
constexpr OnChipShape kOnChipShapes[] = {{128, 8}, {256, 16}, {512, 16}, {1024, 16}};
constexpr int kOnChipShapeCount = sizeof(kOnChipShapes) / sizeof(kOnChipShapes[0]);

// The index of the first shape that holds `length` values within `limit`, or -1.
inline int on_chip_shape(uint64_t length, uint64_t limit) {
  for (int s = 0; s < kOnChipShapeCount; ++s)
    if (length <= kOnChipShapes[s].capacity()) return kOnChipShapes[s].capacity() <= limit ? s : -1;
  return -1;
}

// The longest row the on-chip kernels take: the capacity of the largest shape before the first that does
// not launch on this device (shapes are tried smallest first).
inline uint64_t on_chip_limit(const bool (&fits)[kOnChipShapeCount]) {
  uint64_t limit = 0;
  for (int s = 0; s < kOnChipShapeCount && fits[s]; ++s) limit = kOnChipShapes[s].capacity();
  return limit;
}

// Kernels that use more than 48 KiB of dynamic shared memory must opt in, kernel by kernel.
template <class Kernel>
void allow_shared_memory(Kernel kernel, size_t bytes) {
  if (bytes > 48 * 1024)
    SWF_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
}

// Whether `kernel` launches on the current device with `threads` per block and `bytes` of dynamic shared
// memory: its registers allow that many threads and its static plus dynamic shared memory fits.
template <class Kernel>
bool kernel_fits(Kernel kernel, int threads, size_t bytes, size_t shared_bytes_per_block) {
  cudaFuncAttributes attributes;
  if (cudaFuncGetAttributes(&attributes, kernel) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  return attributes.maxThreadsPerBlock >= threads && attributes.sharedSizeBytes + bytes <= shared_bytes_per_block;
}

// Blocks for a grid-stride loop over `items` with `threads` per block: enough to fill the device a few
// times over, never more than the items need.
inline unsigned grid_for(uint64_t items, unsigned threads, int multiprocessors) {
  const uint64_t needed = (items + threads - 1) / threads;
  const uint64_t enough = static_cast<uint64_t>(std::max(multiprocessors, 1)) * 32;
  return static_cast<unsigned>(std::max<uint64_t>(1, std::min(needed, enough)));
}

// Blocks for a loop over `rows` rows, one block per row at a time.
inline unsigned grid_for_rows(uint64_t rows) {
  return static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(rows, uint64_t{1} << 20)));
}

}  // namespace swf::gpu
