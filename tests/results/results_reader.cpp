#include "genepool/results/results_reader.hpp"

#include <catch2/catch.hpp>

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "genepool/backtest/backtest.hpp"
#include "genepool/backtest/backtest_reference.hpp"
#include "genepool/error.hpp"
#include "genepool/evolution/evaluator.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/backtest/metrics.hpp"
#include "genepool/io/fingerprint.hpp"
#include "genepool/results/results.hpp"
#include "genepool/results/strategy_spec.hpp"
#include "genepool/strategies/strategy.hpp"
#include "genepool/data/synthetic.hpp"
#include "genepool/data/timestamp.hpp"
#include "helpers.hpp"

using namespace genepool;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A small real run, serial: 2 synthetic symbols, 12 individuals, 3 generations, its results file.
struct SmallRun {
  MarketData data;
  EvolutionSettings evolution;
  ExecutionSettings execution;
  RunInfo run;
  EvolutionResult result;
  std::vector<BacktestCurve> curves;  // the best strategies' curves, best first
  test::ScratchDir dir;
  fs::path path;

  explicit SmallRun(const std::string& name, std::vector<StrategySource> sources = {}, SearchSpace space = {},
                    std::vector<std::uint32_t> strategies = {}, std::optional<MemoryRecord> memory = {})
      : dir(test::scratch_dir(name)) {
    SyntheticSpec spec;
    spec.symbols = 2;
    spec.bars = 400;
    spec.seed = 5;
    data = generate_synthetic(spec);
    evolution.ga.population = 12;
    evolution.ga.generations = 2;
    evolution.seed = 9;
    evolution.hall_of_fame = 4;
    execution.cost = 0.001;
    execution.execution = Execution::next_open;
    run.config_text = "population = 12\n";
    run.command_line = "genepool evolve --population 12";
    run.seed = evolution.seed;
    run.ranks = 1;
    run.host = "testhost";
    run.inputs = {{"a.h5", std::string(64, 'b'), 99}};
    run.strategy_sources = std::move(sources);
    evolution.ga.space = std::move(space);
    evolution.ga.strategies = std::move(strategies);
    path = dir / "run.h5";

    SerialEvaluator evaluator(data, execution);
    ResultsWriter writer(path, false, run, data, evolution, execution);
    std::vector<EvolutionObserver*> observers{&writer};
    result = evolve(evolution, evaluator, observers);
    Backtester backtester(data, execution);
    for (const auto& entry : result.hall_of_fame) backtester.evaluate(entry.genome, curves.emplace_back());
    writer.finish(
        result, result.hall_of_fame,
        [&](const HallOfFameEntry& entry, BacktestCurve& curve, std::vector<Trade>& trades) {
          curve = curves[static_cast<std::size_t>(&entry - result.hall_of_fame.data())];
          trades = reference_trades(data, backtester.settings(), entry.genome, curve.positions);
        },
        [&](hdf5::Writer& out, const H5::Group& root) {
          if (memory) write_memory(out, root, *memory);
        });
  }
};

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("results_reader: a run reads back as written", "[results_reader]") {
  const SmallRun small("results_reader_run");
  const ResultsReader reader(small.path);
  const RunResults r = reader.read();

  CHECK(r.provenance.format_version == 1);
  CHECK(r.provenance.status == "complete");
  CHECK(r.provenance.seed == 9);
  CHECK(r.provenance.host == "testhost");
  CHECK(r.provenance.ranks == 1);
  CHECK_FALSE(r.provenance.end_time.empty());
  CHECK(r.config_text == small.run.config_text);
  CHECK(r.config.population == 12);
  CHECK(r.config.generations == 2);
  CHECK(r.config.execution.execution == Execution::next_open);
  CHECK(r.config.execution.cost == 0.001);
  CHECK_FALSE(r.config.execution.allow_short);
  CHECK(r.config.execution.bars_per_year == infer_bars_per_year(small.data));
  CHECK(r.config.bars_per_year_inferred);
  CHECK(r.config.strategies.size() == strategy_registry().size());
  REQUIRE(r.inputs.size() == 1);
  CHECK(r.inputs[0].path == "a.h5");
  CHECK(r.inputs[0].bytes == 99);
  CHECK(r.data.symbols == small.data.symbols);
  CHECK(r.data.timestamps == small.data.timestamps);

  // Buy and hold: the mean of close[t] / close[0], ending at the buy_and_hold metric.
  REQUIRE(r.data.buy_and_hold_equity.size() == small.data.timestamps.size());
  CHECK(r.data.buy_and_hold_equity.front() == 1.0);
  const Eigen::Index last = small.data.bars() - 1;
  const PriceMatrix& close = small.data.close;
  const double expected = (close(last, 0) / close(0, 0) + close(last, 1) / close(0, 1)) / 2;
  CHECK(r.data.buy_and_hold_equity.back() == Approx(expected).epsilon(1e-15));
  CHECK(r.data.buy_and_hold_equity.back() - 1 == Approx(small.result.hall_of_fame[0].evaluation.metrics.buy_and_hold).epsilon(1e-12));

  REQUIRE(r.strategies.size() == strategy_registry().size());
  CHECK(r.strategies[0].name == strategy_registry()[0].name);
  CHECK(r.strategies[2].param_names == std::vector<std::string>{"period", "lower", "upper"});

  REQUIRE(r.generations.size() == 3);
  for (std::size_t g = 0; g < 3; ++g) {
    CHECK(r.generations.generation[g] == static_cast<std::int32_t>(g));
    CHECK(r.generations.best[g] == small.result.history[g].best);
    CHECK(r.generations.mean[g] == small.result.history[g].mean);
    // The population, plus what the polish scored (the last generation is polished).
    CHECK(r.generations.evaluations[g] == static_cast<std::int32_t>(12 + small.result.history[g].polish_scored));
  }
  REQUIRE(r.status_names.size() >= 4);
  CHECK(r.status_names[0] == "ok");
  std::int64_t counted = 0;
  for (auto n : r.status_counts) counted += n;
  CHECK(counted == 36);

  REQUIRE(r.best.size() == small.curves.size());
  REQUIRE(r.best_metrics.rows == r.best.size());
  for (std::size_t k = 0; k < r.best.size(); ++k) {
    const HallOfFameEntry& entry = small.result.hall_of_fame[k];
    CHECK(r.best[k].rank == static_cast<std::int32_t>(k + 1));
    CHECK(r.best[k].name == strategy_registry()[entry.genome.strategy].name);
    CHECK(r.best[k].param_names.size() == strategy_registry()[entry.genome.strategy].params.size());
    CHECK(r.best[k].params == entry.genome.params);
    CHECK(r.best[k].fitness == entry.fitness);
    CHECK(r.best[k].equity == small.curves[k].equity);
    for (const auto& field : metric_fields())
      CHECK((r.best_metrics.at(k, field.name) == entry.evaluation.metrics.*field.member ||
             (std::isnan(r.best_metrics.at(k, field.name)) && std::isnan(entry.evaluation.metrics.*field.member))));
  }
  CHECK(std::isnan(r.best_metrics.at(0, "no_such_metric")));
  REQUIRE(r.summary.has_value());
  CHECK(r.summary->evaluations_total == static_cast<std::int64_t>(small.result.evaluations_total));
  CHECK(small.result.evaluations_total == 36 + small.result.polish_scored_total);
  CHECK_FALSE(r.validation.has_value());
  CHECK_FALSE(r.fold_metrics.has_value());
}

