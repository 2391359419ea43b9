// The compiled evaluator against the plain interpreter: random programs over every operation, random
// genomes in batches, chunk boundaries, the repository's strategy files on real data; the registry
// of file strategies and the Backtester's batches of them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "../../src/language/operations.hpp"
#include "allocation_counter.hpp"
#include "genepool/backtest/backtest.hpp"
#include "genepool/data/synthetic.hpp"
#include "genepool/error.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "genepool/language/compiled.hpp"
#include "genepool/language/interpreter.hpp"
#include "genepool/language/registration.hpp"
#include "genepool/language/strategy_file.hpp"
#include "../../src/language/operations.hpp"
#include "helpers.hpp"
#include "strategies/strategy_series.hpp"

using namespace genepool;
using namespace genepool::language;
using Catch::Matchers::Contains;

namespace {

// A symbol's bars with volume.
struct Bars {
  std::vector<double> open, high, low, close, volume;
  SymbolSeries view() const {
    SymbolSeries s{open.data(), high.data(), low.data(), close.data(), close.size()};
    s.volume = volume.data();
    return s;
  }
};

Bars random_bars(std::size_t bars, std::uint64_t seed) {
  const test::OwnedSeries walk = test::random_walk(bars, seed, seed % 2 ? 0.01 : 0.0);  // ticks: exact ties
  Bars b{walk.open, walk.high, walk.low, walk.close, {}};
  std::mt19937_64 rng(seed);
  for (std::size_t t = 0; t < bars; ++t) b.volume.push_back(static_cast<double>(rng() % 5) * 1000.0);  // zeros too
  return b;
}

Bars bars_of(const MarketData& data) {
  Bars b;
  const auto column = [&](const PriceMatrix& m) {
    return std::vector<double>(m.col(0).data(), m.col(0).data() + data.bars());
  };
  b.open = column(data.open);
  b.high = column(data.high);
  b.low = column(data.low);
  b.close = column(data.close);
  b.volume = column(data.volume);
  return b;
}

// Random programs over every operation: lengths from numbers, integer parameters and sums of
// them; a real parameter in arithmetic; operations that yield undefined values (log, sqrt,
// division by a difference that can be 0, shift, roc of a series crossing 0).
class ProgramGenerator {
 public:
  explicit ProgramGenerator(std::uint64_t seed) : rng_(seed) {}

  FileStrategy make() {
    FileStrategy s;
    s.name = "random";
    for (int p = 0; p < 3; ++p) {
      const double lower = static_cast<double>(1 + rng_() % 5);
      const double upper = lower + static_cast<double>(rng_() % 40);
      std::string name = "n";
      name += std::to_string(p);
      s.params.push_back({name, ParamKind::integer, lower, upper, lower, ""});
    }
    s.params.push_back({"r", ParamKind::real, -2.0, 2.0, 0.0, ""});
    params_ = &s.params;
    program_ = Program{};
    if (rng_() % 2 == 0) {
      program_.kind = RuleKind::position;
      program_.position = series(4);
    } else {
      program_.kind = RuleKind::entries_exits;
      program_.long_entry = series(3);
      if (rng_() % 4 != 0) program_.long_exit = series(3);
      if (rng_() % 2 == 0) program_.short_entry = series(3);
      if (rng_() % 2 == 0) program_.short_exit = series(3);
    }
    s.program = program_;
    return s;
  }

