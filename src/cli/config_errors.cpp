#include "genepool/cli/config_errors.hpp"

#include <algorithm>
#include <regex>
#include <vector>

#include "genepool/cli/config_file.hpp"
#include "genepool/error.hpp"

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

// Every text value the command received (its arguments, the config file's strings), for shortened().
void add_strings(const toml::node& node, std::vector<std::string>& values) {
  if (const auto* text = node.as_string()) values.push_back(text->get());
  else if (const auto* array = node.as_array()) for (const toml::node& element : *array) add_strings(element, values);
  else if (const auto* table = node.as_table()) for (const auto& [key, value] : *table) add_strings(value, values);
}

// `message` with each long value the command received cut to its excerpt() (CLI11 quotes values whole).
std::string shortened(const CLI::App& app, std::string message, int argc, char** argv) {
  std::vector<std::string> values(argv + std::min(argc, 1), argv + argc);
  if (const ConfigFile* file = config_file_of(app)) add_strings(file->document(), values);
  for (const std::string& value : values) {
    if (value.size() <= kShownCharacters) continue;
    const std::string cut = excerpt(value);
    for (std::size_t at = message.find(value); at != std::string::npos; at = message.find(value, at + cut.size()))
      message.replace(at, value.size(), cut);
  }
  return message;
}

// "unknown command 'evolv' (did you mean 'evolve'?); expected one of ..." when no command was
// recognised and the first argument that is no option names none, or "".
std::string unknown_command(const CLI::App& app) {
  if (app.get_parent() != nullptr || !app.get_subcommands().empty()) return "";
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(command->get_name());
  for (const std::string& argument : app.remaining()) {
    if (argument.empty() || argument.front() == '-') continue;
    std::string list;
    for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
    return "unknown command '" + excerpt(argument) + "'" + did_you_mean(argument, names) + "; expected one of " +
           list + " (see --help)";
  }
  return "";
}

}  // namespace

std::string describe_parse_error(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv) {
  if (const std::string unknown = unknown_command(app); !unknown.empty()) return unknown;
  const std::string message = shortened(app, error.what(), argc, argv);
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
  // "objectives[1] = 'x:max': ...", "strategies lists macd twice ...", "objectives has 5 entries ...".
  std::smatch match;
  std::string key;
  if (std::regex_search(message, match, std::regex("^([a-z][a-z0-9-]*)(\\[[0-9]+\\])?( = |: | lists | has )")))
    key = match[1];
  else if (message.rfind("unknown strategy", 0) == 0) key = "strategies";
  const std::string shown = shortened(command, message, argc, argv);
  if (key.empty() || command.get_option_no_throw("--" + key) == nullptr) return shown;
  return where(command, key, argc, argv) + shown;
}

}  // namespace genepool::app
