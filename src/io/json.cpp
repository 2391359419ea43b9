#include "genepool/io/json.hpp"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/io/input_file.hpp"
#include "genepool/number_text.hpp"

namespace genepool {
namespace {

constexpr int kMaxDepth = 256;

using Event = Json::parse_event_t;

// Follows the parser's events to refuse a key given twice in one object (naming the object's path)
// and deep nesting.
class DuplicateKeys {
 public:
  explicit DuplicateKeys(const std::string& source) : source_(source) {}

  bool operator()(int depth, Event event, Json& parsed) {
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (depth >= kMaxDepth)
          throw ConfigError(source_ + ": nesting deeper than " + std::to_string(kMaxDepth) + " levels");
        scopes_.push_back({event == Event::array_start, 0, {}, {}});
        break;
      case Event::key: {
        Scope& scope = scopes_.back();
        scope.key = parsed.get<std::string>();
        if (!scope.keys.insert(scope.key).second) fail("duplicate key \"" + scope.key + "\"");
        break;
      }
      case Event::object_end:
      case Event::array_end:
        scopes_.pop_back();
        [[fallthrough]];
      case Event::value:
        if (!scopes_.empty() && scopes_.back().array) ++scopes_.back().index;
        break;
    }
    return true;
  }

 private:
  struct Scope {
    bool array = false;
    std::size_t index = 0;  // of the next element, in an array
    std::string key;        // the latest member name, in an object
    std::set<std::string> keys;
  };

  // "strategies[0].params": the path of the innermost open object.
  [[noreturn]] void fail(const std::string& what) const {
    std::string message = source_ + ": ";
    for (std::size_t i = 0; i + 1 < scopes_.size(); ++i) {
      const Scope& scope = scopes_[i];
      if (scope.array) {
        message.append("[").append(std::to_string(scope.index)).append("]");
      } else {
        message.append(i == 0 ? "" : ".").append(scope.key);
      }
    }
    if (scopes_.size() > 1) message.append(": ");
    throw ConfigError(message + what);
  }

  const std::string& source_;
  std::vector<Scope> scopes_;
};

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1, column 2: ".
std::string message_of(const Json::exception& error) {
  const std::string what = error.what();
  const auto column = what.find(", column ");
  const auto start = column != std::string::npos ? what.find(": ", column) : what.find("] ");
  return start == std::string::npos ? what : what.substr(start + 2);
}

// "t.json:2:7 (byte 8)": where the parser stopped (byte counts from 0, line and column from 1).
std::string position(std::string_view text, const std::string& source, std::size_t offset) {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  return source + ":" + std::to_string(line) + ":" + std::to_string(offset - line_start + 1) + " (byte " +
         std::to_string(offset) + ")";
}

void write(std::string& out, const Json& value, int indent, int depth) {
  const auto newline = [&](int level) {
    if (indent >= 0) out += '\n' + std::string(static_cast<std::size_t>(indent * level), ' ');
  };
  switch (value.type()) {
    case Json::value_t::object:
    case Json::value_t::array: {
      const bool object = value.is_object();
      if (value.empty()) {
        out += object ? "{}" : "[]";
        return;
      }
      out += object ? '{' : '[';
      bool first = true;
      for (auto item = value.begin(); item != value.end(); ++item) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        if (object) {
          write(out, Json(item.key()), indent, depth + 1);
          out += indent >= 0 ? ": " : ":";
        }
        write(out, item.value(), indent, depth + 1);
      }
      newline(depth);
      out += object ? '}' : ']';
      return;
    }
    case Json::value_t::number_float: {
      const double number = value.get<double>();
      out += std::isfinite(number) ? shortest(number) : "null";
      return;
    }
    default: out += value.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

}  // namespace

Json parse_json(std::string_view text, const std::string& source) {
  try {
    return Json::parse(text, DuplicateKeys(source));
  } catch (const Json::parse_error& error) {
    // NOTE: error.byte counts from 1 and names the character the parser stopped at.
    const std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
    throw ConfigError(position(text, source, offset) + ": " + message_of(error));
  } catch (const Json::exception& error) {
    throw ConfigError(source + ": " + message_of(error));
  }
}

Json read_json_file(const std::filesystem::path& path) {
  check_input_file(path, "a JSON file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(path.string() + ": read failed");
  return parse_json(text.str(), path.string());
}

std::string json_text(const Json& value, int indent) {
  std::string out;
  write(out, value, indent, 0);
  return out;
}

}  // namespace genepool
