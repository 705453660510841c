#include "hdf5_util.hpp"

#include <filesystem>

#include "error.hpp"

namespace swf::io {

std::unique_lock<std::recursive_mutex> hdf5_lock() {
  static std::recursive_mutex mutex;
  static const bool silenced = [] {
    // Errors are reported through swf_last_error(), not printed by HDF5 on stderr.
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
  return std::unique_lock<std::recursive_mutex>(mutex);
}

void Hid::reset() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: H5Idec_ref(id_);
  }
  id_ = H5I_INVALID_HID;
}

Hid checked(hid_t id, swf_status status, const std::string& file, const std::string& what) {
  if (id < 0) fail(status, file + ": " + what);
  return Hid(id);
}

void check(herr_t result, swf_status status, const std::string& file, const std::string& what) {
  if (result < 0) fail(status, file + ": " + what);
}

Hid open_file(const std::string& path, bool writable) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(SWF_ERR_IO, path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) fail(SWF_ERR_IO, path + ": is a directory, not a file");
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 < 0) fail(SWF_ERR_IO, path + ": cannot be read");
  if (is_hdf5 == 0) fail(SWF_ERR_FORMAT, path + ": not an HDF5 file");
  const hid_t file = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  return checked(file, SWF_ERR_FORMAT, path, "cannot be opened as HDF5 (truncated or damaged?)");
}

Hid create_file(const std::string& path) {
  return checked(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), SWF_ERR_IO, path,
                 "cannot be created");
}

bool link_exists(hid_t location, const std::string& path) {
  // Walk the path one component at a time: H5Lexists fails on a missing intermediate group.
  std::string partial;
  size_t start = path[0] == '/' ? 1 : 0;
  if (start == 1) partial = "/";
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) {
      partial += (partial.empty() || partial.back() == '/' ? "" : "/") + part;
      if (H5Lexists(location, partial.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

Hid create_group(hid_t location, const std::string& path, const std::string& file) {
  Hid properties(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(properties, 1);
  return checked(H5Gcreate2(location, path.c_str(), properties, H5P_DEFAULT, H5P_DEFAULT), SWF_ERR_IO, file,
                 "cannot create group " + path);
}

namespace {

void write_raw_attribute(hid_t object, const char* name, hid_t file_type, hid_t memory_type, hid_t space,
                         const void* data) {
  if (H5Aexists(object, name) > 0) H5Adelete(object, name);
  Hid attribute(H5Acreate2(object, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT));
  if (!attribute.valid() || H5Awrite(attribute, memory_type, data) < 0)
    fail(SWF_ERR_IO, std::string("cannot write attribute ") + name);
}

Hid string_type(size_t length) {
  Hid type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, length == 0 ? 1 : length);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  H5Tset_cset(type, H5T_CSET_UTF8);
  return type;
}

Hid open_attribute(hid_t object, const char* name, const std::string& file) {
  if (H5Aexists(object, name) <= 0) fail(SWF_ERR_FORMAT, file + ": attribute " + name + " is missing");
  return checked(H5Aopen(object, name, H5P_DEFAULT), SWF_ERR_FORMAT, file, std::string("cannot open attribute ") + name);
}

}  // namespace

void write_attribute(hid_t object, const char* name, const std::string& value) {
  Hid type = string_type(value.size());
  Hid space(H5Screate(H5S_SCALAR));
  write_raw_attribute(object, name, type, type, space, value.data());
}

void write_attribute(hid_t object, const char* name, const std::vector<std::string>& values) {
  size_t longest = 1;
  for (const std::string& value : values) longest = std::max(longest, value.size());
  std::vector<char> packed(longest * values.size(), '\0');
  for (size_t i = 0; i < values.size(); ++i) values[i].copy(&packed[i * longest], longest);
  Hid type = string_type(longest);
  const hsize_t count = values.size();
  Hid space(H5Screate_simple(1, &count, nullptr));
  write_raw_attribute(object, name, type, type, space, packed.data());
}

void write_attribute(hid_t object, const char* name, int64_t value) {
  Hid space(H5Screate(H5S_SCALAR));
  write_raw_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, space, &value);
}

void write_attribute(hid_t object, const char* name, uint64_t value) {
  Hid space(H5Screate(H5S_SCALAR));
  write_raw_attribute(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, space, &value);
}

void write_attribute(hid_t object, const char* name, double value) {
  Hid space(H5Screate(H5S_SCALAR));
  write_raw_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space, &value);
}

void write_attribute(hid_t object, const char* name, const std::vector<int32_t>& values) {
  const hsize_t count = values.size();
  Hid space(H5Screate_simple(1, &count, nullptr));
  write_raw_attribute(object, name, H5T_STD_I32LE, H5T_NATIVE_INT32, space, values.data());
}

bool has_attribute(hid_t object, const char* name) { return H5Aexists(object, name) > 0; }

std::string read_string_attribute(hid_t object, const char* name, const std::string& file) {
  Hid attribute = open_attribute(object, name, file);
  Hid type(H5Aget_type(attribute));
  if (H5Tget_class(type) != H5T_STRING) fail(SWF_ERR_FORMAT, file + ": attribute " + name + " is not a string");
  if (H5Tis_variable_str(type) > 0) {
    Hid memory_type(H5Tcopy(H5T_C_S1));
    H5Tset_size(memory_type, H5T_VARIABLE);
    char* value = nullptr;
    check(H5Aread(attribute, memory_type, &value), SWF_ERR_FORMAT, file, std::string("cannot read attribute ") + name);
    std::string result = value ? value : "";
    H5free_memory(value);
    return result;
  }
  const size_t size = H5Tget_size(type);
  std::string value(size, '\0');
  check(H5Aread(attribute, type, value.data()), SWF_ERR_FORMAT, file, std::string("cannot read attribute ") + name);
  value.resize(value.find('\0') == std::string::npos ? size : value.find('\0'));
  return value;
}

int64_t read_int_attribute(hid_t object, const char* name, const std::string& file) {
  Hid attribute = open_attribute(object, name, file);
  int64_t value = 0;
  check(H5Aread(attribute, H5T_NATIVE_INT64, &value), SWF_ERR_FORMAT, file, std::string("cannot read attribute ") + name);
  return value;
}

uint64_t read_uint_attribute(hid_t object, const char* name, const std::string& file) {
  Hid attribute = open_attribute(object, name, file);
  uint64_t value = 0;
  check(H5Aread(attribute, H5T_NATIVE_UINT64, &value), SWF_ERR_FORMAT, file, std::string("cannot read attribute ") + name);
  return value;
}

double read_double_attribute(hid_t object, const char* name, const std::string& file) {
  Hid attribute = open_attribute(object, name, file);
  double value = 0;
  check(H5Aread(attribute, H5T_NATIVE_DOUBLE, &value), SWF_ERR_FORMAT, file, std::string("cannot read attribute ") + name);
  return value;
}

std::vector<hsize_t> dataset_dims(hid_t dataset) {
  Hid space(H5Dget_space(dataset));
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(rank > 0 ? rank : 0);
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

void write_matrix(hid_t location, const std::string& name, const float* data, size_t rows, size_t cols,
                  const std::string& file) {
  const hsize_t dims[2] = {rows, cols};
  Hid space(H5Screate_simple(2, dims, nullptr));
  Hid dataset = checked(H5Dcreate2(location, name.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                        SWF_ERR_IO, file, "cannot create dataset " + name);
  check(H5Dwrite(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), SWF_ERR_IO, file,
        "cannot write dataset " + name);
}

}  // namespace swf::io
