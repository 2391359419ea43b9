#include "genepool/results/results.hpp"

#include <catch2/catch.hpp>

// NOTE: genepool_io links HDF5 privately; the read-back below needs HDF5::HDF5 linked to genepool_unit_tests
// (tests/CMakeLists.txt). Without it the file still compiles and one test case fails, saying so.
#if __has_include(<H5Cpp.h>)
#include <H5Cpp.h>
#define GENEPOOL_TEST_HAS_HDF5 1
#else
#define GENEPOOL_TEST_HAS_HDF5 0
#endif

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/strategies/strategy.hpp"
#include "helpers.hpp"

using namespace genepool;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// One of the best strategies with its curve, as the writer's curve function would compute it.
struct FakeBest {
  HallOfFameEntry entry;
  BacktestCurve curve;
};

// ResultsWriter::finish with `best`'s entries and stored curves.
void finish(ResultsWriter& writer, const EvolutionResult& result, const std::vector<FakeBest>& best) {
  std::vector<HallOfFameEntry> entries;
  for (const FakeBest& b : best) entries.push_back(b.entry);
  writer.finish(result, entries, [&](const HallOfFameEntry& entry, BacktestCurve& curve, std::vector<Trade>& trades) {
    curve = best[static_cast<std::size_t>(&entry - entries.data())].curve;
    trades.clear();
  });
}

// A small hand-made run: 2 symbols × 6 daily bars, 3 generations of 4 individuals, 2 best strategies.
struct FakeRun {
  MarketData data;
  EvolutionSettings evolution;
  ExecutionSettings execution;
  RunInfo run;
  std::vector<std::vector<Genome>> populations;
  std::vector<std::vector<Evaluation>> evaluations;
  std::vector<std::vector<double>> fitness;
  EvolutionResult result;
  std::vector<FakeBest> best;

  static constexpr std::size_t kBars = 6;
  static constexpr std::size_t kPopulation = 4;
  static constexpr std::size_t kGenerations = 3;  // the initial one and 2 more

  FakeRun() {
    data.symbols = {"AAA", "BBB"};
    for (std::size_t t = 0; t < kBars; ++t) data.timestamps.push_back(1577836800 + static_cast<std::int64_t>(t) * 86400);
    for (PriceMatrix* m : {&data.open, &data.high, &data.low, &data.close, &data.volume})
      *m = PriceMatrix::Constant(static_cast<Eigen::Index>(kBars), 2, 100.0);

    evolution.ga.population = kPopulation;
    evolution.ga.generations = kGenerations - 1;
    evolution.seed = 7;
    evolution.hall_of_fame = 3;
    execution.allow_short = true;
    execution.cost = 0.001;

    run.config_text = "[ga]\npopulation = 4\ngenerations = 2\n# \xc3\xa9t\xc3\xa9 (UTF-8)\n";
    run.command_line = "genepool evolve --config run.toml --out run.h5";
    run.seed = 7;
    run.ranks = 3;
    run.host = "testhost";
    run.inputs = {{"prices.csv", std::string(64, 'a'), 1234}};
    run.data_bytes = 576;
    run.broadcast_seconds = 0.25;

    const auto& registry = strategy_registry();
    for (std::size_t g = 0; g < kGenerations; ++g) {
      std::vector<Genome> population;
      std::vector<Evaluation> evals;
      std::vector<double> fit;
      GenerationStats stats;
      stats.generation = g;
      for (std::size_t i = 0; i < kPopulation; ++i) {
        Genome genome;
        genome.strategy = static_cast<std::uint32_t>(i % registry.size());
        const auto& params = registry[genome.strategy].params;
        for (std::size_t p = 0; p < params.size(); ++p) genome.params[p] = params[p].default_value;
        Evaluation e;
        e.metrics.sharpe = static_cast<double>(g) + 0.1 * static_cast<double>(i);
        e.metrics.trades = static_cast<double>(10 * g + i);
        e.metrics.bars = static_cast<double>(kBars - 1);
        const bool failed = g == 1 && i == 2;
        if (failed) {
          e = Evaluation{};
          e.status = EvalStatus::exception;
        }
        population.push_back(genome);
        evals.push_back(e);
        fit.push_back(failed ? kFailedFitness : e.metrics.sharpe);
        if (failed) ++stats.failed;
      }
      stats.best_index = static_cast<std::size_t>(std::max_element(fit.begin(), fit.end()) - fit.begin());
      stats.best = fit[stats.best_index];
      stats.mean = static_cast<double>(g) + 0.1;
      stats.median = stats.mean;
      stats.std = 0.05;
      stats.evaluate_seconds = 0.5;
      stats.communicate_seconds = 0.01;
      stats.operator_seconds = 0.001;
      stats.imbalance = 1.2;
      stats.cache_hits = g == 0 ? 0 : 1;
      stats.evaluated = kPopulation - stats.cache_hits;
      result.history.push_back(stats);
      result.evaluations_total += kPopulation;
      result.evaluated_total += stats.evaluated;
      result.cache_hits_total += stats.cache_hits;
      result.failed_total += stats.failed;
      populations.push_back(population);
      evaluations.push_back(evals);
      fitness.push_back(fit);
    }
    result.population = populations.back();
    result.evaluations = evaluations.back();
    result.fitness = fitness.back();
    // Given out of order: the writer stores them best first.
    for (std::size_t i : {1UL, 3UL}) {
      FakeBest b{{result.population[i], result.evaluations[i], result.fitness[i], i % kGenerations}, {}};
      for (std::size_t t = 0; t < kBars; ++t) b.curve.equity.push_back(1.0 + 0.01 * static_cast<double>(t * i));
      result.hall_of_fame.push_back(b.entry);
      best.push_back(b);
    }
  }

