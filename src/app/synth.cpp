// `genepool synth`: deterministic synthetic market data, written as CSV or HDF5 by extension.
#include <iostream>

#include "genepool/app/commands.hpp"
#include "genepool/io/market_data_io.hpp"
#include "genepool/io/output_file.hpp"
#include "genepool/data/synthetic.hpp"

namespace genepool::app {
namespace {

struct SynthOptions {
  SyntheticSpec spec;
  std::string out;
  bool force = false;
  bool quiet = false;
};

void run_synth(const SynthOptions& options) {
  const OutputPath outputs[] = {{options.out, "prices.csv"}};
  check_outputs({}, outputs, options.force);
  const MarketData data = generate_synthetic(options.spec);
  save_market_data(data, options.out);
  if (!options.quiet) {
    std::cout << "wrote " << options.out << ": " << data.symbol_count() << " symbol(s) x " << data.bars()
              << " bars, seed " << options.spec.seed << '\n';
  }
}

}  // namespace

void add_synth_command(CLI::App& app) {
  auto* command = app.add_subcommand("synth", "Make synthetic market data (deterministic by seed)");
  auto options = std::make_shared<SynthOptions>();
  auto& spec = options->spec;
  command->add_option("--out", options->out, "Output file: .csv (one symbol) or .h5 (any number of symbols)")
      ->required();
  command->add_option_function<std::string>(
             "--model",
             [&spec](const std::string& text) {
               spec.model = text == "gbm" ? SyntheticModel::gbm : SyntheticModel::regime;
             },
             "regime (regimes, volatility clustering, correlated symbols) or gbm (geometric Brownian motion)")
      ->check(CLI::IsMember({"regime", "gbm"}))
      ->default_str("regime");
  command->add_option("--symbols", spec.symbols, "Number of symbols")->check(CLI::Range(1, 10000))->capture_default_str();
  command->add_option("--bars", spec.bars, "Bars per symbol")->check(CLI::Range(2, 100000000))->capture_default_str();
  command->add_option("--seed", spec.seed, "Random seed")->capture_default_str();
  command->add_option("--drift", spec.drift, "Expected return per bar")->capture_default_str();
  command->add_option("--volatility", spec.volatility, "Volatility per bar")->capture_default_str();
  command->add_option("--start-price", spec.start_price, "First close")->capture_default_str();
  command->add_option("--correlation", spec.correlation, "Loading of each symbol on the common market factor (regime)")
      ->capture_default_str();
  command->add_option("--bar-seconds", spec.bar_seconds, "Seconds between bars; 86400 makes business days")
      ->capture_default_str();
  command->add_flag("--force", options->force, "Replace an existing output file");
  command->add_flag("--quiet", options->quiet, "Print nothing on success");
  command->callback([options] { run_synth(*options); });
}

}  // namespace genepool::app
