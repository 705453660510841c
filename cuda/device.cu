// Device discovery. A machine without a GPU (or with a driver older than the toolkit) answers with an
// error here; that is the signal for SWF_BACKEND_AUTO to fall back on the CPU.
#include <cuda_runtime.h>

#include "backend_factory.hpp"
#include "cuda_backend.cuh"
#include "cuda_check.cuh"
#include "error.hpp"

namespace swf {

int cuda_device_count(std::string* why) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    if (why) *why = std::string("cudaGetDeviceCount: ") + cudaGetErrorString(status);
    cudaGetLastError();  // clear the sticky error so later probes start clean
    return 0;
  }
  if (count == 0 && why) *why = "no CUDA device found";
  return count;
}

std::shared_ptr<Backend> make_cuda_backend() {
  std::string why;
  if (cuda_device_count(&why) == 0) fail(SWF_ERR_NO_DEVICE, "SWF_BACKEND_CUDA: " + why);
  // The calling thread's current device (device 0 unless the caller chose another).
  int device = 0;
  SWF_CUDA_CHECK(cudaGetDevice(&device));
  return std::make_shared<gpu::CudaBackend>(device);
}

}  // namespace swf
