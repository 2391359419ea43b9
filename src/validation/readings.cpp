// The overfitting statistics in words (readings.hpp).
#include "genepool/validation/readings.hpp"

#include <cmath>
#include <cstdio>

namespace genepool {
namespace {

std::string two_decimals(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

std::string whole_percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", 100 * fraction);
  return text;
}

}  // namespace

std::string pbo_reading(double pbo) {
  if (!std::isfinite(pbo)) return "PBO not computed";
  return "PBO " + two_decimals(pbo) + ": the in-sample winner is below the out-of-sample median " + whole_percent(pbo) +
         " of the time";
}

std::string dsr_reading(double dsr, std::int64_t trials) {
  if (!std::isfinite(dsr)) return "DSR not computed";
  return "DSR " + two_decimals(dsr) + ": a " + whole_percent(dsr) +
         " probability that the true Sharpe ratio beats the best of " + std::to_string(trials) +
         " trials without skill";
}

std::string psr_reading(double psr, double benchmark) {
  if (!std::isfinite(psr)) return "PSR not computed";
  char text[32];
  std::snprintf(text, sizeof text, "%g", benchmark);
  return "PSR " + two_decimals(psr) + ": a " + whole_percent(psr) +
         " probability that the true annualised Sharpe ratio is above " + text;
}

}  // namespace genepool
