// `genepool export`: the best strategies of a run as a strategy spec (JSON), or every individual as CSV.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>

#include "genepool/app/commands.hpp"
#include "genepool/io/csv_text.hpp"
#include "genepool/number_text.hpp"
#include "genepool/error.hpp"
#include "genepool/ga/fitness.hpp"
#include "genepool/io/output_file.hpp"
#include "genepool/results/exit_gene_rows.hpp"
#include "genepool/results/results_reader.hpp"
#include "genepool/results/strategy_spec.hpp"

namespace genepool::app {
namespace {

constexpr std::size_t kRowsPerBlock = 65536;  // individuals read from the file at a time

struct ExportOptions {
  std::string file;
  std::string spec_out;
  std::size_t top = 0;  // 0: every strategy of /best
  bool population = false;
  std::string csv;
  bool final_only = false;
  bool force = false;
};

// Before anything is read: the output may replace neither the results file nor, without --force, any file.
void check_export_outputs(const ExportOptions& options) {
  const std::filesystem::path inputs[] = {options.file};
  const OutputPath outputs[] = {{options.spec_out, "best.json"}, {options.csv, "population.csv"}};
  check_outputs(inputs, outputs, options.force);
}

void export_spec(const ExportOptions& options) {
  const RunResults results = ResultsReader(options.file).read();
  if (results.best.empty())
    throw IoError(options.file + ": has no /best strategies to export (status " + results.provenance.status + ")");
  const std::size_t count = options.top == 0 ? results.best.size() : std::min(options.top, results.best.size());
  OutputFile file(options.spec_out, "best.json");
  write_strategy_spec(file.stream(), results, count);
  file.commit();
  std::cout << "wrote " << count << (count == 1 ? " strategy" : " strategies") << " of " << results.best.size()
            << " to " << options.spec_out << " (replay: genepool backtest --spec " << options.spec_out << " --data";
  for (const InputFile& input : results.inputs) std::cout << ' ' << input.path;
  std::cout << ")\n";
}

void export_population(const ExportOptions& options) {
  const ResultsReader reader(options.file);
  const RunResults results = reader.read();
  const std::size_t total = reader.individual_count(options.final_only);
  OutputFile file(options.csv, "population.csv");
  std::ostream& out = file.stream();
  bool header = false;
  std::string line;
  for (std::size_t first = 0; first < total || !header; first += kRowsPerBlock) {
    const IndividualRows rows = reader.individuals(first, kRowsPerBlock, options.final_only);
    if (!header) {
      out << "generation,index,strategy";
      for (std::size_t p = 0; p < kMaxParams; ++p) out << ",p" << p + 1;
      out << ",params";
      if (!rows.exits.empty())
        for (const std::string& key : exit_gene_columns()) out << ',' << key;
      out << ",fitness,feasible,status";
      for (const auto& column : rows.metrics.columns) out << ',' << csv_field(column);
      out << '\n';
      header = true;
    }
    const std::size_t width = rows.metrics.columns.size();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto id = static_cast<std::size_t>(rows.strategy[i]);
      const StoredStrategyType* type =
          rows.strategy[i] >= 0 && id < results.strategies.size() ? &results.strategies[id] : nullptr;
      const std::size_t used = type != nullptr ? std::min(type->param_names.size(), kMaxParams) : 0;
      line = std::to_string(rows.generation[i]) + ',' + std::to_string(rows.index[i]) + ',' +
             csv_field(type != nullptr ? type->name : "unknown");
      std::string params;
      for (std::size_t p = 0; p < kMaxParams; ++p) {
        const std::string value = p < used ? shortest(rows.params[i * kMaxParams + p]) : "";
        line += ',' + value;
        if (p < used) params += (p ? ";" : "") + type->param_names[p] + '=' + value;
      }
      const auto code = static_cast<std::size_t>(rows.status[i]);
      const std::string status = rows.status[i] >= 0 && code < results.status_names.size()
                                     ? results.status_names[code]
                                     : std::to_string(rows.status[i]);
      line += ',' + csv_field(params);
      for (std::size_t g = 0; g < kExitGenes && !rows.exits.empty(); ++g) {
        const double value = rows.exits[i * kExitGenes + g];
        line += ',' + (std::isnan(value) ? std::string() : shortest(value));
      }
      // The penalties of infeasible and failed individuals are ranks, not values: NaN, so that a
      // column mean is over the feasible ones.
      const bool feasible = rows.status[i] == 0 && rows.fitness[i] > kInfeasibleFitness;
      line += ',' + shortest(feasible ? rows.fitness[i] : std::numeric_limits<double>::quiet_NaN()) +
              (feasible ? ",true," : ",false,") + csv_field(status);
      for (std::size_t m = 0; m < width; ++m) line += ',' + shortest(rows.metrics.values[i * width + m]);
      out << line << '\n';
    }
  }
  file.commit();
  std::cout << "wrote " << total << " individuals" << (options.final_only ? " of the final generation" : "") << " to "
            << options.csv << '\n';
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "export", "Export the best strategies as a strategy spec (JSON) for `backtest --spec`, or every individual as CSV");
  auto options = std::make_shared<ExportOptions>();
  command->add_option("file", options->file, "Results file written by `genepool evolve --out`")->required();
  auto* out = command->add_option("--out", options->spec_out, "Write the best strategies as a strategy spec (JSON)");
  auto* top = command->add_option("--top", options->top, "Best strategies to put in the spec (all of /best when absent)")
                  ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  auto* population =
      command->add_flag("--population", options->population, "Export individuals as CSV (every generation)");
  auto* csv = command->add_option("--csv", options->csv, "CSV file for --population");
  auto* final_only = command->add_flag("--final", options->final_only, "With --population: the final generation only");
  command->add_flag("--force", options->force, "Replace an existing output file");
  top->needs(out);
  population->needs(csv);
  csv->needs(population);
  final_only->needs(population);
  out->excludes(population);
  command->callback([options] {
    if (options->spec_out.empty() && !options->population)
      throw ConfigError("export: choose what to export: --out FILE.json (strategy spec) or --population --csv FILE");
    check_export_outputs(*options);
    if (options->population) {
      export_population(*options);
    } else {
      export_spec(*options);
    }
  });
}

}  // namespace genepool::app
