// swf-run plot and swf-run demo: pictures of trajectories and point sets.
#include <algorithm>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"
#include "digits.hpp"
#include "flow_run.hpp"
#include "plot_svg.hpp"

namespace swf::tools {
namespace {

struct PlotCommand {
  PlotOptions options;
  std::vector<std::string> points;
  std::string model;
};

// Samples of a learned flow at evenly spaced times from 0 to its T, one panel each: they are written to a
// scratch file beside the figure, drawn, and the scratch file removed.
int plot_model(const PlotCommand& c) {
  swf_context context = nullptr;
  swf_model model = nullptr;
  auto release = [&] {
    swf_model_destroy(model);
    swf_context_destroy(context);
  };
  if (swf_status s = swf_context_create(SWF_BACKEND_AUTO, 0, &context)) return report_failure("plot", s);
  if (swf_status s = swf_model_load(context, c.model.c_str(), &model)) {
    release();
    return report_failure("plot", s);
  }
  size_t d = 0;
  double end_time = 0;
  swf_model_info(model, &d, &end_time, nullptr);
  const size_t panels = std::max<size_t>(2, c.options.snapshots), n = std::min<size_t>(c.options.max_points, 2000);
  const std::string scratch = c.options.output + ".samples-" + std::to_string(::getpid()) + ".h5";
  std::vector<std::string> specs, captions;
  std::vector<float> x(n * d);
  int code = kExitSuccess;
  for (size_t k = 0; k < panels && code == kExitSuccess; ++k) {
    const double t = end_time * double(k) / double(panels - 1);
    const std::string file = scratch + "." + std::to_string(k);
    if (swf_status s = swf_model_sample(model, n, t, x.data())) code = report_failure("plot", s);
    else if (swf_status s = swf_points_write(file.c_str(), "samples", x.data(), n, d, nullptr)) code = report_failure("plot", s);
    specs.push_back(file);
    char caption[64];
    std::snprintf(caption, sizeof caption, "model at t = %.4g", t);
    captions.push_back(caption);
  }
  release();
  if (code == kExitSuccess)
    code = plot_points(specs, c.options.output, c.options.image_shape, n, captions,
                       c.options.title.empty() ? "Samples of the learned flow " + c.model : c.options.title);
  for (const std::string& file : specs) std::remove(file.c_str());
  return code;
}

int run_plot(const PlotCommand& c) {
  if (!c.model.empty()) return plot_model(c);
  if (!c.points.empty()) return plot_points(c.points, c.options.output, c.options.image_shape, c.options.max_points);
  if (c.options.input.empty()) {
    std::fprintf(stderr, "swf-run plot: give a trajectory FILE.h5, or point sets with --points\n");
    return kExitUsage;
  }
  return plot_trajectory(c.options);
}

struct DemoOptions {
  std::string dataset = "8-gaussians", out = "swflow-demo";
  size_t particles = 3000;
  uint64_t steps = 200;
  BackendChoice backend;
  DigitsDemoOptions digits;  // swf-run demo digits
};

// The README's first command: one flow on a built-in dataset, its trajectory and its picture.
int run_demo(const DemoOptions& o) {
  FlowOptions flow;
  flow.dataset = o.dataset;
  flow.particles = o.particles;
  flow.steps = o.steps;
  flow.directions = 64;
  flow.step_size = 0.5f;
  flow.lambda = 1e-4f;
  flow.record_every = uint32_t(std::max<uint64_t>(1, o.steps / 10));
  flow.backend = o.backend;
  flow.out = o.out + ".h5";
  const std::string config = "demo dataset=" + o.dataset + " particles=" + std::to_string(o.particles) +
                             " steps=" + std::to_string(o.steps);
  if (int code = run_flow(flow, config)) return code;
  PlotOptions plot;
  plot.input = flow.out;
  plot.output = o.out + ".svg";
  plot.title = "swf-run demo: N(0, I) to " + o.dataset;
  if (int code = plot_trajectory(plot)) return code;
  std::printf("trajectory: %s\nfigure:     %s\n", plot.input.c_str(), plot.output.c_str());
  return kExitSuccess;
}

}  // namespace

Runner add_plot_command(CLI::App& app) {
  auto c = std::make_shared<PlotCommand>();
  CLI::App* command = app.add_subcommand("plot", "Draw a trajectory (snapshots and the SW2 curve) or point sets as SVG");
  command->add_option("FILE", c->options.input, "A trajectory written by swf-run flow");
  command->add_option("--out,-o", c->options.output, "The SVG to write")->required();
  command->add_option("--points", c->points, "Point sets to draw side by side instead (FILE.h5[:/path] ...)");
  command->add_option("--model", c->model, "A learned flow (swf-run train): its samples at --snapshots times from 0 to T");
  command->add_option("--snapshots", c->options.snapshots, "Frames to draw")->check(kPositive)->capture_default_str();
  command->add_option("--max-points", c->options.max_points, "Points per panel")->check(kPositive)->capture_default_str();
  command->add_option("--target", c->options.target_spec, "Points drawn behind each snapshot (default: the file's target)");
  command->add_option("--title", c->options.title, "Title of the figure");
  command->add_option("--image-shape", c->options.image_shape, "ROWS COLS: draw particles as images")->expected(2);
  return [c] { return run_plot(*c); };
}

Runner add_demo_command(CLI::App& app) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* command = app.add_subcommand("demo", "Flow a built-in dataset, write its trajectory (H5MD) and its picture (SVG)");
  command->add_option("DATASET,--dataset", o->dataset, "Built-in 2-D dataset, or digits (64-D, python3-sklearn)")
      ->capture_default_str();
  command->add_option("--particles,-n", o->particles, "Particles (digits: 1500)")->check(kPositive)->capture_default_str();
  command->add_option("--steps,-k", o->steps, "Steps (digits: 1000)")->check(kPositive)->capture_default_str();
  add_backend_option(*command, o->backend);
  command->add_option("--out,-o", o->out, "Output prefix: PREFIX.h5 and PREFIX.svg (digits: swflow-digits.svg, "
                                          "-model.h5, -samples.h5)")->capture_default_str();
  DigitsDemoOptions& digits = o->digits;
  CLI::Option_group* group = command->add_option_group("digits", "Options of swf-run demo digits");
  group->add_option("--data", digits.data, "The digits from swf-run datasets digits (default: import into "
                                           "PREFIX-data.h5)");
  group->add_option("--directions,-L", digits.directions, "Directions per step")->check(kPositive)->capture_default_str();
  group->add_option("--step-size,-H", digits.step_size, "Step size h")->check(kPositive)->capture_default_str();
  group->add_option("--learn-every", digits.learn_every, "Steps between the snapshots the model learns")
      ->check(kPositive)->capture_default_str();
  group->add_option("--learn-steps", digits.learn_steps, "Adam steps per snapshot")->check(kPositive)->capture_default_str();
  group->add_option("--sw2-directions", digits.sw2_directions, "Directions of the reported SW2")
      ->check(kPositive)->capture_default_str();
  group->add_option("--seed", digits.seed, "Seed of the split, the flow and the model")->capture_default_str();
  return [o, command, group] {
    if (o->dataset != "digits") {
      for (const CLI::Option* option : group->get_options())
        if (option->count() > 0) {
          std::fprintf(stderr, "swf-run demo: %s is an option of swf-run demo digits\n", option->get_name().c_str());
          return int(kExitUsage);
        }
      return run_demo(*o);
    }
    // The 2-D demo's defaults do not fit d = 64; only what the command line gives replaces the digits' own.
    if (command->count("--particles")) o->digits.particles = o->particles;
    if (command->count("--steps")) o->digits.steps = o->steps;
    if (command->count("--out")) o->digits.out = o->out;
    o->digits.backend = o->backend;
    return run_digits_demo(o->digits);
  };
}

}  // namespace swf::tools
