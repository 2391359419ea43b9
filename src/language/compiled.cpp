// The compiled evaluator: per chunk of bars, each instance of each node a loop over the chunk, in
// the nodes' order; the rules per genome. Every value is computed by the interpreter's operations
// in the interpreter's order (operations.hpp, ../strategies/indicators.hpp), so both agree bit for bit.
#include "genepool/language/compiled.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../strategies/indicators.hpp"
#include "genepool/error.hpp"
#include "operations.hpp"

namespace genepool::language {

using namespace indicators;
using operations::defined;
using operations::kUndefined;
using std::ptrdiff_t;

namespace {

constexpr std::size_t kSmall = 4;  // per instance and symbol: [0] the run of defined values, [1 .. 3] the op's state
constexpr std::size_t kInfo = 4;   // per instance: its a slot, b slot, length (or scalar value), active

bool is_leaf(Op op) { return op >= Op::open && op <= Op::volume; }

// Doubles of the state node i carries per instance and symbol, and of its chunk buffers.
std::size_t kept_size(const CompiledProgram::NodeInfo& n) {
  return (n.leaf ? 0 : n.history) + (n.prefix ? 2 * (n.prefix_history + 1) : 0) + kSmall;
}
std::size_t work_size(const CompiledProgram::NodeInfo& n, std::size_t chunk) {
  return (n.leaf ? 0 : n.history + chunk) + (n.prefix ? 2 * (n.prefix_history + 1 + chunk) : 0) + (n.run ? chunk : 0);
}

// The engine over one evaluator's memory: header (genome -> slot map, instance info), per symbol
// the carried state, then the chunk buffers, a scratch chunk and a chunk of zeros.
class Engine {
 public:
  Engine(const CompiledProgram& program, const CompiledLayout& layout, double* memory)
      : program_(program.strategy().program), info_(program.info()), layout_(layout), memory_(memory) {}

  double* map(std::size_t genome) { return memory_ + genome * nodes(); }
  double* slot_info(std::size_t slot) { return memory_ + layout_.genomes * nodes() + slot * kInfo; }
  std::size_t slot_of(std::size_t genome, std::size_t node) { return static_cast<std::size_t>(map(genome)[node]); }

  void start(std::span<const double* const> params) {
    const std::size_t genomes = params.size();
    if (genomes == 0 || genomes > layout_.genomes) {
      throw std::logic_error("compiled evaluator: a batch of " + std::to_string(genomes) + " genomes for room for " +
                             std::to_string(layout_.genomes));
    }
    for (std::size_t i = 0; i < nodes(); ++i) {
      const Node& node = program_.nodes[i];
      const std::size_t first = layout_.first_slot[i];
      for (std::size_t s = 0; s < layout_.slots[i]; ++s) slot_info(first + s)[3] = 0.0;
      for (std::size_t g = 0; g < genomes; ++g) {
        double key[3] = {-1.0, -1.0, 0.0};
        if (node.scalar) {
          key[2] = scalar_value(node, g, params[g]);
        } else {
          if (node.a != kNoNode) key[0] = map(g)[node.a];
          if (node.b != kNoNode) key[1] = map(g)[node.b];
          if (operations::has_length(node.op)) key[2] = length_value(node, i, g);
        }
        std::size_t s = 0;
        for (; s < layout_.slots[i] && slot_info(first + s)[3] != 0.0; ++s) {
          if (std::memcmp(slot_info(first + s), key, sizeof key) == 0) break;  // bits: NaN and -0 too
        }
        if (s == layout_.slots[i]) throw std::logic_error("compiled evaluator: more instances than slots");
        double* slot = slot_info(first + s);
        if (slot[3] == 0.0) {
          std::memcpy(slot, key, sizeof key);
          slot[3] = 1.0;
        }
        map(g)[i] = static_cast<double>(first + s);
      }
    }
    std::fill(memory_ + symbols_base(), memory_ + symbols_base() + layout_.symbols * layout_.symbol_block, 0.0);
    std::fill(scratch(), scratch() + 2 * layout_.chunk, 0.0);  // the scratch chunk and the zeros
  }

