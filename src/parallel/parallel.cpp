// The only translation unit that includes MPI: broadcast of the data, scatter of genomes,
// gather of evaluations. Plain structs cross as contiguous bytes (a derived datatype each).
#include "genepool/parallel/parallel.hpp"

#include <mpi.h>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>
#include <type_traits>
#include <vector>

#include "genepool/cpu_target.hpp"
#include "genepool/error.hpp"
#include "genepool/evolution/deal.hpp"

namespace genepool::parallel {

namespace {

using Clock = std::chrono::steady_clock;

enum class CommandKind : std::int32_t { evaluate = 1, finish = 2, window = 3 };

// What rank 0 broadcasts before each batch.
struct Command {
  CommandKind kind;
  std::int32_t status;
  std::uint64_t count;
  std::uint64_t begin = 0;  // window: bars [begin, end)
  std::uint64_t end = 0;
};

// What each rank reports with its evaluations of a batch.
struct RankReport {
  double seconds = 0;     // spent evaluating its share
  std::int32_t stop = 0;  // 1: this rank was asked to stop (a signal reached it)
};
// NOTE: the report travels in one more evaluation-sized slot after the rank's evaluations, so that a
// batch takes three collectives with the command, not four: every collective costs a round of
// wake-ups when ranks outnumber cores.
static_assert(std::is_trivially_copyable_v<RankReport> && sizeof(RankReport) <= sizeof(Evaluation));

// Fault injection for tests: GENEPOOL_HANG_RANK=r makes rank r stop answering at its batch
// GENEPOOL_HANG_BATCH (counted from 0 in this process; default 0), for GENEPOOL_HANG_SECONDS
// (default: forever), as a rank stuck in a kernel or on a dead node would. Signals do not end it.
void maybe_hang(int rank, std::size_t batch) {
  const char* hang_rank = std::getenv("GENEPOOL_HANG_RANK");
  if (hang_rank == nullptr || std::atoi(hang_rank) != rank) return;
  const char* hang_batch = std::getenv("GENEPOOL_HANG_BATCH");
  if (hang_batch != nullptr && std::strtoull(hang_batch, nullptr, 10) != batch) return;
  if (hang_batch == nullptr && batch != 0) return;
  const char* hang_seconds = std::getenv("GENEPOOL_HANG_SECONDS");
  const double seconds = hang_seconds != nullptr ? std::atof(hang_seconds) : 0.0;
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (seconds <= 0 || Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

// A backtester on bars `window` of `data`: on `data` itself for the whole data, else on a slice kept in `storage`.
std::unique_ptr<Backtester> windowed_backtester(const MarketData& data, const ExecutionSettings& settings,
                                                BarWindow window, MarketData& storage) {
  if (window.begin == 0 && window.end == static_cast<std::size_t>(data.bars())) {
    storage = MarketData{};
    return std::make_unique<Backtester>(data, settings);
  }
  storage = slice(data, window);
  return std::make_unique<Backtester>(storage, settings);
}

void check_mpi(int code, const char* what) {
  if (code != MPI_SUCCESS) throw Error(std::string("MPI call failed: ") + what);
}

// MPI_Bcast in chunks below INT_MAX bytes, so any panel size crosses.
void broadcast_bytes(MPI_Comm comm, void* data, std::size_t bytes) {
  auto* cursor = static_cast<char*>(data);
  constexpr std::size_t chunk = std::size_t{1} << 30;
  while (bytes > 0) {
    const std::size_t n = bytes < chunk ? bytes : chunk;
    check_mpi(MPI_Bcast(cursor, static_cast<int>(n), MPI_BYTE, 0, comm), "MPI_Bcast");
    cursor += n;
    bytes -= n;
  }
}

// A contiguous datatype of sizeof(T) bytes, freed with the object.
template <typename T>
class BytesType {
 public:
  BytesType() {
    check_mpi(MPI_Type_contiguous(static_cast<int>(sizeof(T)), MPI_BYTE, &type_), "MPI_Type_contiguous");
    check_mpi(MPI_Type_commit(&type_), "MPI_Type_commit");
  }
  ~BytesType() { MPI_Type_free(&type_); }
  BytesType(const BytesType&) = delete;
  BytesType& operator=(const BytesType&) = delete;
  MPI_Datatype get() const { return type_; }

 private:
  MPI_Datatype type_{};
};

}  // namespace

// Members are destroyed in reverse order: the datatypes are freed before MPI is finalised.
struct Session::Impl {
  boost::mpi::environment environment;
  boost::mpi::communicator world;
  BytesType<Genome> genome_type;
  BytesType<Evaluation> evaluation_type;
  std::vector<std::string> rank_hosts;        // rank 0 only
  std::vector<std::string> rank_cpu_targets;  // rank 0 only
  MPI_Comm comm() const { return static_cast<MPI_Comm>(world); }
};

namespace {

// When rank 0 gives up waiting on a batch: never (the workers wait for rank 0 for ever: if it fails
// it ends the job), or at a deadline.
struct Deadline {
  bool set = false;
  Clock::time_point at;
  double seconds = 0;
  int workers = 0;
};

// Completes a non-blocking collective: MPI_Wait, or MPI_Test until `deadline`, then NoAnswer.
// NOTE: the non-blocking forms only so that rank 0 can stop waiting; every rank must use them,
// since a non-blocking collective never matches a blocking one.
void complete(MPI_Request& request, const Deadline& deadline, const char* what) {
  if (!deadline.set) {
    check_mpi(MPI_Wait(&request, MPI_STATUS_IGNORE), what);
    return;
  }
  for (;;) {
    int done = 0;
    check_mpi(MPI_Test(&request, &done, MPI_STATUS_IGNORE), what);
    if (done != 0) return;
    if (Clock::now() >= deadline.at) throw NoAnswer(deadline.workers, deadline.seconds);
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

// Rank 0's command, with each rank's share size of the coming batch, on every rank: one collective.
Command broadcast_command(MPI_Comm comm, Command command, std::vector<int>& counts, int ranks,
                          const Deadline& deadline = {}) {
  std::vector<char> message(sizeof(Command) + sizeof(int) * static_cast<std::size_t>(ranks));
  counts.resize(static_cast<std::size_t>(ranks), 0);
  std::memcpy(message.data(), &command, sizeof(Command));
  std::memcpy(message.data() + sizeof(Command), counts.data(), sizeof(int) * counts.size());
  MPI_Request request = MPI_REQUEST_NULL;
  check_mpi(MPI_Ibcast(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, comm, &request),
            "MPI_Ibcast(command)");
  complete(request, deadline, "MPI_Ibcast(command)");
  std::memcpy(&command, message.data(), sizeof(Command));
  std::memcpy(counts.data(), message.data() + sizeof(Command), sizeof(int) * counts.size());
  return command;
}

// One batch on any rank: receive this rank's share of genomes, evaluate them, send the results
// and this rank's RankReport. Rank 0 passes the whole batch in dealt order (counts[r] items for
// rank r, rank by rank) and room for the results; the others pass empty spans.
void run_batch(const Session::Impl& mpi, int rank, const std::vector<int>& counts, Backtester& backtester,
               std::span<const Genome> all_genomes, std::span<Evaluation> all_results,
               std::vector<double>* rank_seconds, bool stop_here, bool* stop_anywhere, std::size_t batch,
               const Deadline& deadline = {}) {
  MPI_Comm comm = mpi.comm();
  const auto& genome_type = mpi.genome_type;
  const auto& evaluation_type = mpi.evaluation_type;
  const std::size_t ranks = counts.size();
  std::vector<int> offsets(ranks), result_counts(ranks), result_offsets(ranks);
  std::size_t next = 0;
  for (std::size_t r = 0; r < ranks; ++r) {
    if (next + r + static_cast<std::size_t>(counts[r]) >= static_cast<std::size_t>(INT_MAX)) {
      throw Error("population too large for one MPI batch");
    }
    offsets[r] = static_cast<int>(next);
    result_counts[r] = counts[r] + 1;
    result_offsets[r] = static_cast<int>(next + r);
    next += static_cast<std::size_t>(counts[r]);
  }
  const auto mine = static_cast<std::size_t>(counts[static_cast<std::size_t>(rank)]);
  std::vector<Genome> genomes(mine);
  std::vector<Evaluation> results(mine + 1);

  MPI_Request request = MPI_REQUEST_NULL;
  check_mpi(MPI_Iscatterv(all_genomes.data(), counts.data(), offsets.data(), genome_type.get(), genomes.data(),
                          static_cast<int>(mine), genome_type.get(), 0, comm, &request),
            "MPI_Iscatterv(genomes)");
  complete(request, deadline, "MPI_Iscatterv(genomes)");
  const auto start = Clock::now();
  maybe_hang(rank, batch);
  evaluate_batch_safely(backtester, genomes, std::span<Evaluation>(results.data(), mine));
  results[mine] = Evaluation{};
  const RankReport report{std::chrono::duration<double>(Clock::now() - start).count(), stop_here ? 1 : 0};
  std::memcpy(static_cast<void*>(&results[mine]), &report, sizeof report);
  std::vector<Evaluation> received(rank == 0 ? next + ranks : 0);
  check_mpi(MPI_Igatherv(results.data(), static_cast<int>(mine + 1), evaluation_type.get(), received.data(),
                         result_counts.data(), result_offsets.data(), evaluation_type.get(), 0, comm, &request),
            "MPI_Igatherv(evaluations)");
  complete(request, deadline, "MPI_Igatherv(evaluations)");
  if (rank != 0) return;
  for (std::size_t r = 0; r < ranks; ++r) {
    const auto* block = received.data() + result_offsets[r];
    std::copy(block, block + counts[r], all_results.begin() + offsets[r]);
    RankReport reported;
    std::memcpy(static_cast<void*>(&reported), block + counts[r], sizeof reported);
    if (rank_seconds != nullptr) (*rank_seconds)[r] = reported.seconds;
    if (stop_anywhere != nullptr && reported.stop != 0) *stop_anywhere = true;
  }
}

}  // namespace

namespace {

// Every rank's `text`, in rank order, on rank 0 (empty elsewhere).
std::vector<std::string> gather_texts(MPI_Comm comm, const std::string& text) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int length = static_cast<int>(text.size());
  std::vector<int> lengths(rank == 0 ? static_cast<std::size_t>(size) : 0);
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, comm);
  std::vector<int> offsets(lengths.size());
  int total = 0;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    offsets[r] = total;
    total += lengths[r];
  }
  std::string all(static_cast<std::size_t>(total), '\0');
  MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0, comm);
  std::vector<std::string> texts;
  for (std::size_t r = 0; r < lengths.size(); ++r)
    texts.push_back(all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r])));
  return texts;
}

}  // namespace

