#include "genepool/results/exit_gene_rows.hpp"

#include <cmath>
#include <limits>

#include "genepool/backtest/execution.hpp"
#include "genepool/error.hpp"

namespace genepool {

std::vector<std::string> exit_gene_columns() {
  std::vector<std::string> columns;
  for (const ExitGeneSpec& spec : exit_gene_specs()) columns.emplace_back(spec.key);
  return columns;
}

std::vector<std::pair<std::string, double>> evolved_exits(const std::vector<double>& row) {
  std::vector<std::pair<std::string, double>> genes;
  for (std::size_t g = 0; g < row.size() && g < kExitGenes; ++g)
    if (!std::isnan(row[g])) genes.emplace_back(exit_gene_specs()[g].key, row[g]);
  return genes;
}

void exit_gene_row(const Genome& genome, double* row) {
  for (std::size_t g = 0; g < kExitGenes; ++g)
    row[g] = genome.has_gene(static_cast<ExitGene>(g)) ? genome.exits[g] : std::numeric_limits<double>::quiet_NaN();
}

void set_exit_genes(Genome& genome, const double* row, const std::string& where) {
  genome.exit_genes = 0;
  genome.exits = {};
  for (std::size_t g = 0; g < kExitGenes; ++g) {
    if (std::isnan(row[g])) continue;
    if (!std::isfinite(row[g]))
      throw Error(where + ": exit gene '" + std::string(exit_gene_specs()[g].key) +
                  "' is infinite; expected a number or NaN (none)");
    genome.exit_genes |= 1u << g;
    genome.exits[g] = row[g];
  }
}

}  // namespace genepool
