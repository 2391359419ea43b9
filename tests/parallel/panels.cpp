// A union panel with a date window under real MPI (1, 2 and 3 ranks): the availability and the
// account's first bar travel with the data and the settings; an evolution on NVDA + YHOO + GOOG
// equals the serial one, and its best strategies' metrics are the reference backtest's.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/data/bar_window.hpp"
#include "genepool/evolution/evaluator.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/parallel/parallel.hpp"
#include "helpers.hpp"
#include "mpi_session.hpp"
#include "backtest/agreement.hpp"

using namespace genepool;

namespace {

MarketData union_panel() {
  return load_market_data({test::shared_data("nvda-1999-2014.txt"), test::shared_data("yhoo-1996-2014.txt"),
                           test::shared_data("GOOG.csv")});
}

}  // namespace

TEST_CASE("a union panel with a window evolves over MPI as it does serially, and the best match the reference",
          "[mpi][panels]") {
  auto& session = test::mpi_session();
  const bool allow_shared = GENERATE(true, false);
  INFO("shared memory allowed: " << allow_shared);
  ExecutionSettings settings;
  settings.cost = 0.0005;
  settings.bars_per_year = 252;
  settings.account_start = 1500;  // --start: 1500 bars of warm-up
  // Rank 0 alone loads (as the commands do); every rank gets the panel, its availability included.
  const MarketData own = session.rank() == 0 ? slice(union_panel(), {0, 4200}) : MarketData{};  // --end
  const parallel::SharedMarketData data = parallel::broadcast_market_data(session, own, settings, allow_shared);
  REQUIRE(data.view().live.size() == data.view().bars() * 3);
  if (session.rank() != 0) {
    CHECK(parallel::serve_evaluations(session, data, settings) == 0);
    return;
  }
  CHECK(data.view().live == own.live);
  EvolutionSettings evolution;
  evolution.seed = 99;
  evolution.ga.population = 17;
  evolution.ga.generations = 3;
  parallel::MpiEvaluator distributed(session, data, settings);
  SerialEvaluator serial(own, settings);
  const EvolutionResult a = evolve(evolution, distributed);
  const EvolutionResult b = evolve(evolution, serial);
  distributed.finish(0);
  CHECK(a.population == b.population);
  CHECK(a.fitness == b.fitness);
  REQUIRE(!a.hall_of_fame.empty());
  REQUIRE(a.hall_of_fame.size() == b.hall_of_fame.size());
  for (std::size_t i = 0; i < a.hall_of_fame.size(); ++i) {
    const HallOfFameEntry& best = a.hall_of_fame[i];
    CHECK(best.genome == b.hall_of_fame[i].genome);
    CHECK(std::memcmp(&best.evaluation.metrics, &b.hall_of_fame[i].evaluation.metrics, sizeof(Metrics)) == 0);
    const Metrics reference = reference_backtest(own, Backtester::resolved(own, settings), best.genome);
    CHECK(test::disagreements(best.evaluation.metrics, reference) == "");
    CHECK(best.evaluation.metrics.bars == static_cast<double>(4200 - 1 - 1500));
  }
}
