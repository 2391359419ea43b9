// Indicator series shared by every evaluation on one data set.
#include "indicators.hpp"

namespace genepool {

void make_close_sums(const double* close, std::size_t bars, double* hi, double* lo) {
  indicators::DoubleDouble sum;
  hi[0] = 0.0;
  lo[0] = 0.0;
  for (std::size_t t = 0; t < bars; ++t) {
    sum.add(close[t]);
    hi[t + 1] = sum.hi;
    lo[t + 1] = sum.lo;
  }
}

}  // namespace genepool
