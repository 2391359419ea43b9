#include "genepool/io/csv_dialect.hpp"

#include <cctype>

#include "genepool/error.hpp"

namespace genepool {

char parse_delimiter(std::string_view text, const std::string& option) {
  if (text == "," || text == ";" || text == "|") return text.front();
  if (text == "tab" || text == "\t" || text == "\\t") return '\t';
  throw ConfigError(option + ": '" + std::string(text) + "' is no delimiter genepool reads; expected ',', ';', '|' or tab");
}

char parse_decimal(std::string_view text, const std::string& option) {
  if (text == "." || text == ",") return text.front();
  throw ConfigError(option + ": '" + std::string(text) + "' is no decimal mark; expected '.' or ','");
}

std::string delimiter_name(char delimiter) {
  if (delimiter == '\t') return "tab";
  std::string name(3, '\'');
  name[1] = delimiter;
  return name;
}

std::string column_key(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (const char c : name)
    if (c != ' ' && c != '_' && c != '-' && c != '.' && c != '\t')
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace genepool