  // A genome's parameters, drawn from a small pool so that batches repeat some.
  std::vector<double> genome(const FileStrategy& s) {
    std::vector<double> p(kMaxParams, 0.0);
    for (std::size_t i = 0; i < s.params.size(); ++i) {
      const ParamSpec& spec = s.params[i];
      const auto steps = static_cast<std::uint64_t>(spec.upper - spec.lower);
      p[i] = spec.kind == ParamKind::integer ? spec.lower + static_cast<double>(rng_() % (std::min<std::uint64_t>(steps, 3) + 1))
                                             : std::uniform_real_distribution<double>(spec.lower, spec.upper)(rng_);
    }
    return p;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::uint32_t add(Node node, std::uint32_t max_length = 0) {
    program_.nodes.push_back(node);
    program_.max_length.push_back(max_length);
    return static_cast<std::uint32_t>(program_.nodes.size() - 1);
  }
  std::uint32_t number(double v) { return add({.op = Op::number, .value = v, .scalar = true}); }
  std::uint32_t param(std::uint32_t p) { return add({.op = Op::param, .param = p, .scalar = true}); }

  // A length node and the largest value it takes.
  std::pair<std::uint32_t, std::uint32_t> length(bool zero) {
    const std::uint32_t p = static_cast<std::uint32_t>(rng_() % 3);
    const auto upper = static_cast<std::uint32_t>((*params_)[p].upper);
    switch (rng_() % 3) {
      case 0: {
        const auto k = static_cast<std::uint32_t>(rng_() % 30 + (zero ? 0 : 1));
        return {number(k), k};
      }
      case 1: return {param(p), upper};
      default: {
        const auto k = static_cast<std::uint32_t>(rng_() % 5);
        const std::uint32_t a = param(p);
        const std::uint32_t b = number(k);
        return {add({.op = Op::add, .a = a, .b = b, .scalar = true}), upper + k};
      }
    }
  }

  std::uint32_t series(int depth) {
    if (depth == 0 || rng_() % 5 == 0) {
      switch (rng_() % 8) {
        case 0: return add({.op = Op::open});
        case 1: return add({.op = Op::high});
        case 2: return add({.op = Op::low});
        case 3: return add({.op = Op::volume});
        case 4: return param(3);
        case 5: return number(static_cast<double>(rng_() % 200) - 50.0);
        default: return add({.op = Op::close});
      }
    }
    const auto op = static_cast<Op>(static_cast<int>(Op::neg) + static_cast<int>(rng_() % (static_cast<int>(Op::crossunder) - static_cast<int>(Op::neg) + 1)));
    if (op == Op::atr) {
      const auto [n, max] = length(false);
      return add({.op = op, .length = n}, max);
    }
    if (operations::has_length(op)) {
      const std::uint32_t a = series(depth - 1);
      const auto [n, max] = length(op == Op::shift);
      return add({.op = op, .a = a, .length = n}, max);
    }
    const bool unary = op == Op::neg || op == Op::logical_not || op == Op::abs || op == Op::log || op == Op::exp ||
                       op == Op::sqrt || op == Op::sign;
    const std::uint32_t a = series(depth - 1);
    const std::uint32_t b = unary ? kNoNode : series(depth - 1);
    const bool scalar = operations::is_pointwise(op) && program_.nodes[a].scalar && (b == kNoNode || program_.nodes[b].scalar);
    return add({.op = op, .a = a, .b = b, .scalar = scalar});
  }

  std::mt19937_64 rng_;
  Program program_;
  const std::vector<ParamSpec>* params_ = nullptr;
};

// Equal bits, or both undefined.
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || test::bits_of(a) == test::bits_of(b); }

// Runs a batch over `symbols` chunk by chunk (chunks outside, symbols inside, as the Backtester does)
// and checks every genome's positions and every node's values against the interpreter.
void check_batch(const FileStrategy& strategy, const std::vector<Bars>& symbols,
                 const std::vector<std::vector<double>>& genomes, std::size_t chunk, bool allow_short) {
  auto program = std::make_shared<const CompiledProgram>(strategy);
  BatchEvaluator batch(program, genomes.size(), symbols.size(), chunk);
  std::vector<const double*> params;
  for (const auto& g : genomes) params.push_back(g.data());
  batch.start(params, allow_short);
  const std::size_t bars = symbols[0].close.size();
  std::vector<std::vector<std::vector<std::int8_t>>> expected(symbols.size());
  for (std::size_t k = 0; k < symbols.size(); ++k) {
    for (const auto& g : genomes) {
      expected[k].emplace_back(bars);
      interpret(strategy, symbols[k].view(), g.data(), allow_short, expected[k].back().data());
    }
  }
  std::vector<std::vector<std::int8_t>> out(genomes.size(), std::vector<std::int8_t>(chunk));
  std::vector<std::int8_t*> outs;
  for (auto& o : out) outs.push_back(o.data());
  for (std::size_t begin = 0; begin < bars; begin += chunk) {
    const std::size_t end = std::min(bars, begin + chunk);
    for (std::size_t k = 0; k < symbols.size(); ++k) {
      batch.run(k, symbols[k].view(), begin, end, outs.data());
      for (std::size_t g = 0; g < genomes.size(); ++g) {
        INFO("symbol " << k << ", genome " << g << ", bars " << begin << " .. " << end << ", chunk " << chunk);
        REQUIRE(std::equal(out[g].begin(), out[g].begin() + static_cast<std::ptrdiff_t>(end - begin),
                           expected[k][g].begin() + static_cast<std::ptrdiff_t>(begin)));
      }
    }
  }
  // Every node's values, bit for bit, over one more pass of the last symbol alone.
  const std::size_t k = symbols.size() - 1;
  for (std::size_t g = 0; g < genomes.size(); ++g) {
    const auto series = node_series(strategy.program, symbols[k].view(), genomes[g].data());
    batch.start(params, allow_short);
    for (std::size_t begin = 0; begin < bars; begin += chunk) {
      const std::size_t end = std::min(bars, begin + chunk);
      batch.run(k, symbols[k].view(), begin, end, outs.data());
      for (std::uint32_t i = 0; i < strategy.program.nodes.size(); ++i) {
        const Op op = strategy.program.nodes[i].op;
        if (op >= Op::open && op <= Op::volume) continue;
        const std::span<const double> v = batch.values(g, i);
        for (std::size_t u = 0; u < v.size(); ++u) {
          if (!same(v[u], series[i][begin + u])) {
            std::string nodes;
            for (const Node& n : strategy.program.nodes) {
              nodes += " [" + std::to_string(static_cast<int>(n.op)) + " " + std::to_string(n.a) + " " + std::to_string(n.b) + " " + std::to_string(n.length) + (n.scalar ? " s" : "") + "]";
            }
            FAIL("genome " << g << ", node " << i << " (op " << static_cast<int>(op) << "), bar " << begin + u
                           << ": compiled " << v[u] << ", interpreter " << series[i][begin + u] << nodes);
          }
        }
      }
    }
  }
}

// The single-genome chunk kernel over random splits of the bars.
void check_single(const FileStrategy& strategy, const Bars& bars, const std::vector<double>& genome, bool allow_short,
                  std::mt19937_64& rng) {
  const CompiledProgram program(strategy);
  std::vector<double> buffer(program.buffer_size());
  std::vector<std::int8_t> expected(bars.close.size());
  interpret(strategy, bars.view(), genome.data(), allow_short, expected.data());
  std::vector<std::int8_t> pieces(bars.close.size(), 7);
  KernelState state;
  state.buffer = buffer.data();
  for (std::size_t begin = 0; begin < bars.close.size();) {
    const std::size_t end = std::min(bars.close.size(), begin + 1 + rng() % 300);
    program.chunk_kernel(bars.view(), genome.data(), allow_short, state, begin, end, pieces.data() + begin);
    begin = end;
  }
  CHECK(pieces == expected);
}

std::filesystem::path repository(const std::string& file) { return std::filesystem::path(GENEPOOL_SOURCE_DIR) / file; }

std::vector<FileStrategy> repository_strategies() {
  std::vector<FileStrategy> all = read_strategy_file(repository("strategies/builtins.toml").string());
  for (FileStrategy& s : read_strategy_file(repository("strategies/examples.toml").string())) all.push_back(std::move(s));
  return all;
}

std::vector<double> random_genome(const FileStrategy& s, std::mt19937_64& rng) {
  return test::random_params(parameter_space(s), rng);
}

}  // namespace

