#pragma once
// One clear line for a command-line or config-file error: for a value that came from the
// config file, the file, line and key (config_file.hpp).
#include <CLI/CLI.hpp>
#include <string>

namespace genepool::app {

std::string describe_parse_error(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv);

// A ConfigError's message from a check after parsing (e.g. "elitism = 4 is outside [0, 3]"),
// prefixed with "FILE:LINE: key 'KEY': " when that key's value came from the config file.
std::string locate_config_error(const CLI::App& command, const std::string& message, int argc, char** argv);

}  // namespace genepool::app
