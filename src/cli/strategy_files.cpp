#include "genepool/cli/strategy_files.hpp"

#include <algorithm>

#include "genepool/data/bar_window.hpp"
#include "genepool/error.hpp"
#include "genepool/io/fingerprint.hpp"
#include "genepool/language/interpreter.hpp"
#include "genepool/language/registration.hpp"
#include "genepool/language/strategy_file.hpp"

namespace genepool::app {

void add_strategy_file_option(CLI::App& command, std::vector<std::string>& paths) {
  command
      .add_option("--strategy-file,--strategy-files", paths,
                  "Strategy file (TOML, docs/strategy-language.md) whose strategies join the built-ins; repeatable")
      ->check(CLI::ExistingFile);
}

std::vector<language::FileStrategy> load_strategy_files(const std::vector<std::string>& paths) {
  std::vector<language::FileStrategy> strategies = language::read_strategy_files(paths);
  language::register_file_strategies(strategies);
  return strategies;
}

std::vector<StrategySource> sources_of(const std::vector<language::FileStrategy>& strategies) {
  std::vector<StrategySource> sources;
  for (const auto& strategy : strategies) sources.push_back({strategy.name, strategy.file, strategy.source});
  return sources;
}

std::string sources_text(const std::vector<StrategySource>& sources) {
  std::string text;
  for (const StrategySource& source : sources)
    text += "strategy-sources." + source.name + "=\"" +
            sha256_hex(std::as_bytes(std::span(source.source.data(), source.source.size()))) + "\"\n";
  return text;
}

language::FileStrategy register_source(const std::string& file, const std::string& source) {
  std::vector<language::FileStrategy> parsed = language::parse_strategy_text(source, file);
  if (parsed.size() != 1)
    throw ConfigError(file + ": expected the source of one strategy, found " + std::to_string(parsed.size()));
  language::register_file_strategies(parsed);
  return std::move(parsed.front());
}

void share_file_strategies(const parallel::Session& session, const std::vector<StrategySource>& on_root) {
  std::vector<std::string> texts;
  if (session.rank() == 0)
    for (const StrategySource& source : on_root) texts.insert(texts.end(), {source.file, source.source});
  texts = parallel::broadcast_texts(session, std::move(texts));
  if (session.rank() == 0) return;
  for (std::size_t i = 0; i + 1 < texts.size(); i += 2) register_source(texts[i], texts[i + 1]);
}

language::LookAheadVerdict check_look_ahead(const language::FileStrategy& strategy, const MarketData& data,
                                            const language::LookAheadSettings& settings) {
  const auto positions = [&strategy](const SymbolSeries& series, const double* params, bool allow_short,
                                     std::int8_t* out) { language::interpret(strategy, series, params, allow_short, out); };
  return language::check_look_ahead(language::parameter_space(strategy), positions, data, settings);
}

void refuse_look_ahead(const std::vector<language::FileStrategy>& strategies, const MarketData& data) {
  constexpr std::size_t kBars = 2000;
  const MarketData head = slice(data, {0, std::min(kBars, static_cast<std::size_t>(data.bars()))});
  language::LookAheadSettings cheap;
  cheap.genomes = 2;
  cheap.cuts = 3;
  for (const auto& strategy : strategies) {
    const language::LookAheadVerdict verdict = check_look_ahead(strategy, head, cheap);
    if (!verdict.passed)
      throw ConfigError(strategy.file + ":" + std::to_string(strategy.line) + ": strategy '" + strategy.name + "': " +
                        verdict.summary(language::parameter_space(strategy)) + " (see genepool check-strategy)");
  }
}

}  // namespace genepool::app