Session::Session(int& argc, char**& argv)
    : impl_(new Impl{boost::mpi::environment(argc, argv, /*abort_on_exception=*/false), {}, {}, {}, {}, {}}) {
  impl_->rank_hosts = gather_texts(impl_->comm(), host());
  impl_->rank_cpu_targets = gather_texts(impl_->comm(), std::string(compiled_cpu_target()));
}

Session::~Session() = default;

int Session::rank() const { return impl_->world.rank(); }
int Session::size() const { return impl_->world.size(); }
std::string Session::host() const { return boost::mpi::environment::processor_name(); }
const std::vector<std::string>& Session::rank_hosts() const { return impl_->rank_hosts; }
const std::vector<std::string>& Session::rank_cpu_targets() const { return impl_->rank_cpu_targets; }

void Session::abort(int status) const {
  MPI_Abort(impl_->comm(), status);
  std::abort();  // MPI_Abort does not return; this satisfies [[noreturn]]
}

MarketData broadcast_market_data(const Session& session, MarketData data, BroadcastStats* stats) {
  const auto start = Clock::now();
  MPI_Comm comm = session.impl().comm();
  const bool root = session.rank() == 0;

  // Shape first, then the symbol names as one NUL-separated block, then one buffer per field.
  std::uint64_t shape[3] = {0, 0, 0};
  std::string names;
  if (root) {
    for (const auto& symbol : data.symbols) names += symbol + '\0';
    shape[0] = static_cast<std::uint64_t>(data.bars());
    shape[1] = static_cast<std::uint64_t>(data.symbol_count());
    shape[2] = names.size();
  }
  broadcast_bytes(comm, shape, sizeof shape);
  const auto bars = static_cast<Eigen::Index>(shape[0]);
  const auto symbols = static_cast<Eigen::Index>(shape[1]);
  if (!root) {
    names.assign(shape[2], '\0');
    data.timestamps.resize(static_cast<std::size_t>(bars));
    for (PriceMatrix* field : {&data.open, &data.high, &data.low, &data.close, &data.volume}) {
      field->resize(bars, symbols);
    }
  }
  broadcast_bytes(comm, names.data(), names.size());
  if (!root) {
    data.symbols.clear();
    for (std::size_t begin = 0; begin < names.size();) {
      const std::size_t end = names.find('\0', begin);
      data.symbols.push_back(names.substr(begin, end - begin));
      begin = end + 1;
    }
  }
  broadcast_bytes(comm, data.timestamps.data(), data.timestamps.size() * sizeof(std::int64_t));
  for (PriceMatrix* field : {&data.open, &data.high, &data.low, &data.close, &data.volume}) {
    broadcast_bytes(comm, field->data(), static_cast<std::size_t>(field->size()) * sizeof(double));
  }
  if (stats) {
    stats->bytes = sizeof shape + names.size() + data.bytes();
    stats->seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return data;
}

int broadcast_status(const Session& session, int status) {
  check_mpi(MPI_Bcast(&status, 1, MPI_INT, 0, session.impl().comm()), "MPI_Bcast(status)");
  return status;
}

int max_over_ranks(const Session& session, int value) {
  int result = 0;
  check_mpi(MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MAX, session.impl().comm()), "MPI_Allreduce");
  return result;
}

