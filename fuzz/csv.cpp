// libFuzzer target: the CSV market-data reader. Any input, read with the detected dialect and with
// two named ones (decimal commas with an adjusted close; a --date-format), must give series that pass
// validate() or a genepool::Error (DataError, IoError, ConfigError); anything else (a crash, a
// sanitizer report, another exception) is a finding. Dictionary: fuzz/csv.dict.
#include <cstdint>

#include "genepool/error.hpp"
#include "genepool/data/market_data.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "scratch_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = genepool::fuzz::write_input(data, size, ".csv");
  genepool::CsvDialect decimal_comma;
  decimal_comma.decimal = ',';
  decimal_comma.price_column = "adj_close";
  genepool::CsvDialect day_first;
  day_first.date_format = "%d/%m/%Y %H:%M";
  day_first.delimiter = ';';
  for (const genepool::CsvDialect& dialect : {genepool::CsvDialect{}, decimal_comma, day_first}) {
    try {
      const genepool::CsvFile file = genepool::read_csv_file(path, dialect);
      for (const auto& series : file.series) genepool::validate(series, path.string());  // each a valid panel
    } catch (const genepool::Error&) {
    }
  }
  return 0;
}