TEST_CASE("results_reader: a file strategy's source and its SHA-256 are stored, read back and exported into the spec",
          "[results_reader][spec]") {
  // NOTE: the plumbing is by type name: a source recorded for a registered type (here a built-in's name).
  const std::string source = "[macd]\ndescription = \"stand-in\"\n";
  const SmallRun small("results_reader_sources", {{"macd", "strategies/x.toml", source}}, {},
                       {strategy_id("macd"), strategy_id("sma_crossover")});
  const RunResults r = ResultsReader(small.path).read();
  const std::size_t macd = strategy_id("macd");
  CHECK(r.strategies[macd].source == source);
  CHECK(r.strategies[macd].source_sha256 == sha256_hex(std::as_bytes(std::span(source.data(), source.size()))));
  CHECK(r.strategies[macd].source_file == "strategies/x.toml");
  CHECK(r.strategies[0].source.empty());
  CHECK(r.strategies[0].source_sha256.empty());

  // The spec of the best strategies carries the source of each file strategy among them, and reading
  // it hands each source to `define` before the genome is resolved.
  std::ostringstream text;
  app::write_strategy_spec(text, r, r.best.size());
  const fs::path spec = small.dir / "best.json";
  write_text(spec, text.str());
  const auto macd_rows = std::count_if(r.best.begin(), r.best.end(), [&](const auto& b) { return b.name == "macd"; });
  std::vector<std::pair<std::string, std::string>> defined;
  const auto strategies =
      app::read_strategy_spec(spec, [&](const std::string& name, const std::string& text_of) { defined.emplace_back(name, text_of); });
  CHECK(strategies.size() == r.best.size());
  REQUIRE(macd_rows > 0);
  CHECK(static_cast<std::ptrdiff_t>(defined.size()) == macd_rows);
  for (const auto& [name, text_of] : defined) CHECK((name == "macd" && text_of == source));

  // A spec whose source was edited is refused, naming the member.
  std::string edited = text.str();
  edited.replace(edited.find("stand-in"), 8, "stand-by");
  write_text(spec, edited);
  CHECK_THROWS_WITH(app::read_strategy_spec(spec, [](const std::string&, const std::string&) {}),
                    Contains("source_sha256: does not match the SHA-256 of source"));
}

