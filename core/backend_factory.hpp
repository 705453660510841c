// Where backends are made. Defined by each backend's folder (cpu/, cuda/), declared here so that
// capi/ picks a backend without knowing its types.
#pragma once

#include <memory>
#include <string>

#include "backend.hpp"

namespace swf {

std::shared_ptr<Backend> make_cpu_backend();

// Number of CUDA devices that answer (0 when none, or in a build without CUDA); `why` receives the
// reason when there are none.
int cuda_device_count(std::string* why);

// The CUDA backend; throws Error(SWF_ERR_NO_DEVICE) or Error(SWF_ERR_UNSUPPORTED) when it cannot be had.
std::shared_ptr<Backend> make_cuda_backend();

}  // namespace swf
