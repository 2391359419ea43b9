#include "genepool/number_text.hpp"

#include <charconv>
#include <cmath>

namespace genepool {
namespace {

// NOTE: 64 characters are enough: the shortest form takes at most 24, the fixed form (used only for
// 1e-4 <= |value| < 1e15) at most 23.
std::string to_text(double value, bool fixed) {
  char buffer[64];
  const auto result = fixed ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
                            : std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace

std::string shortest(double value) { return to_text(value, false); }

std::string plain_shortest(double value) {
  const double size = std::abs(value);
  return to_text(value, value == 0 || (size >= 1e-4 && size < 1e15));
}

}  // namespace genepool
