#pragma once
// JSON documents (nlohmann::ordered_json: members keep the order they were added or read in) with
// genepool's strict reading of files and its one text form of numbers.
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace genepool {

using Json = nlohmann::ordered_json;

// Parses exactly one JSON value (RFC 8259). Malformed text is a ConfigError naming `source`, line,
// column and byte offset (comments, trailing commas, NaN/Infinity, leading zeros, control
// characters and invalid UTF-8 in strings, anything after the value), and so are a number beyond
// double range, nesting deeper than 256 and a key given twice in one object (with the object's path,
// e.g. "spec.json: strategies[0].params: duplicate key \"fast\"").
Json parse_json(std::string_view text, const std::string& source);

// Reads and parses a file: IoError when it cannot be read, ConfigError for its content.
Json read_json_file(const std::filesystem::path& path);

// The text of a value: compact, or with `indent` >= 0 one member or element per line, indented by
// that many spaces a level. Doubles are written as shortest() writes them, non-finite ones as null;
// invalid UTF-8 in strings becomes U+FFFD.
std::string json_text(const Json& value, int indent = -1);

}  // namespace genepool