  // `genomes`: as many as start() was given.
  void run(std::size_t genomes, std::size_t symbol, const SymbolSeries& series, std::size_t begin, std::size_t end, bool allow_short,
           std::int8_t* const* positions) {
    const std::size_t count = end - begin;
    if (count == 0) return;
    if (count > layout_.chunk) throw std::logic_error("compiled evaluator: a chunk longer than its buffers");
    genomes_ = genomes;
    series_ = &series;
    begin_ = begin;
    count_ = count;
    symbol_ = symbol;
    for (std::size_t i = 0; i < nodes(); ++i) {
      for (std::size_t s = layout_.first_slot[i]; s < layout_.first_slot[i] + layout_.slots[i] && active(s); ++s) {
        restore(i, s);
        compute(i, s);
      }
    }
    for (std::size_t g = 0; g < genomes_; ++g) rules(g, allow_short, positions[g]);
    for (std::size_t i = 0; i < nodes(); ++i) {
      for (std::size_t s = layout_.first_slot[i]; s < layout_.first_slot[i] + layout_.slots[i] && active(s); ++s) {
        keep(i, s);
      }
    }
  }

  // Genome g's values of node i in the work area (not for open .. volume).
  const double* chunk_values(std::size_t g, std::size_t i) {
    if (info_[i].leaf) throw std::logic_error("compiled evaluator: the series are not in its buffers");
    return values_region(i, slot_of(g, i)) + info_[i].history;
  }

  // Instances of series nodes (not scalars, not the series themselves) after start().
  std::size_t instances() {
    std::size_t n = 0;
    for (std::size_t i = 0; i < nodes(); ++i) {
      if (program_.nodes[i].scalar || info_[i].leaf) continue;
      for (std::size_t s = layout_.first_slot[i]; s < layout_.first_slot[i] + layout_.slots[i] && active(s); ++s) ++n;
    }
    return n;
  }

 private:
  std::size_t nodes() const { return program_.nodes.size(); }
  std::size_t symbols_base() const { return layout_.genomes * nodes() + layout_.slot_count * kInfo; }
  std::size_t work_base() const { return symbols_base() + layout_.symbols * layout_.symbol_block; }
  bool active(std::size_t slot) { return slot_info(slot)[3] != 0.0; }

  double scalar_value(const Node& node, std::size_t g, const double* params) {
    const auto value = [&](std::uint32_t j) { return j == kNoNode ? kUndefined : slot_info(slot_of(g, j))[2]; };
    if (node.op == Op::number) return node.value;
    if (node.op == Op::param) return params[node.param];
    return operations::apply(node.op, value(node.a), value(node.b));
  }

  // As the interpreter checks it, and within the history the buffers keep.
  double length_value(const Node& node, std::size_t i, std::size_t g) {
    const double n = slot_info(slot_of(g, node.length))[2];
    const double least = node.op == Op::shift ? 0.0 : 1.0;
    if (!(n >= least) || n != std::floor(n) || n > static_cast<double>(program_.max_length[i])) {
      throw Error("strategy program: the length of node at line " + std::to_string(node.line) + ", column " +
                  std::to_string(node.column) + " is " + std::to_string(n) + ", outside its checked range");
    }
    return n;
  }

