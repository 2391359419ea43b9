#pragma once
// What `evolve` found out about its best strategies (docs/validation.md), and how it is stored in
// the results file under /validation (docs/results-format.md).
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "genepool/validation/validation.hpp"
#include "genepool/validation/walk_forward.hpp"

namespace H5 {
class Group;
}  // namespace H5

namespace genepool {
namespace hdf5 {
class Writer;
}  // namespace hdf5

// One of the best strategies (/best rank `rank`).
struct ValidationRow {
  std::int32_t rank = 0;
  Genome genome{};
  Metrics in_sample;               // over the training window (the whole data without a split)
  bool has_out_of_sample = false;  // a split was set
  Evaluation out_of_sample;
  Metrics degradation;             // out_of_sample / in_sample per metric
  StrategyStatistics statistics;   // over the in-sample returns
  std::uint64_t bootstrap_seed = 0;
};

struct ValidationReport {
  ValidationSettings settings;
  Objective objective = Objective::sharpe;
  double bars_per_year = 0;
  Split split;
  std::span<const std::int64_t> timestamps;  // of the whole data (not copied: the data outlives the report)
  TrialStatistics trials;
  std::vector<ValidationRow> best;
  PopulationPbo pbo;
  std::optional<WalkForwardResult> walk_forward;
};

// Names of the columns of /validation/statistics, in order.
const std::vector<std::string>& validation_statistics_columns();
// The values of those columns for one row.
std::vector<double> validation_statistics_values(const ValidationRow& row);

// Writes /validation under `root` of the open results file (ResultsWriter::finish's ExtraContent);
// HDF5's exceptions pass to ResultsWriter, which names the file and the object `out` was writing.
void write_validation(hdf5::Writer& out, const H5::Group& root, const ValidationReport& report);

}  // namespace genepool
