// Strategy files: TOML tables read with toml++, checked key by key, their rules lowered to a Program.
#include "genepool/language/strategy_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include "genepool/error.hpp"
#include "genepool/io/input_file.hpp"
#include "genepool/number_text.hpp"
#include "genepool/strategies/genome.hpp"
#include "parser.hpp"

namespace genepool::language {

namespace {

constexpr std::string_view kRuleKeys[] = {"position", "long_entry", "long_exit", "short_entry", "short_exit"};
constexpr std::string_view kStrategyKeys = "description, params, less_than, define, position, long_entry, long_exit, short_entry, short_exit";
constexpr std::string_view kParamKeys = "type, min, max, default, description";

bool is_identifier(std::string_view name, bool lower_case_only) {
  if (name.empty()) return false;
  const auto letter = [&](char c) { return (c >= 'a' && c <= 'z') || c == '_' || (!lower_case_only && c >= 'A' && c <= 'Z'); };
  if (!letter(name[0]) || name[0] == '_') return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

std::string type_of(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

// Byte offset of a 1-based line and column (in code points, as toml++ counts) in `text`.
std::size_t offset_of(std::string_view text, const toml::source_position& at) {
  std::size_t offset = 0;
  for (std::size_t line = 1; line < at.line && offset < text.size(); ++line) {
    const std::size_t end = text.find('\n', offset);
    offset = end == std::string_view::npos ? text.size() : end + 1;
  }
  for (std::size_t column = 1; column < at.column && offset < text.size(); ++column) {
    ++offset;
    while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) ++offset;
  }
  return offset;
}

// A TOML basic string holding `text`.
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7F) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// One strategy table, read key by key.
class TableReader {
 public:
  TableReader(std::string_view text, const std::string& file, std::string name, const toml::table& table,
              std::uint32_t line)
      : text_(text), file_(file), table_(table) {
    strategy_.name = std::move(name);
    strategy_.file = file;
    strategy_.line = line;
  }

  FileStrategy read() {
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (const auto& [key, node] : table_) entries.emplace_back(&key, &node);
    for (const auto& [key, node] : entries) {
      const std::string k(key->str());
      if (k == "description") {
        strategy_.description = string_of(*node, k, line_of(*key));
      } else if (k == "params") {
        read_params(*node, line_of(*key));
      } else if (k == "define") {
        read_defines(*node, line_of(*key));
      } else if (k == "less_than") {
        continue;  // after the parameters
      } else if (std::find(std::begin(kRuleKeys), std::end(kRuleKeys), k) != std::end(kRuleKeys)) {
        rules_.push_back(expression(*node, k, *key));
      } else {
        const std::vector<std::string> known = {"description", "params",     "less_than",   "define",    "position",
                                                "long_entry",  "long_exit",  "short_entry", "short_exit"};
        const std::string near = nearest_name(k, known);
        fail(line_of(*key), "unknown key '" + printable(k) + "'" +
                                (near.empty() ? std::string() : " (did you mean '" + near + "'?)") + "; expected " +
                                std::string(kStrategyKeys));
      }
    }
    if (const toml::node* less = table_.get("less_than")) read_less_than(*less, line_of_key("less_than"));
    check_rules();
    // The rules in a fixed order; then the defines by name (toml++ keeps a table's keys sorted).
    std::sort(rules_.begin(), rules_.end(), [](const ExpressionSource& a, const ExpressionSource& b) {
      const auto rank = [](const std::string& key) {
        return std::find(std::begin(kRuleKeys), std::end(kRuleKeys), key) - std::begin(kRuleKeys);
      };
      return rank(a.key) < rank(b.key);
    });
    strategy_.program = lower_rules(strategy_.params, defines_, rules_, {file_, strategy_.name});
    for (const ExpressionSource& rule : rules_) strategy_.rules.emplace_back(rule.key, rule.text);
    for (const ExpressionSource& define : defines_) strategy_.rules.emplace_back(define.key, define.text);
    strategy_.source = canonical_source();
    return std::move(strategy_);
  }

 private:
  [[noreturn]] void fail(std::uint32_t line, const std::string& what) const {
    throw ConfigError(file_ + ":" + std::to_string(line) + ": strategy '" + strategy_.name + "': " + what);
  }
  static std::uint32_t line_of(const toml::key& key) { return key.source().begin.line; }
  std::uint32_t line_of_key(std::string_view name) const {
    for (const auto& [key, node] : table_) {
      if (key.str() == name) return line_of(key);
    }
    return strategy_.line;
  }

