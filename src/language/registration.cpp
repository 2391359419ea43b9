// File strategies into the strategy registry: their kernels from the compiled program and the interpreter.
#include "genepool/language/registration.hpp"

#include <memory>
#include <string>

#include "genepool/error.hpp"
#include "genepool/language/compiled.hpp"
#include "genepool/language/interpreter.hpp"
#include "genepool/language/strategy_file.hpp"

namespace genepool::language {

namespace {

std::string where(const FileStrategy& strategy) { return strategy.file + ":" + std::to_string(strategy.line); }

StrategyType file_strategy_type(const FileStrategy& strategy) {
  auto program = std::make_shared<const CompiledProgram>(strategy);
  auto definition = std::shared_ptr<const FileStrategy>(program, &program->strategy());
  StrategyType type = parameter_space(strategy);
  type.cost = estimated_cost(strategy.program);
  type.buffer_size = program->buffer_size();
  type.chunk_kernel = [program](const SymbolSeries& series, const double* params, bool allow_short,
                                KernelState& state, std::size_t begin, std::size_t end, std::int8_t* positions) {
    program->chunk_kernel(series, params, allow_short, state, begin, end, positions);
  };
  type.reference_kernel = [definition](const SymbolSeries& series, const double* params, bool allow_short,
                                        std::int8_t* positions) {
    interpret(*definition, series, params, allow_short, positions);
  };
  type.batch_kernel = [program](std::size_t genomes, std::size_t symbols, std::size_t chunk) {
    return std::unique_ptr<BatchKernel>(std::make_unique<BatchEvaluator>(program, genomes, symbols, chunk));
  };
  type.definition = std::move(definition);
  return type;
}

}  // namespace

void register_file_strategies(const std::vector<FileStrategy>& strategies) {
  std::vector<const FileStrategy*> fresh;
  for (const FileStrategy& strategy : strategies) {
    bool known = false;
    for (const StrategyType& type : strategy_registry()) {
      if (type.name != strategy.name) continue;
      if (type.built_in()) {
        throw ConfigError(where(strategy) + ": strategy '" + strategy.name +
                          "': the name of a built-in strategy type; choose another name");
      }
      if (type.definition->source != strategy.source) {
        throw ConfigError(where(strategy) + ": strategy '" + strategy.name + "' is already defined differently in " +
                          where(*type.definition));
      }
      known = true;
    }
    for (const FileStrategy* other : fresh) {
      if (other->name != strategy.name) continue;
      if (other->source != strategy.source) {
        throw ConfigError(where(strategy) + ": strategy '" + strategy.name + "' is already defined differently in " +
                          where(*other));
      }
      known = true;
    }
    if (!known) fresh.push_back(&strategy);
  }
  std::vector<StrategyType> types;  // all compiled before any is registered
  for (const FileStrategy* strategy : fresh) types.push_back(file_strategy_type(*strategy));
  for (StrategyType& type : types) add_file_strategy_type(std::move(type));
}

double estimated_cost(const Program& program) {
  // NOTE: ns per bar and genome on W1's data (docs/benchmarks.md): about 0.5 per operation, and the
  // window functions that read their whole window at each bar about 0.3 per bar of it.
  double cost = 0.5;
  for (std::size_t i = 0; i < program.nodes.size(); ++i) {
    const Node& node = program.nodes[i];
    if (node.scalar) continue;
    cost += 0.5;
    if (node.op == Op::wma || node.op == Op::stdev || node.op == Op::highest || node.op == Op::lowest) {
      cost += 0.3 * static_cast<double>(program.max_length[i]);
    }
  }
  return cost;
}

}  // namespace genepool::language
