#pragma once
// Text of CSV fields as genepool's CSV outputs write them (export --population, collect --csv);
// numbers are written by shortest() (genepool/number_text.hpp).
#include <string>

namespace genepool::app {

// The CSV text of a field: quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

}  // namespace genepool::app
