// `genepool strategies`: the built-in strategy types and those of the strategy files given, with
// their parameter spaces (and a file strategy's rules and file).
#include <iomanip>
#include <iostream>

#include "genepool/app/commands.hpp"
#include "genepool/cli/strategy_files.hpp"
#include "genepool/io/json.hpp"
#include "genepool/language/strategy_file.hpp"
#include "genepool/strategies/strategy.hpp"

namespace genepool::app {
namespace {

struct StrategiesOptions {
  bool json = false;
  std::vector<std::string> strategy_files;
};

// Every type to list: the built-ins, then the file strategies; `file` is null for a built-in.
struct Listed {
  StrategyType type;
  const language::FileStrategy* file = nullptr;
};

std::vector<Listed> listed(const std::vector<language::FileStrategy>& files) {
  std::vector<Listed> all;
  for (const auto& type : strategy_registry()) all.push_back({type, nullptr});
  for (const auto& file : files) all.push_back({language::parameter_space(file), &file});
  return all;
}

void print_table(std::ostream& out, const std::vector<Listed>& types) {
  for (const auto& [type, file] : types) {
    out << type.name << " — " << type.description;
    if (file != nullptr) out << "  (" << file->file << ":" << file->line << ")";
    out << '\n';
    for (const auto& param : type.params) {
      out << "    " << std::left << std::setw(12) << param.name << std::setw(8)
          << (param.kind == ParamKind::integer ? "integer" : "real") << " [" << param.lower << ", " << param.upper
          << "]  default " << param.default_value << (param.description.empty() ? "" : "  " + param.description) << '\n';
    }
    for (const auto& [lesser, greater] : type.less_than) {
      out << "    constraint  " << type.params[lesser].name << " < " << type.params[greater].name << '\n';
    }
    if (file != nullptr)
      for (const auto& [rule, expression] : file->rules) out << "    " << std::setw(12) << rule << expression << '\n';
  }
}

void print_json(std::ostream& out, const std::vector<Listed>& types) {
  Json all = Json::array();
  for (const auto& [type, file] : types) {
    Json params = Json::array();
    for (const auto& param : type.params) {
      params.push_back({{"name", param.name},
                        {"kind", param.kind == ParamKind::integer ? "integer" : "real"},
                        {"lower", param.lower},
                        {"upper", param.upper},
                        {"default", param.default_value},
                        {"description", param.description}});
    }
    Json constraints = Json::array();
    for (const auto& [lesser, greater] : type.less_than)
      constraints.push_back(type.params[lesser].name + " < " + type.params[greater].name);
    Json entry = {{"name", type.name},
                  {"description", type.description},
                  {"params", std::move(params)},
                  {"constraints", std::move(constraints)},
                  {"kind", file == nullptr ? "built-in" : "file"}};
    if (file != nullptr) {
      Json rules = Json::array();
      for (const auto& [rule, expression] : file->rules) rules.push_back({{"rule", rule}, {"expression", expression}});
      entry["rules"] = std::move(rules);
      entry["file"] = file->file;
      entry["line"] = file->line;
      entry["source"] = file->source;
    }
    all.push_back(std::move(entry));
  }
  out << json_text(all) << '\n';
}

}  // namespace

void add_strategies_command(CLI::App& app) {
  auto* command = app.add_subcommand("strategies", "List the strategy types (built-in and from strategy files) and their "
                                                   "parameter spaces");
  auto options = std::make_shared<StrategiesOptions>();
  command->add_flag("--json", options->json, "Print as JSON");
  add_strategy_file_option(*command, options->strategy_files);
  command->callback([options] {
    const std::vector<language::FileStrategy> files = language::read_strategy_files(options->strategy_files);
    const std::vector<Listed> types = listed(files);
    options->json ? print_json(std::cout, types) : print_table(std::cout, types);
  });
}

}  // namespace genepool::app
