#pragma once
// The plain interpreter of a file strategy: every node's whole series, bar by bar, with obviously
// correct loops, then the rule. The reference the compiled evaluator must agree with exactly.
#include <cstdint>
#include <vector>

#include "genepool/language/program.hpp"

namespace genepool::language {

// Every node's value at every bar (NaN where undefined): values[node][t].
std::vector<std::vector<double>> node_series(const Program& program, const SymbolSeries& series,
                                             const double* params);

// The target position (-1, 0 or +1) of every bar into positions[0 .. series.bars), as a
// ReferenceKernel does; -1 only when allow_short. `params` must pass check_params of the
// strategy's parameter space; series.volume must be set when the program reads `volume`.
void interpret(const FileStrategy& strategy, const SymbolSeries& series, const double* params, bool allow_short,
               std::int8_t* positions);

}  // namespace genepool::language
