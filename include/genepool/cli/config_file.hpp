#pragma once
// `genepool evolve --config FILE` (or grid, backtest): a TOML file (read by toml++) whose keys are the command's long
// option names, at the top level or under [COMMAND]. Each value is checked against its option's type
// and handed to CLI11 as text, so the option's own checks and the command line's precedence apply.
// NOTE: CLI11 2.1.2 reads config files only on the top-level app, so --config lives there.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

namespace genepool::app {

// A parsed config file of one command.
class ConfigFile {
 public:
  // Parses `text`, the contents of `path`; a syntax error or a key given twice (in any spelling:
  // `population`, `evolve.population`, `population` under [evolve]) is a ConfigError naming the
  // file and line. With `with_ranges` the top-level table `ranges` ([ranges.NAME], read by
  // read_ranges) is no option's key; without, it is an unknown section, and an array given to an
  // exit or sizing key is refused.
  ConfigFile(std::string path, std::string_view text, std::string command, bool with_ranges = false);
  ConfigFile(const ConfigFile&) = delete;  // entries_ point into document_
  ConfigFile& operator=(const ConfigFile&) = delete;

  const std::string& path() const { return path_; }
  // The command the file is read for ("evolve", "grid", "backtest").
  const std::string& command() const { return command_; }
  // The whole document, for readers of nested tables and arrays of tables.
  const toml::table& document() const { return document_; }
  // The 1-based line where `key` is set at the top level or under [COMMAND], or 0.
  std::size_t line_of(std::string_view key) const;
  // The value of `key` at the top level or under [COMMAND], or nullptr.
  const toml::node* value_of(std::string_view key) const;
  // The values for `command`'s options, as CLI11 takes them. Throws ConfigError "PATH:LINE: key 'K': ..."
  // for an unknown key or section, or a value whose TOML type the option does not take. The paths of
  // `strategy-files` are taken relative to the file's folder. With `with_ranges`, an exit or sizing
  // key given an array (`stop-loss = [0.01, 0.2]`, an evolved value read by read_exit_genes) is left out.
  // A key that is no option of `command` but one of `others` (the other commands reading config
  // files), and a table named after one of them, configure that command: they are left out, so that
  // one file configures every command (`evolve`'s file given to `backtest`).
  std::vector<CLI::ConfigItem> items(const CLI::App& command, std::span<const CLI::App* const> others = {}) const;

 private:
  struct Entry {
    std::string key;  // without the command's table
    std::size_t line;
    const toml::node* value;
    bool in_table;  // under [COMMAND] (or `COMMAND.key`)
  };

  std::string path_;
  std::string text_;  // without a byte-order mark: numbers are handed on as written
  std::string command_;
  bool with_ranges_;
  toml::table document_;
  std::vector<Entry> entries_;  // in the order of their lines
};

// Adds `--config FILE` for `command` to the program `app` (several commands may share it: the file
// configures the one being run); `with_ranges`: the file may hold [ranges.NAME].
void attach_config_file(CLI::App& app, CLI::App& command, bool with_ranges = false);

// The config file read for `app` (the program or one of its commands), or nullptr.
const ConfigFile* config_file_of(const CLI::App& app);

}  // namespace genepool::app
