#pragma once
// The strategy types behind the registry: each one's definition and its two kernels.
#include <cstddef>
#include <cstdint>

#include "genepool/strategies/strategy.hpp"

namespace genepool::strategies {

// Each type's registry entry: name, description, parameter space, kernels.
StrategyType sma_crossover_type();
StrategyType ema_crossover_type();
StrategyType rsi_reversion_type();
StrategyType bollinger_reversion_type();
StrategyType donchian_breakout_type();
StrategyType macd_type();
StrategyType ts_momentum_type();

// Optimised kernels (PositionKernel): the resumable kernel below over the whole series; O(bars), no
// allocation. They expect parameters that pass check_params and positive prices (validated data), and
// use the scratch that KernelScratch::reserve sizes (the prefix sums when the series has none).
void sma_crossover_kernel(const SymbolSeries& series, const double* params, bool allow_short,
                          std::int8_t* positions, KernelScratch& scratch);
void ema_crossover_kernel(const SymbolSeries& series, const double* params, bool allow_short,
                          std::int8_t* positions, KernelScratch& scratch);
void rsi_reversion_kernel(const SymbolSeries& series, const double* params, bool allow_short,
                          std::int8_t* positions, KernelScratch& scratch);
void bollinger_reversion_kernel(const SymbolSeries& series, const double* params, bool allow_short,
                                std::int8_t* positions, KernelScratch& scratch);
void donchian_breakout_kernel(const SymbolSeries& series, const double* params, bool allow_short,
                              std::int8_t* positions, KernelScratch& scratch);
void macd_kernel(const SymbolSeries& series, const double* params, bool allow_short, std::int8_t* positions,
                 KernelScratch& scratch);
void ts_momentum_kernel(const SymbolSeries& series, const double* params, bool allow_short,
                        std::int8_t* positions, KernelScratch& scratch);

// The same kernels, resumable over ranges of bars (ChunkKernel): what the Backtester runs.
void sma_crossover_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                         std::size_t begin, std::size_t end, std::int8_t* positions);
void ema_crossover_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                         std::size_t begin, std::size_t end, std::int8_t* positions);
void rsi_reversion_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                         std::size_t begin, std::size_t end, std::int8_t* positions);
void bollinger_reversion_chunk(const SymbolSeries& series, const double* params, bool allow_short,
                               KernelState& state, std::size_t begin, std::size_t end, std::int8_t* positions);
void donchian_breakout_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                             std::size_t begin, std::size_t end, std::int8_t* positions);
void macd_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                std::size_t begin, std::size_t end, std::int8_t* positions);
void ts_momentum_chunk(const SymbolSeries& series, const double* params, bool allow_short, KernelState& state,
                       std::size_t begin, std::size_t end, std::int8_t* positions);

// Reference kernels (ReferenceKernel): each indicator recomputed from its definition at every bar.
void sma_crossover_reference(const SymbolSeries& series, const double* params, bool allow_short,
                             std::int8_t* positions);
void ema_crossover_reference(const SymbolSeries& series, const double* params, bool allow_short,
                             std::int8_t* positions);
void rsi_reversion_reference(const SymbolSeries& series, const double* params, bool allow_short,
                             std::int8_t* positions);
void bollinger_reversion_reference(const SymbolSeries& series, const double* params, bool allow_short,
                                   std::int8_t* positions);
void donchian_breakout_reference(const SymbolSeries& series, const double* params, bool allow_short,
                                 std::int8_t* positions);
void macd_reference(const SymbolSeries& series, const double* params, bool allow_short, std::int8_t* positions);
void ts_momentum_reference(const SymbolSeries& series, const double* params, bool allow_short,
                           std::int8_t* positions);

}  // namespace genepool::strategies
