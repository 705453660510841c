#include "trajectory.hpp"

#include <algorithm>
#include <sstream>

#include "atomic_file.hpp"
#include "error.hpp"
#include "h5md.hpp"
#include "swflow.h"

namespace swf::io {
namespace {

const char* const kPosition = "/particles/flow/position";
const char* const kParameters = "/parameters/swflow";
const char* const kSw2 = "/observables/sw2";
const char* const kEnergy = "/observables/energy";

const char* directions_name(int32_t mode) {
  switch (mode) {
    case SWF_DIRECTIONS_ORTHOGONAL: return "orthogonal";
    case SWF_DIRECTIONS_FIXED: return "fixed";
    default: return "gaussian";
  }
}

int32_t directions_from_name(const std::string& name, const std::string& file) {
  if (name == "gaussian") return SWF_DIRECTIONS_GAUSSIAN;
  if (name == "orthogonal") return SWF_DIRECTIONS_ORTHOGONAL;
  if (name == "fixed") return SWF_DIRECTIONS_FIXED;
  fail(SWF_ERR_FORMAT, file + ": unknown directions mode \"" + name + "\"");
}

const char* velocity_name(int32_t velocity) { return velocity == SWF_VELOCITY_GRADIENT ? "gradient" : "normalized"; }

int32_t velocity_from_name(const std::string& name, const std::string& file) {
  if (name == "normalized") return SWF_VELOCITY_NORMALIZED;
  if (name == "gradient") return SWF_VELOCITY_GRADIENT;
  fail(SWF_ERR_FORMAT, file + ": unknown velocity \"" + name + "\"");
}

// An extendable 1-D series (step or time of a time-dependent H5MD element).
Hid create_series(hid_t group, const char* name, hid_t file_type, const std::string& path) {
  const hsize_t dims[1] = {0}, max_dims[1] = {H5S_UNLIMITED}, chunk[1] = {256};
  Hid space(H5Screate_simple(1, dims, max_dims));
  Hid properties(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(properties, 1, chunk);
  return checked(H5Dcreate2(group, name, file_type, space, H5P_DEFAULT, properties, H5P_DEFAULT), SWF_ERR_IO, path,
                 std::string("cannot create dataset ") + name);
}

void create_time_series(hid_t file, const std::string& group_path, hid_t value_type, const std::vector<hsize_t>& frame,
                        int compression, const std::string& path) {
  Hid group = create_group(file, group_path, path);
  create_series(group, "step", H5T_STD_I64LE, path);
  create_series(group, "time", H5T_IEEE_F64LE, path);
  std::vector<hsize_t> dims{0}, max_dims{H5S_UNLIMITED}, chunk{1};
  for (hsize_t extent : frame) {
    dims.push_back(extent);
    max_dims.push_back(extent);
    chunk.push_back(extent);
  }
  if (frame.size() == 0) chunk[0] = 256;
  // One frame per chunk, split by rows when a frame is large (HDF5 chunks stay under 4 GiB).
  if (frame.size() == 2) chunk[1] = std::max<hsize_t>(1, std::min<hsize_t>(frame[0], (hsize_t{1} << 24) / frame[1]));
  Hid space(H5Screate_simple(int(dims.size()), dims.data(), max_dims.data()));
  Hid properties(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(properties, int(chunk.size()), chunk.data());
  if (compression > 0) {
    H5Pset_shuffle(properties);
    H5Pset_deflate(properties, unsigned(compression));
  }
  checked(H5Dcreate2(group, "value", value_type, space, H5P_DEFAULT, properties, H5P_DEFAULT), SWF_ERR_IO, path,
          "cannot create dataset " + group_path + "/value");
}

// Appends one entry to an extendable dataset along its first axis.
void append_entry(hid_t file, const std::string& dataset_path, hid_t memory_type, const void* data,
                  const std::string& path) {
  Hid dataset = checked(H5Dopen2(file, dataset_path.c_str(), H5P_DEFAULT), SWF_ERR_FORMAT, path,
                        "missing dataset " + dataset_path);
  std::vector<hsize_t> dims = dataset_dims(dataset);
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = dims[0];
  count[0] = 1;
  dims[0] += 1;
  check(H5Dset_extent(dataset, dims.data()), SWF_ERR_IO, path, "cannot extend " + dataset_path);
  Hid file_space(H5Dget_space(dataset));
  H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
  Hid memory_space(H5Screate_simple(int(count.size()), count.data(), nullptr));
  check(H5Dwrite(dataset, memory_type, memory_space, file_space, H5P_DEFAULT, data), SWF_ERR_IO, path,
        "cannot write " + dataset_path);
}

void append_frame(hid_t file, const std::string& group, uint64_t step, double time, hid_t memory_type, const void* value,
                  const std::string& path) {
  const int64_t signed_step = int64_t(step);
  append_entry(file, group + "/step", H5T_NATIVE_INT64, &signed_step, path);
  append_entry(file, group + "/time", H5T_NATIVE_DOUBLE, &time, path);
  append_entry(file, group + "/value", memory_type, value, path);
}

std::vector<int64_t> read_steps(hid_t file, const std::string& group, const std::string& path) {
  Hid dataset = checked(H5Dopen2(file, (group + "/step").c_str(), H5P_DEFAULT), SWF_ERR_FORMAT, path,
                        "missing dataset " + group + "/step");
  std::vector<int64_t> steps(dataset_dims(dataset).at(0));
  if (!steps.empty())
    check(H5Dread(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, steps.data()), SWF_ERR_FORMAT, path,
          "cannot read " + group + "/step");
  return steps;
}

// Drops the entries of a time series recorded after `last_step` (resume, as GROMACS trims its files).
void trim_after(hid_t file, const std::string& group, uint64_t last_step, const std::string& path) {
  if (!link_exists(file, group)) return;
  const std::vector<int64_t> steps = read_steps(file, group, path);
  const hsize_t keep = hsize_t(std::count_if(steps.begin(), steps.end(), [&](int64_t s) { return uint64_t(s) <= last_step; }));
  for (const char* name : {"step", "time", "value"}) {
    Hid dataset(H5Dopen2(file, (group + "/" + name).c_str(), H5P_DEFAULT));
    std::vector<hsize_t> dims = dataset_dims(dataset);
    dims[0] = keep;
    check(H5Dset_extent(dataset, dims.data()), SWF_ERR_IO, path, "cannot trim " + group);
  }
}

void write_parameters(hid_t file, const Checkpoint& state, const TrajectoryOptions& options, const std::string& path) {
  Hid parameters = link_exists(file, kParameters) ? Hid(H5Gopen2(file, kParameters, H5P_DEFAULT))
                                                  : create_group(file, kParameters, path);
  write_attribute(parameters, "num_directions", int64_t(state.num_directions));
  write_attribute(parameters, "step_size", double(state.step_size));
  write_attribute(parameters, "regularization", double(state.regularization));
  write_attribute(parameters, "directions", std::string(directions_name(state.directions)));
  write_attribute(parameters, "velocity", std::string(velocity_name(state.velocity)));
  write_attribute(parameters, "seed", state.seed);
  write_attribute(parameters, "backend", state.backend);
  write_attribute(parameters, "library_version", std::string(swf_version_string()));
  write_attribute(parameters, "sw2_directions", int64_t(options.sw2_directions));
  write_attribute(parameters, "compression", int64_t(options.compression));
  write_attribute(parameters, "config", options.config);
  write_attribute(parameters, "author", options.author);
  if (options.image_rows > 0)
    write_attribute(parameters, "image_shape", std::vector<int32_t>{int32_t(options.image_rows), int32_t(options.image_cols)});
  write_attribute(parameters, "scheme", options.scheme);
  for (const auto& [name, value] : options.extra_parameters) write_attribute(parameters, name.c_str(), value);
}

void write_checkpoint_group(hid_t file, const Checkpoint& state, const std::string& path) {
  const std::string group_path = std::string(kParameters) + "/checkpoint";
  if (link_exists(file, group_path)) H5Ldelete(file, group_path.c_str(), H5P_DEFAULT);
  Hid group = create_group(file, group_path, path);
  write_attribute(group, "step", state.step);
  write_attribute(group, "time", state.time);
  write_attribute(group, "distance_draws", state.distance_draws);
  write_attribute(group, "particle_draws", state.particle_draws);
  write_matrix(group, "position", state.particles.data(), state.n, state.d, path);
  if (!state.theta.empty()) write_matrix(group, "directions", state.theta.data(), state.num_directions, state.d, path);
  for (const auto& [name, value] : state.counters) write_attribute(group, name.c_str(), value);
  for (const Checkpoint::Array& array : state.arrays)
    if (array.rows > 0 && array.cols > 0)
      write_matrix(group, array.name, array.values.data(), array.rows, array.cols, path);
}

// The shape of a 2-D float dataset, and its values.
Checkpoint::Array read_array(hid_t file, const std::string& dataset_path, const std::string& name,
                             const std::string& path) {
  Hid dataset = checked(H5Dopen2(file, dataset_path.c_str(), H5P_DEFAULT), SWF_ERR_FORMAT, path,
                        "missing dataset " + dataset_path);
  const std::vector<hsize_t> dims = dataset_dims(dataset);
  if (dims.size() != 2) fail(SWF_ERR_FORMAT, path + ":" + dataset_path + ": expected a 2-D dataset");
  Checkpoint::Array array{name, size_t(dims[0]), size_t(dims[1]), std::vector<float>(dims[0] * dims[1])};
  if (!array.values.empty())
    check(H5Dread(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, array.values.data()), SWF_ERR_FORMAT, path,
          "cannot read " + dataset_path);
  return array;
}

std::vector<float> read_matrix(hid_t file, const std::string& dataset_path, size_t* rows, size_t cols,
                               const std::string& path) {
  Hid dataset = checked(H5Dopen2(file, dataset_path.c_str(), H5P_DEFAULT), SWF_ERR_FORMAT, path,
                        "missing dataset " + dataset_path);
  const std::vector<hsize_t> dims = dataset_dims(dataset);
  if (dims.size() != 2 || dims[1] != cols)
    fail(SWF_ERR_FORMAT, path + ":" + dataset_path + ": expected shape [*, " + std::to_string(cols) + "]");
  *rows = dims[0];
  std::vector<float> values(dims[0] * dims[1]);
  check(H5Dread(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), SWF_ERR_FORMAT, path,
        "cannot read " + dataset_path);
  return values;
}

Checkpoint read_checkpoint_from(hid_t file, const std::string& path, const CheckpointLayout& layout) {
  const std::string group_path = std::string(kParameters) + "/checkpoint";
  if (!link_exists(file, group_path))
    fail(SWF_ERR_FORMAT, path + ": holds no checkpoint (" + group_path + "): not written by swf_flow_save or a recorder");
  Hid parameters(H5Gopen2(file, kParameters, H5P_DEFAULT));
  Hid group(H5Gopen2(file, group_path.c_str(), H5P_DEFAULT));
  const std::string scheme =
      has_attribute(parameters, "scheme") ? read_string_attribute(parameters, "scheme", path) : std::string("flow");
  if (scheme != layout.scheme)
    fail(SWF_ERR_FORMAT, path + ": written by " + scheme + ", not by " +
                             (layout.scheme == "flow" ? std::string("a flow") : layout.scheme) +
                             ": its checkpoint cannot be resumed or loaded as " +
                             (layout.scheme == "flow" ? std::string("a flow") : layout.scheme));
  Checkpoint state;
  state.scheme = scheme;
  state.num_directions = uint32_t(read_int_attribute(parameters, "num_directions", path));
  state.step_size = float(read_double_attribute(parameters, "step_size", path));
  state.regularization = float(read_double_attribute(parameters, "regularization", path));
  state.directions = directions_from_name(read_string_attribute(parameters, "directions", path), path);
  state.velocity = velocity_from_name(read_string_attribute(parameters, "velocity", path), path);
  state.seed = read_uint_attribute(parameters, "seed", path);
  state.backend = read_string_attribute(parameters, "backend", path);
  state.step = read_uint_attribute(group, "step", path);
  state.time = read_double_attribute(group, "time", path);
  state.distance_draws = read_uint_attribute(group, "distance_draws", path);
  state.particle_draws = read_uint_attribute(group, "particle_draws", path);
  // A flow always has a target; an SW-JKO scheme may not (then d comes from the particles).
  const bool has_target = link_exists(file, "/particles/target/position");
  if (!has_target && scheme == "flow") fail(SWF_ERR_FORMAT, path + ": missing dataset /particles/target/position");
  const Checkpoint::Array position = read_array(file, group_path + "/position", "position", path);
  state.d = position.cols;
  if (has_target) {
    Hid target(H5Dopen2(file, "/particles/target/position", H5P_DEFAULT));
    const std::vector<hsize_t> target_dims = dataset_dims(target);
    if (target_dims.size() != 2 || target_dims[0] == 0 || target_dims[1] == 0)
      fail(SWF_ERR_FORMAT, path + ":/particles/target/position: expected a non-empty [M, d] dataset");
    state.d = target_dims[1];
    state.target = read_matrix(file, "/particles/target/position", &state.m, state.d, path);
  }
  state.particles = read_matrix(file, group_path + "/position", &state.n, state.d, path);
  for (const std::string& name : layout.counters) {
    if (!has_attribute(group, name.c_str())) fail(SWF_ERR_FORMAT, path + ": the checkpoint lacks its counter " + name);
    state.counters.emplace_back(name, read_uint_attribute(group, name.c_str(), path));
  }
  for (const std::string& name : layout.arrays)
    state.arrays.push_back(link_exists(group, name) ? read_array(file, group_path + "/" + name, name, path)
                                                    : Checkpoint::Array{name, 0, 0, {}});
  if (link_exists(group, "directions")) {
    size_t rows = 0;
    state.theta = read_matrix(file, group_path + "/directions", &rows, state.d, path);
    if (rows != state.num_directions) fail(SWF_ERR_FORMAT, path + ": checkpoint directions do not match num_directions");
  }
  if (state.num_directions == 0 || !(state.step_size > 0.0f) || state.n == 0)
    fail(SWF_ERR_FORMAT, path + ": checkpoint parameters are out of range");
  return state;
}

}  // namespace

TrajectoryWriter::TrajectoryWriter(const std::string& path, const Checkpoint& start, const TrajectoryOptions& options,
                                   std::optional<double> sw2, std::optional<double> energy)
    : path_(path), part_(path + ".part"), options_(options), n_(start.n), d_(start.d) {
  auto lock = hdf5_lock();
  try {
    file_ = create_file(part_);
    write_h5md_root(file_, options.author, path_);
    Hid flow = create_group(file_, "/particles/flow", path_);
    write_box(flow, d_, path_);
    create_time_series(file_, kPosition, H5T_IEEE_F32LE, {n_, d_}, options.compression, path_);
    if (start.m > 0) {
      Hid target = create_group(file_, "/particles/target", path_);
      write_box(target, d_, path_);
      write_matrix(target, "position", start.target.data(), start.m, start.d, path_);
    }
    if (options.sw2_directions > 0) create_time_series(file_, kSw2, H5T_IEEE_F64LE, {}, 0, path_);
    if (options.energy) create_time_series(file_, kEnergy, H5T_IEEE_F64LE, {}, 0, path_);
    write_parameters(file_, start, options, path_);
    write_checkpoint_group(file_, start, path_);
  } catch (...) {
    file_.reset();
    remove_quietly(part_);
    throw;
  }
  append(start.step, start.time, start.particles.data(), sw2, energy);
}

TrajectoryWriter::TrajectoryWriter(const std::string& path, Checkpoint* checkpoint, TrajectoryOptions* options,
                                   const CheckpointLayout& layout)
    : path_(path), part_(path + ".part") {
  auto lock = hdf5_lock();
  *checkpoint = read_checkpoint(path, layout);
  options_.scheme = checkpoint->scheme;
  {
    Hid file = open_file(path, false);  // checks that it is a readable HDF5 file before copying
    Hid parameters(H5Gopen2(file, kParameters, H5P_DEFAULT));
    options_.sw2_directions = uint32_t(read_int_attribute(parameters, "sw2_directions", path));
    options_.compression = int(read_int_attribute(parameters, "compression", path));
    options_.config = read_string_attribute(parameters, "config", path);
    options_.author = read_string_attribute(parameters, "author", path);
    options_.energy = link_exists(file, kEnergy);
    if (has_attribute(parameters, "image_shape")) {
      std::vector<int32_t> shape(2, 0);
      Hid attribute(H5Aopen(parameters, "image_shape", H5P_DEFAULT));
      if (H5Aread(attribute, H5T_NATIVE_INT32, shape.data()) >= 0) {
        options_.image_rows = uint32_t(shape[0]);
        options_.image_cols = uint32_t(shape[1]);
      }
    }
  }
  if (!options->config.empty()) options_.config = options->config;
  *options = options_;
  n_ = checkpoint->n;
  d_ = checkpoint->d;
  publish_copy(path, part_);
  try {
    file_ = open_file(part_, true);
    trim_after(file_, kPosition, checkpoint->step, path_);
    trim_after(file_, kSw2, checkpoint->step, path_);
    trim_after(file_, kEnergy, checkpoint->step, path_);
  } catch (...) {
    file_.reset();
    remove_quietly(part_);
    throw;
  }
}

TrajectoryWriter::~TrajectoryWriter() {
  if (!file_.valid()) return;
  auto lock = hdf5_lock();
  file_.reset();
  remove_quietly(part_);
}

void TrajectoryWriter::append(uint64_t step, double time, const float* particles, std::optional<double> sw2,
                              std::optional<double> energy) {
  auto lock = hdf5_lock();
  append_frame(file_, kPosition, step, time, H5T_NATIVE_FLOAT, particles, path_);
  if (sw2 && options_.sw2_directions > 0) append_frame(file_, kSw2, step, time, H5T_NATIVE_DOUBLE, &*sw2, path_);
  if (energy && options_.energy) append_frame(file_, kEnergy, step, time, H5T_NATIVE_DOUBLE, &*energy, path_);
}

void TrajectoryWriter::write_state(const Checkpoint& state) {
  write_parameters(file_, state, options_, path_);
  write_checkpoint_group(file_, state, path_);
  check(H5Fflush(file_, H5F_SCOPE_GLOBAL), SWF_ERR_IO, path_, "cannot be flushed to disk");
}

void TrajectoryWriter::checkpoint(const Checkpoint& state) {
  auto lock = hdf5_lock();
  write_state(state);
  publish_copy(part_, path_);
}

void TrajectoryWriter::close(const Checkpoint& state) {
  auto lock = hdf5_lock();
  write_state(state);
  file_.reset();
  publish(part_, path_);
}

Checkpoint read_checkpoint(const std::string& path, const CheckpointLayout& layout) {
  auto lock = hdf5_lock();
  Hid file = open_file(path, false);
  return read_checkpoint_from(file, path, layout);
}

std::vector<std::pair<std::string, double>> read_numeric_parameters(const std::string& path) {
  auto lock = hdf5_lock();
  Hid file = open_file(path, false);
  Hid parameters = checked(H5Gopen2(file, kParameters, H5P_DEFAULT), SWF_ERR_FORMAT, path,
                           std::string("missing group ") + kParameters);
  std::vector<std::pair<std::string, double>> values;
  const auto visit = [](hid_t location, const char* name, const H5A_info_t*, void* data) -> herr_t {
    Hid attribute(H5Aopen(location, name, H5P_DEFAULT));
    Hid type(H5Aget_type(attribute));
    Hid space(H5Aget_space(attribute));
    const H5T_class_t kind = H5Tget_class(type);
    double value = 0.0;
    if ((kind == H5T_INTEGER || kind == H5T_FLOAT) && H5Sget_simple_extent_npoints(space) == 1 &&
        H5Aread(attribute, H5T_NATIVE_DOUBLE, &value) >= 0)
      static_cast<std::vector<std::pair<std::string, double>>*>(data)->emplace_back(name, value);
    return 0;
  };
  hsize_t index = 0;
  check(H5Aiterate2(parameters, H5_INDEX_NAME, H5_ITER_INC, &index, visit, &values), SWF_ERR_FORMAT, path,
        "cannot read the attributes of /parameters/swflow");
  return values;
}

void save_checkpoint(const std::string& path, const Checkpoint& state) {
  TrajectoryWriter writer(path, state, TrajectoryOptions{}, std::nullopt);
  writer.close(state);
}

TrajectoryShape trajectory_shape(const std::string& path) {
  auto lock = hdf5_lock();
  Hid file = open_file(path, false);
  const std::string value = std::string(kPosition) + "/value";
  if (!link_exists(file, value)) fail(SWF_ERR_FORMAT, path + ": not a trajectory (no " + value + ")");
  Hid dataset(H5Dopen2(file, value.c_str(), H5P_DEFAULT));
  const std::vector<hsize_t> dims = dataset_dims(dataset);
  if (dims.size() != 3) fail(SWF_ERR_FORMAT, path + ":" + value + ": expected [frames, N, d]");
  return {dims[0], dims[1], dims[2]};
}

void read_frame(const std::string& path, size_t index, float* out, uint64_t* step, double* time) {
  auto lock = hdf5_lock();
  const TrajectoryShape shape = trajectory_shape(path);
  if (index >= shape.frames)
    fail(SWF_ERR_INVALID_ARGUMENT, path + ": frame " + std::to_string(index) + " requested, the file has " +
                                       std::to_string(shape.frames));
  Hid file = open_file(path, false);
  Hid dataset(H5Dopen2(file, (std::string(kPosition) + "/value").c_str(), H5P_DEFAULT));
  Hid file_space(H5Dget_space(dataset));
  const hsize_t start[3] = {index, 0, 0}, count[3] = {1, shape.n, shape.d};
  H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  Hid memory_space(H5Screate_simple(3, count, nullptr));
  check(H5Dread(dataset, H5T_NATIVE_FLOAT, memory_space, file_space, H5P_DEFAULT, out), SWF_ERR_FORMAT, path,
        "cannot read frame " + std::to_string(index));
  const std::vector<int64_t> steps = read_steps(file, kPosition, path);
  if (step) *step = uint64_t(steps.at(index));
  if (time) {
    Hid times(H5Dopen2(file, (std::string(kPosition) + "/time").c_str(), H5P_DEFAULT));
    Hid space(H5Dget_space(times));
    const hsize_t one_start[1] = {index}, one[1] = {1};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, one_start, nullptr, one, nullptr);
    Hid memory(H5Screate_simple(1, one, nullptr));
    check(H5Dread(times, H5T_NATIVE_DOUBLE, memory, space, H5P_DEFAULT, time), SWF_ERR_FORMAT, path, "cannot read time");
  }
}

namespace {

// A scalar time series (an H5MD observable); empty when the file lacks it.
Series read_series(hid_t file, const std::string& group, const std::string& path) {
  Series series;
  if (!link_exists(file, group)) return series;
  const std::vector<int64_t> steps = read_steps(file, group, path);
  series.steps.assign(steps.begin(), steps.end());
  series.times.resize(steps.size());
  series.values.resize(steps.size());
  if (steps.empty()) return series;
  for (auto [name, target] : {std::pair<const char*, double*>{"time", series.times.data()}, {"value", series.values.data()}}) {
    Hid dataset(H5Dopen2(file, (group + "/" + name).c_str(), H5P_DEFAULT));
    check(H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, target), SWF_ERR_FORMAT, path,
          "cannot read " + group + "/" + name);
  }
  return series;
}

}  // namespace

Series read_sw2(const std::string& path) {
  auto lock = hdf5_lock();
  Hid file = open_file(path, false);
  return read_series(file, kSw2, path);
}

Series read_energy(const std::string& path) {
  auto lock = hdf5_lock();
  Hid file = open_file(path, false);
  return read_series(file, kEnergy, path);
}

namespace {

// Any attribute as text: strings as stored, numbers in decimal, arrays comma-separated.
std::string attribute_text(hid_t object, const char* name, const std::string& path) {
  Hid attribute(H5Aopen(object, name, H5P_DEFAULT));
  Hid type(H5Aget_type(attribute));
  Hid space(H5Aget_space(attribute));
  const H5T_class_t type_class = H5Tget_class(type);
  const hssize_t count = H5Sget_simple_extent_npoints(space);
  if (type_class == H5T_STRING) {
    if (H5Sget_simple_extent_ndims(space) == 0) return read_string_attribute(object, name, path);
    return "(array of strings)";
  }
  std::ostringstream text;
  text.precision(17);
  if (type_class == H5T_INTEGER || type_class == H5T_FLOAT) {
    std::vector<double> values(size_t(std::max<hssize_t>(count, 0)));
    const bool integer = type_class == H5T_INTEGER;
    std::vector<int64_t> integers(values.size());
    check(integer ? H5Aread(attribute, H5T_NATIVE_INT64, integers.data()) : H5Aread(attribute, H5T_NATIVE_DOUBLE, values.data()),
          SWF_ERR_FORMAT, path, std::string("cannot read attribute ") + name);
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) text << ",";
      if (integer) text << integers[i];
      else text << values[i];
    }
    return text.str();
  }
  return "(unsupported type)";
}

