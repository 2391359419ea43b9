#pragma once
// File strategies registered in the strategy registry beside the built-ins (strategy.hpp): each
// compiled once, with the interpreter as its reference kernel and the compiled evaluator as its
// chunk and batch kernels.
#include <vector>

#include "genepool/language/program.hpp"

namespace genepool::language {

// Registers `strategies` after the registered types, in order (ids after the built-ins'). Checks all
// of them first and registers none on an error: a ConfigError for the name of a built-in type, or
// for a name already registered with a different definition (naming both files); a strategy
// registered before with the same source is left as it is. Call it before any evaluation, with the
// same strategies on every rank.
void register_file_strategies(const std::vector<FileStrategy>& strategies);

// The relative cost of a backtest of the strategy (StrategyType::cost: ns per bar and symbol in a
// batch), estimated from its program: the work of each node at its longest lengths.
double estimated_cost(const Program& program);

}  // namespace genepool::language
