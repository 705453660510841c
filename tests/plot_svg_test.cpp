// The figures of `swf-run plot` (tools/plot_svg.cpp), from trajectories made through the public C ABI:
// panels and captions, the PCA and image paths, well-formed XML, and failures that leave files alone.
#include "plot_svg.hpp"

#include <gtest/gtest.h>
#include <swflow.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using swf::tools::PlotOptions;

struct ScratchDir {
  fs::path path;
  ScratchDir() {
    path = fs::temp_directory_path() / ("swflow-plot-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  // Everything in the directory, to see that no temporary file was left behind.
  std::vector<std::string> names() const {
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(path)) found.push_back(entry.path().filename().string());
    std::sort(found.begin(), found.end());
    return found;
  }
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

size_t count(const std::string& text, const std::string& needle) {
  size_t found = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++found;
  return found;
}

std::string general(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

struct Frames {
  std::vector<uint64_t> steps;
  std::vector<double> times;
};

// Records a flow towards `target` (m x d) from n Gaussian particles: a first frame, then `appends` frames
// `steps_each` steps apart, with the SW2 observable. Returns every frame's step and time.
Frames record(const std::string& path, const std::vector<float>& target, size_t d, size_t n, int appends,
              uint32_t steps_each) {
  Frames frames;
  swf_context context = nullptr;
  EXPECT_EQ(swf_context_create(SWF_BACKEND_CPU, 5, &context), SWF_OK) << swf_last_error();
  swf_flow_params params;
  swf_flow_params_init(&params);
  params.num_directions = 16;
  params.step_size = 0.5f;
  swf_flow flow = nullptr;
  EXPECT_EQ(swf_flow_create(context, &params, target.data(), target.size() / d, d, &flow), SWF_OK)
      << swf_last_error();
  EXPECT_EQ(swf_flow_init_particles(flow, n, SWF_INIT_GAUSSIAN, 1.0f), SWF_OK);
  swf_record_params record_params;
  swf_record_params_init(&record_params);
  record_params.sw2_directions = 32;
  swf_recorder recorder = nullptr;
  EXPECT_EQ(swf_recorder_create(flow, path.c_str(), &record_params, &recorder), SWF_OK) << swf_last_error();
  for (int k = 0;; ++k) {
    uint64_t step = 0;
    double time = 0;
    swf_flow_info(flow, nullptr, nullptr, &step, &time);
    frames.steps.push_back(step);
    frames.times.push_back(time);
    if (k == appends) break;
    EXPECT_EQ(swf_flow_step(flow, steps_each), SWF_OK);
    EXPECT_EQ(swf_recorder_append(recorder), SWF_OK) << swf_last_error();
  }
  EXPECT_EQ(swf_recorder_close(recorder), SWF_OK) << swf_last_error();
  swf_flow_destroy(flow);
  swf_context_destroy(context);
  return frames;
}

std::vector<float> dataset(const char* name, size_t m, size_t d) {
  std::vector<float> points(m * d);
  EXPECT_EQ(swf_dataset_generate(name, m, d, 11, points.data()), SWF_OK) << swf_last_error();
  return points;
}

// A minimal XML well-formedness check: one root <svg>, every element closed in order, attribute values
// quoted, and no raw '<' or stray '&' in text or attribute values.
::testing::AssertionResult well_formed(const std::string& xml) {
  auto entities_ok = [](const std::string& text) {
    static const std::regex entity("^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);");
    for (size_t at = text.find('&'); at != std::string::npos; at = text.find('&', at + 1))
      if (!std::regex_search(text.substr(at, 12), entity)) return false;
    return text.find('<') == std::string::npos;
  };
  std::vector<std::string> open;
  size_t i = 0, roots = 0;
  if (xml.compare(0, 5, "<?xml") == 0) i = xml.find("?>") + 2;
  while (i < xml.size()) {
    const size_t lt = xml.find('<', i);
    const std::string text = xml.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    if (!entities_ok(text)) return ::testing::AssertionFailure() << "bad text near offset " << i;
    if (open.empty() && text.find_first_not_of(" \t\r\n") != std::string::npos)
      return ::testing::AssertionFailure() << "text outside the root near offset " << i;
    if (lt == std::string::npos) break;
    if (xml.compare(lt, 4, "<!--") == 0) {
      i = xml.find("-->", lt) + 3;
      continue;
    }
    size_t gt = lt + 1;
    bool quoted = false;
    while (gt < xml.size() && (quoted || xml[gt] != '>')) quoted ^= xml[gt++] == '"';
    if (gt >= xml.size()) return ::testing::AssertionFailure() << "unterminated tag at offset " << lt;
    std::string tag = xml.substr(lt + 1, gt - lt - 1);
    i = gt + 1;
    if (!tag.empty() && tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1))
        return ::testing::AssertionFailure() << "</" << tag.substr(1) << "> closes "
                                             << (open.empty() ? "nothing" : "<" + open.back() + ">");
      open.pop_back();
      continue;
    }
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.pop_back();
    static const std::regex element("^([A-Za-z_][-A-Za-z0-9_:.]*)((\\s+[A-Za-z_][-A-Za-z0-9_:.]*=\"[^\"]*\")*)\\s*$");
    std::smatch parts;
    if (!std::regex_match(tag, parts, element))
      return ::testing::AssertionFailure() << "malformed tag <" << tag.substr(0, 80) << ">";
    if (!entities_ok(parts[2].str())) return ::testing::AssertionFailure() << "bad attribute in <" << parts[1] << ">";
    if (open.empty() && ++roots > 1) return ::testing::AssertionFailure() << "a second root element";
    if (open.empty() && parts[1] != "svg") return ::testing::AssertionFailure() << "the root is not <svg>";
    if (!self_closing) open.push_back(parts[1]);
  }
  if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> is never closed";
  if (roots != 1) return ::testing::AssertionFailure() << "no root element";
  return ::testing::AssertionSuccess();
}

// The XML parser of Debian's Python, and librsvg, when they are installed: the file parses and renders.
void check_with_tools(const std::string& svg) {
  if (fs::exists("/usr/bin/python3")) {
    const std::string parse = "/usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '";
    EXPECT_EQ(std::system((parse + svg + "'").c_str()), 0) << svg;
  }
  if (fs::exists("/usr/bin/rsvg-convert")) {
    EXPECT_EQ(std::system(("/usr/bin/rsvg-convert '" + svg + "' -o '" + svg + ".png'").c_str()), 0) << svg;
  }
  fs::remove(svg + ".png");
}

std::vector<std::string> captions(const std::string& svg) {
  static const std::regex caption("class=\"caption\"[^>]*>([^<]*)<");
  std::vector<std::string> found;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), caption); it != std::sregex_iterator(); ++it)
    found.push_back((*it)[1]);
  return found;
}

