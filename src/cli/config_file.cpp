#include "genepool/cli/config_file.hpp"

#include <iterator>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace genepool::app {
namespace {

// The command's TOML config: keys at the top level (or under [COMMAND]) belong to the command.
// CLI11 would silently let a later key override an earlier one and ignore sections of other
// commands; both are refused here, naming the file and line.
class SubcommandToml final : public CLI::ConfigTOML {
 public:
  SubcommandToml(const CLI::App& app, std::string command) : app_(app), command_(std::move(command)) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    const std::string text(std::istreambuf_iterator<char>(input), {});
    check_structure(text);
    std::istringstream again(text);
    std::vector<CLI::ConfigItem> parsed = CLI::ConfigTOML::from_config(again);
    for (auto& item : parsed) {
      if (item.parents.empty()) item.parents = {command_};
    }
    return parsed;
  }

 private:
  std::string path() const {
    const CLI::Option* option = app_.get_config_ptr();
    return option != nullptr && option->count() > 0 ? option->as<std::string>() : std::string("config file");
  }

  void check_structure(const std::string& text) const {
    static const std::regex section(R"re(^\s*\[\[?\s*"?([^\]"]*)"?\s*\]\]?\s*(#.*)?$)re");
    static const std::regex key(R"re(^\s*"?([A-Za-z0-9_-]+)"?\s*=)re");
    std::istringstream lines(text);
    std::string line;
    std::map<std::string, std::size_t> first_line;  // key -> line of its first assignment
    std::smatch match;
    for (std::size_t number = 1; std::getline(lines, line); ++number) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (std::regex_match(line, match, section)) {
        if (match[1] != command_)
          throw CLI::ConfigError(path() + ":" + std::to_string(number) + ": section '[" + match[1].str() +
                                     "]': unknown section; this file configures `genepool " + command_ +
                                     "`: put its keys at the top level (docs/configuration.md)",
                                 CLI::ExitCodes::ConfigError);
        continue;
      }
      if (!std::regex_search(line, match, key)) continue;
      const auto [at, fresh] = first_line.emplace(match[1].str(), number);
      if (!fresh)
        throw CLI::ConfigError(path() + ":" + std::to_string(number) + ": key '" + match[1].str() +
                                   "': given again (first on line " + std::to_string(at->second) +
                                   "); expected each key once",
                               CLI::ExitCodes::ConfigError);
    }
  }

  const CLI::App& app_;
  std::string command_;
};

}  // namespace

void attach_config_file(CLI::App& app, CLI::App& command) {
  app.set_config("--config", "", "TOML file of `" + command.get_name() + "` settings (docs/configuration.md)");
  app.config_formatter(std::make_shared<SubcommandToml>(app, command.get_name()));
  app.allow_config_extras(CLI::config_extras_mode::error);
  command.fallthrough();
  command.footer("--config FILE  TOML file of these options: each key is an option's long name without '--'\n"
                 "               (docs/configuration.md); the command line overrides the file.");
}

}  // namespace genepool::app
