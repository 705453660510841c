// Argument checks shared by the entry points; each throws Error(SWF_ERR_INVALID_ARGUMENT) with a
// message that names the argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace swf::capi {

void require_not_null(const void* pointer, const char* name);
// count >= 1, count < 2^32 (ranks are 32-bit), and count * d floats addressable.
void require_count(size_t count, size_t d, const char* name);
// Every entry of the rows x d array is finite; names the first bad row.
void require_finite(const float* values, size_t rows, size_t d, const char* name);

// The text-returning calls' convention: *length = source's length; when text is not NULL, at most capacity
// bytes of source (cut to fit, NUL-terminated) into text.
void copy_text(const std::string& source, char* text, size_t capacity, size_t* length);

}  // namespace swf::capi
