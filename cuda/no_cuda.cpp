// The CUDA entry points of a build without CUDA (-DSWF_ENABLE_CUDA=OFF or no nvcc found).
#include "backend_factory.hpp"
#include "error.hpp"

namespace swf {

int cuda_device_count(std::string* why) {
  if (why) *why = "libswflow was built without CUDA (-DSWF_ENABLE_CUDA=OFF or no CUDA compiler found)";
  return 0;
}

std::shared_ptr<Backend> make_cuda_backend() {
  std::string why;
  cuda_device_count(&why);
  fail(SWF_ERR_NO_DEVICE, "SWF_BACKEND_CUDA: " + why);
}

}  // namespace swf
