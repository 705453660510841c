// H5MD 1.1 trajectories of a flow (design section 4) and the checkpoint stored inside them.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hdf5_util.hpp"

namespace swf::io {

// Everything needed to continue a flow bit-for-bit: its parameters, its random streams' positions and
// its particles. Plain data: capi/ converts to and from swf::Flow.
struct Checkpoint {
  uint64_t seed = 0, step = 0, distance_draws = 0, particle_draws = 0;
  double time = 0.0;
  uint32_t num_directions = 0;
  float step_size = 0.0f, regularization = 0.0f;
  int32_t directions = 0, velocity = 0;
  size_t n = 0, m = 0, d = 0;
  std::vector<float> particles;  // n x d
  std::vector<float> target;     // m x d
  std::vector<float> theta;      // num_directions x d, or empty when no directions are held
  std::string backend;           // "cpu" or "cuda"; informative
  // What wrote it ("flow", or "jko" for SW-JKO, whose parameters are the jko_* attributes of /parameters/swflow),
  // and a scheme's own state beyond the above: counters (attributes of the checkpoint group) and float arrays
  // (its datasets, rows x cols; an empty one is left out).
  std::string scheme = "flow";
  std::vector<std::pair<std::string, uint64_t>> counters;
  struct Array {
    std::string name;
    size_t rows = 0, cols = 0;
    std::vector<float> values;
  };
  std::vector<Array> arrays;
};

// Which scheme a checkpoint must come from, and the names of its own counters and arrays to read back (a missing
// array reads as empty, a missing counter is an SWF_ERR_FORMAT).
struct CheckpointLayout {
  std::string scheme = "flow";
  std::vector<std::string> counters, arrays;
};

struct TrajectoryOptions {
  std::string author, config;
  int compression = 0;
  uint32_t sw2_directions = 0;
  uint32_t image_rows = 0, image_cols = 0;  // 0: not images
  // What moved the particles: "flow" (resumable from the checkpoint) or "jko" (SW-JKO: its parameters in
  // `extra_parameters`, its objective in /observables/energy; resumable as SW-JKO, not as a flow).
  std::string scheme = "flow";
  std::vector<std::pair<std::string, double>> extra_parameters;  // more attributes of /parameters/swflow
  bool energy = false;                                           // record /observables/energy
};

class TrajectoryWriter {
 public:
  // Starts "<path>.part" with the metadata, the target (when start.m > 0) and the first frame (the checkpoint's
  // state).
  TrajectoryWriter(const std::string& path, const Checkpoint& start, const TrajectoryOptions& options,
                   std::optional<double> sw2, std::optional<double> energy = std::nullopt);
  // Continues the trajectory `path`: a copy becomes "<path>.part", trimmed after its checkpoint, which is
  // returned through *checkpoint (SWF_ERR_FORMAT when it was not written by layout.scheme).
  TrajectoryWriter(const std::string& path, Checkpoint* checkpoint, TrajectoryOptions* options,
                   const CheckpointLayout& layout = {});
  ~TrajectoryWriter();
  TrajectoryWriter(const TrajectoryWriter&) = delete;
  TrajectoryWriter& operator=(const TrajectoryWriter&) = delete;

  void append(uint64_t step, double time, const float* particles, std::optional<double> sw2,
              std::optional<double> energy = std::nullopt);
  // Stores the checkpoint, flushes, and publishes a complete copy at the final path.
  void checkpoint(const Checkpoint& state);
  // Stores the checkpoint, closes, and renames the temporary file over the final path.
  void close(const Checkpoint& state);

  size_t particles() const { return n_; }
  const TrajectoryOptions& options() const { return options_; }

 private:
  void write_state(const Checkpoint& state);

  std::string path_, part_;
  TrajectoryOptions options_;
  size_t n_ = 0, d_ = 0;
  Hid file_;
};

// The checkpoint of a file written by TrajectoryWriter or save_checkpoint.
Checkpoint read_checkpoint(const std::string& path, const CheckpointLayout& layout = {});

// Every numeric (integer or floating-point scalar) attribute of /parameters/swflow.
std::vector<std::pair<std::string, double>> read_numeric_parameters(const std::string& path);

// A trajectory file with one frame and the checkpoint, written atomically.
void save_checkpoint(const std::string& path, const Checkpoint& state);

struct TrajectoryShape {
  size_t frames = 0, n = 0, d = 0;
};
TrajectoryShape trajectory_shape(const std::string& path);
void read_frame(const std::string& path, size_t index, float* out, uint64_t* step, double* time);

struct Series {
  std::vector<uint64_t> steps;
  std::vector<double> times, values;
};
Series read_sw2(const std::string& path);
Series read_energy(const std::string& path);

// The attribute `name` of /parameters/swflow as text (arrays comma-separated).
std::string read_parameter(const std::string& path, const std::string& name);

// A human-readable account of what an HDF5 file holds.
std::string describe_file(const std::string& path);

}  // namespace swf::io
