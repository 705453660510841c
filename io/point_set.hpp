// Point sets in HDF5 files: any 2-D numeric dataset, or an H5MD particles group.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace swf::io {

struct PointSet {
  size_t n = 0, d = 0;
  std::vector<float> values;  // n x d, row-major
};

// spec: "FILE.h5:/path" or "FILE.h5" (see swflow.h). shape_only leaves values empty.
PointSet read_points(const std::string& spec, bool shape_only = false);

// An H5MD file with /particles/<group>/position [n, d]; image_shape (2 values) or nullptr.
void write_points(const std::string& path, const std::string& group, const float* x, size_t n, size_t d,
                  const uint32_t* image_shape);

}  // namespace swf::io