struct Outcome {
  int code;
  std::string stderr_text;
};

template <class Plot>
Outcome capture(Plot plot) {
  ::testing::internal::CaptureStderr();
  const int code = plot();
  return {code, ::testing::internal::GetCapturedStderr()};
}

::testing::AssertionResult one_line_naming(const Outcome& outcome, const std::string& name) {
  const std::string& text = outcome.stderr_text;
  if (text.rfind("swf-run plot: ", 0) != 0) return ::testing::AssertionFailure() << "message: " << text;
  if (count(text, "\n") != 1 || text.back() != '\n') return ::testing::AssertionFailure() << "not one line: " << text;
  if (text.find(name) == std::string::npos)
    return ::testing::AssertionFailure() << "does not name " << name << ": " << text;
  return ::testing::AssertionSuccess();
}

TEST(PlotSvg, TwoDimensionalSnapshotsWithTimesAndTheSw2Curve) {
  ScratchDir dir;
  const std::string trajectory = dir.file("run.h5"), figure = dir.file("run.svg");
  const Frames frames = record(trajectory, dataset("8-gaussians", 400, 2), 2, 300, 7, 2);
  PlotOptions options;
  options.input = trajectory;
  options.output = figure;
  options.snapshots = 4;
  ASSERT_EQ(swf::tools::plot_trajectory(options), 0);
  EXPECT_EQ(dir.names(), (std::vector<std::string>{"run.h5", "run.svg"})) << "no temporary file is left";
  const std::string svg = read_text(figure);
  EXPECT_TRUE(well_formed(svg));
  check_with_tools(figure);
  EXPECT_EQ(count(svg, "<g class=\"panel\""), 4u);
  // Frames 0, 2, 5 and 7 of 8: evenly spaced, the first and the last included.
  const std::vector<std::string> found = captions(svg);
  ASSERT_EQ(found.size(), 4u);
  const size_t expected[] = {0, 2, 5, 7};
  for (size_t p = 0; p < 4; ++p) {
    const size_t k = expected[p];
    EXPECT_EQ(found[p].rfind("step " + std::to_string(frames.steps[k]) + " \u00b7 t = " + general(frames.times[k], 4) +
                                 " \u00b7 SW\u2082 = ",
                             0),
              0u)
        << found[p];
  }
  EXPECT_EQ(count(svg, "class=\"sw2-curve\""), 1u);
  EXPECT_EQ(count(svg, "<polyline"), 1u);
  EXPECT_EQ(count(svg, "id=\"target\""), 1u) << "the target is drawn once";
  EXPECT_EQ(count(svg, "<use xlink:href=\"#target\"/>"), 4u) << "and shown in every panel";
  const size_t points = count(svg, "r=\"1.2\"/>");  // the legend and the curve's marks are larger
  EXPECT_GT(points, 4u * 250) << "a few strays may fall outside the shared limits, not more";
  EXPECT_LE(points, 4u * 300 + 400);

  // max_points: every k-th particle and target point.
  options.max_points = 50;
  ASSERT_EQ(swf::tools::plot_trajectory(options), 0);
  EXPECT_LE(count(read_text(figure), "r=\"1.2\"/>"), 4u * 50 + 50);
}

