// `genepool strategies`: the registered strategy types and their parameter spaces.
#include <iomanip>
#include <iostream>

#include "genepool/app/commands.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/io/json_writer.hpp"

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
  JsonWriter json(out);
  json.begin_array();
  for (const auto& type : strategy_registry()) {
    json.begin_object().key("name").value(type.name).key("description").value(type.description);
    json.key("params").begin_array();
    for (const auto& param : type.params) {
      json.begin_object()
          .key("name").value(param.name)
          .key("kind").value(param.kind == ParamKind::integer ? "integer" : "real")
          .key("lower").value(param.lower)
          .key("upper").value(param.upper)
          .key("default").value(param.default_value)
          .key("description").value(param.description)
          .end_object();
    }
    json.end_array().key("constraints").begin_array();
    for (const auto& [lesser, greater] : type.less_than) {
      json.value(type.params[lesser].name + " < " + type.params[greater].name);
    }
    json.end_array().end_object();
  }
  json.end_array();
  out << '\n';
}

}  // namespace

void add_strategies_command(CLI::App& app) {
  auto* command = app.add_subcommand("strategies", "List the strategy types and their parameter spaces");
  auto as_json = std::make_shared<bool>(false);
  command->add_flag("--json", *as_json, "Print as JSON");
  command->callback([as_json] { *as_json ? print_json(std::cout) : print_table(std::cout); });
}

}  // namespace genepool::app
