// libFuzzer target: the CSV market-data reader. Any input must give data that passes validate()
// or a genepool::Error (DataError, IoError); anything else (a crash, a sanitizer report, another
// exception) is a finding.
#include <cstdint>

#include "genepool/error.hpp"
#include "genepool/data/market_data.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "scratch_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = genepool::fuzz::write_input(data, size, ".csv");
  try {
    const genepool::MarketData market = genepool::read_csv(path);
    genepool::validate(market, path.string());  // what was read is a valid panel
  } catch (const genepool::Error&) {
  }
  return 0;
}
