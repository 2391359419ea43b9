// The strict JSON reader: a recursive-descent parser over the whole text.
#include "genepool/io/json_reader.hpp"

#include <charconv>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "genepool/error.hpp"

namespace genepool {
namespace {

constexpr std::size_t kMaxDepth = 256;

const char* kind_name(JsonValue::Kind kind) {
  switch (kind) {
    case JsonValue::Kind::null: return "null";
    case JsonValue::Kind::boolean: return "a boolean";
    case JsonValue::Kind::number: return "a number";
    case JsonValue::Kind::string: return "a string";
    case JsonValue::Kind::array: return "an array";
    case JsonValue::Kind::object: return "an object";
  }
  return "a value";
}

void expect_kind(JsonValue::Kind got, JsonValue::Kind wanted) {
  if (got != wanted)
    throw Error(std::string("JSON: asked for ") + kind_name(wanted) + " from " + kind_name(got));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// Length of the valid UTF-8 sequence starting at text[at] (non-ASCII lead byte), or 0 if invalid.
std::size_t utf8_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07u;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(at + i) & 0x3Fu);
  }
  // Overlong forms, surrogates and code points beyond U+10FFFF are not UTF-8.
  if ((length == 3 && code < 0x800) || (length == 4 && code < 0x10000) || code > 0x10FFFF ||
      (code >= 0xD800 && code <= 0xDFFF))
    return 0;
  return length;
}

}  // namespace

bool JsonValue::as_bool() const {
  expect_kind(kind_, Kind::boolean);
  return boolean_;
}

double JsonValue::as_number() const {
  expect_kind(kind_, Kind::number);
  return number_;
}

const std::string& JsonValue::as_string() const {
  expect_kind(kind_, Kind::string);
  return string_;
}

const std::vector<JsonValue>& JsonValue::as_array() const {
  expect_kind(kind_, Kind::array);
  return items_;
}

const std::vector<std::pair<std::string, JsonValue>>& JsonValue::as_object() const {
  expect_kind(kind_, Kind::object);
  return members_;
}

const JsonValue* JsonValue::find(std::string_view key) const {
  if (kind_ != Kind::object) return nullptr;
  for (const auto& [name, value] : members_)
    if (name == key) return &value;
  return nullptr;
}

class JsonParser {
 public:
  JsonParser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  JsonValue parse() {
    skip_whitespace();
    JsonValue value = parse_value(0);
    skip_whitespace();
    if (at_ < text_.size()) fail("unexpected " + describe_here() + " after the JSON value");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const { fail_at(at_, message); }

  [[noreturn]] void fail_at(std::size_t offset, const std::string& message) const {
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset && i < text_.size(); ++i)
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    throw ConfigError(source_ + ":" + std::to_string(line) + ":" + std::to_string(offset - line_start + 1) +
                      " (byte " + std::to_string(offset) + "): " + message);
  }

  // "'x'", "end of input" or "byte 0x07", for messages.
  std::string describe_here() const {
    if (at_ >= text_.size()) return "end of input";
    const auto c = static_cast<unsigned char>(text_[at_]);
    if (c >= 0x20 && c < 0x7F) return std::string("'") + text_[at_] + "'";
    static constexpr char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[c >> 4] + hex[c & 0xF];
  }

