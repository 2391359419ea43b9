#include "genepool/io/output_file.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <vector>

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

TEST_CASE("output file: start_writeback leaves the partial file as written and never makes one", "[output_file]") {
  const auto dir = genepool::test::scratch_dir("output-file-writeback");
  AtomicFile file(dir / "run.h5");
  file.start_writeback();  // no partial file yet: nothing happens, nothing appears
  CHECK_FALSE(fs::exists(file.partial()));
  {
    std::ofstream out(file.partial(), std::ios::binary);
    out << std::string(1 << 20, 'a');
    out.flush();
    file.start_writeback();  // in the middle of the writing
    out << "tail";
  }
  file.start_writeback();
  CHECK(contents(file.partial()) == std::string(1 << 20, 'a') + "tail");
  file.commit();
  CHECK(contents(file.path()) == std::string(1 << 20, 'a') + "tail");
  CHECK_FALSE(fs::exists(file.partial()));
}

TEST_CASE("output file: a partial file removed before commit is reported lost, never as in place", "[output_file]") {
  const auto dir = genepool::test::scratch_dir("output-file-lost");
  const fs::path path = dir / "run.h5";
  { std::ofstream(path) << "old"; }
  {
    AtomicFile file(path);
    std::ofstream(file.partial()) << "results";
    file.created();
    file.keep();  // complete results: kept when they cannot be put in place, but these are gone
    CHECK(file.lost().empty());
    fs::remove(file.partial());
    CHECK(file.lost() == file.partial().string() + " was removed before it was complete (by another program?)");
    CHECK_THROWS_WITH(file.commit(), file.path().string() + ": " + file.partial().string() +
                                         " was removed before it was complete (by another program?); its contents "
                                         "are lost; the existing file is unchanged");
  }
  {
    AtomicFile file(path);
    std::ofstream(file.partial()) << "first";
    file.created();
    // NOTE: made before the first goes, or its freed inode number may come back for it.
    std::ofstream(dir / "other") << "someone else's";
    fs::rename(dir / "other", file.partial());
    CHECK_THAT(file.lost(), Contains("was replaced by another file before it was complete"));
    CHECK_THROWS_WITH(file.commit(), Contains("its contents are lost"));
    CHECK(contents(file.partial()) == "someone else's");  // not this writer's: never removed
    fs::remove(file.partial());
  }
  CHECK(contents(path) == "old");
  {
    const fs::path inner = dir / "inner";
    fs::create_directory(inner);
    OutputFile out(inner / "x.csv", "x.csv");
    out.stream() << "x";
    fs::remove_all(inner);
    CHECK_THROWS_WITH(out.commit(), Contains("its folder '" + inner.string() + "' was removed before"));
  }
  fs::remove_all(dir);
}

TEST_CASE("output file: outputs committed together all replace their paths, or none does", "[output_file]") {
  const auto dir = genepool::test::scratch_dir("output-file-together");
  const fs::path spec = dir / "best.json";
  const fs::path csv = dir / "best.csv";
  { std::ofstream(spec) << "old spec"; }
  {
    OutputFile a(spec, "best.json");
    OutputFile b(csv, "best.csv");
    a.stream() << "new spec";
    b.stream() << "new csv";
    a.close();
    b.close();
    AtomicFile* const both[] = {&a.file(), &b.file()};
    genepool::commit_together(both);
  }
  CHECK(contents(spec) == "new spec");
  CHECK(contents(csv) == "new csv");
  CHECK_FALSE(fs::exists(spec.string() + ".partial"));
  CHECK_FALSE(fs::exists(csv.string() + ".partial"));
  // The second cannot be renamed into place (a non-empty directory is in its way): the first, an
  // existing file, and a third, a new one, are put back as they were.
  const fs::path blocked = dir / "blocked";
  const fs::path fresh = dir / "fresh.csv";
  fs::create_directories(blocked / "inside");
  {
    AtomicFile a(spec), b(fresh), c(blocked);
    for (AtomicFile* file : {&a, &b, &c}) {
      std::ofstream(file->partial()) << "newer";
      file->created();
    }
    AtomicFile* const all[] = {&a, &b, &c};
    CHECK_THROWS_WITH(genepool::commit_together(all),
                      Contains(blocked.string() + ": cannot rename " + c.partial().string() + " into place: ") &&
                          Contains("; " + spec.string() + " is as it was; " + fresh.string() + " is as it was"));
  }
  CHECK(contents(spec) == "new spec");
  CHECK_FALSE(fs::exists(fresh));
  for (const fs::path& path : {spec, fresh, blocked})
    CHECK_FALSE(fs::exists(path.string() + ".partial"));
  fs::remove_all(dir);
}

