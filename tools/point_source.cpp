#include "point_source.hpp"

#include "cli_common.hpp"
#include "swflow.h"

namespace swf::tools {

int load_points(const std::string& command, const std::string& spec, const std::string& dataset, size_t dim,
                size_t count, uint64_t seed, std::vector<float>& points, size_t& n, size_t& d) {
  if (!spec.empty()) {
    if (swf_status s = swf_points_shape(spec.c_str(), &n, &d)) return report_failure(command, s);
    points.resize(n * d);
    if (swf_status s = swf_points_read(spec.c_str(), points.data(), n, d)) return report_failure(command, s);
    return kExitSuccess;
  }
  const bool planar = dataset != "gaussian";
  n = count;
  d = planar ? 2 : dim;
  points.resize(n * d);
  if (swf_status s = swf_dataset_generate(dataset.c_str(), n, d, seed, points.data()))
    return report_failure(command, s, "--dataset " + dataset);
  return kExitSuccess;
}

}  // namespace swf::tools
