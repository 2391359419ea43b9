#pragma once
// The expression front end: lexer, recursive-descent parser and the checks and lowering of a
// strategy's rules and defines to a Program (docs/strategy-language.md, "Grammar").
#include <cstdint>
#include <string>
#include <vector>

#include "genepool/language/program.hpp"

namespace genepool::language {

// One expression of a strategy table: its key (`position`, `define.trend`, ...), its text and where
// the text starts in the file: `line` of the key, `column` of its first character in that line
// (1 when the text cannot be mapped onto the file's columns: columns then count within the text).
struct ExpressionSource {
  std::string key;
  std::string text;
  std::uint32_t line = 0;
  std::uint32_t column = 1;
};

// The largest length a series function may take (bars).
inline constexpr double kMaxLength = 1'000'000;

// Where errors are reported: "FILE:LINE: strategy 'NAME': KEY, column C: what".
struct StrategyContext {
  std::string file;
  std::string strategy;
};

// Parses and checks `rules` (keys position, long_entry, long_exit, short_entry, short_exit) with
// the named sub-expressions `defines` (keys define.NAME) over `params`, and lowers them to a
// Program with shared sub-expressions merged. Throws ConfigError (one line) for anything refused.
Program lower_rules(const std::vector<ParamSpec>& params, const std::vector<ExpressionSource>& defines,
                    const std::vector<ExpressionSource>& rules, const StrategyContext& context);

// Names a strategy's own parameters and defines may not take: the series, functions and keywords.
bool is_reserved_name(const std::string& name);

// The candidate nearest to `name` by edit distance when it is close enough to be a likely typo, else "".
std::string nearest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace genepool::language
