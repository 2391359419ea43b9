// The plain interpreter: each node's whole series by direct loops over the bars
// (docs/strategy-language.md gives every definition).
#include "genepool/language/interpreter.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include "../strategies/indicators.hpp"
#include "genepool/error.hpp"
#include "operations.hpp"

namespace genepool::language {

using namespace indicators;
using operations::defined;
using operations::kUndefined;
using Values = std::vector<double>;

namespace {

// The length of a series function at this genome: its scalar node's value, checked.
std::size_t length_value(const Node& node, const Values& length, Op op) {
  const double n = length.empty() ? kUndefined : length[0];
  const double least = op == Op::shift ? 0.0 : 1.0;
  if (!(n >= least) || n != std::floor(n)) {
    throw Error("strategy program: the length of node at line " + std::to_string(node.line) + ", column " +
                std::to_string(node.column) + " is " + std::to_string(n) + ", outside its checked range");
  }
  return static_cast<std::size_t>(n);
}

// True when x[t - n + 1 .. t] are all defined (t + 1 >= n).
bool window_defined(const Values& x, std::size_t t, std::size_t n) {
  if (t + 1 < n) return false;
  for (std::size_t i = t + 1 - n; i <= t; ++i) {
    if (!defined(x[i])) return false;
  }
  return true;
}

// sum(x, n) and sma(x, n): from exclusive double-double prefix sums, an undefined input adding 0.
Values window_sums(const Values& x, std::size_t n, bool mean) {
  const std::size_t bars = x.size();
  std::vector<double> hi(bars + 1, 0.0);
  std::vector<double> lo(bars + 1, 0.0);
  DoubleDouble running;
  for (std::size_t t = 0; t < bars; ++t) {
    running.add(defined(x[t]) ? x[t] : 0.0);
    hi[t + 1] = running.hi;
    lo[t + 1] = running.lo;
  }
  Values out(bars, kUndefined);
  for (std::size_t t = 0; t < bars; ++t) {
    if (!window_defined(x, t, n)) continue;
    const double sum = window_sum_from(hi.data(), lo.data(), t + 1, n);
    out[t] = operations::finite(mean ? sum / static_cast<double>(n) : sum);
  }
  return out;
}

Values ema_values(const Values& x, std::size_t n) {
  const Values sma = window_sums(x, n, true);
  const double alpha = ema_alpha(n);
  Values out(x.size(), kUndefined);
  std::size_t run = 0;  // consecutive defined inputs up to t
  for (std::size_t t = 0; t < x.size(); ++t) {
    run = defined(x[t]) ? run + 1 : 0;
    if (run < n) continue;
    out[t] = run == n ? sma[t] : operations::finite(ema_step(out[t - 1], x[t], alpha));
  }
  return out;
}

Values wma_values(const Values& x, std::size_t n) {
  const double weights = static_cast<double>(n) * static_cast<double>(n + 1) / 2.0;
  Values out(x.size(), kUndefined);
  for (std::size_t t = 0; t < x.size(); ++t) {
    if (!window_defined(x, t, n)) continue;
    double sum = 0.0;
    for (std::size_t i = 1; i <= n; ++i) sum += static_cast<double>(i) * x[t + i - n];
    out[t] = operations::finite(sum / weights);
  }
  return out;
}

Values stdev_values(const Values& x, std::size_t n) {
  Values out(x.size(), kUndefined);
  for (std::size_t t = 0; t < x.size(); ++t) {
    if (!window_defined(x, t, n)) continue;
    out[t] = operations::finite(window_stats(x.data(), t + 1 - n, n).sd);
  }
  return out;
}

Values extreme_values(const Values& x, std::size_t n, bool highest) {
  Values out(x.size(), kUndefined);
  for (std::size_t t = 0; t < x.size(); ++t) {
    if (!window_defined(x, t, n)) continue;
    double e = x[t + 1 - n];
    for (std::size_t i = t + 2 - n; i <= t; ++i) e = highest ? std::max(e, x[i]) : std::min(e, x[i]);
    out[t] = e;
  }
  return out;
}

// Wilder's RSI: changes x[t] - x[t - 1]; the first averages the plain means of n changes in a row.
Values rsi_values(const Values& x, std::size_t n) {
  const double period = static_cast<double>(n);
  Values out(x.size(), kUndefined);
  std::size_t run = 0;  // consecutive defined changes up to t
  double gain = 0.0;
  double loss = 0.0;
  for (std::size_t t = 1; t < x.size(); ++t) {
    const double change = x[t] - x[t - 1];
    run = defined(change) ? run + 1 : 0;
    if (run < n) continue;
    if (run == n) {
      gain = 0.0;
      loss = 0.0;
      for (std::size_t u = t + 1 - n; u <= t; ++u) {
        gain += gain_of(x[u] - x[u - 1]);
        loss += loss_of(x[u] - x[u - 1]);
      }
      gain /= period;
      loss /= period;
    } else {
      gain = wilder_step(gain, gain_of(change), period);
      loss = wilder_step(loss, loss_of(change), period);
    }
    out[t] = operations::finite(rsi_of(gain, loss));
  }
  return out;
}

// Wilder's average true range: the first value the mean of the true ranges of bars 1 .. n.
Values atr_values(const SymbolSeries& s, std::size_t n) {
  const double period = static_cast<double>(n);
  Values out(s.bars, kUndefined);
  const auto true_range = [&](std::size_t t) {
    const double previous = s.close[t - 1];
    return std::max(std::max(s.high[t] - s.low[t], std::fabs(s.high[t] - previous)), std::fabs(s.low[t] - previous));
  };
  if (s.bars <= n) return out;
  double sum = 0.0;
  for (std::size_t t = 1; t <= n; ++t) sum += true_range(t);
  double average = sum / period;
  out[n] = average;
  for (std::size_t t = n + 1; t < s.bars; ++t) {
    average = wilder_step(average, true_range(t), period);
    out[t] = average;
  }
  return out;
}

Values cross_values(const Values& a, const Values& b, Op op) {
  Values out(a.size(), kUndefined);
  const Op compare = op == Op::crossover ? Op::gt : Op::lt;
  for (std::size_t t = 1; t < a.size(); ++t) {
    const double now = operations::apply(compare, a[t], b[t]);
    const double before = operations::apply(compare, a[t - 1], b[t - 1]);
    if (defined(now) && defined(before)) out[t] = operations::truth(now != 0.0 && before == 0.0);
  }
  return out;
}

Values leaf(const double* x, std::size_t bars) {
  if (x == nullptr) throw Error("strategy program: the series reads volume, which the market data does not carry");
  return Values(x, x + bars);
}

}  // namespace

std::vector<Values> node_series(const Program& program, const SymbolSeries& series, const double* params) {
  const std::size_t bars = series.bars;
  std::vector<Values> values(program.nodes.size());
  if (bars == 0) return values;
  for (std::size_t i = 0; i < program.nodes.size(); ++i) {
    const Node& node = program.nodes[i];
    const Values none;
    const Values& a = node.a == kNoNode ? none : values[node.a];
    const Values& b = node.b == kNoNode ? none : values[node.b];
    const auto n = [&] { return length_value(node, values[node.length], node.op); };
    Values& out = values[i];
    switch (node.op) {
      case Op::number: out.assign(bars, node.value); break;
      case Op::param: out.assign(bars, params[node.param]); break;
      case Op::open: out = leaf(series.open, bars); break;
      case Op::high: out = leaf(series.high, bars); break;
      case Op::low: out = leaf(series.low, bars); break;
      case Op::close: out = leaf(series.close, bars); break;
      case Op::volume: out = leaf(series.volume, bars); break;
      case Op::sma: out = window_sums(a, n(), true); break;
      case Op::sum: out = window_sums(a, n(), false); break;
      case Op::ema: out = ema_values(a, n()); break;
      case Op::wma: out = wma_values(a, n()); break;
      case Op::stdev: out = stdev_values(a, n()); break;
      case Op::highest: out = extreme_values(a, n(), true); break;
      case Op::lowest: out = extreme_values(a, n(), false); break;
      case Op::rsi: out = rsi_values(a, n()); break;
      case Op::atr: out = atr_values(series, n()); break;
      case Op::roc: {
        const std::size_t k = n();
        out.assign(bars, kUndefined);
        for (std::size_t t = k; t < bars; ++t) out[t] = operations::finite(a[t] / a[t - k] - 1.0);
        break;
      }
      case Op::shift: {
        const std::size_t k = n();
        out.assign(bars, kUndefined);
        for (std::size_t t = k; t < bars; ++t) out[t] = a[t - k];
        break;
      }
      case Op::crossover:
      case Op::crossunder: out = cross_values(a, b, node.op); break;
      default:
        out.assign(bars, kUndefined);
        for (std::size_t t = 0; t < bars; ++t) {
          out[t] = operations::apply(node.op, a[t], b.empty() ? kUndefined : b[t]);
        }
    }
  }
  return values;
}

void interpret(const FileStrategy& strategy, const SymbolSeries& series, const double* params, bool allow_short,
               std::int8_t* positions) {
  const Program& program = strategy.program;
  const std::vector<Values> values = node_series(program, series, params);
  const auto at = [&](std::uint32_t root, std::size_t t) { return root == kNoNode ? 0.0 : values[root][t]; };
  if (program.kind == RuleKind::position) {
    for (std::size_t t = 0; t < series.bars; ++t) positions[t] = operations::position_of(at(program.position, t), allow_short);
    return;
  }
  std::int8_t state = 0;
  for (std::size_t t = 0; t < series.bars; ++t) {
    state = operations::entries_exits_step(state, at(program.long_entry, t), at(program.long_exit, t),
                                           at(program.short_entry, t), at(program.short_exit, t), allow_short);
    positions[t] = state;
  }
}

}  // namespace genepool::language
