#include "genepool/cli/config_errors.hpp"

#include <regex>
#include <vector>

#include "genepool/cli/config_file.hpp"

namespace genepool::app {
namespace {

bool on_command_line(const std::string& option, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == option || arg.rfind(option + "=", 0) == 0) return true;
  }
  return false;
}

// "FILE:LINE: key 'KEY': " when the value of option `--name` came from the config file under this
// or another of the option's long names (`strategy-files` for --strategy-file), or "".
std::string where(const CLI::App& app, const std::string& name, int argc, char** argv) {
  const ConfigFile* file = config_file_of(app);
  if (file == nullptr || on_command_line("--" + name, argc, argv)) return "";
  std::vector<std::string> keys{name};
  const auto add_names = [&](const CLI::App& command) {
    if (const CLI::Option* option = command.get_option_no_throw("--" + name))
      keys.insert(keys.end(), option->get_lnames().begin(), option->get_lnames().end());
  };
  add_names(app);
  for (const CLI::App* command : app.get_subcommands()) add_names(*command);
  for (const std::string& key : keys)
    if (const std::size_t line = file->line_of(key); line > 0)
      return file->path() + ":" + std::to_string(line) + ": key '" + key + "': ";
  return "";
}

}  // namespace

std::string describe_parse_error(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv) {
  const std::string message = error.what();
  const CLI::Option* config = app.get_config_ptr();
  if (config != nullptr && config->count() > 0 && message.rfind(config->results().back() + ":", 0) == 0)
    return message;  // located already (config_file.cpp)
  std::smatch match;
  if (std::regex_search(message, match, std::regex("--([A-Za-z0-9][A-Za-z0-9-]*)"))) {
    if (const std::string located = where(app, match[1], argc, argv); !located.empty()) return located + message;
  }
  return message + " (see --help)";
}

std::string locate_config_error(const CLI::App& command, const std::string& message, int argc, char** argv) {
  // The core's checks start with the key ("elitism = 4 is outside ...", "cost: nan is ...");
  // an unknown strategy type comes from the `strategies` key.
  std::smatch match;
  std::string key;
  if (std::regex_search(message, match, std::regex("^([a-z][a-z0-9-]*)( = |: )"))) key = match[1];
  else if (message.rfind("unknown strategy", 0) == 0) key = "strategies";
  if (key.empty() || command.get_option_no_throw("--" + key) == nullptr) return message;
  return where(command, key, argc, argv) + message;
}

}  // namespace genepool::app
