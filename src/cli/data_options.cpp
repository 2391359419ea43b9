#include "genepool/cli/data_options.hpp"

namespace genepool::app {

LoadOptions DataOptions::load() const { return {parse_alignment(align, "align"), max_gap}; }

void add_data_options(CLI::App& command, DataOptions& options) {
  command
      .add_option("--align", options.align,
                  "How several symbols' bars are aligned: union (every timestamp; a symbol is flat where it has "
                  "no bar) or inner (only the timestamps every symbol has)")
      ->check(CLI::IsMember({"union", "inner"}))
      ->capture_default_str();
  command
      .add_option("--max-gap", options.max_gap,
                  "union: bars in a row a symbol may miss and still be held across (filled with its last close); "
                  "over a longer gap its position is flat")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}))
      ->capture_default_str();
}

}  // namespace genepool::app
