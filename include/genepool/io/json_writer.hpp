#pragma once
// A minimal streaming JSON writer for --json outputs. Non-finite numbers are written as null.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace genepool::app {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(bool flag);
  JsonWriter& null();

 private:
  void before_value();
  void write_string(std::string_view text);

  std::ostream& out_;
  std::vector<bool> first_in_scope_;  // one entry per open object/array
  bool after_key_ = false;
};

}  // namespace genepool::app
