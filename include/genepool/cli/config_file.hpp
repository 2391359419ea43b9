#pragma once
// `genepool evolve --config FILE`: a flat TOML file whose keys are evolve's long option names.
// NOTE: CLI11 2.1.2 reads config files only on the top-level app, so --config lives there and a
// formatter files every top-level key under the subcommand; unknown keys are errors.
#include <CLI/CLI.hpp>

namespace genepool::app {

void attach_config_file(CLI::App& app, CLI::App& command);

}  // namespace genepool::app
