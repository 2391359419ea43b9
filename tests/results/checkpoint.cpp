// The checkpoint file: an exact round trip, an atomic replacement, and a clear IoError for a file
// that is missing, truncated or not a checkpoint.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>

#include "genepool/results/checkpoint.hpp"
#include "genepool/error.hpp"
#include "helpers.hpp"

using namespace genepool;
namespace fs = std::filesystem;

namespace {

Checkpoint sample_checkpoint() {
  Checkpoint c;
  c.generations = 3;
  c.seed = 0xfeedfacecafebeefULL;
  c.settings = {{"population", "40"}, {"strategies", "[\"macd\", \"sma_crossover\"]"}, {"resume", "\"\""}};
  c.inputs = {{"data/a.csv", std::string(64, 'a'), 123}, {"b.h5", std::string(64, 'b'), 1ULL << 40}};
  for (std::uint64_t b = 0; b < 4; ++b) {
    const std::uint64_t size = b == 2 ? 0 : b + 1;  // an empty batch too
    c.log.batch_sizes.push_back(size);
    c.log.timings.push_back({0.5 + static_cast<double>(b), 0.25, 1.125});
    for (std::uint64_t i = 0; i < size; ++i) {
      Genome g;
      g.strategy = static_cast<std::uint32_t>(i);
      g.params = {1.0 / 3.0, -0.0, 1e300, static_cast<double>(b)};
      if (i % 2 == 1) {  // evolved stop-loss and leverage cap
        g.exit_genes = (1u << static_cast<std::uint32_t>(ExitGene::stop_loss)) |
                       (1u << static_cast<std::uint32_t>(ExitGene::leverage_cap));
        g.exits[static_cast<std::size_t>(ExitGene::stop_loss)] = 1.0 / 7.0;
        g.exits[static_cast<std::size_t>(ExitGene::leverage_cap)] = 2.5;
      }
      Evaluation e;
      e.metrics.sharpe = std::nextafter(1.0, 2.0) * static_cast<double>(i);
      e.metrics.profit_factor = std::numeric_limits<double>::infinity();
      e.metrics.bars = 599;
      e.status = i == 1 ? EvalStatus::non_finite : EvalStatus::ok;
      c.log.genomes.push_back(g);
      c.log.evaluations.push_back(e);
    }
  }
  c.best = {0.1, 0.2, 0.30000000000000004};
  c.operator_seconds = {0, 0.001, 0.002};
  c.elapsed_seconds = {1, 2, 3};
  return c;
}

}  // namespace

TEST_CASE("a checkpoint reads back exactly what was written", "[checkpoint]") {
  const auto dir = test::scratch_dir("checkpoint-roundtrip");
  const fs::path path = checkpoint_path(dir / "run.h5");
  CHECK(path.filename() == "run.h5.checkpoint");
  const Checkpoint written = sample_checkpoint();
  write_checkpoint(path, written);
  CHECK_FALSE(fs::exists(path.string() + ".tmp"));
  const Checkpoint read = read_checkpoint(path);
  CHECK(read.generations == written.generations);
  CHECK(read.seed == written.seed);
  CHECK(read.settings == written.settings);
  REQUIRE(read.inputs.size() == 2);
  CHECK(read.inputs[1].path == "b.h5");
  CHECK(read.inputs[1].sha256 == written.inputs[1].sha256);
  CHECK(read.inputs[1].bytes == written.inputs[1].bytes);
  CHECK(read.log.batch_sizes == written.log.batch_sizes);
  REQUIRE(read.log.genomes.size() == written.log.genomes.size());
  CHECK(std::memcmp(read.log.genomes.data(), written.log.genomes.data(), written.log.genomes.size() * sizeof(Genome)) == 0);
  CHECK(std::memcmp(read.log.evaluations.data(), written.log.evaluations.data(),
                    written.log.evaluations.size() * sizeof(Evaluation)) == 0);
  REQUIRE(read.log.timings.size() == 4);
  CHECK(read.log.timings[3].evaluate_seconds == 3.5);
  CHECK(read.best == written.best);
  CHECK(read.operator_seconds == written.operator_seconds);
  CHECK(read.elapsed_seconds == written.elapsed_seconds);
  CHECK_FALSE(read.genepool_version.empty());

  // A second write replaces the first as a whole.
  Checkpoint later = written;
  later.generations = 4;
  later.best.push_back(0.4);
  later.operator_seconds.push_back(0);
  later.elapsed_seconds.push_back(4);
  write_checkpoint(path, later);
  CHECK(read_checkpoint(path).generations == 4);
}

TEST_CASE("a missing, truncated or foreign checkpoint is an IoError naming the file", "[checkpoint]") {
  const auto dir = test::scratch_dir("checkpoint-bad");
  const fs::path good = dir / "good.checkpoint";
  write_checkpoint(good, sample_checkpoint());
  const auto fails_with = [](const fs::path& path, const std::string& text) {
    try {
      read_checkpoint(path);
      FAIL("read " << path);
    } catch (const IoError& error) {
      CHECK_THAT(error.what(), Catch::Contains(path.string()) && Catch::Contains(text));
      CHECK(std::string(error.what()).find('\n') == std::string::npos);
    }
  };
  fails_with(dir / "missing.checkpoint", "no such file; expected a checkpoint file");

  std::string bytes(static_cast<std::size_t>(fs::file_size(good)), '\0');
  std::ifstream(good, std::ios::binary).read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  for (const std::size_t keep : {std::size_t{0}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    INFO("kept " << keep << " of " << bytes.size() << " bytes");
    const fs::path cut = dir / ("cut-" + std::to_string(keep));
    std::ofstream(cut, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(keep));
    fails_with(cut, "checkpoint");
  }

  Checkpoint inconsistent = sample_checkpoint();
  inconsistent.log.batch_sizes[0] = 7;  // more genomes than the log holds
  write_checkpoint(dir / "inconsistent", inconsistent);
  fails_with(dir / "inconsistent", "batch");
}
