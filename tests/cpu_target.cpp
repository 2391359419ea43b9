// The choice of a CPU target (src/cpu_target.cpp): GENEPOOL_CPU's name checked against the known,
// the built and the runnable targets; unforced, the last built target the CPU runs.
#include <catch2/catch.hpp>

#include "genepool/cpu_target.hpp"
#include "genepool/error.hpp"

using Catch::Matchers::Contains;
using namespace genepool;

namespace {

ExitCode refusal(std::string_view forced, const std::vector<std::string>& built, std::string* message) {
  try {
    choose_cpu_target(forced, built);
  } catch (const Error& error) {
    *message = error.what();
    return error.code();
  }
  FAIL("choose_cpu_target(" << forced << ") chose a target");
  return ExitCode::success;
}

}  // namespace

TEST_CASE("baseline and native run on every CPU, unknown names on none") {
  CHECK(cpu_runs("baseline"));
  CHECK(cpu_runs("native"));
  CHECK_FALSE(cpu_runs("avx3"));
  CHECK_FALSE(cpu_runs(""));
  if (cpu_runs("avx512")) CHECK(cpu_runs("avx2"));  // x86-64-v4 includes v3
}

TEST_CASE("unforced, the most capable built target the CPU runs") {
  CHECK(choose_cpu_target("", {"baseline"}) == "baseline");
  const std::string expected = cpu_runs("avx512") ? "avx512" : cpu_runs("avx2") ? "avx2" : "baseline";
  CHECK(choose_cpu_target("", {"baseline", "avx2", "avx512"}) == expected);
  CHECK(choose_cpu_target("", {"baseline", "avx2"}) == (cpu_runs("avx2") ? "avx2" : "baseline"));
  CHECK(choose_cpu_target("", {"native"}) == "native");
}

TEST_CASE("GENEPOOL_CPU forces a built target the CPU runs") {
  CHECK(choose_cpu_target("baseline", {"baseline", "avx2", "avx512"}) == "baseline");
  if (cpu_runs("avx2")) CHECK(choose_cpu_target("avx2", {"baseline", "avx2", "avx512"}) == "avx2");
}

TEST_CASE("GENEPOOL_CPU naming an unknown, unbuilt or unrunnable target is refused with its status") {
  std::string message;
  CHECK(refusal("AVX2", {"baseline", "avx2"}, &message) == ExitCode::usage);
  CHECK_THAT(message, Contains("GENEPOOL_CPU='AVX2' is not a CPU target") &&
                          Contains("expected one of baseline, avx2, avx512, native"));
  CHECK(refusal("avx512", {"baseline", "avx2"}, &message) == ExitCode::cpu);
  CHECK_THAT(message, Contains("this build has no avx512 target; it has baseline, avx2"));
  if (!cpu_runs("avx512")) {
    CHECK(refusal("avx512", {"baseline", "avx2", "avx512"}, &message) == ExitCode::cpu);
    CHECK_THAT(message, Contains("this CPU cannot run the avx512 target; it runs baseline"));
  }
  CHECK(refusal("", {"avx512x"}, &message) == ExitCode::cpu);
  CHECK_THAT(message, Contains("runs none of the CPU targets built (avx512x)"));
}

TEST_CASE("the unit tests run the target they were compiled for") {
  CHECK((compiled_cpu_target() == "baseline" || compiled_cpu_target() == "native"));
}