  // Node i's buffers for instance `slot`.
  double* kept(std::size_t i, std::size_t slot) {
    return memory_ + symbols_base() + symbol_ * layout_.symbol_block + layout_.kept[i] +
           (slot - layout_.first_slot[i]) * kept_size(info_[i]);
  }
  double* work(std::size_t i, std::size_t slot) {
    return memory_ + work_base() + layout_.work[i] + (slot - layout_.first_slot[i]) * work_size(info_[i], layout_.chunk);
  }
  double* small(std::size_t i, std::size_t slot) { return kept(i, slot) + kept_size(info_[i]) - kSmall; }
  double* scratch() { return memory_ + work_base() + layout_.work.back(); }
  const double* zeros() { return scratch() + layout_.chunk; }
  // Values region: history then the chunk; prefix regions hi and lo: history + 1, then the chunk.
  double* values_region(std::size_t i, std::size_t slot) { return work(i, slot); }
  double* prefix_region(std::size_t i, std::size_t slot) {
    return work(i, slot) + (info_[i].leaf ? 0 : info_[i].history + layout_.chunk);
  }
  std::size_t prefix_length(std::size_t i) const { return info_[i].prefix_history + 1 + layout_.chunk; }
  double* run_region(std::size_t i, std::size_t slot) {
    return prefix_region(i, slot) + (info_[i].prefix ? 2 * prefix_length(i) : 0);
  }

  void restore(std::size_t i, std::size_t slot) {
    const CompiledProgram::NodeInfo& n = info_[i];
    const double* from = kept(i, slot);
    if (!n.leaf) {
      std::copy(from, from + n.history, values_region(i, slot));
      from += n.history;
    }
    if (n.prefix) {
      std::copy(from, from + n.prefix_history + 1, prefix_region(i, slot));
      std::copy(from + n.prefix_history + 1, from + 2 * (n.prefix_history + 1), prefix_region(i, slot) + prefix_length(i));
    }
  }

  void keep(std::size_t i, std::size_t slot) {
    const CompiledProgram::NodeInfo& n = info_[i];
    double* to = kept(i, slot);
    if (!n.leaf) {
      const double* v = values_region(i, slot) + count_;
      std::copy(v, v + n.history, to);
      to += n.history;
    }
    if (n.prefix) {
      const double* hi = prefix_region(i, slot) + count_;
      const double* lo = hi + prefix_length(i);
      std::copy(hi, hi + n.prefix_history + 1, to);
      std::copy(lo, lo + n.prefix_history + 1, to + n.prefix_history + 1);
    }
  }

  // x[u]: node i's value at bar begin + u (u from -history, or from -begin for the series).
  const double* values(std::size_t i, std::size_t slot) {
    switch (program_.nodes[i].op) {
      case Op::open: return series_->open + begin_;
      case Op::high: return series_->high + begin_;
      case Op::low: return series_->low + begin_;
      case Op::close: return series_->close + begin_;
      case Op::volume: return series_->volume + begin_;
      default: return values_region(i, slot) + info_[i].history;
    }
  }
  // Exclusive prefix sums at bar begin + u: hi[u], lo[u] for u in [-prefix_history, count].
  struct Prefix {
    const double* hi;
    const double* lo;
  };
  Prefix prefix(std::size_t i, std::size_t slot) {
    if (program_.nodes[i].op == Op::close && series_->close_sum_hi != nullptr && series_->close_sum_lo != nullptr) {
      // NOTE: the Backtester's shared sums of close: the same additions (validated closes are all defined).
      return {series_->close_sum_hi + begin_, series_->close_sum_lo + begin_};
    }
    const double* hi = prefix_region(i, slot) + info_[i].prefix_history;
    return {hi, hi + prefix_length(i)};
  }
  const double* run_of(std::size_t i, std::size_t slot) { return run_region(i, slot); }