TEST_CASE("the compiled evaluator gives the interpreter's values and positions on random programs", "[language][compiled]") {
  ProgramGenerator generator(20240611);
  for (int trial = 0; trial < 150; ++trial) {
    const FileStrategy strategy = generator.make();
    const std::size_t bars = std::vector<std::size_t>{1023, 1024, 1025, 2100, 300}[static_cast<std::size_t>(trial) % 5];
    const std::vector<Bars> symbols = {random_bars(bars, static_cast<std::uint64_t>(trial)),
                                       random_bars(bars, static_cast<std::uint64_t>(trial) + 1000)};
    std::vector<std::vector<double>> genomes;
    const std::size_t count = 1 + generator.rng()() % Backtester::kLanes;
    for (std::size_t g = 0; g < count; ++g) genomes.push_back(generator.genome(strategy));
    const bool allow_short = trial % 2 == 1;
    INFO("trial " << trial << ", " << strategy.program.nodes.size() << " nodes, " << count << " genomes");
    check_batch(strategy, symbols, genomes, Backtester::kChunk, allow_short);
    check_batch(strategy, symbols, genomes, 1 + generator.rng()() % 97, allow_short);
    check_single(strategy, symbols[0], genomes[0], allow_short, generator.rng());
  }
}

TEST_CASE("the compiled evaluator gives the interpreter's positions for the repository's strategies on real data",
          "[language][compiled]") {
  std::vector<Bars> sets = {bars_of(read_csv(repository("data/sample.csv"), "SAMPLE"))};
  for (const char* file : {"GOOG.csv", "EURUSD.csv", "BTCUSD.csv", "orcl-1995-2014.txt"}) {
    sets.push_back(bars_of(read_csv(test::shared_data(file), "X")));
  }
  std::mt19937_64 rng(77);
  for (const FileStrategy& strategy : repository_strategies()) {
    for (const Bars& bars : sets) {
      std::vector<std::vector<double>> genomes;
      for (std::size_t g = 0; g < Backtester::kLanes; ++g) genomes.push_back(random_genome(strategy, rng));
      genomes[3] = genomes[1];  // a repeated genome shares every instance
      for (const bool allow_short : {false, true}) {
        INFO(strategy.name << ", " << bars.close.size() << " bars" << (allow_short ? ", long/short" : ", long/flat"));
        check_batch(strategy, {bars}, genomes, Backtester::kChunk, allow_short);
        check_single(strategy, bars, genomes[0], allow_short, rng);
      }
    }
  }
}