TEST_CASE("results_reader: the search bounds of [ranges] are stored beside the registry's", "[results_reader][ranges]") {
  SearchSpace space;
  space.narrow(strategy_id("sma_crossover"), "fast", 5, 12);
  const SmallRun small("results_reader_ranges", {}, space);
  H5::H5File file(small.path.string(), H5F_ACC_RDONLY);
  std::vector<double> lower(strategy_registry().size() * kMaxParams), upper(lower.size());
  file.openDataSet("/strategies/search_lower").read(lower.data(), H5::PredType::NATIVE_DOUBLE);
  file.openDataSet("/strategies/search_upper").read(upper.data(), H5::PredType::NATIVE_DOUBLE);
  const std::size_t sma = strategy_id("sma_crossover") * kMaxParams;
  CHECK(lower[sma] == 5);
  CHECK(upper[sma] == 12);
  CHECK(lower[sma + 1] == strategy_registry()[strategy_id("sma_crossover")].params[1].lower);
  CHECK(std::isnan(lower[sma + 2]));
}

TEST_CASE("results_reader: a file written before file strategies reads with no sources", "[results_reader]") {
  const RunResults r = ResultsReader(fs::path(GENEPOOL_SOURCE_DIR) / "tests/strategies/saved_run.h5").read();
  REQUIRE_FALSE(r.strategies.empty());
  for (const auto& type : r.strategies) CHECK((type.source.empty() && type.source_sha256.empty()));
  CHECK_FALSE(r.memory.has_value());  // nor /memory
}

TEST_CASE("results_reader: /memory reads back as written, unknown values included", "[results_reader][memory]") {
  MemoryRecord memory;
  memory.data_placement = "shared";
  memory.nodes = 2;
  memory.node_bytes = 123456789;
  memory.ranks = {{900 << 20, 300 << 20}, {500 << 20, 60 << 20}, {-1, -1}};
  const SmallRun small("results_reader_memory", {}, {}, {}, memory);
  const RunResults r = ResultsReader(small.path).read();
  REQUIRE(r.memory.has_value());
  CHECK(r.memory->data_placement == "shared");
  CHECK(r.memory->nodes == 2);
  CHECK(r.memory->node_bytes == 123456789u);
  REQUIRE(r.memory->ranks.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(r.memory->ranks[i].peak_rss_bytes == memory.ranks[i].peak_rss_bytes);
    CHECK(r.memory->ranks[i].pss_bytes == memory.ranks[i].pss_bytes);
  }
  H5::H5File file(small.path.string(), H5F_ACC_RDONLY);
  std::int64_t total = 0;
  file.openGroup("/memory").openAttribute("pss_total_bytes").read(H5::PredType::NATIVE_INT64, &total);
  CHECK(total == -1);  // a rank's PSS unknown: no total
  CHECK_FALSE(ResultsReader(SmallRun("results_reader_no_memory").path).read().memory.has_value());
}

TEST_CASE("results_reader: individuals read in blocks equal the whole table", "[results_reader]") {
  const SmallRun small("results_reader_blocks");
  const ResultsReader reader(small.path);
  REQUIRE(reader.individual_count(false) == 36);
  REQUIRE(reader.individual_count(true) == 12);
  const IndividualRows all = reader.individuals(0, 1000, false);
  REQUIRE(all.size() == 36);
  std::vector<std::int32_t> generations;
  for (std::size_t first = 0; first < 36; first += 5) {
    const IndividualRows block = reader.individuals(first, 5, false);
    CHECK(block.size() == std::min<std::size_t>(5, 36 - first));
    for (std::size_t i = 0; i < block.size(); ++i) {
      CHECK(block.index[i] == all.index[first + i]);
      CHECK(block.fitness[i] == all.fitness[first + i]);
      CHECK(block.params[i * kMaxParams + 1] == all.params[(first + i) * kMaxParams + 1]);
    }
    generations.insert(generations.end(), block.generation.begin(), block.generation.end());
  }
  CHECK(generations == all.generation);
  CHECK(all.metrics.columns.size() == kMetricCount);
  CHECK(all.metrics.values.size() == 36 * kMetricCount);

  const IndividualRows last = reader.individuals(0, 100, true);
  REQUIRE(last.size() == 12);
  for (std::size_t i = 0; i < 12; ++i) {
    CHECK(last.generation[i] == 2);
    CHECK(last.fitness[i] == small.result.fitness[i]);
    CHECK(last.strategy[i] == static_cast<std::int32_t>(small.result.population[i].strategy));
  }
  CHECK(reader.individuals(40, 5, false).size() == 0);
}

