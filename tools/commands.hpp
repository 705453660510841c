// The subcommands of swf-run. Each registers its flags on the CLI11 app and runs when parsed.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace swf::tools {

// A registered subcommand: run() is called after a successful parse and returns the exit code.
using Runner = std::function<int()>;

Runner add_flow_command(CLI::App& app);
Runner add_sw_command(CLI::App& app);
Runner add_info_command(CLI::App& app);
Runner add_datasets_command(CLI::App& app);
Runner add_plot_command(CLI::App& app);
Runner add_demo_command(CLI::App& app);
Runner add_train_command(CLI::App& app);
Runner add_sample_command(CLI::App& app);
Runner add_jko_command(CLI::App& app);

}  // namespace swf::tools
