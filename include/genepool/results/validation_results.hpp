#pragma once
// How the validation report (genepool/validation/report.hpp, docs/validation.md) is stored in the
// results file under /validation (docs/results-format.md).
#include <cstdint>
#include <string>
#include <vector>

#include "genepool/validation/report.hpp"

namespace H5 {
class Group;
}  // namespace H5

namespace genepool {
namespace hdf5 {
class Writer;
}  // namespace hdf5

// Names of the columns of /validation/statistics, in order.
const std::vector<std::string>& validation_statistics_columns();
// The values of those columns for one row.
std::vector<double> validation_statistics_values(const ValidationRow& row);

// Writes /validation under `root` of the open results file (ResultsWriter::finish's ExtraContent);
// HDF5's exceptions pass to ResultsWriter, which names the file and the object `out` was writing.
void write_validation(hdf5::Writer& out, const H5::Group& root, const ValidationReport& report);

}  // namespace genepool
