#pragma once
// Strategy files: TOML, one table per strategy (docs/strategy-language.md), read with toml++,
// checked and lowered to FileStrategy values. Every error is a ConfigError of one line naming the
// file, the line, the strategy, the key and, inside an expression, the column.
#include <string>
#include <string_view>
#include <vector>

#include "genepool/language/program.hpp"

namespace genepool::language {

// The strategies of one file, in the order of their tables. Throws ConfigError for an unreadable
// file, bad TOML, or a strategy the language refuses (a name of a built-in type among them).
std::vector<FileStrategy> read_strategy_file(const std::string& path);

// The same from text; `file_for_messages` names it in errors and becomes FileStrategy::file.
std::vector<FileStrategy> parse_strategy_text(std::string_view text, const std::string& file_for_messages);

// The strategies of several files, in order; also refuses a name defined in two of them.
std::vector<FileStrategy> read_strategy_files(const std::vector<std::string>& paths);

// The parameter space of a file strategy as a registry entry without kernels (name, description,
// params, less_than): what repair, check_params and the look-ahead check take.
StrategyType parameter_space(const FileStrategy& strategy);

}  // namespace genepool::language
