#include "model_file.hpp"

#include <cmath>

#include "atomic_file.hpp"
#include "error.hpp"
#include "h5md.hpp"
#include "hdf5_util.hpp"

namespace swf::io {
namespace {

const char* const kModel = "/model";

void write_array(hid_t file, const ModelArray& array, const std::string& path) {
  const std::string name = std::string(kModel) + "/" + array.name;
  std::vector<hsize_t> dims(array.shape.begin(), array.shape.end());
  Hid space(H5Screate_simple(int(dims.size()), dims.data(), nullptr));
  Hid properties(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(properties, 1);
  Hid dataset = checked(H5Dcreate2(file, name.c_str(), H5T_IEEE_F32LE, space, properties, H5P_DEFAULT, H5P_DEFAULT),
                        SWF_ERR_IO, path, "cannot create dataset " + name);
  check(H5Dwrite(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, array.values.data()), SWF_ERR_IO, path,
        "cannot write dataset " + name);
}

// The datasets of the model group, layer by layer: layer<i>/weight then layer<i>/bias.
std::vector<ModelArray> read_arrays(hid_t file, uint64_t layers, const std::string& path) {
  std::vector<ModelArray> arrays;
  for (uint64_t layer = 0; layer < layers; ++layer) {
    for (const char* kind : {"weight", "bias"}) {
      ModelArray array;
      array.name = "layer" + std::to_string(layer) + "/" + kind;
      const std::string name = std::string(kModel) + "/" + array.name;
      if (!link_exists(file, name)) fail(SWF_ERR_FORMAT, path + ": missing dataset " + name);
      Hid dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
      const std::vector<hsize_t> dims = dataset_dims(dataset);
      array.shape.assign(dims.begin(), dims.end());
      size_t count = 1;
      for (hsize_t extent : dims) count *= extent;
      array.values.resize(count);
      check(H5Dread(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, array.values.data()), SWF_ERR_FORMAT,
            path, "cannot read " + name);
      for (float value : array.values)
        if (!std::isfinite(value)) fail(SWF_ERR_FORMAT, path + ":" + name + ": holds non-finite values");
      arrays.push_back(std::move(array));
    }
  }
  return arrays;
}

}  // namespace

void save_model(const std::string& path, const ModelFile& model) {
  auto lock = hdf5_lock();
  const std::string temporary = temporary_name(path);
  try {
    {
      Hid file = create_file(temporary);
      write_h5md_root(file, "", path);
      Hid group = create_group(file, kModel, path);
      write_attribute(group, "kind", std::string("time-conditioned MLP: f(x0, t) = x0 + (t/T) g([x0, gamma(t)])"));
      write_attribute(group, "dim", model.dim);
      write_attribute(group, "width", model.width);
      write_attribute(group, "depth", model.depth);
      write_attribute(group, "frequencies", model.frequencies);
      write_attribute(group, "activation", model.activation);
      write_attribute(group, "time_scale", model.time_scale);
      write_attribute(group, "initial_law", model.initial_law);
      write_attribute(group, "initial_scale", model.initial_scale);
      write_attribute(group, "adam_steps", model.adam_steps);
      write_attribute(group, "seed", model.seed);
      write_attribute(group, "training", model.training);
      write_attribute(group, "library_version", std::string(swf_version_string()));
      for (const ModelArray& array : model.arrays) write_array(file, array, path);
      check(H5Fflush(file, H5F_SCOPE_GLOBAL), SWF_ERR_IO, path, "cannot be written");
    }
    publish(temporary, path);
  } catch (...) {
    remove_quietly(temporary);
    throw;
  }
}

ModelFile load_model(const std::string& path) {
  auto lock = hdf5_lock();
  Hid file = open_file(path, false);
  if (!link_exists(file, kModel)) fail(SWF_ERR_FORMAT, path + ": no /model group: not a libswflow model");
  Hid group(H5Gopen2(file, kModel, H5P_DEFAULT));
  ModelFile model;
  model.dim = read_uint_attribute(group, "dim", path);
  model.width = read_uint_attribute(group, "width", path);
  model.depth = read_uint_attribute(group, "depth", path);
  model.frequencies = read_uint_attribute(group, "frequencies", path);
  model.activation = read_string_attribute(group, "activation", path);
  model.time_scale = read_double_attribute(group, "time_scale", path);
  model.initial_law = read_string_attribute(group, "initial_law", path);
  model.initial_scale = read_double_attribute(group, "initial_scale", path);
  model.adam_steps = read_uint_attribute(group, "adam_steps", path);
  model.seed = read_uint_attribute(group, "seed", path);
  model.training = read_string_attribute(group, "training", path);
  if (model.dim == 0 || model.width == 0 || model.depth == 0 || model.depth > 64 || !(model.time_scale > 0))
    fail(SWF_ERR_FORMAT, path + ": /model has an invalid architecture");
  model.arrays = read_arrays(file, model.depth + 1, path);
  return model;
}

}  // namespace swf::io
