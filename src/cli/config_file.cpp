#include "genepool/cli/config_file.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string_view>

#include "genepool/backtest/execution.hpp"
#include "genepool/error.hpp"
#include "genepool/io/input_file.hpp"

namespace genepool::app {
namespace {

using namespace std::string_literals;

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

std::string_view type_of(const toml::node& value) {
  switch (value.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// What an option takes from a TOML file.
enum class Takes { integer, number, string, boolean };

Takes takes(const CLI::Option& option) {
  if (option.get_expected_max() == 0) return Takes::boolean;  // a flag
  std::string type = option.get_type_name();
  type = type.substr(0, type.find(':'));
  if (type == "UINT" || type == "INT") return Takes::integer;
  if (type == "FLOAT") return Takes::number;
  return Takes::string;
}

std::string name_of(Takes kind, bool several) {
  switch (kind) {
    case Takes::integer: return several ? "an integer or an array of integers" : "an integer";
    case Takes::number: return several ? "a number or an array of numbers" : "a number";
    case Takes::string: return several ? "a string or an array of strings" : "a string";
    case Takes::boolean: break;
  }
  return "a boolean (true or false)";
}

bool fits(const toml::node& value, Takes kind) {
  switch (kind) {
    case Takes::integer: return value.is_integer();
    case Takes::number: return value.is_number();
    case Takes::string: return value.is_string();
    case Takes::boolean: break;
  }
  return value.is_boolean();
}

// Byte offset of the 1-based `line` and `column` (counted in code points, as toml++ does) in `text`.
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

// A number as written in the file, without digit separators ("1_000" is 1000).
// NOTE: as written, not reformatted: CLI11 stores option values as text (the results' /config, the
// checkpoint's settings), so `max-drawdown = 1.0` must stay "1.0" for a run resumed from an older checkpoint.
std::string number_text(std::string_view text, const toml::node& value) {
  std::string written;
  for (std::size_t i = offset_of(text, value.source().begin); i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ']' || c == '}' || c == '#') break;
    if (c != '_') written += c;
  }
  // CLI11 reads decimal integers only: 0x10, 0o20 and 0b10000 (TOML has no other leading zeros) become 16.
  if (value.is_integer() && written.size() > 1 && written[0] == '0')
    return std::to_string(value.as_integer()->get());
  return written;
}

// A value quoted in a message, shortened by excerpt().
std::string shown(const toml::node& value, std::string_view text) {
  if (const auto* string = value.as_string()) return " \"" + excerpt(string->get()) + '"';
  if (const auto* flag = value.as_boolean()) return flag->get() ? " true" : " false";
  if (value.is_number()) return " " + excerpt(number_text(text, value));
  return "";
}

// The text CLI11 takes for a value that `fits`.
std::string input_of(const toml::node& value, std::string_view text) {
  if (const auto* string = value.as_string()) return string->get();
  if (const auto* flag = value.as_boolean()) return flag->get() ? "true" : "false";
  return number_text(text, value);
}

// The key that `line` alone sets (`population = 8`, `"population" = 8`, `COMMAND.population = 8`), or "".
std::string key_set_by(std::string_view line, const std::string& command) {
  try {
    const toml::table alone = toml::parse(line);
    if (alone.size() != 1) return "";
    const auto first = alone.begin();  // NOTE: toml++'s iterator holds the (key, value) it yields
    const auto& [key, value] = *first;
    if (const toml::table* table = value.as_table(); key.str() == command && table != nullptr && table->size() == 1)
      return std::string(table->begin()->first.str());
    return std::string(key.str());
  } catch (const toml::parse_error&) {
    return "";
  }
}

// "[NAME]" for a table, "[[NAME]]" for an array of tables, "" for anything else.
std::string section_of(const toml::node& value, const std::string& name) {
  if (value.is_table()) return "[" + name + "]";
  if (value.is_array_of_tables()) return "[[" + name + "]]";
  return "";
}

}  // namespace

ConfigFile::ConfigFile(std::string path, std::string_view text, std::string command, bool with_ranges)
    : path_(std::move(path)),
      text_(text.substr(text.substr(0, byte_order_mark.size()) == byte_order_mark ? byte_order_mark.size() : 0)),
      command_(std::move(command)),
      with_ranges_(with_ranges) {
  try {
    document_ = toml::parse(text_, path_);
  } catch (const toml::parse_error& error) {
    const toml::source_position at = error.source().begin;
    const std::string where = path_ + ":" + std::to_string(at.line);
    // A key given twice in one table: toml++ says where, the lines before say where it was first.
    const std::string_view description = error.description();
    if (description.find("cannot redefine existing ") != std::string_view::npos) {
      const std::size_t begin = offset_of(text_, {at.line, 1});
      const std::string key = key_set_by(std::string_view(text_).substr(begin, text_.find('\n', begin) - begin), command_);
      std::size_t first = 0;
      try {
        first = key.empty() ? 0
                            : ConfigFile(path_, std::string_view(text_).substr(0, begin), command_, with_ranges_)
                                  .line_of(key);
      } catch (const ConfigError&) {  // the lines before hold another mistake: toml++'s message then
      }
      if (first > 0)
        throw ConfigError(where + ": key '" + key + "': given again (first on line " + std::to_string(first) +
                          "); expected each key once");
    }
    throw ConfigError(where + ":" + std::to_string(at.column) + ": not valid TOML: " + std::string(description));
  }
  const auto add = [this](const toml::table& table, bool in_table) {
    for (const auto& [key, value] : table)
      entries_.push_back({std::string(key.str()), key.source().begin.line, &value, in_table});
  };
  for (const auto& [key, value] : document_) {
    if (key.str() == command_ && value.is_table()) add(*value.as_table(), true);
    else if (with_ranges_ && key.str() == "ranges") continue;
    else entries_.push_back({std::string(key.str()), key.source().begin.line, &value, false});
  }
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.line < b.line; });
  std::map<std::string_view, std::size_t> first_line;
  for (const Entry& entry : entries_) {
    const auto [first, fresh] = first_line.emplace(entry.key, entry.line);
    if (!fresh)
      throw ConfigError(path_ + ":" + std::to_string(entry.line) + ": key '" + entry.key +
                        "': given again (first on line " + std::to_string(first->second) + "); expected each key once");
  }
}