// Visits every dataset of the file, for describe_file.
herr_t list_dataset(hid_t location, const char* name, const H5O_info_t* info, void* data) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  auto* out = static_cast<std::ostringstream*>(data);
  Hid dataset(H5Dopen2(location, name, H5P_DEFAULT));
  const std::vector<hsize_t> dims = dataset_dims(dataset);
  *out << "  /" << name << "  [";
  for (size_t i = 0; i < dims.size(); ++i) *out << (i ? ", " : "") << dims[i];
  *out << "]\n";
  return 0;
}

}  // namespace

std::string read_parameter(const std::string& path, const std::string& name) {
  auto lock = hdf5_lock();
  Hid file = open_file(path, false);
  if (!link_exists(file, kParameters)) fail(SWF_ERR_FORMAT, path + ": no " + std::string(kParameters) + " group");
  Hid parameters(H5Gopen2(file, kParameters, H5P_DEFAULT));
  if (!has_attribute(parameters, name.c_str()))
    fail(SWF_ERR_FORMAT, path + ": " + kParameters + " has no attribute " + name);
  return attribute_text(parameters, name.c_str(), path);
}

std::string describe_file(const std::string& path) {
  auto lock = hdf5_lock();
  Hid file = open_file(path, false);
  std::ostringstream out;
  const bool h5md = link_exists(file, "/h5md");
  const bool trajectory = link_exists(file, std::string(kPosition) + "/value");
  const bool checkpoint = link_exists(file, std::string(kParameters) + "/checkpoint");
  const bool model = link_exists(file, "/model");
  bool jko = false;
  if (link_exists(file, kParameters)) {
    Hid parameters(H5Gopen2(file, kParameters, H5P_DEFAULT));
    jko = has_attribute(parameters, "scheme") && read_string_attribute(parameters, "scheme", path) == "jko";
  }
  const char* kind = trajectory && jko          ? "trajectory (H5MD 1.1, SW-JKO, resumable with swf-run jko --resume)"
                     : trajectory && checkpoint ? "trajectory (H5MD 1.1, resumable)"
                     : trajectory               ? "trajectory (H5MD 1.1)"
                     : model                    ? "learned-flow model"
                     : h5md                     ? "point set (H5MD 1.1)"
                                                : "HDF5 file (not written by libswflow)";
  out << path << ": " << kind << "\n";
  if (h5md) {
    Hid creator(H5Gopen2(file, "/h5md/creator", H5P_DEFAULT));
    if (creator.valid() && has_attribute(creator, "name") && has_attribute(creator, "version"))
      out << "creator: " << read_string_attribute(creator, "name", path) << " "
          << read_string_attribute(creator, "version", path) << "\n";
  }
  if (trajectory) {
    Hid positions(H5Dopen2(file, (std::string(kPosition) + "/value").c_str(), H5P_DEFAULT));
    const std::vector<hsize_t> dims = dataset_dims(positions);
    const std::vector<int64_t> steps = read_steps(file, kPosition, path);
    out << "frames: " << dims[0] << " of " << dims[1] << " particles in dimension " << dims[2];
    if (!steps.empty()) out << ", steps " << steps.front() << " .. " << steps.back();
    out << "\n";
    const Series sw2 = read_sw2(path);
    if (!sw2.values.empty())
      out << "sw2: " << sw2.values.size() << " values, first " << sw2.values.front() << " at time " << sw2.times.front()
          << ", last " << sw2.values.back() << " at time " << sw2.times.back() << "\n";
    const Series energy = read_series(file, kEnergy, path);
    if (!energy.values.empty())
      out << "energy (objective F): " << energy.values.size() << " values, first " << energy.values.front()
          << " at time " << energy.times.front() << ", last " << energy.values.back() << " at time "
          << energy.times.back() << "\n";
  }
  if (model) {
    Hid group(H5Gopen2(file, "/model", H5P_DEFAULT));
    H5O_info_t info;
    H5Oget_info(group, &info);
    out << "model (/model):\n";
    for (hsize_t i = 0; i < info.num_attrs; ++i) {
      char name[128] = {0};
      Hid attribute(H5Aopen_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT));
      H5Aget_name(attribute, sizeof name, name);
      out << "  " << name << " = " << attribute_text(group, name, path) << "\n";
    }
  }
  if (link_exists(file, kParameters)) {
    Hid parameters(H5Gopen2(file, kParameters, H5P_DEFAULT));
    H5O_info_t info;
    H5Oget_info(parameters, &info);
    out << "parameters (" << kParameters << "):\n";
    for (hsize_t i = 0; i < info.num_attrs; ++i) {
      char name[128] = {0};
      Hid attribute(H5Aopen_by_idx(parameters, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT));
      H5Aget_name(attribute, sizeof name, name);
      Hid type(H5Aget_type(attribute));
      Hid space(H5Aget_space(attribute));
      const bool quoted = H5Tget_class(type) == H5T_STRING;
      out << "  " << name << " = " << (quoted ? "\"" : "") << attribute_text(parameters, name, path)
          << (quoted ? "\"" : "") << "\n";
    }
    if (checkpoint) {
      Hid group(H5Gopen2(file, (std::string(kParameters) + "/checkpoint").c_str(), H5P_DEFAULT));
      out << "checkpoint: step " << read_uint_attribute(group, "step", path) << ", time "
          << read_double_attribute(group, "time", path) << "\n";
    }
  }
  out << "datasets:\n";
  H5Ovisit(file, H5_INDEX_NAME, H5_ITER_INC, list_dataset, &out);
  return out.str();
}

}  // namespace swf::io
