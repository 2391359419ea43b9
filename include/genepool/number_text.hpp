#pragma once
// The text of a double as genepool writes it in messages, CSV and JSON: the shortest text that
// reads back as the same double.
#include <string>

namespace genepool {

// Shortest round-trip text (std::to_chars): 150, 10.5, 5e-04, 1e+22; "inf", "-inf", "nan" for
// non-finite values.
std::string shortest(double value);

// As shortest(), but plain digits when 1e-4 <= |value| < 1e15 or value is 0 (1000000000, 0.0005),
// for values people type into a config file.
std::string plain_shortest(double value);

}  // namespace genepool
