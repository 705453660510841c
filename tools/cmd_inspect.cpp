// swf-run sw, info, datasets: distances, file descriptions, built-in datasets.
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"
#include "digits.hpp"
#include "point_source.hpp"

namespace swf::tools {
namespace {

struct SwOptions {
  std::string a, b;
  BackendChoice backend;
  uint32_t directions = 1000;
  uint64_t seed = 0;
  double p = 2.0;
};

int run_sw(const SwOptions& o) {
  std::vector<float> x, y;
  size_t n = 0, m = 0, d = 0, dy = 0;
  if (int code = load_points("sw", o.a, "", 0, 0, 0, x, n, d)) return code;
  if (int code = load_points("sw", o.b, "", 0, 0, 0, y, m, dy)) return code;
  if (d != dy) {
    std::fprintf(stderr, "swf-run sw: %s has dimension %zu but %s has dimension %zu\n", o.a.c_str(), d, o.b.c_str(), dy);
    return kExitInput;
  }
  swf_context context = nullptr;
  if (swf_status s = open_context(o.backend, o.seed, &context)) return report_failure("sw", s);
  double value = 0;
  const swf_status s = swf_sliced_wasserstein(context, x.data(), n, y.data(), m, d, nullptr, o.directions, o.p, &value);
  swf_context_destroy(context);
  if (s != SWF_OK) return report_failure("sw", s);
  std::printf("%.9g\n", value);
  return kExitSuccess;
}

int run_info(const std::string& path) {
  size_t length = 0;
  if (swf_status s = swf_file_describe(path.c_str(), nullptr, 0, &length)) return report_failure("info", s);
  std::string text(length + 1, '\0');
  if (swf_status s = swf_file_describe(path.c_str(), text.data(), text.size(), &length)) return report_failure("info", s);
  text.resize(length);
  std::fputs(text.c_str(), stdout);
  return kExitSuccess;
}

struct DatasetOptions {
  std::string name, out;
  size_t samples = 10000, dim = 2;
  uint64_t seed = 0;
};

int run_datasets(const DatasetOptions& o) {
  if (o.name.empty()) {
    std::istringstream names(swf_dataset_names());
    for (std::string name; std::getline(names, name, ',');)
      std::printf("%s%s\n", name.c_str(), name == "gaussian" ? "  (any dimension: --dim D)" : "  (2-D)");
    return list_digits();
  }
  if (o.name == "digits") {  // real data, imported from python3-sklearn's copy with a fixed split
    if (o.out.empty()) {
      std::fprintf(stderr, "swf-run datasets: give --out FILE.h5 to write digits\n");
      return kExitUsage;
    }
    return run_importer({"digits", "-o", o.out, "--seed", std::to_string(o.seed)}, false);
  }
  if (o.out.empty()) {
    std::fprintf(stderr, "swf-run datasets: give --out FILE.h5 to write %s\n", o.name.c_str());
    return kExitUsage;
  }
  std::vector<float> points;
  size_t n = 0, d = 0;
  if (int code = load_points("datasets", "", o.name, o.dim, o.samples, o.seed, points, n, d)) return code;
  if (swf_status s = swf_points_write(o.out.c_str(), o.name.c_str(), points.data(), n, d, nullptr))
    return report_failure("datasets", s);
  std::printf("%zu samples of %s (d = %zu) -> %s:/particles/%s\n", n, o.name.c_str(), d, o.out.c_str(), o.name.c_str());
  return kExitSuccess;
}

}  // namespace

Runner add_sw_command(CLI::App& app) {
  auto o = std::make_shared<SwOptions>();
  CLI::App* command = app.add_subcommand("sw", "Sliced Wasserstein distance SW_p between two point sets, on stdout");
  command->add_option("A", o->a, "First point set: FILE.h5:/dataset or an H5MD file")->required();
  command->add_option("B", o->b, "Second point set")->required();
  command->add_option("--directions,-L", o->directions, "Random directions")->check(kPositive)->capture_default_str();
  command->add_option("--seed", o->seed, "Seed of the directions")->capture_default_str();
  command->add_option("--p", o->p, "Order p >= 1")->check(CLI::Range(1.0, 1e6))->capture_default_str();
  add_backend_option(*command, o->backend);
  return [o] { return run_sw(*o); };
}

Runner add_info_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("info", "Describe an HDF5 file: kind, shapes, parameters, steps, times");
  command->add_option("FILE", *path, "An HDF5 file")->required();
  return [path] { return run_info(*path); };
}

Runner add_datasets_command(CLI::App& app) {
  auto o = std::make_shared<DatasetOptions>();
  CLI::App* command = app.add_subcommand(
      "datasets", "List the built-in datasets, or write samples of one (digits: all 1,797, split train / held-out)");
  command->add_option("NAME", o->name, "A built-in dataset to write, or digits");
  command->add_option("--samples,-n", o->samples, "Number of samples")->check(kPositive)->capture_default_str();
  command->add_option("--dim", o->dim, "Dimension (gaussian only)")->check(kPositive)->capture_default_str();
  command->add_option("--seed", o->seed, "Random seed (digits: of the split)")->capture_default_str();
  command->add_option("--out,-o", o->out, "Output file (H5MD)");
  return [o] { return run_datasets(*o); };
}

}  // namespace swf::tools
