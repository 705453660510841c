#include "point_set.hpp"

#include <cmath>

#include "atomic_file.hpp"
#include "error.hpp"
#include "h5md.hpp"
#include "hdf5_util.hpp"

namespace swf::io {
namespace {

struct Spec {
  std::string file, path;
};

Spec parse_spec(const std::string& spec) {
  const size_t split = spec.rfind(":/");
  if (split == std::string::npos) return {spec, ""};
  return {spec.substr(0, split), spec.substr(split + 1)};
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

// The path of the particles group an H5MD file offers when no path is given.
std::string default_particles_group(hid_t file, const std::string& name) {
  if (link_exists(file, "/particles/flow")) return "/particles/flow";
  if (!link_exists(file, "/particles"))
    fail(SWF_ERR_FORMAT, name + ": no /particles group; name a dataset as " + name + ":/path/to/dataset");
  Hid particles(H5Gopen2(file, "/particles", H5P_DEFAULT));
  H5G_info_t info{};
  H5Gget_info(particles, &info);
  if (info.nlinks != 1)
    fail(SWF_ERR_FORMAT, name + ": /particles holds " + std::to_string(info.nlinks) +
                             " groups; name one as " + name + ":/particles/NAME");
  char group_name[256] = {0};
  H5Lget_name_by_idx(particles, ".", H5_INDEX_NAME, H5_ITER_INC, 0, group_name, sizeof group_name, H5P_DEFAULT);
  return std::string("/particles/") + group_name;
}

struct Located {
  Hid dataset;
  std::string where;  // file:/path of the dataset, for messages
  bool time_series;   // [K, N, d]: the last frame is the point set
};

Located locate(hid_t file, const Spec& spec) {
  std::string path = spec.path.empty() ? default_particles_group(file, spec.file) : spec.path;
  if (!link_exists(file, path)) fail(SWF_ERR_FORMAT, spec.file + ": no dataset or group " + path);
  Hid object(H5Oopen(file, path.c_str(), H5P_DEFAULT));
  if (!object.valid()) fail(SWF_ERR_FORMAT, spec.file + ":" + path + ": cannot be opened");
  bool time_series = false;
  if (H5Iget_type(object) == H5I_GROUP) {
    // An H5MD particles group: its position, fixed or a time series.
    if (link_exists(object, "position/value")) {
      path += "/position/value";
      time_series = true;
    } else if (link_exists(object, "position")) {
      path += "/position";
    } else {
      fail(SWF_ERR_FORMAT, spec.file + ":" + path + ": is a group without an H5MD position");
    }
    object = Hid(H5Oopen(file, path.c_str(), H5P_DEFAULT));
  }
  const std::string where = spec.file + ":" + path;
  if (H5Iget_type(object) != H5I_DATASET) fail(SWF_ERR_FORMAT, where + ": is not a dataset");
  return {std::move(object), where, time_series};
}

}  // namespace

PointSet read_points(const std::string& spec_text, bool shape_only) {
  auto lock = hdf5_lock();
  const Spec spec = parse_spec(spec_text);
  Hid file = open_file(spec.file, false);
  Located located = locate(file, spec);
  Hid type(H5Dget_type(located.dataset));
  const H5T_class_t type_class = H5Tget_class(type);
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT)
    fail(SWF_ERR_FORMAT, located.where + ": is not numeric (integers or floats expected)");
  const std::vector<hsize_t> dims = dataset_dims(located.dataset);
  const size_t rank = located.time_series ? 3 : 2;
  if (dims.size() != rank)
    fail(SWF_ERR_FORMAT, located.where + ": has shape " + shape_text(dims) + ", expected " +
                             (located.time_series ? "[frames, N, d]" : "2-D [N, d]"));
  const hsize_t n = dims[rank - 2], d = dims[rank - 1];
  if (n == 0 || d == 0 || (located.time_series && dims[0] == 0))
    fail(SWF_ERR_FORMAT, located.where + ": is empty, shape " + shape_text(dims));
  PointSet points{n, d, {}};
  if (shape_only) return points;
  points.values.resize(n * d);
  Hid file_space(H5Dget_space(located.dataset));
  const hsize_t memory_dims[2] = {n, d};
  Hid memory_space(H5Screate_simple(2, memory_dims, nullptr));
  if (located.time_series) {
    const hsize_t start[3] = {dims[0] - 1, 0, 0}, count[3] = {1, n, d};
    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  }
  check(H5Dread(located.dataset, H5T_NATIVE_FLOAT, memory_space, file_space, H5P_DEFAULT, points.values.data()),
        SWF_ERR_FORMAT, located.where, "cannot be read (damaged file?)");
  for (size_t e = 0; e < points.values.size(); ++e)
    if (!std::isfinite(points.values[e]))
      fail(SWF_ERR_FORMAT, located.where + ": row " + std::to_string(e / d) + ", column " + std::to_string(e % d) +
                               " is " + std::to_string(points.values[e]) + " (only finite values are accepted)");
  return points;
}

void write_points(const std::string& path, const std::string& group, const float* x, size_t n, size_t d,
                  const uint32_t* image_shape) {
  auto lock = hdf5_lock();
  const std::string temporary = temporary_name(path);
  try {
    {
      Hid file = create_file(temporary);
      write_h5md_root(file, "", path);
      Hid particles = create_group(file, "/particles/" + group, path);
      write_box(particles, d, path);
      write_matrix(particles, "position", x, n, d, path);
      Hid parameters = create_group(file, "/parameters/swflow", path);
      if (image_shape)
        write_attribute(parameters, "image_shape",
                        std::vector<int32_t>{int32_t(image_shape[0]), int32_t(image_shape[1])});
      check(H5Fflush(file, H5F_SCOPE_GLOBAL), SWF_ERR_IO, path, "cannot be written");
    }
    publish(temporary, path);
  } catch (...) {
    remove_quietly(temporary);
    throw;
  }
}

}  // namespace swf::io