ExecutionSettings broadcast_settings(const Session& session, const ExecutionSettings& value) {
  static_assert(std::is_trivially_copyable_v<ExecutionSettings>);
  ExecutionSettings copy = value;
  broadcast_bytes(session.impl().comm(), &copy, sizeof copy);
  return copy;
}

std::vector<std::string> broadcast_texts(const Session& session, std::vector<std::string> texts) {
  const MPI_Comm comm = session.impl().comm();
  const bool root = session.rank() == 0;
  std::uint64_t count = root ? texts.size() : 0;
  broadcast_bytes(comm, &count, sizeof count);
  if (!root) texts.clear();
  std::vector<std::uint64_t> sizes(static_cast<std::size_t>(count));
  if (root)
    for (std::size_t i = 0; i < sizes.size(); ++i) sizes[i] = texts[i].size();
  broadcast_bytes(comm, sizes.data(), sizes.size() * sizeof(std::uint64_t));
  std::string joined;
  if (root)
    for (const std::string& text : texts) joined += text;
  else
    for (const std::uint64_t size : sizes) joined.resize(joined.size() + static_cast<std::size_t>(size));
  broadcast_bytes(comm, joined.data(), joined.size());
  if (root) return texts;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    texts.push_back(joined.substr(begin, static_cast<std::size_t>(sizes[i])));
    begin += static_cast<std::size_t>(sizes[i]);
  }
  return texts;
}

