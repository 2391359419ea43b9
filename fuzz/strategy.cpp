// libFuzzer target: strategy files (docs/strategy-language.md), and the compiled evaluator against
// the interpreter. Any input must be refused with a genepool::Error or give strategies whose
// compiled positions equal the plain interpreter's, bar for bar, for the parameters' defaults and
// bounds on a fixed 300-bar series with volume; anything else (a crash, a sanitizer report, another
// exception, a disagreement) is a finding.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/language/compiled.hpp"
#include "genepool/language/interpreter.hpp"
#include "genepool/language/strategy_file.hpp"

namespace {

constexpr std::size_t kBars = 300;
constexpr std::size_t kChunk = 64;
// Longer windows only lengthen the warm-up of a 300-bar series; they cost memory, not coverage.
constexpr std::uint32_t kLongestWindow = 4096;

// A fixed random walk: the same series for every input.
struct Series {
  std::vector<double> open, high, low, close, volume;
  Series() {
    double price = 100.0;
    std::uint64_t state = 42;
    const auto uniform = [&] {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    for (std::size_t t = 0; t < kBars; ++t) {
      const double o = price;
      price *= std::exp(0.02 * (uniform() - 0.5));
      open.push_back(o);
      close.push_back(price);
      high.push_back(std::max(o, price) * (1.0 + 0.01 * uniform()));
      low.push_back(std::min(o, price) * (1.0 - 0.01 * uniform()));
      volume.push_back(t % 17 == 0 ? 0.0 : 1000.0 * uniform());
    }
  }
  genepool::SymbolSeries view() const {
    genepool::SymbolSeries s;
    s.open = open.data();
    s.high = high.data();
    s.low = low.data();
    s.close = close.data();
    s.volume = volume.data();
    s.bars = kBars;
    return s;
  }
};

void compare(const genepool::language::FileStrategy& strategy, const std::vector<double>& params, bool allow_short) {
  using namespace genepool::language;
  static const Series series;
  std::vector<std::int8_t> expected(kBars);
  interpret(strategy, series.view(), params.data(), allow_short, expected.data());
  auto program = std::make_shared<const CompiledProgram>(strategy);
  BatchEvaluator batch(program, 1, 1, kChunk);
  const double* genome[] = {params.data()};
  batch.start(genome, allow_short);
  std::vector<std::int8_t> out(kChunk);
  std::int8_t* outs[] = {out.data()};
  for (std::size_t begin = 0; begin < kBars; begin += kChunk) {
    const std::size_t end = std::min(kBars, begin + kChunk);
    batch.run(0, series.view(), begin, end, outs);
    if (!std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(end - begin),
                    expected.begin() + static_cast<std::ptrdiff_t>(begin)))
      std::abort();  // the compiled evaluator disagrees with the interpreter
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace genepool::language;
  std::vector<FileStrategy> strategies;
  try {
    strategies = parse_strategy_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  } catch (const genepool::Error&) {
    return 0;
  }
  for (const FileStrategy& strategy : strategies) {
    const auto& lengths = strategy.program.max_length;
    if (std::any_of(lengths.begin(), lengths.end(), [](std::uint32_t n) { return n > kLongestWindow; })) continue;
    std::vector<std::vector<double>> genomes(3);
    for (const auto& p : strategy.params) {
      genomes[0].push_back(p.default_value);
      genomes[1].push_back(p.lower);
      genomes[2].push_back(p.upper);
    }
    for (const auto& genome : genomes) {
      for (const bool allow_short : {false, true}) {
        try {
          compare(strategy, genome, allow_short);
        } catch (const genepool::Error&) {
          // a length outside its range for these values: refused, as the Backtester would
        }
      }
    }
  }
  return 0;
}
