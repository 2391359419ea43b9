#include "genepool/io/output_file.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "genepool/error.hpp"
#include "helpers.hpp"

using Catch::Matchers::Contains;
using genepool::AtomicFile;
using genepool::IoError;
using genepool::OutputFile;
namespace fs = std::filesystem;

namespace {

std::string contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("output file: the one temporary is PATH.partial in the same folder", "[output_file]") {
  CHECK(genepool::partial_path("dir/run.h5") == fs::path("dir/run.h5.partial"));
  CHECK(genepool::partial_path("run.h5.checkpoint") == fs::path("run.h5.checkpoint.partial"));
  const AtomicFile file("a/b.csv");
  CHECK(file.partial() == fs::path("a/b.csv.partial"));
}

TEST_CASE("output file: nothing appears at the path until commit, which replaces an existing file", "[output_file]") {
  const auto dir = genepool::test::scratch_dir("output-file-commit");
  const fs::path path = dir / "out.csv";
  { std::ofstream(path) << "old"; }
  {
    OutputFile out(path, "out.csv");
    out.stream() << "new";
    CHECK(contents(path) == "old");
    CHECK(fs::exists(path.string() + ".partial"));
    out.commit();
  }
  CHECK(contents(path) == "new");
  CHECK_FALSE(fs::exists(path.string() + ".partial"));
  fs::remove_all(dir);
}

TEST_CASE("output file: without commit the partial file goes and an existing file stays", "[output_file]") {
  const auto dir = genepool::test::scratch_dir("output-file-abandon");
  const fs::path path = dir / "out.csv";
  { std::ofstream(path) << "old"; }
  {
    OutputFile out(path, "out.csv");
    out.stream() << "half";
  }
  CHECK(contents(path) == "old");
  CHECK_FALSE(fs::exists(path.string() + ".partial"));
  {
    AtomicFile kept(dir / "kept.h5");
    std::ofstream(kept.partial()) << "complete";
    kept.keep();
  }
  CHECK(contents(dir / "kept.h5.partial") == "complete");
  fs::remove_all(dir);
}

TEST_CASE("output file: a failed commit is one IoError and leaves no partial file unless kept", "[output_file]") {
  const auto dir = genepool::test::scratch_dir("output-file-fail");
  const fs::path target = dir / "target";
  fs::create_directories(target / "inside");  // rename cannot replace a non-empty directory
  {
    AtomicFile file(target);
    std::ofstream(file.partial()) << "x";
    CHECK_THROWS_WITH(file.commit(), Contains(target.string() + ": cannot rename " + file.partial().string() +
                                              " into place") &&
                                         Contains("the existing file is unchanged"));
    CHECK_FALSE(fs::exists(file.partial()));
  }
  {
    AtomicFile file(target);
    std::ofstream(file.partial()) << "results";
    file.keep();
    CHECK_THROWS_WITH(file.commit(), Contains("its contents are in " + file.partial().string()));
  }
  CHECK(contents(target.string() + ".partial") == "results");
  {
    AtomicFile missing(dir / "never-written");
    CHECK_THROWS_AS(missing.commit(), IoError);
  }
  CHECK_THROWS_WITH(OutputFile(dir / "no-such-dir" / "x.csv", "x.csv"), Contains("does not exist"));
  fs::remove_all(dir);
}
