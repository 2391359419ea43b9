// The other ranks of rank 0's node as readers of a large CSV file (parallel/csv_readers.hpp), under
// real MPI with 1, 2 and 3 ranks: rank 0 reads what it reads alone, bars and errors alike, also
// when its own part fails while the readers are still busy, and every reader is let go.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <string>

#include "genepool/data/timestamp.hpp"
#include "genepool/error.hpp"
#include "genepool/io/market_data_csv.hpp"
#include "genepool/number_text.hpp"
#include "genepool/parallel/csv_readers.hpp"
#include "helpers.hpp"
#include "mpi_session.hpp"

using namespace genepool;

namespace {

// "timestamp,open,high,low,close,volume" and `rows` bars; row `bad` (from 0) with a price of -1.
std::string csv_text(std::size_t rows, std::optional<std::size_t> bad = std::nullopt) {
  std::string text = "timestamp,open,high,low,close,volume\n";
  double close = 50;
  for (std::size_t i = 0; i < rows; ++i) {
    const double open = close * (1 + 0.001 * static_cast<double>(i % 7) - 0.003);
    close = open * (1 + 0.0007 * static_cast<double>(i % 11) - 0.0035);
    text += format_timestamp(static_cast<std::int64_t>(1000000000 + 3600 * i)) + "," + shortest(open) + "," +
            shortest(std::max(open, close) * 1.004) + "," + shortest(std::min(open, close) * 0.996) + "," +
            (bad == i ? "-1" : shortest(close)) + ",100\n";
  }
  return text;
}

std::string error_of(const std::filesystem::path& file, CsvRangeReaders* readers) {
  try {
    read_csv_file(file, {}, "", readers);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("node CSV readers: rank 0 reads a file with its node's other ranks as it does alone", "[mpi][csv_readers]") {
  parallel::Session& session = test::mpi_session();
  parallel::NodeCsvReaders readers(session);
  if (session.rank() != 0) {
    CHECK(readers.count() == 0);
    readers.serve();  // until rank 0 lets go
    return;
  }
  CHECK(readers.count() == static_cast<std::size_t>(session.size() - 1));  // one machine: one node
  setenv("GENEPOOL_CSV_PART_BYTES", "1000", 1);
  const auto dir = test::scratch_dir("mpi-csv-readers");
  const auto good = test::write_text(dir, "good.csv", csv_text(3000));
  const CsvFile alone = read_csv_file(good, {});
  for (int again = 0; again < 3; ++again) {  // the readers serve one file after another
    const CsvFile together = read_csv_file(good, {}, "", &readers);
    REQUIRE(together.series.size() == 1);
    CHECK(together.series[0].timestamps == alone.series[0].timestamps);
    CHECK(together.series[0].close == alone.series[0].close);
    CHECK(together.series[0].open == alone.series[0].open);
    CHECK(together.series[0].high == alone.series[0].high);
    CHECK(together.series[0].low == alone.series[0].low);
    CHECK(together.digest.sha256 == alone.digest.sha256);
  }
  // A bad row in a reader's part, and one in rank 0's own (the readers still busy when it fails).
  for (const std::size_t bad : {2900, 2500, 5}) {
    const auto file = test::write_text(dir, "bad.csv", csv_text(3000, bad));
    const std::string expected = error_of(file, nullptr);
    INFO("bad row " << bad);
    REQUIRE(expected.find("expected a price > 0") != std::string::npos);
    CHECK(error_of(file, &readers) == expected);
  }
  // And a good file again after the failures.
  CHECK(read_csv_file(good, {}, "", &readers).series[0].timestamps == alone.series[0].timestamps);
  unsetenv("GENEPOOL_CSV_PART_BYTES");
  readers.release();
  CHECK(readers.count() == 0);
}