  std::string string_of(const toml::node& node, const std::string& key, std::uint32_t line) const {
    const auto* s = node.as_string();
    if (s == nullptr) fail(line, key + ": expected a string, found " + type_of(node));
    return s->get();
  }

  // A rule or define, with the file column of its first character when the string is written
  // plainly on one line ("..." without escapes, or '...').
  ExpressionSource expression(const toml::node& node, const std::string& key, const toml::key& at) const {
    ExpressionSource source;
    source.key = key;
    source.line = line_of(at);
    source.text = string_of(node, key, source.line);
    const toml::source_position begin = node.source().begin;
    const std::size_t offset = offset_of(text_, begin);
    const std::string& t = source.text;
    if (begin.line == source.line && offset < text_.size() && (text_[offset] == '"' || text_[offset] == '\'')) {
      const char quote = text_[offset];
      const bool triple = text_.substr(offset, 3) == std::string(3, quote);
      const bool plain = text_.substr(offset + 1, t.size()) == t && offset + 1 + t.size() < text_.size() &&
                         text_[offset + 1 + t.size()] == quote && t.find('\n') == std::string::npos;
      if (!triple && plain && std::all_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        source.column = begin.column + 1;
      }
    }
    return source;
  }

  static std::optional<double> number_of(const toml::node& node) {
    if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
    if (const auto* f = node.as_floating_point()) return f->get();
    return std::nullopt;
  }

  void read_params(const toml::node& node, std::uint32_t line) {
    const toml::table* params = node.as_table();
    if (params == nullptr) fail(line, "params: expected a table of parameters (params.NAME = { type = \"int\", min = ..., max = ..., default = ... }), found " + type_of(node));
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (const auto& [key, value] : *params) entries.emplace_back(&key, &value);
    // In the order written: a genome's parameters are in this order.
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      const toml::source_position pa = a.first->source().begin;
      const toml::source_position pb = b.first->source().begin;
      return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
    });
    if (entries.size() > kMaxParams) {
      fail(line, "params: " + std::to_string(entries.size()) + " parameters; a strategy has at most " +
                     std::to_string(kMaxParams));
    }
    for (const auto& [key, value] : entries) strategy_.params.push_back(read_param(std::string(key->str()), *value, line_of(*key)));
  }

  ParamSpec read_param(const std::string& name, const toml::node& node, std::uint32_t line) const {
    const std::string where = "params." + printable(name);
    if (!is_identifier(name, false)) fail(line, where + ": a parameter's name is a letter followed by letters, digits and '_'");
    if (is_reserved_name(name)) fail(line, where + ": '" + name + "' is a series, function or keyword of the language; choose another name");
    const toml::table* spec = node.as_table();
    if (spec == nullptr) fail(line, where + ": expected a table { type = \"int\" or \"real\", min = ..., max = ..., default = ... }, found " + type_of(node));
    for (const auto& [key, value] : *spec) {
      const std::string_view k = key.str();
      if (k != "type" && k != "min" && k != "max" && k != "default" && k != "description") {
        fail(line, where + ": unknown key '" + printable(k) + "'; expected " + std::string(kParamKeys));
      }
    }
    ParamSpec p;
    p.name = name;
    const toml::node* type = spec->get("type");
    if (type == nullptr || !type->is_string() || (type->as_string()->get() != "int" && type->as_string()->get() != "real")) {
      fail(line, where + ".type: expected \"int\" or \"real\"" +
                     (type == nullptr ? std::string(", found nothing")
                                      : type->is_string() ? ", found \"" + printable(type->as_string()->get()) + "\""
                                                          : ", found " + type_of(*type)));
    }
    p.kind = type->as_string()->get() == "int" ? ParamKind::integer : ParamKind::real;
    double bound[3] = {};
    const char* keys[3] = {"min", "max", "default"};
    for (int i = 0; i < 3; ++i) {
      const toml::node* value = spec->get(keys[i]);
      const std::string field = where + "." + keys[i];
      if (value == nullptr) fail(line, field + ": missing; expected a number");
      const std::optional<double> x = number_of(*value);
      if (!x || !std::isfinite(*x)) fail(line, field + ": expected a finite number, found " + type_of(*value));
      if (p.kind == ParamKind::integer && (*x != std::floor(*x) || std::fabs(*x) > 1e15)) {
        fail(line, field + ": expected a whole number for an int parameter, found " + plain_shortest(*x));
      }
      bound[i] = *x;
    }
    p.lower = bound[0];
    p.upper = bound[1];
    p.default_value = bound[2];
    if (!(p.lower <= p.default_value && p.default_value <= p.upper)) {
      fail(line, where + ": expected min <= default <= max, found min " + plain_shortest(p.lower) + ", default " +
                     plain_shortest(p.default_value) + ", max " + plain_shortest(p.upper));
    }
    if (const toml::node* description = spec->get("description")) p.description = string_of(*description, where + ".description", line);
    return p;
  }

