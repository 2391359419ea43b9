#include "genepool/cli/strategy_files.hpp"

#include <catch2/catch.hpp>

#include "genepool/data/synthetic.hpp"
#include "genepool/io/fingerprint.hpp"
#include "genepool/language/strategy_file.hpp"

using namespace genepool;
using Catch::Matchers::Equals;

namespace {

std::vector<language::FileStrategy> examples() {
  return language::read_strategy_files({std::string(GENEPOOL_SOURCE_DIR) + "/strategies/examples.toml"});
}

}  // namespace

TEST_CASE("strategy files: the sources of a run name each strategy, its file and its own table", "[cli][strategy-files]") {
  const auto strategies = examples();
  const std::vector<StrategySource> sources = app::sources_of(strategies);
  REQUIRE(sources.size() == 2);
  CHECK(sources[0].name == "keltner_breakout");
  CHECK(sources[0].file == strategies[0].file);
  CHECK(sources[1].source == strategies[1].source);
  // Each source is a strategy file of its one strategy, read back to the same name and rules.
  for (const auto& source : sources) {
    const auto again = language::parse_strategy_text(source.source, source.file);
    REQUIRE(again.size() == 1);
    CHECK(again[0].name == source.name);
  }
  const std::string& text = sources[0].source;
  CHECK_THAT(app::sources_text({sources[0]}),
             Equals("strategy-sources.keltner_breakout=\"" +
                    sha256_hex(std::as_bytes(std::span(text.data(), text.size()))) + "\"\n"));
  CHECK(app::sources_text({}).empty());
}

TEST_CASE("strategy files: the examples pass the look-ahead check, full and cheap", "[cli][strategy-files]") {
  SyntheticSpec spec;
  spec.symbols = 2;
  spec.bars = 700;
  spec.seed = 3;
  const MarketData data = generate_synthetic(spec);
  const auto strategies = examples();
  for (const auto& strategy : strategies) {
    const language::LookAheadVerdict verdict = app::check_look_ahead(strategy, data, {});
    CHECK(verdict.passed);
    CHECK(verdict.checks == 8 * 2 * 2 * 6);  // genomes x sides x symbols x cuts
  }
  CHECK_NOTHROW(app::refuse_look_ahead(strategies, data));
}