  void compute(std::size_t i, std::size_t slot) {
    const Node& node = program_.nodes[i];
    const CompiledProgram::NodeInfo& n = info_[i];
    const double* info = slot_info(slot);
    if (n.leaf && node.op == Op::volume && series_->volume == nullptr) {
      throw Error("strategy program: the series reads volume, which the market data does not carry");
    }
    if (node.scalar) {
      double* v = values_region(i, slot);
      std::fill(v, v + n.history + count_, info[2]);
    } else if (!n.leaf) {
      // NOTE: an absent operand's slot is recorded as -1, so it is converted only when present.
      const std::size_t slot_a = node.a == kNoNode ? 0 : static_cast<std::size_t>(info[0]);
      const std::size_t slot_b = node.b == kNoNode ? 0 : static_cast<std::size_t>(info[1]);
      const double* a = node.a == kNoNode ? nullptr : values(node.a, slot_a);
      const double* b = node.b == kNoNode ? nullptr : values(node.b, slot_b);
      const auto length = static_cast<std::size_t>(info[2]);
      double* out = values_region(i, slot) + n.history;
      double* state = small(i, slot);
      switch (node.op) {
        case Op::sma: window_sums<true>(prefix(node.a, slot_a), run_of(node.a, slot_a), length, out); break;
        case Op::sum: window_sums<false>(prefix(node.a, slot_a), run_of(node.a, slot_a), length, out); break;
        case Op::ema: ema(a, prefix(node.a, slot_a), run_of(node.a, slot_a), length, state, out); break;
        case Op::wma: wma(a, run_of(node.a, slot_a), length, out); break;
        case Op::stdev: stdev(a, run_of(node.a, slot_a), length, out); break;
        case Op::highest: extreme<true>(a, run_of(node.a, slot_a), length, out); break;
        case Op::lowest: extreme<false>(a, run_of(node.a, slot_a), length, out); break;
        case Op::rsi: rsi(a, length, state, out); break;
        case Op::atr: atr(length, state, out); break;
        case Op::roc: roc(a, length, out); break;
        case Op::shift: shift(a, length, out); break;
        case Op::crossover: cross<Op::gt>(a, b, out); break;
        case Op::crossunder: cross<Op::lt>(a, b, out); break;
        default: pointwise(node.op, a, b, out);
      }
    }
    if (n.prefix && !(node.op == Op::close && series_->close_sum_hi != nullptr && series_->close_sum_lo != nullptr)) {
      prefix_sums(values(i, slot), prefix_region(i, slot) + n.prefix_history, prefix_length(i));
    }
    if (n.run) runs(values(i, slot), small(i, slot), run_region(i, slot));
  }

  // The first u whose bar is at least `bar` (0 .. count).
  std::size_t from_bar(std::size_t bar) const { return bar <= begin_ ? 0 : std::min(count_, bar - begin_); }

  // hi[u + 1], lo[u + 1]: the double-double sum of x up to bar begin + u, an undefined x adding 0.
  void prefix_sums(const double* x, double* hi, std::size_t stride) {
    double* lo = hi + stride;
    DoubleDouble running{hi[0], lo[0]};
    for (std::size_t u = 0; u < count_; ++u) {
      running.add(defined(x[u]) ? x[u] : 0.0);
      hi[u + 1] = running.hi;
      lo[u + 1] = running.lo;
    }
  }

  // run[u]: consecutive defined values up to bar begin + u.
  void runs(const double* x, double* state, double* run) {
    double r = state[0];
    for (std::size_t u = 0; u < count_; ++u) {
      r = defined(x[u]) ? r + 1.0 : 0.0;
      run[u] = r;
    }
    state[0] = r;
  }

  // The window sum of x[t - n + 1 .. t] from the prefix sums, as window_sum_from adds them.
  static double window_sum(Prefix p, std::size_t u, std::size_t n) {
    const auto t = static_cast<ptrdiff_t>(u) + 1;
    const ptrdiff_t first = t - static_cast<ptrdiff_t>(n);
    return (p.hi[t] - p.hi[first]) + (p.lo[t] - p.lo[first]);
  }

  template <bool kMean>
  void window_sums(Prefix p, const double* run, std::size_t n, double* out) {
    const double count = static_cast<double>(n);
    const double need = count;
    const std::size_t u0 = from_bar(n - 1);  // no prefix sums before bar 0 are read
    std::fill(out, out + u0, kUndefined);
    for (std::size_t u = u0; u < count_; ++u) {
      const double sum = window_sum(p, u, n);
      out[u] = run[u] >= need ? operations::finite(kMean ? sum / count : sum) : kUndefined;
    }
  }

