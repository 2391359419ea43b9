#include "genepool/io/run_claim.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>

#include <array>
#include <fstream>
#include <optional>
#include <sstream>

#include "genepool/error.hpp"
#include "helpers.hpp"

using Catch::Matchers::Contains;
using genepool::RunClaim;
namespace fs = std::filesystem;

namespace {

std::string host() {
  std::array<char, 256> name{};
  REQUIRE(::gethostname(name.data(), name.size() - 1) == 0);
  return name.data();
}

}  // namespace

TEST_CASE("run claim: OUT.claim names this run and goes with it", "[run_claim]") {
  const auto dir = genepool::test::scratch_dir("claim-life");
  const fs::path out = dir / "run.h5";
  CHECK(genepool::claim_path(out) == dir / "run.h5.claim");
  {
    const RunClaim claim(out);
    REQUIRE(fs::is_regular_file(claim.path()));
    std::ifstream in(claim.path());
    std::string owner_host, started;
    long pid = 0;
    in >> owner_host >> pid >> started;
    CHECK(owner_host == host());
    CHECK(pid == ::getpid());
    CHECK(started.size() == 20);  // 2026-01-02T03:04:05Z
  }
  CHECK(fs::is_empty(dir));
}

TEST_CASE("run claim: a second claim on one path is refused, naming the owner", "[run_claim]") {
  const auto dir = genepool::test::scratch_dir("claim-twice");
  const fs::path out = dir / "run.h5";
  std::optional<RunClaim> first;
  first.emplace(out);
  CHECK_THROWS_WITH(RunClaim(out), Contains(out.string() + ": claimed by another run (host " + host() + ", pid " +
                                            std::to_string(::getpid()) + ", started ") &&
                                       Contains("remove " + genepool::claim_path(out).string()));
  CHECK(fs::exists(first->path()));  // the refused claim removed nothing
  first.reset();
  CHECK_NOTHROW(RunClaim(out));
}

TEST_CASE("run claim: a dead process's claim on this host is taken over, another host's is not", "[run_claim]") {
  const auto dir = genepool::test::scratch_dir("claim-stale");
  const fs::path out = dir / "run.h5";
  const fs::path claim_file = genepool::claim_path(out);
  // NOTE: pid_max is at most 2^22 on Linux, so this pid is never alive.
  std::ofstream(claim_file) << host() << " 999999999 2020-01-01T00:00:00Z\n";
  {
    const RunClaim claim(out);
    std::ifstream in(claim_file);
    std::string owner_host;
    long pid = 0;
    in >> owner_host >> pid;
    CHECK(pid == ::getpid());
  }
  CHECK(!fs::exists(claim_file));
  std::ofstream(claim_file) << "another-host 1 2020-01-01T00:00:00Z\n";
  CHECK_THROWS_WITH(RunClaim(out), Contains("host another-host, pid 1, started 2020-01-01T00:00:00Z"));
  CHECK(fs::exists(claim_file));
  // A live process on this host (this one) holds its claim.
  std::ofstream(claim_file) << host() << ' ' << ::getpid() << " 2020-01-01T00:00:00Z\n";
  CHECK_THROWS_AS(RunClaim(out), genepool::IoError);
}

TEST_CASE("run claim: a claim in a missing directory is one IoError naming the path", "[run_claim]") {
  const auto dir = genepool::test::scratch_dir("claim-nodir");
  CHECK_THROWS_WITH(RunClaim(dir / "none" / "run.h5"), Contains((dir / "none" / "run.h5").string()) &&
                                                             Contains("cannot create the claim file"));
}