TEST(PlotSvg, SnapshotCountsBeyondTheFrames) {
  ScratchDir dir;
  const std::string trajectory = dir.file("run.h5"), figure = dir.file("run.svg");
  const Frames frames = record(trajectory, dataset("moons", 200, 2), 2, 100, 4, 1);
  PlotOptions options;
  options.input = trajectory;
  options.output = figure;
  options.snapshots = 20;
  ASSERT_EQ(swf::tools::plot_trajectory(options), 0);
  EXPECT_EQ(count(read_text(figure), "<g class=\"panel\""), 5u) << "every frame once";
  options.snapshots = 1;
  ASSERT_EQ(swf::tools::plot_trajectory(options), 0);
  const std::vector<std::string> found = captions(read_text(figure));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rfind("step " + std::to_string(frames.steps.back()) + " ", 0), 0u) << "the last frame";
}

TEST(PlotSvg, PrincipalComponentsWhenTheDimensionIsAboveTwo) {
  ScratchDir dir;
  // Variance 25 and 4 in a plane rotated out of the axes, 0.01 elsewhere: the components explain about
  // 86% and 14%.
  const size_t m = 3000, d = 5;
  std::mt19937_64 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const float scales[d] = {0.1f, 0.1f, 5.0f, 0.1f, 2.0f};
  const double angle = 0.5;
  std::vector<float> target(m * d);
  for (size_t i = 0; i < m; ++i) {
    float* row = &target[i * d];
    for (size_t k = 0; k < d; ++k) row[k] = scales[k] * normal(rng);
    const float a = row[2], b = row[0];
    row[0] = float(std::cos(angle) * b - std::sin(angle) * a);
    row[2] = float(std::sin(angle) * b + std::cos(angle) * a);
  }
  const std::string trajectory = dir.file("run.h5"), figure = dir.file("run.svg");
  record(trajectory, target, d, 500, 6, 1);
  PlotOptions options;
  options.input = trajectory;
  options.output = figure;
  ASSERT_EQ(swf::tools::plot_trajectory(options), 0);
  const std::string svg = read_text(figure);
  EXPECT_TRUE(well_formed(svg));
  check_with_tools(figure);
  EXPECT_EQ(count(svg, "<g class=\"panel\""), 6u);
  EXPECT_EQ(count(svg, "<use xlink:href=\"#target\"/>"), 6u);
  std::smatch first, second;
  ASSERT_TRUE(std::regex_search(svg, first, std::regex("PC 1 \\(([0-9.]+)% of variance\\)"))) << "x axis";
  ASSERT_TRUE(std::regex_search(svg, second, std::regex("PC 2 \\(([0-9.]+)% of variance\\)"))) << "y axis";
  EXPECT_NEAR(std::stod(first[1]), 86.0, 3.0);
  EXPECT_NEAR(std::stod(second[1]), 14.0, 3.0);
}