TEST_CASE("a batch computes an indicator with the same input and length once", "[language][compiled]") {
  const std::vector<FileStrategy> files = parse_strategy_text(
      "[cross]\n"
      "params.fast = { type = \"int\", min = 2, max = 50, default = 10 }\n"
      "params.slow = { type = \"int\", min = 10, max = 200, default = 40 }\n"
      "position = \"sma(close, fast) > sma(close, slow)\"\n",
      "cross.toml");
  auto program = std::make_shared<const CompiledProgram>(files[0]);
  BatchEvaluator batch(program, 4, 1, Backtester::kChunk);
  const std::vector<double> a = {10, 40, 0, 0}, b = {10, 50, 0, 0}, c = {20, 40, 0, 0};
  std::vector<const double*> params = {a.data(), b.data(), a.data(), c.data()};
  batch.start(params, false);
  // sma(close, 10), sma(close, 40), sma(close, 50), sma(close, 20), and the comparisons of the
  // three distinct genomes.
  CHECK(batch.instances() == 4 + 3);
  params = {a.data(), a.data(), a.data(), a.data()};
  batch.start(params, false);
  CHECK(batch.instances() == 2 + 1);
}

TEST_CASE("the compiled evaluator does not allocate once made", "[language][compiled]") {
  const std::vector<FileStrategy> strategies = repository_strategies();
  const Bars bars = random_bars(3000, 5);
  std::mt19937_64 rng(3);
  for (const FileStrategy& strategy : strategies) {
    auto program = std::make_shared<const CompiledProgram>(strategy);
    BatchEvaluator batch(program, Backtester::kLanes, 1, Backtester::kChunk);
    std::vector<std::vector<double>> genomes;
    std::vector<const double*> params;
    for (std::size_t g = 0; g < Backtester::kLanes; ++g) genomes.push_back(random_genome(strategy, rng));
    for (const auto& g : genomes) params.push_back(g.data());
    std::vector<std::vector<std::int8_t>> out(Backtester::kLanes, std::vector<std::int8_t>(Backtester::kChunk));
    std::vector<std::int8_t*> outs;
    for (auto& o : out) outs.push_back(o.data());
    std::vector<double> buffer(program->buffer_size());
    std::vector<std::int8_t> single(bars.close.size());
    INFO(strategy.name);
    const std::size_t before = test::allocation_count();
    batch.start(params, true);
    for (std::size_t begin = 0; begin < bars.close.size(); begin += Backtester::kChunk) {
      batch.run(0, bars.view(), begin, std::min(bars.close.size(), begin + Backtester::kChunk), outs.data());
    }
    KernelState state;
    state.buffer = buffer.data();
    program->chunk_kernel(bars.view(), params[0], true, state, 0, bars.close.size(), single.data());
    const std::size_t after = test::allocation_count();
    CHECK(after == before);
  }
}

TEST_CASE("a length outside its range and a missing volume are errors", "[language][compiled]") {
  const std::vector<FileStrategy> files = parse_strategy_text(
      "[vol]\n"
      "params.n = { type = \"int\", min = 2, max = 50, default = 10 }\n"
      "position = \"sma(volume, n) > 0\"\n",
      "vol.toml");
  auto program = std::make_shared<const CompiledProgram>(files[0]);
  BatchEvaluator batch(program, 1, 1, 64);
  const std::vector<double> long_window = {51, 0, 0, 0};
  std::vector<const double*> params = {long_window.data()};
  CHECK_THROWS_WITH(batch.start(params, false), Contains("outside its checked range"));
  const std::vector<double> fine = {5, 0, 0, 0};
  params = {fine.data()};
  batch.start(params, false);
  Bars bars = random_bars(100, 1);
  SymbolSeries series = bars.view();
  series.volume = nullptr;
  std::vector<std::int8_t> out(64);
  std::int8_t* outs[] = {out.data()};
  CHECK_THROWS_WITH(batch.run(0, series, 0, 64, outs), Contains("reads volume"));
}