  void read_defines(const toml::node& node, std::uint32_t line) {
    const toml::table* defines = node.as_table();
    if (defines == nullptr) fail(line, "define: expected a table of named expressions (define.NAME = \"expression\"), found " + type_of(node));
    for (const auto& [key, value] : *defines) {
      const std::string name(key.str());
      const std::string where = "define." + printable(name);
      if (!is_identifier(name, false)) fail(line_of(key), where + ": a define's name is a letter followed by letters, digits and '_'");
      if (is_reserved_name(name)) fail(line_of(key), where + ": '" + name + "' is a series, function or keyword of the language; choose another name");
      defines_.push_back(expression(value, where, key));
    }
  }

  void read_less_than(const toml::node& node, std::uint32_t line) {
    const toml::array* pairs = node.as_array();
    const std::string expected = "less_than: expected an array of pairs of parameter names, as [[\"fast\", \"slow\"]]";
    if (pairs == nullptr) fail(line, expected + ", found " + type_of(node));
    for (const toml::node& item : *pairs) {
      const toml::array* pair = item.as_array();
      if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) fail(line, expected);
      std::size_t index[2] = {};
      for (std::size_t side = 0; side < 2; ++side) {
        const std::string name = (*pair)[side].as_string()->get();
        const auto found = std::find_if(strategy_.params.begin(), strategy_.params.end(),
                                        [&](const ParamSpec& p) { return p.name == name; });
        if (found == strategy_.params.end()) {
          std::vector<std::string> names;
          for (const ParamSpec& p : strategy_.params) names.push_back(p.name);
          const std::string near = nearest_name(name, names);
          fail(line, "less_than: unknown parameter '" + printable(name) + "'" +
                         (near.empty() ? std::string() : " (did you mean '" + near + "'?)"));
        }
        index[side] = static_cast<std::size_t>(found - strategy_.params.begin());
      }
      const ParamSpec& a = strategy_.params[index[0]];
      const ParamSpec& b = strategy_.params[index[1]];
      if (index[0] == index[1]) fail(line, "less_than: '" + a.name + "' < '" + a.name + "' can never hold");
      if (!(a.default_value < b.default_value)) {
        fail(line, "less_than: the defaults must satisfy " + a.name + " < " + b.name + ", found " +
                       plain_shortest(a.default_value) + " and " + plain_shortest(b.default_value));
      }
      strategy_.less_than.emplace_back(index[0], index[1]);
    }
  }

  void check_rules() const {
    const auto has = [&](std::string_view key) {
      return std::any_of(rules_.begin(), rules_.end(), [&](const ExpressionSource& r) { return r.key == key; });
    };
    const auto line = [&](std::string_view key) { return line_of_key(key); };
    if (has("position")) {
      for (const std::string_view key : {"long_entry", "long_exit", "short_entry", "short_exit"}) {
        if (has(key)) fail(line(key), std::string(key) + ": a strategy has either `position` or entries and exits, not both");
      }
      return;
    }
    if (!has("long_entry")) {
      for (const std::string_view key : {"long_exit", "short_entry", "short_exit"}) {
        if (has(key)) fail(line(key), std::string(key) + " without long_entry: entries and exits start with long_entry");
      }
      fail(strategy_.line, "no rule: expected `position`, or `long_entry` with optional long_exit, short_entry, short_exit");
    }
    if (has("short_exit") && !has("short_entry")) fail(line("short_exit"), "short_exit without short_entry");
  }

  // The strategy's own table, written canonically: it reads back as the same strategy.
  std::string canonical_source() const {
    std::ostringstream out;
    out << "[" << strategy_.name << "]\n";
    out << "description = " << toml_string(strategy_.description) << "\n";
    for (const ParamSpec& p : strategy_.params) {
      const bool integer = p.kind == ParamKind::integer;
      const auto number = [&](double x) { return integer ? std::to_string(static_cast<long long>(x)) : plain_shortest(x); };
      out << "params." << p.name << " = { type = \"" << (integer ? "int" : "real") << "\", min = " << number(p.lower)
          << ", max = " << number(p.upper) << ", default = " << number(p.default_value);
      if (!p.description.empty()) out << ", description = " << toml_string(p.description);
      out << " }\n";
    }
    if (!strategy_.less_than.empty()) {
      out << "less_than = [";
      for (std::size_t i = 0; i < strategy_.less_than.size(); ++i) {
        out << (i > 0 ? ", " : "") << "[" << toml_string(strategy_.params[strategy_.less_than[i].first].name) << ", "
            << toml_string(strategy_.params[strategy_.less_than[i].second].name) << "]";
      }
      out << "]\n";
    }
    for (const ExpressionSource& define : defines_) out << define.key << " = " << toml_string(define.text) << "\n";
    for (const ExpressionSource& rule : rules_) out << rule.key << " = " << toml_string(rule.text) << "\n";
    return out.str();
  }

  std::string_view text_;
  const std::string& file_;
  const toml::table& table_;
  FileStrategy strategy_;
  std::vector<ExpressionSource> rules_;
  std::vector<ExpressionSource> defines_;
};

}  // namespace

