// The SVG figures of `swf-run plot`: snapshots of a trajectory (2-D, or a fixed 2-D PCA when d > 2),
// image grids for image-shaped data, and the SW2 curve. Uses only the public C ABI (swflow.h) and the
// standard library, so it can live in any front end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace swf::tools {

struct PlotOptions {
  std::string input;        // a trajectory written by a recorder (swf-run flow)
  std::string output;       // the SVG; written under a temporary name beside it, then renamed
  size_t snapshots = 6;     // panels: evenly spaced frames, the first and the last included
  size_t max_points = 5000; // per panel, every k-th particle (the same particles in every panel)
  // Points drawn in light grey behind every panel (a point-set spec, see swflow.h); empty: the
  // trajectory's own /particles/target when it has one.
  std::string target_spec;
  std::string title;  // empty: the file's name and shape
  // (rows, cols) when the particles are images (rows * cols == d): each snapshot becomes a row of the
  // first 8 particles drawn as grayscale images. Empty: the file's image_shape parameter (see
  // swf_file_parameter) when it has one, else scatter plots.
  std::vector<uint32_t> image_shape;
};

// Draws the trajectory options.input into options.output. Returns 0 on success. On failure it prints one
// line "swf-run plot: <problem, naming the file>" on stderr, leaves options.output as it was, and returns
// the exit codes of swf-run: 4 for a file that cannot be read or written or is not what it should be (not
// a trajectory, another dimension), 2 for an invalid option (no input or output, snapshots or max_points
// zero, an image_shape that is not two values whose product is d) and 1 for every other failure.
int plot_trajectory(const PlotOptions& options);

// Draws one panel per point-set spec (e.g. model samples next to their target) into output, with the
// conventions of plot_trajectory: shared axes, a 2-D PCA of all the sets pooled when d > 2, or rows of
// images when image_shape is given (or, when it is empty, stored in the first spec's file). Same return
// values and messages.
// captions (optional) replace the specs as the first caption line of each panel; title (optional) the
// figure's title.
int plot_points(const std::vector<std::string>& specs, const std::string& output,
                const std::vector<uint32_t>& image_shape, size_t max_points = 5000,
                const std::vector<std::string>& captions = {}, const std::string& title = "");

// One labelled row of images for plot_image_rows.
struct ImageRow {
  std::vector<std::string> label;          // lines beside the row, the first one its caption
  std::vector<std::vector<float>> images;  // rows * cols values each
};

// Draws rows of grayscale images (e.g. data, particles and model samples side by side) into output, with
// the conventions of plot_trajectory. The gray levels run from gray_lo (black) to gray_hi (white), values
// outside clamped, when gray_lo < gray_hi; otherwise from the minimum to the maximum of all the images.
// Same return values and messages; an image whose size is not rows * cols is a usage error (2).
int plot_image_rows(const std::vector<ImageRow>& rows, const std::vector<uint32_t>& shape, const std::string& output,
                    const std::string& title, float gray_lo = 0, float gray_hi = 0);

}  // namespace swf::tools