  void ema(const double* x, Prefix p, const double* run, std::size_t n, double* state, double* out) {
    const double alpha = ema_alpha(n);
    const double count = static_cast<double>(n);
    double previous = state[1];
    for (std::size_t u = 0; u < count_; ++u) {
      double value = kUndefined;  // run[u] <= bar + 1: no prefix sums before bar 0 are read
      if (run[u] == count) {
        value = operations::finite(window_sum(p, u, n) / count);
      } else if (run[u] > count) {
        value = operations::finite(ema_step(previous, x[u], alpha));
      }
      out[u] = value;
      previous = value;
    }
    state[1] = previous;
  }

  // Window functions of x[t - n + 1 .. t], loops interchanged so that each bar's window is still
  // taken in its order: for each position in the window, a loop over the bars.
  void wma(const double* x, const double* run, std::size_t n, double* out) {
    const double weights = static_cast<double>(n) * static_cast<double>(n + 1) / 2.0;
    const std::size_t u0 = from_bar(n - 1);
    const ptrdiff_t back = static_cast<ptrdiff_t>(n);
    std::fill(out, out + count_, 0.0);
    for (std::size_t i = 1; i <= n; ++i) {
      const double w = static_cast<double>(i);
      const double* xi = x + (static_cast<ptrdiff_t>(i) - back);
      for (std::size_t u = u0; u < count_; ++u) out[u] += w * xi[u];
    }
    finish_window(run, n, out, [&](double sum) { return operations::finite(sum / weights); });
  }

  void stdev(const double* x, const double* run, std::size_t n, double* out) {
    const double count = static_cast<double>(n);
    const std::size_t u0 = from_bar(n - 1);
    const double* first = x + (1 - static_cast<ptrdiff_t>(n));
    double* mean = scratch();
    std::fill(mean, mean + count_, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t u = u0; u < count_; ++u) mean[u] += first[u + i];
    }
    for (std::size_t u = u0; u < count_; ++u) mean[u] /= count;
    std::fill(out, out + count_, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t u = u0; u < count_; ++u) {
        const double d = first[u + i] - mean[u];
        out[u] += d * d;
      }
    }
    finish_window(run, n, out, [&](double sum) { return operations::finite(std::sqrt(sum / count)); });
  }

  template <bool kHighest>
  void extreme(const double* x, const double* run, std::size_t n, double* out) {
    const std::size_t u0 = from_bar(n - 1);
    const double* first = x + (1 - static_cast<ptrdiff_t>(n));
    for (std::size_t u = u0; u < count_; ++u) out[u] = first[u];
    for (std::size_t i = 1; i < n; ++i) {
      for (std::size_t u = u0; u < count_; ++u) {
        out[u] = kHighest ? std::max(out[u], first[u + i]) : std::min(out[u], first[u + i]);
      }
    }
    finish_window(run, n, out, [](double e) { return e; });
  }

  template <class Finish>
  void finish_window(const double* run, std::size_t n, double* out, Finish finish) {
    const double need = static_cast<double>(n);
    for (std::size_t u = 0; u < count_; ++u) out[u] = run[u] >= need ? finish(out[u]) : kUndefined;
  }

  // Wilder's RSI as the interpreter's rsi_values: state [1] gain, [2] loss, [3] the run of defined changes.
  void rsi(const double* x, std::size_t n, double* state, double* out) {
    const double period = static_cast<double>(n);
    double gain = state[1], loss = state[2], run = state[3];
    for (std::size_t u = 0; u < count_; ++u) {
      out[u] = kUndefined;
      if (begin_ + u == 0) continue;
      const double change = x[u] - x[static_cast<ptrdiff_t>(u) - 1];
      run = defined(change) ? run + 1.0 : 0.0;
      if (run < period) continue;
      if (run == period) {
        gain = 0.0;
        loss = 0.0;
        for (ptrdiff_t v = static_cast<ptrdiff_t>(u) + 1 - static_cast<ptrdiff_t>(n); v <= static_cast<ptrdiff_t>(u); ++v) {
          gain += gain_of(x[v] - x[v - 1]);
          loss += loss_of(x[v] - x[v - 1]);
        }
        gain /= period;
        loss /= period;
      } else {
        gain = wilder_step(gain, gain_of(change), period);
        loss = wilder_step(loss, loss_of(change), period);
      }
      out[u] = operations::finite(rsi_of(gain, loss));
    }
    state[1] = gain;
    state[2] = loss;
    state[3] = run;
  }

