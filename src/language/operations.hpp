#pragma once
// The per-bar operations of a Program (program.hpp, docs/strategy-language.md), shared by the
// interpreter and the compiled evaluator so that both do the same operations in the same order.
#include <cmath>
#include <cstdint>
#include <limits>

#include "genepool/language/program.hpp"

namespace genepool::language::operations {

inline constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

inline bool defined(double x) { return !std::isnan(x); }
// Non-finite results of arithmetic are undefined.
inline double finite(double x) { return std::isfinite(x) ? x : kUndefined; }
inline double truth(bool x) { return x ? 1.0 : 0.0; }

// The value of a one- or two-argument operation (neg .. sign) at one bar.
inline double apply(Op op, double a, double b) {
  if (!defined(a) || (!defined(b) && op != Op::neg && op != Op::logical_not && op != Op::abs && op != Op::log &&
                      op != Op::exp && op != Op::sqrt && op != Op::sign)) {
    return kUndefined;
  }
  switch (op) {
    case Op::neg: return -a;
    case Op::add: return finite(a + b);
    case Op::sub: return finite(a - b);
    case Op::mul: return finite(a * b);
    case Op::div: return finite(a / b);
    case Op::gt: return truth(exceeds(a, b));
    case Op::lt: return truth(exceeds(b, a));
    case Op::ge: return truth(!exceeds(b, a));
    case Op::le: return truth(!exceeds(a, b));
    case Op::eq: return truth(!exceeds(a, b) && !exceeds(b, a));
    case Op::ne: return truth(exceeds(a, b) || exceeds(b, a));
    case Op::logical_and: return truth(a != 0.0 && b != 0.0);
    case Op::logical_or: return truth(a != 0.0 || b != 0.0);
    case Op::logical_not: return truth(a == 0.0);
    case Op::abs: return std::fabs(a);
    case Op::min: return a < b ? a : b;
    case Op::max: return a > b ? a : b;
    case Op::log: return a > 0.0 ? finite(std::log(a)) : kUndefined;
    case Op::exp: return finite(std::exp(a));
    case Op::sqrt: return a >= 0.0 ? std::sqrt(a) : kUndefined;
    case Op::sign: return a > 0.0 ? 1.0 : a < 0.0 ? -1.0 : 0.0;
    default: return kUndefined;  // not a pointwise operation
  }
}

// Whether `op` is one of the pointwise operations `apply` computes.
inline bool is_pointwise(Op op) { return op >= Op::neg && op <= Op::sign; }
// Whether `op` reads a length (a series function).
inline bool has_length(Op op) { return op >= Op::sma && op <= Op::atr; }

// The position a `position` rule's value gives: > 0 long, < 0 short (when allowed), else flat.
inline std::int8_t position_of(double value, bool allow_short) {
  if (!defined(value)) return 0;
  if (value > 0.0) return 1;
  return value < 0.0 && allow_short ? std::int8_t{-1} : std::int8_t{0};
}

// One step of the entries/exits state machine (docs/strategy-language.md, "Entries and exits"):
// each rule is 1 (true), 0 (false) or NaN (undefined); an absent rule is 0.
inline std::int8_t entries_exits_step(std::int8_t state, double long_entry, double long_exit, double short_entry,
                                      double short_exit, bool allow_short) {
  if (!defined(long_entry) || !defined(long_exit) || !defined(short_entry) || !defined(short_exit)) return 0;
  if (long_entry != 0.0) return 1;
  if (allow_short && short_entry != 0.0) return -1;
  if ((state == 1 && long_exit != 0.0) || (state == -1 && short_exit != 0.0)) return 0;
  return state;
}

}  // namespace genepool::language::operations
