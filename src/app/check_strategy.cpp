// `genepool check-strategy FILE...`: the look-ahead check of every strategy of the files, on the
// bundled sample and on the data given; one verdict line per strategy, and a failing status when
// any strategy reads later bars (docs/strategy-language.md, "No look-ahead").
#include <iostream>

#include "genepool/app/commands.hpp"
#include "genepool/cli/data_options.hpp"
#include "genepool/cli/exit_request.hpp"
#include "genepool/cli/strategy_files.hpp"
#include "genepool/data/synthetic.hpp"
#include "genepool/error.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/language/strategy_file.hpp"

namespace genepool::app {
namespace {

struct CheckOptions {
  std::vector<std::string> files;
  DataOptions data;
  language::LookAheadSettings settings;
};

// The bundled sample's series: `genepool synth --symbols 1 --bars 2520 --seed 42` (data/README.md).
MarketData bundled_sample() {
  SyntheticSpec spec;
  spec.symbols = 1;
  spec.bars = 2520;
  spec.seed = 42;
  return generate_synthetic(spec);
}

int run_check(const CheckOptions& options) {
  const std::vector<language::FileStrategy> strategies = language::read_strategy_files(options.files);
  std::vector<std::pair<std::string, MarketData>> data{{"the bundled sample", bundled_sample()}};
  const CsvDialect dialect = options.data.dialect();
  for (const auto& source : options.data.sources())
    data.emplace_back(source.path.string(), load_market_data({source}, dialect));
  std::size_t failed = 0;
  for (const auto& strategy : strategies) {
    const StrategyType space = language::parameter_space(strategy);
    std::string verdict;
    std::size_t checks = 0;
    for (const auto& [name, bars] : data) {
      const language::LookAheadVerdict result = check_look_ahead(strategy, bars, options.settings);
      checks += result.checks;
      if (!result.passed) {
        verdict = "FAIL on " + name + ": " + result.summary(space);
        break;
      }
    }
    if (verdict.empty()) {
      verdict = "pass: no look-ahead in " + std::to_string(checks) + " checks on the bundled sample";
      for (const auto& file : options.data.data) verdict += ", " + file;
    } else {
      ++failed;
    }
    std::cout << strategy.file << ":" << strategy.line << ": " << strategy.name << ": " << verdict << '\n';
  }
  return failed == 0 ? 0 : static_cast<int>(ExitCode::look_ahead);
}

}  // namespace

void add_check_strategy_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "check-strategy", "Check that the strategies of strategy files never read later bars (the perturbation test)");
  auto options = std::make_shared<CheckOptions>();
  command->add_option("files", options->files, "Strategy files (TOML, docs/strategy-language.md)")
      ->required()
      ->check(CLI::ExistingFile);
  add_data_options(*command, options->data, "Market data files (CSV or HDF5) to check on too, each on its own");
  command->add_option("--genomes", options->settings.genomes, "Random genomes per strategy (the defaults first)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000}))->capture_default_str();
  command->add_option("--cuts", options->settings.cuts, "Cut points per genome and symbol")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000}))->capture_default_str();
  command->add_option("--seed", options->settings.seed, "Seed of the genomes and the rewritten futures")
      ->capture_default_str();
  command->callback([options] {
    if (const int status = run_check(*options); status != 0) throw ExitRequest{status};
  });
}

}  // namespace genepool::app
