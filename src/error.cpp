#include "genepool/error.hpp"
// printable(): the one escaping of control bytes for error messages (the exception classes are header-only).

namespace genepool {

std::string printable(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string line;
  line.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      line += "\\x";
      line += hex[byte >> 4];
      line += hex[byte & 0xf];
    } else {
      line += c;
    }
  }
  return line;
}

}  // namespace genepool
