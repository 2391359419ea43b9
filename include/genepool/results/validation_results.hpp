#pragma once
// How the validation report (genepool/validation/report.hpp, docs/validation.md) is stored in the
// results file under /validation (docs/results-format.md).
#include <cstdint>
#include <string>
#include <vector>

#include "genepool/validation/report.hpp"

namespace genepool {

// Names of the columns of /validation/statistics, in order.
const std::vector<std::string>& validation_statistics_columns();
// The values of those columns for one row.
std::vector<double> validation_statistics_values(const ValidationRow& row);

// Writes /validation into the open results file `file_id` (an HDF5 file id; see
// ResultsWriter::finish). Throws IoError naming the object on an HDF5 failure.
void write_validation(std::int64_t file_id, const ValidationReport& report);

}  // namespace genepool
