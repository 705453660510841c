#include "validate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "error.hpp"

namespace swf::capi {

void require_not_null(const void* pointer, const char* name) {
  if (!pointer) fail(SWF_ERR_INVALID_ARGUMENT, std::string(name) + " is NULL");
}

void require_count(size_t count, size_t d, const char* name) {
  if (count == 0) fail(SWF_ERR_INVALID_ARGUMENT, std::string(name) + " is 0: at least one point is needed");
  if (d == 0) fail(SWF_ERR_INVALID_ARGUMENT, "the dimension d is 0");
  if (count > SIZE_MAX / d / sizeof(float))
    fail(SWF_ERR_INVALID_ARGUMENT, std::string(name) + " x d = " + std::to_string(count) + " x " +
                                       std::to_string(d) + " floats overflows size_t");
  if (count > UINT32_MAX)
    fail(SWF_ERR_INVALID_ARGUMENT, std::string(name) + " = " + std::to_string(count) + " exceeds 2^32 - 1 points");
}

void require_finite(const float* values, size_t rows, size_t d, const char* name) {
  for (size_t i = 0; i < rows; ++i)
    for (size_t k = 0; k < d; ++k)
      if (!std::isfinite(values[i * d + k]))
        fail(SWF_ERR_INVALID_ARGUMENT, std::string(name) + " has a non-finite value (" +
                                           std::to_string(values[i * d + k]) + ") at row " + std::to_string(i) +
                                           ", column " + std::to_string(k));
}

void copy_text(const std::string& source, char* text, size_t capacity, size_t* length) {
  *length = source.size();
  if (text && capacity > 0) {
    const size_t copied = std::min(capacity - 1, source.size());
    std::memcpy(text, source.data(), copied);
    text[copied] = '\0';
  }
}

}  // namespace swf::capi