  // Wilder's ATR as the interpreter's atr_values: state [1] the sum of the first n true ranges, then the average.
  void atr(std::size_t n, double* state, double* out) {
    const SymbolSeries& s = *series_;
    const double period = static_cast<double>(n);
    double average = state[1];
    for (std::size_t u = 0; u < count_; ++u) {
      const std::size_t t = begin_ + u;
      out[u] = kUndefined;
      if (t == 0) continue;
      const double previous = s.close[t - 1];
      const double range =
          std::max(std::max(s.high[t] - s.low[t], std::fabs(s.high[t] - previous)), std::fabs(s.low[t] - previous));
      if (t < n) {
        average += range;
      } else if (t == n) {
        average = (average + range) / period;
        out[u] = average;
      } else {
        average = wilder_step(average, range, period);
        out[u] = average;
      }
    }
    state[1] = average;
  }

  // The index of the value k bars before chunk bar u: negative reaches into the history kept before the chunk.
  static std::ptrdiff_t back(std::size_t u, std::size_t k) {
    return static_cast<std::ptrdiff_t>(u) - static_cast<std::ptrdiff_t>(k);
  }

  void roc(const double* x, std::size_t k, double* out) {
    const std::size_t u0 = from_bar(k);
    std::fill(out, out + u0, kUndefined);
    for (std::size_t u = u0; u < count_; ++u) out[u] = operations::finite(x[u] / x[back(u, k)] - 1.0);
  }

  void shift(const double* x, std::size_t k, double* out) {
    const std::size_t u0 = from_bar(k);
    std::fill(out, out + u0, kUndefined);
    for (std::size_t u = u0; u < count_; ++u) out[u] = x[back(u, k)];
  }

  template <Op kCompare>
  void cross(const double* a, const double* b, double* out) {
    const std::size_t u0 = from_bar(1);
    std::fill(out, out + u0, kUndefined);
    for (std::size_t u = u0; u < count_; ++u) {
      const double now = operations::apply(kCompare, a[u], b[u]);
      const double before = operations::apply(kCompare, a[back(u, 1)], b[back(u, 1)]);
      out[u] = defined(now) && defined(before) ? operations::truth(now != 0.0 && before == 0.0) : kUndefined;
    }
  }

  // NOTE: `op` is a template argument, so the switch inside operations::apply folds away.
  template <Op kOp>
  void pointwise_loop(const double* a, const double* b, double* out) {
    if (b == nullptr) {
      for (std::size_t u = 0; u < count_; ++u) out[u] = operations::apply(kOp, a[u], kUndefined);
    } else {
      for (std::size_t u = 0; u < count_; ++u) out[u] = operations::apply(kOp, a[u], b[u]);
    }
  }

  void pointwise(Op op, const double* a, const double* b, double* out) {
    switch (op) {
      case Op::neg: return pointwise_loop<Op::neg>(a, b, out);
      case Op::add: return pointwise_loop<Op::add>(a, b, out);
      case Op::sub: return pointwise_loop<Op::sub>(a, b, out);
      case Op::mul: return pointwise_loop<Op::mul>(a, b, out);
      case Op::div: return pointwise_loop<Op::div>(a, b, out);
      case Op::lt: return pointwise_loop<Op::lt>(a, b, out);
      case Op::le: return pointwise_loop<Op::le>(a, b, out);
      case Op::gt: return pointwise_loop<Op::gt>(a, b, out);
      case Op::ge: return pointwise_loop<Op::ge>(a, b, out);
      case Op::eq: return pointwise_loop<Op::eq>(a, b, out);
      case Op::ne: return pointwise_loop<Op::ne>(a, b, out);
      case Op::logical_and: return pointwise_loop<Op::logical_and>(a, b, out);
      case Op::logical_or: return pointwise_loop<Op::logical_or>(a, b, out);
      case Op::logical_not: return pointwise_loop<Op::logical_not>(a, b, out);
      case Op::abs: return pointwise_loop<Op::abs>(a, b, out);
      case Op::min: return pointwise_loop<Op::min>(a, b, out);
      case Op::max: return pointwise_loop<Op::max>(a, b, out);
      case Op::log: return pointwise_loop<Op::log>(a, b, out);
      case Op::exp: return pointwise_loop<Op::exp>(a, b, out);
      case Op::sqrt: return pointwise_loop<Op::sqrt>(a, b, out);
      case Op::sign: return pointwise_loop<Op::sign>(a, b, out);
      default: throw std::logic_error("compiled evaluator: not a pointwise operation");
    }
  }

