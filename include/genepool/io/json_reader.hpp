#pragma once
// A small strict JSON reader (RFC 8259): for strategy specs and other files genepool reads back.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace genepool {

// One parsed value. Objects keep their members in file order; a key may appear once.
class JsonValue {
 public:
  enum class Kind { null, boolean, number, string, array, object };

  JsonValue() = default;

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::null; }
  bool is_bool() const { return kind_ == Kind::boolean; }
  bool is_number() const { return kind_ == Kind::number; }
  bool is_string() const { return kind_ == Kind::string; }
  bool is_array() const { return kind_ == Kind::array; }
  bool is_object() const { return kind_ == Kind::object; }

  // The value of each kind; asking a value of another kind throws genepool::Error.
  bool as_bool() const;
  double as_number() const;
  const std::string& as_string() const;
  const std::vector<JsonValue>& as_array() const;
  const std::vector<std::pair<std::string, JsonValue>>& as_object() const;

  // The member called `key` of an object, or nullptr (also for a value that is not an object).
  const JsonValue* find(std::string_view key) const;

  // Where the value starts in the text: byte offset (from 0), line and column (from 1).
  std::size_t offset() const { return offset_; }
  std::size_t line() const { return line_; }
  std::size_t column() const { return column_; }

 private:
  friend class JsonParser;

  Kind kind_ = Kind::null;
  bool boolean_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<JsonValue> items_;
  std::vector<std::pair<std::string, JsonValue>> members_;
  std::size_t offset_ = 0;
  std::size_t line_ = 1;
  std::size_t column_ = 1;
};

// Parses exactly one JSON value (surrounded by optional whitespace). Numbers are read with
// std::from_chars, so a shortest round-trip double comes back bit for bit. Strings must be valid
// UTF-8; \u escapes (with surrogate pairs) become UTF-8. Rejected, as ConfigError naming
// `source`, line, column and byte offset: comments, trailing commas, single quotes, NaN/Infinity,
// leading zeros, numbers beyond double range, control characters in strings, duplicate keys,
// nesting deeper than 256, and anything after the value.
JsonValue parse_json(std::string_view text, const std::string& source);

// Reads and parses a file: IoError when it cannot be read, ConfigError for its content.
JsonValue read_json_file(const std::filesystem::path& path);

}  // namespace genepool
