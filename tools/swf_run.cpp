// swf-run: Sliced-Wasserstein flows from the shell, on HDF5 (H5MD) files. Uses only swflow.h.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>

#include "cli_common.hpp"
#include "commands.hpp"
#include "swflow.h"

int main(int argc, char** argv) {
  using namespace swf::tools;
  CLI::App app{"swf-run: Sliced-Wasserstein flows and distances on HDF5 (H5MD) files.\n"
               "Exit codes: 0 success, 1 runtime error, 2 usage error, 3 GPU required but absent,\n"
               "4 unreadable/unwritable or bad file, 75 interrupted (resumable checkpoint written).",
               "swf-run"};
  app.set_version_flag("--version", std::string("swf-run (libswflow) ") + swf_version_string());
  app.set_config("--config", "", "Read flags from a TOML/INI file; flags on the command line win");
  app.require_subcommand(1);
  std::map<CLI::App*, Runner> runners;
  for (auto add : {add_flow_command, add_sw_command, add_info_command, add_datasets_command, add_plot_command,
                   add_demo_command, add_train_command, add_sample_command, add_jko_command}) {
    const size_t before = app.get_subcommands({}).size();
    Runner runner = add(app);
    runners[app.get_subcommands({})[before]] = std::move(runner);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitSuccess : kExitUsage;
  }
  for (auto& [command, runner] : runners)
    if (command->parsed()) return runner();
  return kExitUsage;
}