std::vector<FileStrategy> parse_strategy_text(std::string_view text, const std::string& file_for_messages) {
  toml::table document;
  try {
    document = toml::parse(text, file_for_messages);
  } catch (const toml::parse_error& error) {
    const toml::source_position at = error.source().begin;
    throw ConfigError(file_for_messages + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                      ": not valid TOML: " + std::string(error.description()));
  }
  std::vector<std::pair<const toml::key*, const toml::node*>> tables;
  for (const auto& [key, node] : document) tables.emplace_back(&key, &node);
  std::sort(tables.begin(), tables.end(),
            [](const auto& a, const auto& b) { return a.first->source().begin.line < b.first->source().begin.line; });
  std::vector<FileStrategy> strategies;
  for (const auto& [key, node] : tables) {
    const std::string name(key->str());
    const std::uint32_t line = key->source().begin.line;
    const std::string where = file_for_messages + ":" + std::to_string(line) + ": ";
    const toml::table* table = node->as_table();
    if (table == nullptr) {
      throw ConfigError(where + "'" + printable(name) + "': expected a strategy table ([" + printable(name) +
                        "] with its params and rules), found " + type_of(*node));
    }
    if (!is_identifier(name, true)) {
      throw ConfigError(where + "strategy '" + printable(name) +
                        "': a strategy's name is a lower-case letter followed by lower-case letters, digits and '_'");
    }
    for (const StrategyType& type : strategy_registry()) {
      if (type.built_in() && type.name == name) {
        throw ConfigError(where + "strategy '" + name + "': the name of a built-in strategy type; choose another name");
      }
    }
    strategies.push_back(TableReader(text, file_for_messages, name, *table, line).read());
  }
  return strategies;
}

std::vector<FileStrategy> read_strategy_file(const std::string& path) {
  check_input_file(path, "a strategy file (TOML)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open the strategy file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(path + ": cannot read the strategy file: " + std::strerror(errno));
  return parse_strategy_text(text.str(), path);
}

std::vector<FileStrategy> read_strategy_files(const std::vector<std::string>& paths) {
  std::vector<FileStrategy> all;
  for (const std::string& path : paths) {
    for (FileStrategy& strategy : read_strategy_file(path)) {
      for (const FileStrategy& earlier : all) {
        if (earlier.name == strategy.name) {
          throw ConfigError(strategy.file + ":" + std::to_string(strategy.line) + ": strategy '" + strategy.name +
                            "': already defined in " + earlier.file + ":" + std::to_string(earlier.line));
        }
      }
      all.push_back(std::move(strategy));
    }
  }
  return all;
}

StrategyType parameter_space(const FileStrategy& strategy) {
  StrategyType type;
  type.name = strategy.name;
  type.description = strategy.description;
  type.params = strategy.params;
  type.less_than = strategy.less_than;
  return type;
}

}  // namespace genepool::language
