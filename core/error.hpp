// The one exception type of libswflow: a status and a message. Thrown anywhere below capi/, turned
// into a status and swf_last_error() text at the C boundary (capi/boundary.hpp).
#pragma once

#include <stdexcept>
#include <string>

#include "swflow.h"

namespace swf {

class Error : public std::runtime_error {
 public:
  Error(swf_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  swf_status status() const noexcept { return status_; }

 private:
  swf_status status_;
};

[[noreturn]] inline void fail(swf_status status, const std::string& message) { throw Error(status, message); }

}  // namespace swf
