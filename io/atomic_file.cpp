#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "error.hpp"

namespace swf::io {

std::string temporary_name(const std::string& path) { return path + ".tmp-" + std::to_string(::getpid()); }

void publish(const std::string& from, const std::string& to) {
  // Data reaches the disk before the rename makes it visible: a crash leaves the old file or the new.
  const int fd = ::open(from.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    remove_quietly(from);
    fail(SWF_ERR_IO, to + ": cannot be written (" + why + ")");
  }
}

void publish_copy(const std::string& from, const std::string& to) {
  const std::string temporary = temporary_name(to);
  std::error_code ec;
  std::filesystem::copy_file(from, temporary, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    remove_quietly(temporary);
    fail(SWF_ERR_IO, to + ": cannot be written (" + ec.message() + ")");
  }
  publish(temporary, to);
}

void remove_quietly(const std::string& path) noexcept {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

}  // namespace swf::io
