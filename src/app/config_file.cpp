#include "config_file.hpp"

#include <memory>
#include <string>
#include <vector>

namespace genepool::app {
namespace {

class SubcommandToml final : public CLI::ConfigTOML {
 public:
  explicit SubcommandToml(std::string command) : command_(std::move(command)) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::vector<CLI::ConfigItem> parsed = CLI::ConfigTOML::from_config(input);
    for (auto& item : parsed) {
      if (item.parents.empty()) item.parents = {command_};
    }
    return parsed;
  }

 private:
  std::string command_;
};

}  // namespace

void attach_config_file(CLI::App& app, CLI::App& command) {
  app.set_config("--config", "", "TOML file of `" + command.get_name() + "` settings (docs/configuration.md)");
  app.config_formatter(std::make_shared<SubcommandToml>(command.get_name()));
  app.allow_config_extras(CLI::config_extras_mode::error);
  command.fallthrough();
  command.footer("--config FILE  TOML file of these options: each key is an option's long name without '--'\n"
                 "               (docs/configuration.md); the command line overrides the file.");
}

}  // namespace genepool::app