TEST_CASE("results_reader: an optional /validation group is read when present", "[results_reader]") {
  const SmallRun small("results_reader_validation");
  {
    H5::H5File file(small.path.string(), H5F_ACC_RDWR);
    H5::Group group = file.createGroup("validation");
    H5::StrType text(H5::PredType::C_S1, H5T_VARIABLE);
    group.createAttribute("first_timestamp_iso", text, H5::DataSpace(H5S_SCALAR)).write(text, std::string("2001-01-01"));
    const double share = 0.25;
    group.createAttribute("share", H5::PredType::IEEE_F64LE, H5::DataSpace(H5S_SCALAR))
        .write(H5::PredType::NATIVE_DOUBLE, &share);
    const hsize_t dims[2] = {2, 2};
    const double values[4] = {1.5, 0.1, -0.5, 0.2};
    H5::DataSet metrics = group.createDataSet("metrics", H5::PredType::IEEE_F64LE, H5::DataSpace(2, dims));
    metrics.write(values, H5::PredType::NATIVE_DOUBLE);
    const hsize_t two = 2;
    const char* names[2] = {"sharpe", "cagr"};
    metrics.createAttribute("columns", text, H5::DataSpace(1, &two)).write(text, names);
    const std::int32_t ranks[2] = {2, 1};
    group.createDataSet("rank", H5::PredType::STD_I32LE, H5::DataSpace(1, &two)).write(ranks, H5::PredType::NATIVE_INT32);
  }
  const RunResults r = ResultsReader(small.path).read();
  REQUIRE(r.validation.has_value());
  CHECK(r.validation->path == "/validation");
  CHECK(r.validation->attributes ==
        std::vector<std::pair<std::string, std::string>>{{"first_timestamp_iso", "2001-01-01"}, {"share", "0.25"}});
  REQUIRE(r.validation->metrics.has_value());
  CHECK(r.validation->metrics->at(0, "sharpe") == 1.5);
  CHECK(r.validation->metrics->at(1, "cagr") == 0.2);
  CHECK(r.validation->ranks == std::vector<std::int32_t>{2, 1});
  CHECK_FALSE(r.fold_metrics.has_value());  // no walk-forward: no per-fold metrics, and no error
  std::ostringstream spec;
  app::write_strategy_spec(spec, r, 1);
  CHECK(spec.str().find("metrics_per_fold") == std::string::npos);
}

