// Learned-flow models in HDF5: a group /model with the architecture as attributes and one dataset per
// weight and bias. Plain data: capi/ converts to and from swf::Mlp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace swf::io {

struct ModelArray {
  std::string name;  // "layer0/weight", ...
  std::vector<size_t> shape;
  std::vector<float> values;
};

struct ModelFile {
  // Architecture and state.
  uint64_t dim = 0, width = 0, depth = 0, frequencies = 0, adam_steps = 0, seed = 0;
  std::string activation;     // "silu", "relu", "tanh"
  std::string initial_law;    // "gaussian", "uniform"
  double time_scale = 1.0, initial_scale = 1.0;
  std::string training;       // how it was trained (free text), stored as an attribute
  std::vector<ModelArray> arrays;
};

// Written under a temporary name and renamed over `path` when complete.
void save_model(const std::string& path, const ModelFile& model);
ModelFile load_model(const std::string& path);

}  // namespace swf::io
