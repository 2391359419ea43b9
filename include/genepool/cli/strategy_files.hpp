#pragma once
// File strategies on the command line (docs/strategy-language.md): `--strategy-file FILE`
// (repeatable) and the config key `strategy-files`, read on rank 0, checked, registered beside the
// built-ins, and sent as their source text to the other ranks, the results file and the spec.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "genepool/data/market_data.hpp"
#include "genepool/language/look_ahead.hpp"
#include "genepool/language/program.hpp"
#include "genepool/parallel/parallel.hpp"
#include "genepool/results/results.hpp"

namespace genepool::app {

// Adds `--strategy-file FILE` (repeatable; in a config file `strategy-files = [...]`, relative to it).
void add_strategy_file_option(CLI::App& command, std::vector<std::string>& paths);

// Reads and checks the strategies of `paths` (language::read_strategy_files) and registers them
// beside the built-ins; returns them. Every error is one ConfigError line naming the file.
std::vector<language::FileStrategy> load_strategy_files(const std::vector<std::string>& paths);

// Each strategy's name, file and source text.
std::vector<StrategySource> sources_of(const std::vector<language::FileStrategy>& strategies);

// The sources' SHA-256s as TOML lines `strategy-sources.NAME="HEX"`, one per line, each ending in a
// newline: part of the run's recorded configuration, so that a resume refuses an edited strategy.
std::string sources_text(const std::vector<StrategySource>& sources);

// Parses `source` (one strategy's own TOML table, as stored in results files and specs) as if read
// from `file` and registers it; returns it. A ConfigError when it is no single valid strategy or its
// name is registered with another definition.
language::FileStrategy register_source(const std::string& file, const std::string& source);

// Rank 0's file strategies on every rank: rank 0 broadcasts their files and sources (one broadcast,
// before any evaluation), every other rank registers them from the sources: the same registry on
// every rank. `on_root` is read on rank 0 only.
void share_file_strategies(const parallel::Session& session, const std::vector<StrategySource>& on_root);

// The look-ahead check (language/look_ahead.hpp) of the plain interpreter of `strategy` on `data`.
language::LookAheadVerdict check_look_ahead(const language::FileStrategy& strategy, const MarketData& data,
                                            const language::LookAheadSettings& settings);

// Rank 0 before `evolve`: a cheap look-ahead check (2 genomes, 3 cuts, at most the first 2000 bars of
// `data`) of each strategy; throws ConfigError "FILE:LINE: strategy 'NAME': reads later bars: ..." for
// the first that fails (genepool check-strategy runs the full check).
void refuse_look_ahead(const std::vector<language::FileStrategy>& strategies, const MarketData& data);

}  // namespace genepool::app