  // Genome g's rules over the chunk; the entries/exits state carried in the symbol's block.
  void rules(std::size_t g, bool allow_short, std::int8_t* positions) {
    const auto root = [&](std::uint32_t node) { return node == kNoNode ? zeros() : values(node, slot_of(g, node)); };
    if (program_.kind == RuleKind::position) {
      const double* r = root(program_.position);
      for (std::size_t u = 0; u < count_; ++u) positions[u] = operations::position_of(r[u], allow_short);
      return;
    }
    const double* long_entry = root(program_.long_entry);
    const double* long_exit = root(program_.long_exit);
    const double* short_entry = root(program_.short_entry);
    const double* short_exit = root(program_.short_exit);
    double& carried = memory_[symbols_base() + symbol_ * layout_.symbol_block + layout_.symbol_block - layout_.genomes + g];
    auto state = static_cast<std::int8_t>(carried);
    for (std::size_t u = 0; u < count_; ++u) {
      state = operations::entries_exits_step(state, long_entry[u], long_exit[u], short_entry[u], short_exit[u],
                                             allow_short);
      positions[u] = state;
    }
    carried = state;
  }

  const Program& program_;
  const std::vector<CompiledProgram::NodeInfo>& info_;
  const CompiledLayout& layout_;
  double* memory_;
  std::size_t genomes_ = 0;
  const SymbolSeries* series_ = nullptr;
  std::size_t begin_ = 0, count_ = 0, symbol_ = 0;
};

}  // namespace

CompiledProgram::CompiledProgram(FileStrategy strategy) : strategy_(std::move(strategy)) {
  const Program& program = strategy_.program;
  const std::size_t count = program.nodes.size();
  const auto malformed = [&](const std::string& why) {
    throw Error("strategy '" + strategy_.name + "': its program " + why);
  };
  if (program.max_length.size() != count) malformed("has " + std::to_string(program.max_length.size()) + " lengths for " + std::to_string(count) + " nodes");
  info_.resize(count);
  const auto argument = [&](std::uint32_t j, std::size_t i) {
    if (j != kNoNode && j >= i) malformed("uses node " + std::to_string(j) + " before it is computed");
    return j != kNoNode;
  };
  for (std::size_t i = 0; i < count; ++i) {
    const Node& node = program.nodes[i];
    NodeInfo& self = info_[i];
    self.leaf = is_leaf(node.op);
    self.varies = node.op == Op::param;
    const std::size_t n = program.max_length[i];
    for (const std::uint32_t j : {node.a, node.b, node.length}) {
      if (argument(j, i)) self.varies = self.varies || info_[j].varies;
    }
    const bool scalar_arguments = (node.a == kNoNode || program.nodes[node.a].scalar) &&
                                  (node.b == kNoNode || program.nodes[node.b].scalar);
    if (node.scalar && !(node.op == Op::number || node.op == Op::param ||
                         (operations::is_pointwise(node.op) && scalar_arguments))) {
      malformed("marks node " + std::to_string(i) + " scalar, which varies from bar to bar");
    }
    if (operations::has_length(node.op) && (node.length == kNoNode || !program.nodes[node.length].scalar)) {
      malformed("has a series function whose length is not a scalar");
    }
    if (node.a == kNoNode) continue;
    NodeInfo& input = info_[node.a];
    switch (node.op) {
      case Op::sma:
      case Op::sum:
      case Op::ema:
        input.prefix = true;
        input.run = true;
        input.prefix_history = std::max(input.prefix_history, n);
        break;
      case Op::wma:
      case Op::stdev:
      case Op::highest:
      case Op::lowest:
        input.run = true;
        input.history = std::max(input.history, n);
        break;
      case Op::rsi:
      case Op::roc:
      case Op::shift: input.history = std::max(input.history, n); break;
      case Op::crossover:
      case Op::crossunder:
        input.history = std::max<std::size_t>(input.history, 1);
        if (node.b != kNoNode) info_[node.b].history = std::max<std::size_t>(info_[node.b].history, 1);
        break;
      default: break;
    }
  }
  single_ = layout(1, 1, kSingleChunk);
}