TEST_CASE("file strategies are registered after the built-ins, once", "[language][registry]") {
  const std::size_t built_ins = strategy_registry().size();
  const std::vector<FileStrategy> examples = read_strategy_file(repository("strategies/examples.toml").string());
  register_file_strategies(examples);
  REQUIRE(strategy_registry().size() == built_ins + 2);
  CHECK(strategy_id("keltner_breakout") == built_ins);
  CHECK(strategy_id("trend_filter_rsi") == built_ins + 1);
  CHECK(strategy_registry()[built_ins].order == strategy_registry()[built_ins - 1].order + 1);
  CHECK_FALSE(strategy_registry()[built_ins].built_in());
  CHECK(strategy_registry()[0].built_in());
  CHECK(strategy_registry()[built_ins].definition->file == examples[0].file);
  // The same definitions again: nothing changes; the file read again does not clash with itself.
  register_file_strategies(read_strategy_file(repository("strategies/examples.toml").string()));
  CHECK(strategy_registry().size() == built_ins + 2);
  // A different definition under a registered name: refused, naming both files; nothing registered.
  const std::vector<FileStrategy> other = parse_strategy_text(
      "[fresh]\nparams.n = { type = \"int\", min = 2, max = 9, default = 3 }\nposition = \"close > sma(close, n)\"\n"
      "[keltner_breakout]\nparams.n = { type = \"int\", min = 2, max = 9, default = 3 }\nposition = \"close > sma(close, n)\"\n",
      "mine.toml");
  CHECK_THROWS_WITH(register_file_strategies(other),
                    Contains("mine.toml:4: strategy 'keltner_breakout' is already defined differently in") &&
                        Contains("examples.toml:1"));
  CHECK(strategy_registry().size() == built_ins + 2);
  // A built-in's name.
  FileStrategy clash = other[0];
  clash.name = "sma_crossover";
  CHECK_THROWS_WITH(register_file_strategies({clash}), Contains("strategy 'sma_crossover': the name of a built-in"));
  // The registered types' kernels: the interpreter and the compiled program agree.
  const StrategyType& type = strategy_registry()[built_ins];
  const Bars bars = random_bars(2000, 8);
  std::mt19937_64 rng(1);
  const std::vector<double> params = test::random_params(type, rng);
  std::vector<std::int8_t> reference(2000), whole(2000);
  type.reference_kernel(bars.view(), params.data(), true, reference.data());
  KernelScratch scratch;
  scratch.reserve(2000);
  run_whole_series(type, bars.view(), params.data(), true, whole.data(), scratch);
  CHECK(whole == reference);
}

TEST_CASE("the Backtester evaluates file strategies in a batch as it evaluates each alone", "[language][backtest]") {
  register_file_strategies(repository_strategies());
  SyntheticSpec spec;
  spec.symbols = 3;
  spec.bars = 2600;  // several chunks
  spec.seed = 12;
  const MarketData data = generate_synthetic(spec);
  std::mt19937_64 rng(5);
  const std::vector<std::string> names = {"file_sma_crossover", "keltner_breakout", "file_sma_crossover",
                                          "sma_crossover", "trend_filter_rsi", "file_macd", "keltner_breakout",
                                          "file_sma_crossover", "macd", "file_donchian_breakout"};
  std::vector<Genome> genomes;
  for (const std::string& name : names) {
    if (genomes.size() == 7) {  // a repeated genome
      genomes.push_back(genomes.front());
      continue;
    }
    Genome g;
    g.strategy = strategy_id(name);
    const std::vector<double> p = test::random_params(strategy_registry()[g.strategy], rng);
    std::copy(p.begin(), p.begin() + kMaxParams, g.params.begin());
    genomes.push_back(g);
  }
  for (const bool allow_short : {false, true}) {
    ExecutionSettings settings;
    settings.cost = 0.001;
    settings.bars_per_year = 252;
    settings.allow_short = allow_short;
    Backtester tester(data, settings);
    std::vector<Metrics> batch(genomes.size());
    tester.evaluate(genomes, batch);
    for (std::size_t j = 0; j < genomes.size(); ++j) {
      INFO(names[j] << (allow_short ? ", long/short" : ", long/flat"));
      const Metrics alone = tester.evaluate(genomes[j]);
      CHECK(std::memcmp(&alone, &batch[j], sizeof(Metrics)) == 0);
    }
    // One genome alone does not allocate, a file strategy's included.
    const std::size_t before = test::allocation_count();
    const Metrics m = tester.evaluate(genomes[1]);
    const std::size_t after = test::allocation_count();
    CHECK(after == before);
    CHECK(m.bars == static_cast<double>(spec.bars - 1));
  }
}
