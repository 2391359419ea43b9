#pragma once
// A genome's exit genes as a table row of the results file and the checkpoint: one column per
// ExitGene (the keys of exit_gene_columns()), NaN where the genome carries no such gene.
#include <string>
#include <utility>
#include <vector>

#include "genepool/strategies/genome.hpp"

namespace genepool {

// "stop-loss", "take-profit", ... in ExitGene order: the rows' columns.
std::vector<std::string> exit_gene_columns();

// The genes of a stored row (kExitGenes values, or none) by key: ("stop-loss", 0.05), ...
std::vector<std::pair<std::string, double>> evolved_exits(const std::vector<double>& row);

// kExitGenes values into `row`.
void exit_gene_row(const Genome& genome, double* row);

// The genes of `row` (kExitGenes values) into `genome`: a number is a gene, NaN none. Throws Error
// naming `where` for an infinite value.
void set_exit_genes(Genome& genome, const double* row, const std::string& where);

}  // namespace genepool
