#pragma once
// `evolve`'s validation: its options (docs/configuration.md) and its lines of the output; the work
// itself is validate() (genepool/validation/report.hpp).
#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

#include "genepool/validation/report.hpp"

namespace genepool::app {

struct ValidationOptions {
  ValidationSettings settings;
  std::string walk_forward_mode = "rolling";
};

void add_validation_options(CLI::App& command, ValidationOptions& options);

// The settings with the mode parsed; throws ConfigError naming the key of a bad value.
ValidationSettings resolve_validation(const ValidationOptions& options);

// The progress line of a walk-forward fold.
void print_walk_forward_fold(std::ostream& out, const WalkForwardFoldResult& fold, Objective objective);

// The validation part of the final summary.
void print_validation_summary(std::ostream& out, const ValidationReport& report);

}  // namespace genepool::app