MpiEvaluator::MpiEvaluator(const Session& session, const MarketData& data, const ExecutionSettings& settings)
    : session_(session), data_(data), settings_(settings), backtester_(std::make_unique<Backtester>(data, settings)) {}

void MpiEvaluator::set_window(BarWindow window) {
  // Checked before anything changes, so a refused window leaves every rank on the last good one.
  if (window.begin >= window.end || window.end > static_cast<std::size_t>(data_.bars()))
    throw Error("bar window [" + std::to_string(window.begin) + ", " + std::to_string(window.end) +
                ") is not inside the data's " + std::to_string(data_.bars()) + " bars");
  backtester_.reset();
  backtester_ = windowed_backtester(data_, settings_, window, window_);
  std::vector<int> counts;
  broadcast_command(session_.impl().comm(), Command{CommandKind::window, 0, 0, window.begin, window.end}, counts,
                    session_.size());
}

MpiEvaluator::~MpiEvaluator() {
  // An evaluator left without finish() (an exception on rank 0) still releases the workers.
  if (!finished_) finish(static_cast<int>(ExitCode::failure));
}

void MpiEvaluator::evaluate(std::span<const Genome> genomes, std::span<Evaluation> results) {
  const auto start = Clock::now();
  MPI_Comm comm = session_.impl().comm();
  const int ranks = session_.size();
  // NOTE: strategy types differ in cost, so the batch is dealt out by estimated cost rather than
  // cut into equal counts; the results are put back in population order.
  costs_.resize(genomes.size());
  for (std::size_t i = 0; i < genomes.size(); ++i) costs_[i] = estimated_cost(genomes[i]);
  const Deal deal = deal_by_cost(costs_, ranks);
  dealt_.resize(genomes.size());
  gathered_.resize(genomes.size());
  for (std::size_t i = 0; i < genomes.size(); ++i) dealt_[i] = genomes[deal.order[i]];
  std::vector<int> counts = deal.counts;
  Deadline deadline;
  if (timeout_ > 0) {
    deadline = Deadline{true, start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_)),
                        timeout_, ranks - 1};
  }
  std::vector<double> seconds(static_cast<std::size_t>(ranks));
  try {
    broadcast_command(comm, Command{CommandKind::evaluate, 0, genomes.size()}, counts, ranks, deadline);
    run_batch(session_.impl(), 0, counts, *backtester_, dealt_, gathered_, &seconds, false, &stop_requested_,
              batches_++, deadline);
  } catch (const NoAnswer&) {
    finished_ = true;  // a stuck rank cannot be released: the caller aborts the job
    throw;
  }
  for (std::size_t i = 0; i < genomes.size(); ++i) results[deal.order[i]] = gathered_[i];
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  double slowest = 0;
  double total = 0;
  for (double s : seconds) {
    slowest = s > slowest ? s : slowest;
    total += s;
  }
  const double mean = total / static_cast<double>(seconds.size());
  timing_.evaluate_seconds = slowest;
  timing_.communicate_seconds = wall > slowest ? wall - slowest : 0.0;
  timing_.imbalance = mean > 0 ? slowest / mean : 1.0;
}