  void feed(ResultsWriter& writer) const {
    for (std::size_t g = 0; g < populations.size(); ++g)
      writer.on_generation(GenerationView{result.history[g], populations[g], evaluations[g], fitness[g]});
  }

  void write(const fs::path& path, bool force = false) const {
    ResultsWriter writer(path, force, run, data, evolution, execution);
    feed(writer);
    finish(writer, result, best);
  }
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<std::size_t>(fs::file_size(path)), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

// Every HDF5 file starts with this signature (at offset 0 when there is no user block).
bool is_hdf5(const fs::path& path) { return read_file(path).rfind("\x89HDF\r\n\x1a\n", 0) == 0; }

void write_text_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

TEST_CASE("results: the file appears only after finish()", "[results]") {
  const auto dir = test::scratch_dir("results-atomic");
  const auto path = dir / "run.h5";
  const FakeRun fake;
  ResultsWriter writer(path, false, fake.run, fake.data, fake.evolution, fake.execution);
  CHECK(writer.partial_path() == fs::path(path.string() + ".partial"));
  CHECK(fs::exists(writer.partial_path()));
  CHECK_FALSE(fs::exists(path));
  fake.feed(writer);
  CHECK(fs::exists(writer.partial_path()));
  CHECK_FALSE(fs::exists(path));
  finish(writer, fake.result, fake.best);
  CHECK(fs::exists(path));
  CHECK_FALSE(fs::exists(writer.partial_path()));
  CHECK(is_hdf5(path));
  CHECK_THROWS_WITH(finish(writer, fake.result, fake.best), Contains("finish() called twice"));
}

TEST_CASE("results: an existing file is refused without --force and replaced with it", "[results]") {
  const auto dir = test::scratch_dir("results-force");
  const auto path = dir / "run.h5";
  write_text_file(path, "an older run");
  const FakeRun fake;

  CHECK_THROWS_AS(ResultsWriter(path, false, fake.run, fake.data, fake.evolution, fake.execution), IoError);
  CHECK_THROWS_WITH(ResultsWriter(path, false, fake.run, fake.data, fake.evolution, fake.execution),
                    Contains(path.string()) && Contains("already exists") && Contains("--force"));
  CHECK(read_file(path) == "an older run");
  CHECK_FALSE(fs::exists(path.string() + ".partial"));

  {
    ResultsWriter writer(path, true, fake.run, fake.data, fake.evolution, fake.execution);
    fake.feed(writer);
    CHECK(read_file(path) == "an older run");  // untouched until finish()
    finish(writer, fake.result, fake.best);
  }
  CHECK(is_hdf5(path));
}

TEST_CASE("results: a writer dropped without finish() removes its partial file only", "[results]") {
  const auto dir = test::scratch_dir("results-abandon");
  const FakeRun fake;

  SECTION("a new file") {
    const auto path = dir / "run.h5";
    {
      ResultsWriter writer(path, false, fake.run, fake.data, fake.evolution, fake.execution);
      fake.feed(writer);
    }
    CHECK_FALSE(fs::exists(path));
    CHECK_FALSE(fs::exists(path.string() + ".partial"));
    CHECK(fs::is_empty(dir));
  }
  SECTION("replacing an existing file with force") {
    const auto path = dir / "old.h5";
    write_text_file(path, "an older run");
    {
      ResultsWriter writer(path, true, fake.run, fake.data, fake.evolution, fake.execution);
      fake.feed(writer);
    }
    CHECK(read_file(path) == "an older run");
    CHECK_FALSE(fs::exists(path.string() + ".partial"));
  }
}

TEST_CASE("results: inconsistent input is refused with the reason", "[results]") {
  const auto dir = test::scratch_dir("results-inconsistent");
  const auto path = dir / "run.h5";
  FakeRun fake;

  SECTION("a seed that is not the evolution's") {
    fake.run.seed = 8;
    CHECK_THROWS_WITH(ResultsWriter(path, false, fake.run, fake.data, fake.evolution, fake.execution),
                      Contains("seed 8") && Contains("seed 7"));
  }
  SECTION("a writer that missed generations") {
    ResultsWriter writer(path, false, fake.run, fake.data, fake.evolution, fake.execution);
    writer.on_generation(GenerationView{fake.result.history[0], fake.populations[0], fake.evaluations[0], fake.fitness[0]});
    CHECK_THROWS_WITH(finish(writer, fake.result, fake.best), Contains("recorded 1 generations") && Contains("has 3"));
  }
  SECTION("an equity curve that is not one value per bar") {
    fake.best[1].curve.equity.pop_back();
    ResultsWriter writer(path, false, fake.run, fake.data, fake.evolution, fake.execution);
    fake.feed(writer);
    CHECK_THROWS_WITH(finish(writer, fake.result, fake.best), Contains("5 values") && Contains("one per bar (6)"));
  }
  SECTION("a generation whose spans disagree") {
    ResultsWriter writer(path, false, fake.run, fake.data, fake.evolution, fake.execution);
    const std::span<const double> short_fitness(fake.fitness[0].data(), 3);
    CHECK_THROWS_WITH(
        writer.on_generation(GenerationView{fake.result.history[0], fake.populations[0], fake.evaluations[0], short_fitness}),
        Contains("4 genomes") && Contains("3 fitness values"));
  }
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("results: an HDF5 failure is one IoError naming the file and the object", "[results]") {
  const auto dir = test::scratch_dir("results-hdf5-error");
  const auto path = dir / "run.h5";
  fs::create_directory(path.string() + ".partial");  // HDF5 cannot create a file there
  const FakeRun fake;
  CHECK_THROWS_AS(ResultsWriter(path, false, fake.run, fake.data, fake.evolution, fake.execution), IoError);
  CHECK_THROWS_WITH(ResultsWriter(path, false, fake.run, fake.data, fake.evolution, fake.execution),
                    Contains(path.string() + ": cannot write " + path.string() +
                             ".partial: an I/O error (Is a directory), writing file") &&
                        Contains("; no results file was written"));
}

#if GENEPOOL_TEST_HAS_HDF5
namespace {

std::string text_attribute(const H5::H5Object& object, const char* name) {
  const H5::Attribute a = object.openAttribute(name);
  std::string value;
  a.read(a.getStrType(), value);
  return value;
}

template <class T>
T number_attribute(const H5::H5Object& object, const char* name, const H5::PredType& type) {
  T value{};
  object.openAttribute(name).read(type, &value);
  return value;
}

std::vector<std::string> read_strings(const H5::DataSet& set) {
  const H5::DataSpace space = set.getSpace();
  std::vector<char*> raw(static_cast<std::size_t>(space.getSimpleExtentNpoints()), nullptr);
  const H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  if (!raw.empty()) set.read(raw.data(), type);
  std::vector<std::string> out;
  for (char* s : raw) out.emplace_back(s ? s : "");
  if (!raw.empty()) H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, raw.data());
  return out;
}

std::vector<std::string> string_attribute(const H5::H5Object& object, const char* name) {
  const H5::Attribute a = object.openAttribute(name);
  std::vector<char*> raw(static_cast<std::size_t>(a.getSpace().getSimpleExtentNpoints()), nullptr);
  const H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  a.read(type, raw.data());
  std::vector<std::string> out;
  for (char* s : raw) {
    out.emplace_back(s ? s : "");
    std::free(s);
  }
  return out;
}

std::vector<hsize_t> dims(const H5::DataSet& set) {
  const H5::DataSpace space = set.getSpace();
  std::vector<hsize_t> d(static_cast<std::size_t>(space.getSimpleExtentNdims()));
  if (!d.empty()) space.getSimpleExtentDims(d.data());
  return d;
}

template <class T>
std::vector<T> read_numbers(const H5::DataSet& set, const H5::PredType& type) {
  std::vector<T> values(static_cast<std::size_t>(set.getSpace().getSimpleExtentNpoints()));
  if (!values.empty()) set.read(values.data(), type);
  return values;
}

std::vector<double> read_doubles(const H5::H5File& file, const char* path) {
  return read_numbers<double>(file.openDataSet(path), H5::PredType::NATIVE_DOUBLE);
}
std::vector<std::int32_t> read_ints(const H5::H5File& file, const char* path) {
  return read_numbers<std::int32_t>(file.openDataSet(path), H5::PredType::NATIVE_INT32);
}

std::size_t metric_column(const char* name) {
  const auto& fields = metric_fields();
  for (std::size_t m = 0; m < fields.size(); ++m)
    if (fields[m].name == name) return m;
  FAIL("no metric " << name);
  return 0;
}

}  // namespace

TEST_CASE("results: a resumed run records its checkpoint's times exactly, then continues them", "[results]") {
  const auto dir = test::scratch_dir("results-elapsed");
  const auto path = dir / "run.h5";
  const FakeRun fake;
  {
    ResultsWriter writer(path, false, fake.run, fake.data, fake.evolution, fake.execution);
    // Generations 0 and 1 replayed from a checkpoint whose times are a microsecond apart; 2 is live.
    const double recorded[2] = {0.25, 0.250001};
    for (std::size_t g = 0; g < 2; ++g) {
      writer.set_elapsed_seconds(recorded[g]);
      writer.on_generation(GenerationView{fake.result.history[g], fake.populations[g], fake.evaluations[g], fake.fitness[g]});
      CHECK(writer.elapsed_seconds() == recorded[g]);
    }
    writer.on_generation(GenerationView{fake.result.history[2], fake.populations[2], fake.evaluations[2], fake.fitness[2]});
    CHECK(writer.elapsed_seconds() >= recorded[1]);
    finish(writer, fake.result, fake.best);
  }
  H5::H5File file(path.string(), H5F_ACC_RDONLY);
  const std::vector<double> elapsed = read_doubles(file, "/generations/elapsed_seconds");
  REQUIRE(elapsed.size() == 3);
  CHECK(elapsed[0] == 0.25);
  CHECK(elapsed[1] == 0.250001);
  CHECK(elapsed[2] >= elapsed[1]);
}

TEST_CASE("results: the file reads back with the HDF5 C++ API", "[results]") {
  const auto dir = test::scratch_dir("results-read");
  const auto path = dir / "run.h5";
  const FakeRun fake;
  fake.write(path);
  const auto types = strategy_registry().size();
  constexpr auto P = FakeRun::kPopulation;
  constexpr auto G = FakeRun::kGenerations;
  constexpr auto B = FakeRun::kBars;

  H5::H5File file(path.string(), H5F_ACC_RDONLY);
  CHECK(text_attribute(file, "format") == "genepool-results");
  CHECK(number_attribute<int>(file, "format_version", H5::PredType::NATIVE_INT) == 1);
  CHECK(text_attribute(file, "status") == "complete");
  CHECK(text_attribute(file, "host") == "testhost");
  CHECK(text_attribute(file, "command_line") == fake.run.command_line);
  CHECK(number_attribute<int>(file, "ranks", H5::PredType::NATIVE_INT) == 3);
  CHECK(number_attribute<std::uint64_t>(file, "seed", H5::PredType::NATIVE_UINT64) == 7);
  CHECK(text_attribute(file, "start_time").size() == 20);  // 2024-05-01T12:34:56Z
  CHECK(text_attribute(file, "end_time").back() == 'Z');

  const H5::DataSet config = file.openDataSet("/config");
  std::string config_text;
  config.read(config_text, config.getStrType());
  CHECK(config_text == fake.run.config_text);
  CHECK(config.getStrType().getCset() == H5T_CSET_UTF8);
  CHECK(number_attribute<std::int64_t>(config, "population", H5::PredType::NATIVE_INT64) == 4);
  CHECK(number_attribute<double>(config, "cost", H5::PredType::NATIVE_DOUBLE) == 0.001);
  CHECK(number_attribute<std::int8_t>(config, "allow_short", H5::PredType::NATIVE_INT8) == 1);
  CHECK(number_attribute<double>(config, "bars_per_year", H5::PredType::NATIVE_DOUBLE) == Approx(365.2425));
  CHECK(text_attribute(config, "objective") == "sharpe");

  CHECK(read_strings(file.openDataSet("/inputs/path")) == std::vector<std::string>{"prices.csv"});
  CHECK(read_strings(file.openDataSet("/data/symbols")) == fake.data.symbols);
  CHECK(read_numbers<std::int64_t>(file.openDataSet("/data/timestamps"), H5::PredType::NATIVE_INT64) == fake.data.timestamps);
  const H5::Group data = file.openGroup("/data");
  CHECK(text_attribute(data, "first_timestamp_iso") == "2020-01-01T00:00:00Z");
  CHECK(text_attribute(data, "last_timestamp_iso") == "2020-01-06T00:00:00Z");
  CHECK(number_attribute<double>(data, "broadcast_seconds", H5::PredType::NATIVE_DOUBLE) == 0.25);

  CHECK(dims(file.openDataSet("/strategies/name")) == std::vector<hsize_t>{types});
  CHECK(dims(file.openDataSet("/strategies/param_names")) == std::vector<hsize_t>{types, kMaxParams});
  const auto param_names = read_strings(file.openDataSet("/strategies/param_names"));
  const auto& first_type = strategy_registry().front();
  CHECK(param_names[0] == first_type.params[0].name);
  if (first_type.params.size() < kMaxParams) CHECK(param_names[kMaxParams - 1].empty());

  CHECK(dims(file.openDataSet("/generations/best")) == std::vector<hsize_t>{G});
  CHECK(read_ints(file, "/generations/generation") == std::vector<std::int32_t>{0, 1, 2});
  CHECK(read_ints(file, "/generations/failed") == std::vector<std::int32_t>{0, 1, 0});
  const auto best = read_doubles(file, "/generations/best");
  for (std::size_t g = 0; g < G; ++g) CHECK(best[g] == fake.result.history[g].best);

  CHECK(dims(file.openDataSet("/individuals/metrics")) == std::vector<hsize_t>{G * P, kMetricCount});
  CHECK(dims(file.openDataSet("/individuals/params")) == std::vector<hsize_t>{G * P, kMaxParams});
  CHECK(string_attribute(file.openDataSet("/individuals/metrics"), "columns").size() == kMetricCount);
  CHECK(string_attribute(file.openDataSet("/individuals/status"), "names") ==
        std::vector<std::string>{"ok", "non_finite", "exception", "invalid_genome"});
  const auto metrics = read_doubles(file, "/individuals/metrics");
  const std::size_t sharpe = metric_column("sharpe");
  CHECK(metrics[(2 * P + 3) * kMetricCount + sharpe] == Approx(2.3));  // generation 2, individual 3
  const auto status = read_ints(file, "/individuals/status");
  CHECK(status[1 * P + 2] == static_cast<std::int32_t>(EvalStatus::exception));
  CHECK(read_doubles(file, "/individuals/fitness")[1 * P + 2] == kFailedFitness);
  CHECK(read_ints(file, "/individuals/index") == std::vector<std::int32_t>{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3});

  CHECK(dims(file.openDataSet("/population/fitness")) == std::vector<hsize_t>{P});
  CHECK(read_ints(file, "/population/generation") == std::vector<std::int32_t>(P, 2));

  CHECK(read_ints(file, "/best/rank") == std::vector<std::int32_t>{1, 2});
  CHECK(read_doubles(file, "/best/fitness") == std::vector<double>{fake.result.fitness[3], fake.result.fitness[1]});
  CHECK(dims(file.openDataSet("/best/equity")) == std::vector<hsize_t>{2, B});
  CHECK(read_doubles(file, "/best/equity")[B - 1] == Approx(1.0 + 0.01 * 5 * 3));  // best first: individual 3
  CHECK(read_numbers<std::int64_t>(file.openDataSet("/best/timestamps"), H5::PredType::NATIVE_INT64) == fake.data.timestamps);
  H5L_info_t link{};
  REQUIRE(H5Lget_info(file.getId(), "/best/timestamps", &link, H5P_DEFAULT) >= 0);
  CHECK(link.type == H5L_TYPE_SOFT);

  const H5::Group summary = file.openGroup("/summary");
  CHECK(number_attribute<std::int64_t>(summary, "evaluations_total", H5::PredType::NATIVE_INT64) == 12);
  CHECK(number_attribute<std::int64_t>(summary, "failed_total", H5::PredType::NATIVE_INT64) == 1);
  CHECK(number_attribute<std::int64_t>(summary, "evaluated_total", H5::PredType::NATIVE_INT64) == 10);
  CHECK(number_attribute<std::int64_t>(summary, "cache_hits_total", H5::PredType::NATIVE_INT64) == 2);
  CHECK(number_attribute<double>(summary, "wall_seconds", H5::PredType::NATIVE_DOUBLE) >= 0);
}
#else
TEST_CASE("results: the file reads back with the HDF5 C++ API", "[results]") {
  FAIL("H5Cpp.h is not visible to the unit tests: link HDF5::HDF5 to genepool_unit_tests in tests/CMakeLists.txt");
}
#endif

TEST_CASE("results: Debian's h5py validates the layout and h5dump reads the header", "[results]") {
  const auto dir = test::scratch_dir("results-h5py");
  const FakeRun fake;
  const auto full = dir / "run.h5";
  fake.write(full);
  // An edge case: no input files, no best strategies.
  FakeRun bare;
  bare.run.inputs.clear();
  bare.best.clear();
  const auto empty = dir / "bare.h5";
  bare.write(empty);

  const std::string script = std::string(GENEPOOL_SOURCE_DIR) + "/tests/e2e/read_results.py";
  for (const auto& file : {full, empty}) {
    const std::string validate = "/usr/bin/python3 " + script + " " + file.string();
    INFO(validate);
    CHECK(std::system(validate.c_str()) == 0);
    const std::string dump = "h5dump -H " + file.string() + " > " + file.string() + ".header";
    INFO(dump);
    CHECK(std::system(dump.c_str()) == 0);
  }
  CHECK_THAT(read_file(full.string() + ".header"), Contains("/data/timestamps") && Contains("individuals"));

  // The validator fails loudly on a file that breaks the layout.
  const std::string drop = "/usr/bin/python3 -c \"import h5py; del h5py.File('" + full.string() + "', 'r+')['/best/equity']\"";
  REQUIRE(std::system(drop.c_str()) == 0);
  const std::string broken = "/usr/bin/python3 " + script + " " + full.string() + " 2> " + dir.string() + "/stderr";
  CHECK(std::system(broken.c_str()) != 0);
  CHECK_THAT(read_file(dir / "stderr"), Contains("/best/equity"));
}