  void skip_whitespace() {
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '\n') {
        ++line_;
        line_start_ = at_ + 1;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++at_;
    }
  }

  bool take(std::string_view literal) {
    if (text_.substr(at_, literal.size()) != literal) return false;
    at_ += literal.size();
    return true;
  }

  JsonValue start_value(JsonValue::Kind kind) const {
    JsonValue value;
    value.kind_ = kind;
    value.offset_ = at_;
    value.line_ = line_;
    value.column_ = at_ - line_start_ + 1;
    return value;
  }

  JsonValue parse_value(std::size_t depth) {
    if (at_ >= text_.size()) fail("expected a value, found end of input");
    const char c = text_[at_];
    if (c == '{' || c == '[') {
      if (depth >= kMaxDepth) fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
      return c == '{' ? parse_object(depth + 1) : parse_array(depth + 1);
    }
    if (c == '"') {
      JsonValue value = start_value(JsonValue::Kind::string);
      value.string_ = parse_string();
      return value;
    }
    if (c == '-' || is_digit(c)) return parse_number();
    JsonValue value = start_value(JsonValue::Kind::null);
    if (take("null")) return value;
    value.kind_ = JsonValue::Kind::boolean;
    if (take("true")) {
      value.boolean_ = true;
      return value;
    }
    if (take("false")) return value;
    if (take("NaN") || take("Infinity")) fail_at(value.offset_, "NaN and Infinity are not JSON numbers");
    fail("expected a value (object, array, string, number, true, false or null), found " + describe_here());
  }

  JsonValue parse_object(std::size_t depth) {
    JsonValue object = start_value(JsonValue::Kind::object);
    ++at_;  // {
    skip_whitespace();
    if (at_ < text_.size() && text_[at_] == '}') {
      ++at_;
      return object;
    }
    while (true) {
      skip_whitespace();
      if (at_ >= text_.size() || text_[at_] != '"')
        fail("expected a member name in double quotes, found " + describe_here());
      const std::size_t key_offset = at_;
      std::string key = parse_string();
      if (object.find(key) != nullptr) fail_at(key_offset, "duplicate key \"" + key + "\"");
      skip_whitespace();
      if (at_ >= text_.size() || text_[at_] != ':') fail("expected ':' after the member name, found " + describe_here());
      ++at_;
      skip_whitespace();
      object.members_.emplace_back(std::move(key), parse_value(depth));
      skip_whitespace();
      if (at_ < text_.size() && text_[at_] == ',') {
        ++at_;
        skip_whitespace();
        if (at_ < text_.size() && text_[at_] == '}') fail("trailing comma before '}'");
        continue;
      }
      if (at_ < text_.size() && text_[at_] == '}') {
        ++at_;
        return object;
      }
      fail("expected ',' or '}' after an object member, found " + describe_here());
    }
  }

  JsonValue parse_array(std::size_t depth) {
    JsonValue array = start_value(JsonValue::Kind::array);
    ++at_;  // [
    skip_whitespace();
    if (at_ < text_.size() && text_[at_] == ']') {
      ++at_;
      return array;
    }
    while (true) {
      skip_whitespace();
      array.items_.push_back(parse_value(depth));
      skip_whitespace();
      if (at_ < text_.size() && text_[at_] == ',') {
        ++at_;
        skip_whitespace();
        if (at_ < text_.size() && text_[at_] == ']') fail("trailing comma before ']'");
        continue;
      }
      if (at_ < text_.size() && text_[at_] == ']') {
        ++at_;
        return array;
      }
      fail("expected ',' or ']' after an array element, found " + describe_here());
    }
  }

  // The four hex digits of a \u escape at at_.
  std::uint32_t parse_hex4() {
    std::uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = at_ < text_.size() ? hex_value(text_[at_]) : -1;
      if (digit < 0) fail("expected 4 hex digits after \\u, found " + describe_here());
      code = code * 16 + static_cast<std::uint32_t>(digit);
      ++at_;
    }
    return code;
  }

  std::string parse_string() {
    const std::size_t start = at_;
    ++at_;  // opening quote
    std::string out;
    while (true) {
      if (at_ >= text_.size()) fail_at(start, "string without a closing quote");
      const char c = text_[at_];
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"') {
        ++at_;
        return out;
      }
      if (byte < 0x20) fail("control character " + describe_here() + " in a string (write it as an escape)");
      if (byte >= 0x80) {
        const std::size_t length = utf8_length(text_, at_);
        if (length == 0) fail("invalid UTF-8 in a string");
        out.append(text_.substr(at_, length));
        at_ += length;
        continue;
      }
      if (c != '\\') {
        out += c;
        ++at_;
        continue;
      }
      const std::size_t escape = at_;
      ++at_;
      if (at_ >= text_.size()) fail_at(start, "string without a closing quote");
      const char e = text_[at_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t code = parse_hex4();
          if (code >= 0xD800 && code <= 0xDBFF) {
            const char* unpaired = "a high surrogate \\u escape must be followed by a low surrogate";
            if (!take("\\u")) fail_at(escape, unpaired);
            const std::uint32_t low = parse_hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail_at(escape, unpaired);
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            fail_at(escape, "a low surrogate \\u escape without a high surrogate before it");
          }
          append_utf8(out, code);
          break;
        }
        default: fail_at(escape, std::string("unknown escape '\\") + e + "'");
      }
    }
  }

  JsonValue parse_number() {
    JsonValue value = start_value(JsonValue::Kind::number);
    const std::size_t start = at_;
    // The grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    if (text_[at_] == '-') ++at_;
    if (at_ >= text_.size() || !is_digit(text_[at_])) fail("expected a digit after '-', found " + describe_here());
    if (text_[at_] == '0') {
      ++at_;
      if (at_ < text_.size() && is_digit(text_[at_])) fail_at(start, "a number may not have a leading zero");
    } else {
      while (at_ < text_.size() && is_digit(text_[at_])) ++at_;
    }
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      if (at_ >= text_.size() || !is_digit(text_[at_])) fail("expected a digit after '.', found " + describe_here());
      while (at_ < text_.size() && is_digit(text_[at_])) ++at_;
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      if (at_ >= text_.size() || !is_digit(text_[at_])) fail("expected a digit in the exponent, found " + describe_here());
      while (at_ < text_.size() && is_digit(text_[at_])) ++at_;
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + at_;
    const auto [end, ec] = std::from_chars(first, last, value.number_);
    if (ec == std::errc::result_out_of_range)
      fail_at(start, "number " + std::string(first, last) + " is outside the range of a double");
    if (ec != std::errc() || end != last) fail_at(start, "malformed number " + std::string(first, last));
    return value;
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t at_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
};

JsonValue parse_json(std::string_view text, const std::string& source) { return JsonParser(text, source).parse(); }

JsonValue read_json_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw IoError(path.string() + ": is a directory; expected a JSON file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(path.string() + ": read failed");
  return parse_json(text.str(), path.string());
}

}  // namespace genepool