std::size_t ConfigFile::line_of(std::string_view key) const {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [key](const Entry& entry) { return entry.key == key; });
  return it == entries_.end() ? 0 : it->line;
}

const toml::node* ConfigFile::value_of(std::string_view key) const {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [key](const Entry& entry) { return entry.key == key; });
  return it == entries_.end() ? nullptr : it->value;
}

std::vector<CLI::ConfigItem> ConfigFile::items(const CLI::App& command, std::span<const CLI::App* const> others) const {
  std::vector<CLI::ConfigItem> items;
  const auto configures_another = [&](const Entry& entry) {
    const bool section = entry.value->is_table() || entry.value->is_array_of_tables();
    return std::any_of(others.begin(), others.end(), [&](const CLI::App* other) {
      if (section) return !entry.in_table && entry.value->is_table() && entry.key == other->get_name();
      const CLI::Option* option = other->get_option_no_throw("--" + entry.key);
      return option != nullptr && option->get_configurable();
    });
  };
  for (const Entry& entry : entries_) {
    const std::string where = path_ + ":" + std::to_string(entry.line);
    const CLI::Option* option = command.get_option_no_throw("--" + entry.key);
    if (option == nullptr || !option->get_configurable()) {
      if (configures_another(entry)) continue;
      const std::string name = entry.in_table ? command_ + "." + entry.key : entry.key;
      if (const std::string section = section_of(*entry.value, name); !section.empty())
        throw ConfigError(where + ": section '" + section + "': unknown section; this file configures `genepool " +
                          command_ + "`: put its keys at the top level (docs/configuration.md)");
      throw ConfigError(where + ": key '" + entry.key +
                        "': unknown key (the keys are the long options of the command without '--'; see "
                        "docs/configuration.md)");
    }
    const Takes kind = takes(*option);
    const bool several = option->get_items_expected_max() > 1;
    const auto wrong = [&](const toml::node& value, const std::string& what) {
      return ConfigError(where + ": key '" + entry.key + "': expected " + name_of(kind, several) + ", found " +
                         std::string(type_of(value)) + shown(value, text_) + what);
    };
    CLI::ConfigItem item;
    item.parents = {command_};
    item.name = entry.key;
    // NOTE: strategy files sit beside the config that names them; the other paths are the working directory's.
    const bool beside_file = entry.key == "strategy-files";
    const auto input = [&](const toml::node& value) {
      std::string text = input_of(value, text_);
      if (beside_file && std::filesystem::path(text).is_relative())
        text = (std::filesystem::path(path_).parent_path() / text).lexically_normal().string();
      return text;
    };
    if (const toml::array* array = entry.value->as_array(); array != nullptr && several) {
      for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& element = *array->get(i);
        if (!fits(element, kind)) throw wrong(element, " at index " + std::to_string(i));
        item.inputs.push_back(input(element));
      }
    } else {
      if (entry.value->is_array() && exit_gene_spec(entry.key) != nullptr) {
        if (with_ranges_) continue;  // an evolved value: read_exit_genes
        throw ConfigError(where + ": key '" + entry.key + "': a range [low, high] evolves a value in `genepool "
                          "evolve`; this command takes one value: expected " + name_of(kind, false));
      }
      if (!fits(*entry.value, kind)) throw wrong(*entry.value, "");
      item.inputs.push_back(input(*entry.value));
    }
    items.push_back(std::move(item));
  }
  return items;
}

