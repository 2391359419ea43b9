#include "genepool/cli/config_errors.hpp"

#include <fstream>
#include <regex>
#include <string_view>

namespace genepool::app {
namespace {

// The config file given to the subcommand that was being parsed, or "".
std::string config_path(const CLI::App& app) {
  const CLI::Option* option = app.get_config_ptr();
  return option != nullptr && option->count() > 0 ? option->as<std::string>() : std::string();
}

// Whether `line` is `key = ...` (the key optionally quoted, blanks around it).
bool assigns(std::string_view line, std::string_view key) {
  const auto skip_blanks = [&line] {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  };
  skip_blanks();
  const bool quoted = !line.empty() && line.front() == '"';
  if (quoted) line.remove_prefix(1);
  if (line.substr(0, key.size()) != key) return false;
  line.remove_prefix(key.size());
  if (quoted) {
    if (line.empty() || line.front() != '"') return false;
    line.remove_prefix(1);
  }
  skip_blanks();
  return !line.empty() && line.front() == '=';
}

// 1-based line of `key = ...` in the TOML file, or 0. (Plain text matching: the key comes from the
// file and may hold any byte.)
std::size_t line_of_key(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (assigns(line, key)) return number;
  }
  return 0;
}

bool on_command_line(const std::string& option, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == option || arg.rfind(option + "=", 0) == 0) return true;
  }
  return false;
}

std::string where(const std::string& path, const std::string& key) {
  const std::size_t line = line_of_key(path, key);
  return path + (line ? ":" + std::to_string(line) : "") + ": key '" + key + "'";
}

}  // namespace

std::string describe_parse_error(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv) {
  const std::string message = error.what();
  const std::string path = config_path(app);
  if (!path.empty() && message.rfind(path + ":", 0) == 0) return message;  // located already (config_file.cpp)
  static const std::string unknown_prefix = "INI was not able to parse ";
  if (message.rfind(unknown_prefix, 0) == 0) {
    std::string key = message.substr(unknown_prefix.size());
    if (const auto dot = key.find('.'); dot != std::string::npos) key = key.substr(dot + 1);  // "evolve.populaton"
    return where(path, key) + ": unknown key (the keys are the long options of the command without '--'; "
                              "see docs/configuration.md)";
  }
  std::smatch match;
  if (!path.empty() && std::regex_search(message, match, std::regex("--([A-Za-z0-9][A-Za-z0-9-]*)"))) {
    const std::string key = match[1];
    if (!on_command_line("--" + key, argc, argv) && line_of_key(path, key) > 0) {
      return where(path, key) + ": " + message;
    }
  }
  return message + " (see --help)";
}

std::string locate_config_error(const CLI::App& command, const std::string& message, int argc, char** argv) {
  const CLI::App* root = &command;
  while (root->get_parent() != nullptr) root = root->get_parent();
  const std::string path = config_path(*root);
  if (path.empty()) return message;
  // The core's checks start with the key ("elitism = 4 is outside ...", "cost: nan is ...");
  // an unknown strategy type comes from the `strategies` key.
  std::smatch match;
  std::string key;
  if (std::regex_search(message, match, std::regex("^([a-z][a-z0-9-]*)( = |: )"))) key = match[1];
  else if (message.rfind("unknown strategy", 0) == 0) key = "strategies";
  if (key.empty() || command.get_option_no_throw("--" + key) == nullptr) return message;
  if (on_command_line("--" + key, argc, argv) || line_of_key(path, key) == 0) return message;
  return where(path, key) + ": " + message;
}

}  // namespace genepool::app
