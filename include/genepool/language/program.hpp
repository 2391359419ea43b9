#pragma once
// A file strategy's rules lowered to a program: a list of nodes in evaluation order (each node's
// arguments come before it), shared sub-expressions merged. The front end (strategy_file.hpp) makes it; the
// plain interpreter (interpreter.hpp, bar by bar) and the compiled evaluator (compiled.hpp, chunks of
// bars for several genomes at once) both run it and must agree exactly. docs/strategy-language.md
// defines every operation; the comments here are the short form.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "genepool/strategies/strategy.hpp"

namespace genepool::language {

// Values are doubles; NaN is "undefined" (warm-up, or an operation without a value, e.g. log of
// x <= 0, division by 0). Any non-finite result of arithmetic is undefined. A boolean is 1 or 0.
// Every operation with an undefined argument is undefined, except where stated.
enum class Op : std::uint8_t {
  // Leaves.
  number,  // `value`
  param,   // the genome's parameter `param` (index into the strategy's params)
  open, high, low, close, volume,
  // Arithmetic: a op b; unary minus; non-finite results are undefined.
  neg, add, sub, mul, div,
  // Comparisons with the built-ins' relative tie band (strategy.hpp, exceeds):
  // a > b  is exceeds(a, b);  a < b  is exceeds(b, a);  a >= b  is !(a < b);  a <= b  is !(a > b);
  // a == b is !(a > b) && !(a < b);  a != b is !(a == b).
  lt, le, gt, ge, eq, ne,
  // Logic on truth values (non-zero is true): and, or, not.
  logical_and, logical_or, logical_not,
  // Functions of one or two values per bar.
  abs, min, max, log, exp, sqrt, sign,
  // Functions of a series and a length n (`length`: a node of params and numbers only, an integer
  // >= 1, or >= 0 for shift), reading bars t - n + 1 .. t (shift: bar t - n; roc: t and t - n):
  sma, ema, wma, stdev, sum, highest, lowest, rsi, roc, shift,
  // atr(n): Wilder's average true range of the symbol's bars (no series argument).
  atr,
  // crossover(a, b): a > b at t and not at t - 1; crossunder(a, b): a < b at t and not at t - 1.
  crossover, crossunder,
};

inline constexpr std::uint32_t kNoNode = 0xFFFFFFFFU;

struct Node {
  Op op = Op::number;
  std::uint32_t a = kNoNode;       // first argument (node index), if any
  std::uint32_t b = kNoNode;       // second argument, if any
  std::uint32_t length = kNoNode;  // the length argument of the series functions (a scalar node)
  double value = 0;                // Op::number
  std::uint32_t param = 0;         // Op::param
  // True when the node depends only on parameters and numbers (one value per genome, not per bar):
  // lengths are scalar, and an evaluator computes scalar nodes once per genome.
  bool scalar = false;
  // Where the node's text starts in the strategy file (1-based), for messages.
  std::uint32_t line = 0, column = 0;
};

// Which rules a strategy has: a target position per bar, or entries and exits (a state machine).
enum class RuleKind : std::uint8_t { position, entries_exits };

struct Program {
  std::vector<Node> nodes;  // arguments before their users
  RuleKind kind = RuleKind::position;
  // Root nodes of the rules (kNoNode where absent). position: > 0 long, < 0 short (when shorts are
  // allowed, else flat), 0 or undefined flat. entries_exits: docs/strategy-language.md, "Entries and exits".
  std::uint32_t position = kNoNode;
  std::uint32_t long_entry = kNoNode, long_exit = kNoNode, short_entry = kNoNode, short_exit = kNoNode;
  // For every series function node, the largest value its length can take over the parameters'
  // bounds (the history an evaluator keeps); 0 for other nodes. Same size as `nodes`.
  std::vector<std::uint32_t> max_length;
};

// One strategy of a strategy file, checked: everything the registry, the evaluators and the
// results file need.
struct FileStrategy {
  std::string name;
  std::string description;
  std::vector<ParamSpec> params;
  std::vector<std::pair<std::size_t, std::size_t>> less_than;  // params[i] < params[j]
  Program program;
  std::vector<std::pair<std::string, std::string>> rules;  // (key, expression text) as written
  std::string file;     // the path it was read from
  std::uint32_t line = 0;  // of its [table]
  std::string source;   // the strategy's own TOML text (its table, reproducible on its own)
};

}  // namespace genepool::language
