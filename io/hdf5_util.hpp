// Thin helpers over HDF5's C API: owned identifiers, attributes, and errors turned into swf::Error
// with the file and object named. HDF5 (Debian's serial build) is not thread-safe: every io/ entry
// point holds hdf5_lock() while it runs.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "swflow.h"

namespace swf::io {

std::unique_lock<std::recursive_mutex> hdf5_lock();

// An HDF5 identifier closed with the right H5?close when it goes out of scope.
class Hid {
 public:
  Hid() = default;
  explicit Hid(hid_t id) : id_(id) {}
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  Hid(Hid&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Hid& operator=(Hid&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.id_;
      other.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  ~Hid() { reset(); }
  void reset();
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// Throws Error(status, "<file>: <what>") when id < 0; returns the owned id otherwise.
Hid checked(hid_t id, swf_status status, const std::string& file, const std::string& what);
void check(herr_t result, swf_status status, const std::string& file, const std::string& what);

// Opens an existing HDF5 file: SWF_ERR_IO when missing or unreadable, SWF_ERR_FORMAT when not HDF5 or
// damaged.
Hid open_file(const std::string& path, bool writable);
Hid create_file(const std::string& path);

bool link_exists(hid_t location, const std::string& path);
Hid create_group(hid_t location, const std::string& path, const std::string& file);

void write_attribute(hid_t object, const char* name, const std::string& value);
void write_attribute(hid_t object, const char* name, const std::vector<std::string>& values);
void write_attribute(hid_t object, const char* name, int64_t value);
void write_attribute(hid_t object, const char* name, uint64_t value);
void write_attribute(hid_t object, const char* name, double value);
void write_attribute(hid_t object, const char* name, const std::vector<int32_t>& values);

bool has_attribute(hid_t object, const char* name);
std::string read_string_attribute(hid_t object, const char* name, const std::string& file);
int64_t read_int_attribute(hid_t object, const char* name, const std::string& file);
uint64_t read_uint_attribute(hid_t object, const char* name, const std::string& file);
double read_double_attribute(hid_t object, const char* name, const std::string& file);

// Dimensions of a dataset.
std::vector<hsize_t> dataset_dims(hid_t dataset);

// A [rows, cols] float32 dataset written in one go (optional deflate level).
void write_matrix(hid_t location, const std::string& name, const float* data, size_t rows, size_t cols,
                  const std::string& file);

}  // namespace swf::io
