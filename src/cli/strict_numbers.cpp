#include "genepool/cli/strict_numbers.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace genepool::app {
namespace {

bool all_digits(const std::string& text, std::size_t from, std::size_t to) {
  if (from >= to) return false;
  for (std::size_t i = from; i < to; ++i)
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  return true;
}

std::string integer_problem(const std::string& text, bool is_unsigned) {
  const bool negative = !text.empty() && text[0] == '-';
  const std::size_t digits = (negative || (!text.empty() && text[0] == '+')) ? 1 : 0;
  if (negative && is_unsigned) return text + " is negative; expected a whole number >= 0";
  if (!all_digits(text, digits, text.size())) return text + ": expected a whole number in decimal digits";
  if (text.size() - digits > 1 && text[digits] == '0') return text + ": expected a whole number without leading zeros";
  errno = 0;
  if (is_unsigned) {
    std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE)
      return text + " is larger than the largest value " + std::to_string(std::numeric_limits<unsigned long long>::max());
  } else {
    std::strtoll(text.c_str(), nullptr, 10);
    if (errno == ERANGE)
      return text + " is outside [" + std::to_string(std::numeric_limits<long long>::min()) + ", " +
             std::to_string(std::numeric_limits<long long>::max()) + "]";
  }
  return "";
}

std::string real_problem(const std::string& text) {
  // [+-] digits [. digits] [e [+-] digits], or [+-] . digits ...
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  const std::size_t whole = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  bool digits = i > whole;
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction = ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    digits = digits || i > fraction;
  }
  if (digits && i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    const std::size_t exponent = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == exponent) digits = false;
  }
  if (!digits || i != text.size()) return text + ": expected a finite number in decimal notation";
  errno = 0;
  const double value = std::strtod(text.c_str(), nullptr);
  if (std::isinf(value)) return text + " is too large for a number (beyond 1.8e308)";
  if (errno == ERANGE && value == 0) return text + " is too small to hold (it would be 0)";
  return "";
}

}  // namespace

std::string number_problem(const std::string& text, const std::string& type) {
  if (type == "UINT") return integer_problem(text, true);
  if (type == "INT") return integer_problem(text, false);
  if (type == "FLOAT") return real_problem(text);
  return "";
}

void check_numbers_strictly(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (option->get_expected_max() == 0) continue;  // a flag
    std::string type = option->get_type_name();
    type = type.substr(0, type.find(':'));
    if (type != "UINT" && type != "INT" && type != "FLOAT") continue;
    option->check(CLI::Validator([type](std::string& text) { return number_problem(text, type); }, ""));
  }
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) check_numbers_strictly(*command);
}

}  // namespace genepool::app