TEST(PlotSvg, ImageShapedParticlesAsImageRows) {
  ScratchDir dir;
  const std::string trajectory = dir.file("run.h5"), figure = dir.file("run.svg");
  const Frames frames = record(trajectory, dataset("gaussian", 100, 64), 64, 40, 7, 1);
  PlotOptions options;
  options.input = trajectory;
  options.output = figure;
  options.image_shape = {8, 8};
  ASSERT_EQ(swf::tools::plot_trajectory(options), 0);
  const std::string svg = read_text(figure);
  EXPECT_TRUE(well_formed(svg));
  check_with_tools(figure);
  EXPECT_EQ(count(svg, "<g class=\"image-row\""), 7u) << "six snapshots and the target";
  EXPECT_EQ(count(svg, "<image "), 7u * 8);
  EXPECT_EQ(count(svg, "data:image/png;base64,"), 7u * 8);
  const std::vector<std::string> found = captions(svg);
  ASSERT_EQ(found.size(), 7u);
  EXPECT_EQ(found[0], "step " + std::to_string(frames.steps[0]));
  EXPECT_EQ(found[5], "step " + std::to_string(frames.steps[7]));
  EXPECT_EQ(found[6], "target");
  EXPECT_EQ(count(svg, "class=\"sw2-curve\""), 1u);
  EXPECT_LT(svg.size(), 100000u) << "small embedded images";

  // The PNGs decode to 72 x 72 grayscale pixels (8 x 8, each pixel repeated 9 times).
  if (fs::exists("/usr/bin/python3")) {
    const std::string script = dir.file("png.py");
    write_text(script,
               "import base64, re, struct, sys, zlib\n"
               "svg = open(sys.argv[1]).read()\n"
               "for data in re.findall(r'base64,([^\"]*)\"', svg):\n"
               "    png = base64.b64decode(data)\n"
               "    assert png[:8] == b'\\x89PNG\\r\\n\\x1a\\n'\n"
               "    width, height, depth, colour = struct.unpack('>IIBB', png[16:26])\n"
               "    assert (width, height, depth, colour) == (72, 72, 8, 0)\n"
               "    at = png.index(b'IDAT')\n"
               "    size = struct.unpack('>I', png[at - 4:at])[0]\n"
               "    raw = zlib.decompress(png[at + 4:at + 4 + size])\n"
               "    assert len(raw) == 72 * 73\n"
               "    rows = [raw[r * 73 + 1:(r + 1) * 73] for r in range(72)]\n"
               "    assert all(rows[r] == rows[r - r % 9] for r in range(72))\n"
               "    assert all(row[c] == row[c - c % 9] for row in rows for c in range(72))\n");
    EXPECT_EQ(std::system(("/usr/bin/python3 '" + script + "' '" + figure + "'").c_str()), 0);
  }

  // A shape that does not multiply to d is refused before anything is written.
  options.image_shape = {7, 7};
  options.output = dir.file("refused.svg");
  const Outcome refused = capture([&] { return swf::tools::plot_trajectory(options); });
  EXPECT_EQ(refused.code, 2);
  EXPECT_TRUE(one_line_naming(refused, trajectory));
  EXPECT_FALSE(fs::exists(options.output));
}

