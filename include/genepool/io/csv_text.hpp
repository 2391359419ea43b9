#pragma once
// Text of CSV fields as genepool's CSV outputs write them (export --population, collect --csv).
#include <string>

namespace genepool::app {

// Shortest text that reads back as the same double ("inf", "-inf", "nan" for non-finite values).
std::string shortest(double value);

// The CSV text of a field: quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

}  // namespace genepool::app