CompiledLayout CompiledProgram::layout(std::size_t genomes, std::size_t symbols, std::size_t chunk) const {
  CompiledLayout l;
  l.genomes = genomes;
  l.symbols = symbols;
  l.chunk = chunk;
  const std::size_t count = info_.size();
  l.first_slot.assign(count, 0);
  l.slots.assign(count, 0);
  l.kept.assign(count, 0);
  l.work.assign(count + 1, 0);
  std::size_t work = 0;
  for (std::size_t i = 0; i < count; ++i) {
    l.first_slot[i] = l.slot_count;
    l.slots[i] = info_[i].varies ? genomes : 1;
    l.slot_count += l.slots[i];
    l.kept[i] = l.symbol_block;
    l.symbol_block += l.slots[i] * kept_size(info_[i]);
    l.work[i] = work;
    work += l.slots[i] * work_size(info_[i], chunk);
  }
  l.work[count] = work;         // then a scratch chunk and a chunk of zeros
  l.symbol_block += genomes;    // the entries/exits state of each genome
  l.size = genomes * count + l.slot_count * kInfo + symbols * l.symbol_block + work + 2 * chunk;
  return l;
}

void CompiledProgram::chunk_kernel(const SymbolSeries& series, const double* params, bool allow_short,
                                   KernelState& state, std::size_t begin, std::size_t end,
                                   std::int8_t* positions) const {
  // NOTE: the whole state, the instance map included, lives in state.buffer from the call with begin 0 on.
  Engine engine(*this, single_, state.buffer);
  if (begin == 0) engine.start(std::span<const double* const>(&params, 1));
  for (std::size_t from = begin; from < end; from += kSingleChunk) {
    const std::size_t to = std::min(end, from + kSingleChunk);
    std::int8_t* out = positions + (from - begin);
    engine.run(1, 0, series, from, to, allow_short, &out);
  }
}

BatchEvaluator::BatchEvaluator(std::shared_ptr<const CompiledProgram> program, std::size_t genomes,
                               std::size_t symbols, std::size_t chunk)
    : program_(std::move(program)), layout_(program_->layout(genomes, symbols, chunk)), memory_(layout_.size, 0.0) {}

void BatchEvaluator::start(std::span<const double* const> params, bool allow_short) {
  Engine engine(*program_, layout_, memory_.data());
  engine.start(params);
  genomes_ = params.size();
  allow_short_ = allow_short;
  instances_ = engine.instances();
}

void BatchEvaluator::run(std::size_t symbol, const SymbolSeries& series, std::size_t begin, std::size_t end,
                         std::int8_t* const* positions) {
  Engine(*program_, layout_, memory_.data()).run(genomes_, symbol, series, begin, end, allow_short_, positions);
  last_count_ = end - begin;
}

std::span<const double> BatchEvaluator::values(std::size_t genome, std::uint32_t node) const {
  Engine engine(*program_, layout_, const_cast<double*>(memory_.data()));  // NOTE: reads only
  return {engine.chunk_values(genome, node), last_count_};
}

}  // namespace genepool::language
