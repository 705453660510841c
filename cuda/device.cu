// Device discovery. A machine without a GPU (or with a driver older than the toolkit) answers with an
// error here; that is the signal for SWF_BACKEND_AUTO to fall back on the CPU.
#include <cuda_runtime.h>

#include "backend_factory.hpp"
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
  fail(SWF_ERR_UNSUPPORTED, "SWF_BACKEND_CUDA: a device answers, but this version has no CUDA flow kernels yet");
}

}  // namespace swf
