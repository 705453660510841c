// Versions, status names and the thread-local error text.
#include <string>

#include "boundary.hpp"
#include "swflow.h"

#define SWF_STRINGIFY2(x) #x
#define SWF_STRINGIFY(x) SWF_STRINGIFY2(x)

namespace swf::capi {
namespace {
thread_local std::string last_error;
}
void set_last_error(const std::string& message) { last_error = message; }
}  // namespace swf::capi

extern "C" {

uint32_t swf_version(void) { return SWF_VERSION_NUMBER; }

const char* swf_version_string(void) {
  return SWF_STRINGIFY(SWF_VERSION_MAJOR) "." SWF_STRINGIFY(SWF_VERSION_MINOR) "." SWF_STRINGIFY(SWF_VERSION_PATCH);
}

const char* swf_status_string(swf_status s) {
  switch (s) {
    case SWF_OK: return "SWF_OK: success";
    case SWF_ERR_INVALID_ARGUMENT: return "SWF_ERR_INVALID_ARGUMENT: invalid argument";
    case SWF_ERR_OUT_OF_MEMORY: return "SWF_ERR_OUT_OF_MEMORY: out of memory";
    case SWF_ERR_NO_DEVICE: return "SWF_ERR_NO_DEVICE: no usable GPU";
    case SWF_ERR_DEVICE: return "SWF_ERR_DEVICE: GPU error";
    case SWF_ERR_IO: return "SWF_ERR_IO: input/output error";
    case SWF_ERR_FORMAT: return "SWF_ERR_FORMAT: bad file format";
    case SWF_ERR_UNSUPPORTED: return "SWF_ERR_UNSUPPORTED: not supported by this build or backend";
    case SWF_ERR_INTERNAL: return "SWF_ERR_INTERNAL: internal error";
    default: return "unknown swf_status";
  }
}

const char* swf_last_error(void) { return swf::capi::last_error.c_str(); }

}  // extern "C"
