// Outputs appear only complete: written under a temporary name in the same directory, then renamed.
#pragma once

#include <string>

namespace swf::io {

// "<path>.tmp-<pid>": a name beside `path`, on the same file system, unique to this process.
std::string temporary_name(const std::string& path);

// Renames `from` over `to` atomically (and syncs it first); throws Error(SWF_ERR_IO) on failure.
void publish(const std::string& from, const std::string& to);

// Copies `from` to a temporary name beside `to`, then publishes it over `to`.
void publish_copy(const std::string& from, const std::string& to);

// Removes a file if it exists; never throws.
void remove_quietly(const std::string& path) noexcept;

}  // namespace swf::io
