#pragma once
// The overfitting statistics in words: one line each, as `report`, the end-of-run summary and the
// tearsheet print them (docs/validation.md, "Reading the statistics").
#include <cstdint>
#include <string>

namespace genepool {

// "PBO 0.61: the in-sample winner is below the out-of-sample median 61% of the time"
std::string pbo_reading(double pbo);

// "DSR 0.43: a 43% probability that the true Sharpe ratio beats the best of 1234 trials without skill"
std::string dsr_reading(double dsr, std::int64_t trials);

// "PSR 0.97: a 97% probability that the true annualised Sharpe ratio is above 0.5"
std::string psr_reading(double psr, double benchmark);

}  // namespace genepool
