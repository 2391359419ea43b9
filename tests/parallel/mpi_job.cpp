// run_mpi_job (src/cli/mpi_job.cpp) under real MPI, 1, 2 and 3 ranks: the job's release hook (the
// run's claim on its results path) runs exactly once on every way out, before run_mpi_job returns
// (so before its session's MPI_Finalize), whether the set-up, the data check or the run ends it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "genepool/cli/mpi_job.hpp"
#include "genepool/error.hpp"
#include "genepool/parallel/parallel.hpp"
#include "fixtures.hpp"
#include "mpi_session.hpp"

using namespace genepool;

namespace {

// One bar: the set-up passes, the data check (Backtester) refuses it.
MarketData one_bar() {
  MarketData data;
  data.symbols = {"ONE"};
  data.timestamps = {86400};
  for (PriceMatrix* field : {&data.open, &data.high, &data.low, &data.close, &data.volume})
    field->setConstant(1, 1, 1.0);
  return data;
}

// run_mpi_job with `set_up` and a run that releases the workers and returns 0; the status and how
// often, and whether before it returned, release ran.
struct Outcome {
  int status = -1;
  int released = 0;
  bool released_before_return = false;
};

Outcome run_job(const std::function<MarketData()>& set_up) {
  (void)test::mpi_session();  // MPI stays up: the job's session joins it and leaves it up
  std::string name = "genepool";
  std::vector<char*> words = {name.data(), nullptr};
  int argc = 1;
  char** argv = words.data();
  Outcome outcome;
  bool returned = false;
  app::MpiJob job;
  job.set_up = [&](const parallel::Session&, app::PhaseClock&, CsvRangeReaders&) { return set_up(); };
  job.run = [](const parallel::Session& session, const parallel::SharedMarketData& data,
               const ExecutionSettings& execution, const parallel::BroadcastStats&, app::PhaseClock&) {
    parallel::MpiEvaluator evaluator(session, data, execution);
    evaluator.finish(0);
    return 0;
  };
  job.release = [&] {
    ++outcome.released;
    outcome.released_before_return = !returned;
  };
  outcome.status = app::run_mpi_job(argc, argv, test::test_execution(), job);
  returned = true;
  return outcome;
}

}  // namespace

TEST_CASE("mpi job: the release hook runs once when the data check fails", "[mpi][mpi_job]") {
  const Outcome outcome = run_job(one_bar);
  CHECK(outcome.status == static_cast<int>(ExitCode::data));
  CHECK(outcome.released == 1);
  CHECK(outcome.released_before_return);
}

TEST_CASE("mpi job: the release hook runs once when the set-up fails", "[mpi][mpi_job]") {
  const Outcome outcome = run_job([]() -> MarketData { throw IoError("out.h5: directory 'x' does not exist"); });
  CHECK(outcome.status == static_cast<int>(ExitCode::io));
  CHECK(outcome.released == 1);
  CHECK(outcome.released_before_return);
}

TEST_CASE("mpi job: the release hook runs once after a run that succeeds", "[mpi][mpi_job]") {
  const Outcome outcome = run_job([] { return test::two_symbol_data(300, 3); });
  CHECK(outcome.status == 0);
  CHECK(outcome.released == 1);
  CHECK(outcome.released_before_return);
}