TEST(PlotSvg, ImageRowsWithAFixedGrayRange) {
  ScratchDir dir;
  const std::string figure = dir.file("rows.svg");
  std::vector<swf::tools::ImageRow> rows(2);
  rows[0].label = {"twelve images", "second line"};
  for (int i = 0; i < 12; ++i) rows[0].images.push_back(std::vector<float>(6, float(i) / 11.0f));
  // Values beyond the range are clamped: 2 draws as 1 (white), -1 as 0 (black).
  rows[1].label = {"clamped"};
  rows[1].images = {std::vector<float>(6, 2.0f), std::vector<float>(6, 1.0f), std::vector<float>(6, -1.0f),
                    std::vector<float>(6, 0.0f)};
  ASSERT_EQ(swf::tools::plot_image_rows(rows, {2, 3}, figure, "fixed range", 0.0f, 1.0f), 0);
  const std::string svg = read_text(figure);
  EXPECT_TRUE(well_formed(svg));
  check_with_tools(figure);
  EXPECT_EQ(count(svg, "<g class=\"image-row\""), 2u);
  EXPECT_EQ(count(svg, "<image "), 16u);
  EXPECT_NE(svg.find("gray levels: 0 (black) to 1 (white)"), std::string::npos);
  EXPECT_EQ(captions(svg), (std::vector<std::string>{"twelve images", "clamped"}));
  const std::regex png("base64,([^\"]*)\"");
  std::vector<std::string> images;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), png); it != std::sregex_iterator(); ++it)
    images.push_back((*it)[1]);
  ASSERT_EQ(images.size(), 16u);
  EXPECT_EQ(images[12], images[13]);
  EXPECT_EQ(images[14], images[15]);
  EXPECT_EQ(images[12], images[11]) << "1.0 is white in both rows";
  EXPECT_EQ(images[15], images[0]) << "0.0 is black in both rows";

  // An image that is not rows x cols is refused before anything is written.
  rows[1].images.push_back(std::vector<float>(5, 0.0f));
  const std::string refused_figure = dir.file("refused.svg");
  const Outcome refused = capture([&] { return swf::tools::plot_image_rows(rows, {2, 3}, refused_figure, ""); });
  EXPECT_EQ(refused.code, 2);
  EXPECT_FALSE(fs::exists(refused_figure));
}

TEST(PlotSvg, FailuresPrintOneLineAndLeaveTheOutputAlone) {
  ScratchDir dir;
  const std::string trajectory = dir.file("run.h5"), figure = dir.file("figure.svg");
  record(trajectory, dataset("rings", 200, 2), 2, 100, 2, 1);
  write_text(figure, "an earlier figure");
  PlotOptions options;
  options.output = figure;

  options.input = dir.file("missing.h5");
  Outcome outcome = capture([&] { return swf::tools::plot_trajectory(options); });
  EXPECT_EQ(outcome.code, 4) << "a file that cannot be opened is an I/O error";
  EXPECT_TRUE(one_line_naming(outcome, options.input));

  options.input = dir.file("notes.txt");
  write_text(options.input, "not HDF5\n");
  outcome = capture([&] { return swf::tools::plot_trajectory(options); });
  EXPECT_EQ(outcome.code, 4) << "a file of the wrong kind is bad input";
  EXPECT_TRUE(one_line_naming(outcome, options.input));

  options.input = trajectory;
  options.target_spec = dir.file("target.h5") + ":/particles/p";
  const std::vector<float> three_d = dataset("gaussian", 30, 3);
  ASSERT_EQ(swf_points_write(dir.file("target.h5").c_str(), "p", three_d.data(), 30, 3, nullptr), SWF_OK);
  outcome = capture([&] { return swf::tools::plot_trajectory(options); });
  EXPECT_EQ(outcome.code, 4) << "a target of another dimension";
  EXPECT_TRUE(one_line_naming(outcome, "target.h5"));
  options.target_spec.clear();

  options.snapshots = 0;
  outcome = capture([&] { return swf::tools::plot_trajectory(options); });
  EXPECT_EQ(outcome.code, 2);
  EXPECT_TRUE(one_line_naming(outcome, "snapshots"));
  options.snapshots = 6;
  EXPECT_EQ(read_text(figure), "an earlier figure");

  // Unwritable outputs: a missing directory, and a directory where the file should go.
  options.output = dir.file("no-such-directory/figure.svg");
  outcome = capture([&] { return swf::tools::plot_trajectory(options); });
  EXPECT_EQ(outcome.code, 4);
  EXPECT_TRUE(one_line_naming(outcome, options.output));
  fs::create_directory(dir.file("taken"));
  options.output = dir.file("taken");
  outcome = capture([&] { return swf::tools::plot_trajectory(options); });
  EXPECT_EQ(outcome.code, 4);
  EXPECT_TRUE(one_line_naming(outcome, options.output));
  EXPECT_TRUE(fs::is_directory(options.output));
  EXPECT_EQ(dir.names(), (std::vector<std::string>{"figure.svg", "notes.txt", "run.h5", "taken", "target.h5"}))
      << "no temporary file is left";
  EXPECT_EQ(read_text(figure), "an earlier figure");
}

