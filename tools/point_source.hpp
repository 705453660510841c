// Point sets named on the command line: a file spec (FILE.h5:/path) or a built-in dataset.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace swf::tools {

// Fills points (n x d) from `spec` when not empty, else from the built-in `dataset` (count samples in
// dimension dim; 2-D sets ignore dim). Returns 0, or prints one line and returns the exit code.
int load_points(const std::string& command, const std::string& spec, const std::string& dataset, size_t dim,
                size_t count, uint64_t seed, std::vector<float>& points, size_t& n, size_t& d);

}  // namespace swf::tools