namespace {

using genepool::OutputPath;

// check_outputs on one output `out` with inputs `inputs`.
void check_one(const std::vector<fs::path>& inputs, const fs::path& out, bool force) {
  const OutputPath outputs[] = {{out, "x.csv"}};
  genepool::check_outputs(inputs, outputs, force);
}

}  // namespace

TEST_CASE("output file: check_outputs refuses an existing file unless forced", "[output_file]") {
  const auto dir = genepool::test::scratch_dir("outputs-existing");
  const fs::path out = dir / "x.csv";
  CHECK_NOTHROW(check_one({}, out, false));
  CHECK(fs::is_empty(dir));  // the probe file is gone
  std::ofstream(out) << "old";
  CHECK_THROWS_WITH(check_one({}, out, false),
                    Contains(out.string() + ": already exists") && Contains("pass --force"));
  CHECK_NOTHROW(check_one({}, out, true));
  CHECK(contents(out) == "old");
  const auto missing = dir / "no-such-dir" / "x.csv";
  CHECK_THROWS_WITH(check_one({}, missing, true), Contains("no-such-dir") && Contains("does not exist"));
  CHECK_THROWS_WITH(check_one({}, dir, true), Contains(dir.string()) && Contains("is a directory"));
}

TEST_CASE("output file: no output names an input, in any spelling, even with force", "[output_file]") {
  const auto dir = genepool::test::scratch_dir("outputs-inputs");
  const fs::path input = dir / "data.csv";
  std::ofstream(input) << "data";
  fs::create_hard_link(input, dir / "hard.csv");
  fs::create_symlink(input, dir / "soft.csv");
  const fs::path spellings[] = {input, dir / "." / "data.csv", dir / "hard.csv", dir / "soft.csv",
                                dir / "sub" / ".." / "data.csv"};
  fs::create_directory(dir / "sub");
  for (const fs::path& out : spellings) {
    CAPTURE(out);
    CHECK_THROWS_WITH(check_one({input}, out, true),
                      Contains(out.string() + ": is the input " + input.string()) && Contains("not even with --force"));
  }
  // An output whose partial file would be the input.
  CHECK_THROWS_WITH(check_one({dir / "x.partial"}, dir / "x", true), Contains("is the input"));
  std::ofstream(dir / "x.partial") << "input";
  CHECK_THROWS_WITH(check_one({dir / "x.partial"}, dir / "x", true), Contains("is the input"));
  CHECK_NOTHROW(check_one({input}, dir / "other.csv", true));
  CHECK(contents(input) == "data");
}

TEST_CASE("output file: two outputs of one command are never one file", "[output_file]") {
  const auto dir = genepool::test::scratch_dir("outputs-twice");
  const OutputPath twice[] = {{dir / "x", "x.json"}, {dir / "." / "x", "x.csv"}};
  CHECK_THROWS_WITH(genepool::check_outputs({}, twice, true),
                    Contains((dir / "." / "x").string() + ": is also the output " + (dir / "x").string()));
  const OutputPath one_absent[] = {{dir / "x", "x.json"}, {"", "x.csv"}};
  CHECK_NOTHROW(genepool::check_outputs({}, one_absent, false));
}

TEST_CASE("output file: a FIFO at an output path is never replaced, even with force", "[output_file]") {
  const auto dir = genepool::test::scratch_dir("outputs-fifo");
  const fs::path fifo = dir / "x.csv";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  CHECK_THROWS_WITH(check_one({}, fifo, true), Contains(fifo.string() + ": is a FIFO (named pipe), not a regular file"));
  CHECK_THROWS_AS(OutputFile(fifo, "x.csv"), IoError);
  CHECK(fs::is_fifo(fifo));
}
