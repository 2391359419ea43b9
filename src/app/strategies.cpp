// `genepool strategies`: the registered strategy types and their parameter spaces.
#include <iomanip>
#include <iostream>

#include "genepool/app/commands.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/io/json.hpp"

namespace genepool::app {
namespace {

void print_table(std::ostream& out) {
  for (const auto& type : strategy_registry()) {
    out << type.name << " — " << type.description << '\n';
    for (const auto& param : type.params) {
      out << "    " << std::left << std::setw(12) << param.name << std::setw(8)
          << (param.kind == ParamKind::integer ? "integer" : "real") << " [" << param.lower << ", " << param.upper
          << "]  default " << param.default_value << "  " << param.description << '\n';
    }
    for (const auto& [lesser, greater] : type.less_than) {
      out << "    constraint  " << type.params[lesser].name << " < " << type.params[greater].name << '\n';
    }
  }
}

void print_json(std::ostream& out) {
  Json types = Json::array();
  for (const auto& type : strategy_registry()) {
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
    types.push_back({{"name", type.name},
                     {"description", type.description},
                     {"params", std::move(params)},
                     {"constraints", std::move(constraints)}});
  }
  out << json_text(types) << '\n';
}

}  // namespace

void add_strategies_command(CLI::App& app) {
  auto* command = app.add_subcommand("strategies", "List the strategy types and their parameter spaces");
  auto as_json = std::make_shared<bool>(false);
  command->add_flag("--json", *as_json, "Print as JSON");
  command->callback([as_json] { *as_json ? print_json(std::cout) : print_table(std::cout); });
}

}  // namespace genepool::app