namespace {

// CLI11's config reader for the program: the file's values for the command being run, one of
// those the file may configure.
class TomlConfig final : public CLI::ConfigBase {
 public:
  explicit TomlConfig(const CLI::App& app) : app_(app) {}

  void add(const CLI::App& command, bool with_ranges) { commands_.push_back({&command, with_ranges}); }
  std::string names() const {
    std::string names;
    for (const auto& entry : commands_) names += (names.empty() ? "`" : "` or `") + entry.command->get_name();
    return names + "`";
  }

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::string text;
    char chunk[4096];
    while (input.read(chunk, sizeof chunk) || input.gcount() > 0) text.append(chunk, static_cast<std::size_t>(input.gcount()));
    const Entry* chosen = &commands_.front();
    for (const CLI::App* running : app_.get_subcommands()) {
      const auto it = std::find_if(commands_.begin(), commands_.end(),
                                   [running](const Entry& entry) { return entry.command == running; });
      if (it == commands_.end())
        throw CLI::ConfigError("--config: `" + running->get_name() + "` reads no config file; " + names() +
                                   " do (docs/configuration.md)",
                               CLI::ExitCodes::ConfigError);
      chosen = &*it;
    }
    try {
      read_.emplace(app_.get_config_ptr()->results().back(), text, chosen->command->get_name(), chosen->with_ranges);
      std::vector<const CLI::App*> others;
      for (const Entry& entry : commands_)
        if (entry.command != chosen->command) others.push_back(entry.command);
      return read_->items(*chosen->command, others);
    } catch (const ConfigError& error) {
      throw CLI::ConfigError(error.what(), CLI::ExitCodes::ConfigError);
    }
  }

  const ConfigFile* read() const { return read_ ? &*read_ : nullptr; }

 private:
  struct Entry {
    const CLI::App* command;
    bool with_ranges;
  };
  const CLI::App& app_;
  std::vector<Entry> commands_;
  // NOTE: CLI11 reads through a const formatter; the file is kept for locating later errors.
  mutable std::optional<ConfigFile> read_;
};

}  // namespace

void attach_config_file(CLI::App& app, CLI::App& command, bool with_ranges) {
  auto config = std::dynamic_pointer_cast<TomlConfig>(app.get_config_formatter());
  if (!config) {
    config = std::make_shared<TomlConfig>(app);
    app.config_formatter(config);
  }
  config->add(command, with_ranges);
  app.set_config("--config", "", "TOML file of " + config->names() + " settings (docs/configuration.md)")
      ->check(CLI::Validator(
          [](const std::string& path) {
            try {
              if (!path.empty() && std::filesystem::exists(path)) check_input_file(path, "a TOML config file");
            } catch (const IoError& error) {
              return std::string(error.what());
            }
            return std::string();
          },
          "FILE"));
  command.fallthrough();
  command.footer("--config FILE  TOML file of these options: each key is an option's long name without '--'\n"
                 "               (docs/configuration.md); the command line overrides the file.");
}

const ConfigFile* config_file_of(const CLI::App& app) {
  const CLI::App* root = &app;
  while (root->get_parent() != nullptr) root = root->get_parent();
  const auto config = std::dynamic_pointer_cast<const TomlConfig>(root->get_config_formatter());
  return config ? config->read() : nullptr;
}

}  // namespace genepool::app
