// The C boundary: every entry point runs its body through guarded(), which turns any exception into a
// status and the thread-local text swf_last_error() returns. Nothing is thrown across the ABI.
#pragma once

#include <new>
#include <string>

#include "error.hpp"

namespace swf::capi {

void set_last_error(const std::string& message);

template <class Body>
swf_status guarded(const char* function, Body&& body) noexcept {
  try {
    body();
    return SWF_OK;
  } catch (const Error& error) {
    set_last_error(std::string(function) + ": " + error.what());
    return error.status();
  } catch (const std::bad_alloc&) {
    set_last_error(std::string(function) + ": out of memory");
    return SWF_ERR_OUT_OF_MEMORY;
  } catch (const std::exception& error) {
    set_last_error(std::string(function) + ": internal error: " + error.what());
    return SWF_ERR_INTERNAL;
  } catch (...) {
    set_last_error(std::string(function) + ": internal error: unknown exception");
    return SWF_ERR_INTERNAL;
  }
}

}  // namespace swf::capi