TEST(PlotSvg, PointSetsSideBySide) {
  ScratchDir dir;
  const std::string trajectory = dir.file("run.h5"), samples = dir.file("samples.h5"), figure = dir.file("sets.svg");
  record(trajectory, dataset("swiss-roll", 300, 2), 2, 200, 2, 1);
  const std::vector<float> points = dataset("swiss-roll", 150, 2);
  ASSERT_EQ(swf_points_write(samples.c_str(), "samples", points.data(), 150, 2, nullptr), SWF_OK);
  ASSERT_EQ(swf::tools::plot_points({samples, trajectory + ":/particles/target"}, figure, {}), 0);
  std::string svg = read_text(figure);
  EXPECT_TRUE(well_formed(svg));
  check_with_tools(figure);
  EXPECT_EQ(count(svg, "<g class=\"panel\""), 2u);
  const std::vector<std::string> found = captions(svg);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], "samples.h5");
  EXPECT_EQ(found[1], "run.h5:/particles/target");
  EXPECT_LE(count(svg, "r=\"1.2\"/>"), 150u + 300u);
  EXPECT_GT(count(svg, "r=\"1.2\"/>"), 430u);

  // Different dimensions cannot share axes.
  const std::vector<float> other = dataset("gaussian", 20, 3);
  ASSERT_EQ(swf_points_write(dir.file("other.h5").c_str(), "p", other.data(), 20, 3, nullptr), SWF_OK);
  const Outcome outcome =
      capture([&] { return swf::tools::plot_points({samples, dir.file("other.h5")}, figure, {}); });
  EXPECT_EQ(outcome.code, 4);
  EXPECT_TRUE(one_line_naming(outcome, "other.h5"));
  EXPECT_EQ(read_text(figure), svg);

  // Image-shaped sets: a row of at most eight images each.
  const std::vector<float> images = dataset("gaussian", 5, 16);
  ASSERT_EQ(swf_points_write(dir.file("images.h5").c_str(), "p", images.data(), 5, 16, nullptr), SWF_OK);
  ASSERT_EQ(swf::tools::plot_points({dir.file("images.h5"), dir.file("images.h5")}, figure, {2, 8}), 0);
  svg = read_text(figure);
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(count(svg, "<g class=\"image-row\""), 2u);
  EXPECT_EQ(count(svg, "<image "), 10u);

  // The shape stored in the file (swf_points_write's image_shape) is used when none is given.
  const uint32_t shape[2] = {4, 4};
  ASSERT_EQ(swf_points_write(dir.file("shaped.h5").c_str(), "p", images.data(), 5, 16, shape), SWF_OK);
  ASSERT_EQ(swf::tools::plot_points({dir.file("shaped.h5") + ":/particles/p"}, figure, {}), 0);
  svg = read_text(figure);
  EXPECT_EQ(count(svg, "<g class=\"image-row\""), 1u);
  EXPECT_EQ(count(svg, "<image "), 5u);
  EXPECT_EQ(count(svg, "<g class=\"panel\""), 0u);
}

TEST(PlotSvg, TextIsEscaped) {
  ScratchDir dir;
  const std::string trajectory = dir.file("run.h5"), figure = dir.file("run.svg");
  record(trajectory, dataset("checkerboard", 100, 2), 2, 50, 1, 1);
  PlotOptions options;
  options.input = trajectory;
  options.output = figure;
  options.title = "<b>\"flows\" & 'friends'</b>";
  ASSERT_EQ(swf::tools::plot_trajectory(options), 0);
  const std::string svg = read_text(figure);
  EXPECT_TRUE(well_formed(svg));
  EXPECT_NE(svg.find("&lt;b&gt;&quot;flows&quot; &amp; &apos;friends&apos;&lt;/b&gt;"), std::string::npos);
}

}  // namespace