TEST_CASE("results_reader: each best strategy's walk-forward fold metrics are read and exported into the spec",
          "[results_reader][spec][walk-forward]") {
  const SmallRun small("results_reader_fold_metrics");
  const std::size_t k = small.result.hall_of_fame.size();
  REQUIRE(k >= 2);
  {
    H5::H5File file(small.path.string(), H5F_ACC_RDWR);
    H5::Group wf = file.createGroup("validation").createGroup("walk_forward");
    H5::StrType text(H5::PredType::C_S1, H5T_VARIABLE);
    const hsize_t dims[3] = {k, 2, 2};  // k strategies x 2 folds x 2 metrics
    std::vector<double> values;
    for (std::size_t i = 0; i < k; ++i) {
      const auto x = static_cast<double>(i);
      for (double v : {1.0 + x, 0.1 * x, -2.0 - x, 0.5 + x}) values.push_back(v);
    }
    H5::DataSet metrics = wf.createDataSet("best_metrics", H5::PredType::IEEE_F64LE, H5::DataSpace(3, dims));
    metrics.write(values.data(), H5::PredType::NATIVE_DOUBLE);
    const hsize_t two = 2;
    const char* names[2] = {"sharpe", "cagr"};
    metrics.createAttribute("columns", text, H5::DataSpace(1, &two)).write(text, names);
    std::vector<std::int32_t> status(k * 2, 0);
    status[1] = 1;  // strategy 1, fold 2: non_finite
    wf.createDataSet("best_status", H5::PredType::STD_I32LE, H5::DataSpace(2, dims))
        .write(status.data(), H5::PredType::NATIVE_INT32);
    const hsize_t window_dims[2] = {2, 4};
    const std::int64_t windows[8] = {0, 200, 200, 300, 100, 300, 300, 400};
    wf.createDataSet("windows", H5::PredType::STD_I64LE, H5::DataSpace(2, window_dims))
        .write(windows, H5::PredType::NATIVE_INT64);
  }
  const RunResults r = ResultsReader(small.path).read();
  REQUIRE(r.fold_metrics.has_value());
  CHECK(r.fold_metrics->strategies == k);
  CHECK(r.fold_metrics->folds == 2);
  CHECK(r.fold_metrics->columns == std::vector<std::string>{"sharpe", "cagr"});
  CHECK(r.fold_metrics->windows == std::vector<std::int64_t>{0, 200, 200, 300, 100, 300, 300, 400});

  std::ostringstream text;
  app::write_strategy_spec(text, r, 2);
  const Json spec = Json::parse(text.str());
  for (std::size_t i = 0; i < 2; ++i) {
    INFO("strategy " << i);
    const Json& folds = spec["strategies"][i]["metrics_per_fold"];
    REQUIRE(folds.size() == 2);
    CHECK(folds[0]["fold"] == 1);
    CHECK(folds[1]["fold"] == 2);
    CHECK(folds[0]["train"] == Json::array({0, 200}));
    CHECK(folds[1]["test"] == Json::array({300, 400}));
    CHECK(folds[0]["first_timestamp"] == small.data.timestamps[200]);
    CHECK(folds[0]["last_timestamp"] == small.data.timestamps[299]);
    CHECK(folds[1]["last_timestamp"] == small.data.timestamps[399]);
    CHECK(folds[0]["test_period"] ==
          format_timestamp(small.data.timestamps[200]) + " .. " + format_timestamp(small.data.timestamps[299]));
    CHECK(folds[0]["metrics"]["sharpe"] == 1.0 + static_cast<double>(i));
    CHECK(folds[0]["metrics"]["cagr"] == 0.1 * static_cast<double>(i));
    CHECK(folds[1]["metrics"]["sharpe"] == -2.0 - static_cast<double>(i));
    CHECK(folds[1]["status"] == (i == 0 ? "non_finite" : "ok"));
  }
  CHECK(spec["strategies"].size() == 2);
}

TEST_CASE("results_reader: what is not a results file is one IoError naming it", "[results_reader]") {
  const auto dir = test::scratch_dir("results_reader_errors");
  CHECK_THROWS_MATCHES(ResultsReader(dir / "missing.h5"), IoError,
                       Catch::Matchers::Message((dir / "missing.h5").string() + ": no such file; expected a results file such as run.h5"));
  CHECK_THROWS_WITH(ResultsReader(dir), Contains("is a directory"));
  write_text(dir / "prices.csv", "Date,Close\n2020-01-01,1\n");
  CHECK_THROWS_MATCHES(ResultsReader(dir / "prices.csv"), IoError,
                       Catch::Matchers::Message((dir / "prices.csv").string() +
                                                ": not an HDF5 file; expected a genepool results file (written by "
                                                "genepool evolve --out)"));
  {
    H5::H5File file((dir / "other.h5").string(), H5F_ACC_TRUNC);
  }
  CHECK_THROWS_WITH(ResultsReader(dir / "other.h5"),
                    Contains("other.h5: not a genepool results file (no root attribute 'format'"));
  {
    H5::H5File file((dir / "market.h5").string(), H5F_ACC_TRUNC);
    H5::StrType text(H5::PredType::C_S1, H5T_VARIABLE);
    file.createAttribute("format", text, H5::DataSpace(H5S_SCALAR)).write(text, std::string("genepool-market-data"));
  }
  CHECK_THROWS_WITH(ResultsReader(dir / "market.h5"),
                    Contains("market.h5: not a genepool results file (root attribute format = \"genepool-market-data\""));
}

TEST_CASE("results_reader: a newer format or a missing object is refused, naming it", "[results_reader]") {
  const SmallRun small("results_reader_damaged");
  {
    H5::H5File file(small.path.string(), H5F_ACC_RDWR);
    file.unlink("/generations/median");
  }
  CHECK_THROWS_MATCHES(ResultsReader(small.path).read(), IoError,
                       Catch::Matchers::Message(small.path.string() +
                                                ": missing dataset '/generations/median' (the file does not follow "
                                                "docs/results-format.md)"));
  {
    H5::H5File file(small.path.string(), H5F_ACC_RDWR);
    const std::int32_t version = 2;
    file.openAttribute("format_version").write(H5::PredType::NATIVE_INT32, &version);
  }
  CHECK_THROWS_WITH(ResultsReader(small.path), Contains("format_version 2 is not one this genepool reads (1)"));
}
