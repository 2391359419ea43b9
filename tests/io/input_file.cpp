#include "genepool/io/input_file.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <fstream>

#include "genepool/error.hpp"
#include "genepool/io/fingerprint.hpp"
#include "genepool/io/json.hpp"
#include "genepool/io/market_data_io.hpp"
#include "helpers.hpp"

using Catch::Matchers::Contains;
using genepool::check_input_file;
using genepool::IoError;
namespace fs = std::filesystem;

TEST_CASE("input file: only a regular file is read, named with what was expected", "[input_file]") {
  const auto dir = genepool::test::scratch_dir("input-file");
  const fs::path file = dir / "a.csv";
  std::ofstream(file) << "x";
  CHECK_NOTHROW(check_input_file(file, "a CSV file"));
  fs::create_symlink(file, dir / "link.csv");
  CHECK_NOTHROW(check_input_file(dir / "link.csv", "a CSV file"));
  CHECK_THROWS_WITH(check_input_file(dir / "none.csv", "a CSV file"),
                    (dir / "none.csv").string() + ": no such file; expected a CSV file");
  CHECK_THROWS_WITH(check_input_file(dir, "a CSV file"), dir.string() + ": is a directory; expected a CSV file");
  const fs::path fifo = dir / "pipe.h5";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  CHECK_THROWS_WITH(check_input_file(fifo, "a results file"),
                    fifo.string() + ": is a FIFO (named pipe), not a regular file; expected a results file");
  CHECK_THROWS_WITH(check_input_file("/dev/null", "a CSV file"), Contains("is a character device"));
}

TEST_CASE("input file: the readers refuse a FIFO at once instead of blocking on it", "[input_file]") {
  const auto dir = genepool::test::scratch_dir("input-fifo");
  for (const char* name : {"pipe.csv", "pipe.h5", "pipe.json"}) {
    const fs::path fifo = dir / name;
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    CAPTURE(fifo);
    if (fifo.extension() == ".json") {
      CHECK_THROWS_WITH(genepool::read_json_file(fifo), Contains("is a FIFO"));
    } else {
      CHECK_THROWS_WITH(genepool::load_market_data({fifo}), Contains("is a FIFO"));
    }
    CHECK_THROWS_AS(genepool::sha256_file(fifo), IoError);
  }
}
