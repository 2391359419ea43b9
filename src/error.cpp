#include "genepool/error.hpp"
// printable(): the one escaping of control bytes for error messages, and did_you_mean() (the
// exception classes are header-only).

#include <algorithm>

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

std::string excerpt(std::string_view value, std::size_t shown) {
  // Characters are UTF-8 code points: every byte but the continuation bytes 10xxxxxx starts one.
  const auto starts = [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; };
  std::size_t characters = 0;
  std::size_t cut = value.size();
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!starts(value[i])) continue;
    if (characters == shown) cut = i;
    ++characters;
  }
  if (characters <= shown) return printable(value);
  return printable(value.substr(0, cut)) + "... (" + std::to_string(characters) + " characters)";
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& known) {
  // Edit distance with adjacent transpositions (optimal string alignment): "fats" is one edit from "fast".
  const auto distance = [](std::string_view a, std::string_view b) {
    const std::size_t w = b.size() + 1;
    std::vector<std::size_t> d((a.size() + 1) * w);
    for (std::size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t& here = d[i * w + j];
        here = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1,
                         d[(i - 1) * w + j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          here = std::min(here, d[(i - 2) * w + j - 2] + 1);
      }
    return d[a.size() * w + b.size()];
  };
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const std::string& candidate : known) {
    const std::size_t d = distance(name, candidate);
    if (best == nullptr || d < best_distance) {
      best = &candidate;
      best_distance = d;
    }
  }
  if (best == nullptr || best_distance > std::max<std::size_t>(1, std::max(name.size(), best->size()) / 3)) return "";
  // NOTE: appended, not `literal + string + literal`, which trips GCC 12's false -Wrestrict.
  std::string suffix = " (did you mean '";
  suffix.append(*best).append("'?)");
  return suffix;
}

}  // namespace genepool