void MpiEvaluator::finish(int status) {
  if (finished_) return;
  finished_ = true;
  std::vector<int> counts;
  broadcast_command(session_.impl().comm(), Command{CommandKind::finish, status, 0}, counts, session_.size());
}

NoAnswer::NoAnswer(int workers, double seconds)
    : Error((workers == 1 ? std::string("rank 1 did not answer") : "ranks 1.." + std::to_string(workers) +
             " did not all answer (a gather cannot tell which is missing)") +
                " within " + [&] {
                  std::ostringstream text;
                  text << seconds;
                  return text.str();
                }() + " s",
            ExitCode::hung),
      seconds_(seconds) {}

int serve_evaluations(const Session& session, const MarketData& data, const ExecutionSettings& settings,
                      const std::function<bool()>& stop_requested) {
  if (const char* fail = std::getenv("GENEPOOL_FAIL_RANK"); fail && std::atoi(fail) == session.rank()) {
    throw Error("injected failure on rank " + std::to_string(session.rank()) + " (GENEPOOL_FAIL_RANK)");
  }
  MarketData window;
  auto backtester = std::make_unique<Backtester>(data, settings);
  MPI_Comm comm = session.impl().comm();
  for (std::size_t batch = 0;;) {
    std::vector<int> counts;
    const Command command = broadcast_command(comm, Command{}, counts, session.size());
    if (command.kind == CommandKind::finish) return command.status;
    if (command.kind == CommandKind::window) {
      backtester.reset();
      backtester = windowed_backtester(data, settings, {command.begin, command.end}, window);
      continue;
    }
    const bool stop = stop_requested && stop_requested();
    run_batch(session.impl(), session.rank(), counts, *backtester, {}, {}, nullptr, stop, nullptr, batch++);
  }
}

}  // namespace genepool::parallel
