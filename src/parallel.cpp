// The only translation unit that includes MPI: broadcast of the data, the messages of each batch
// (Isend/Irecv, so that rank 0 can wait with a deadline). Plain structs cross as their bytes.
#include "genepool/parallel.hpp"

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
#include <vector>

#include "genepool/error.hpp"

namespace genepool::parallel {

namespace {

using Clock = std::chrono::steady_clock;

enum class CommandKind : std::int32_t { evaluate = 1, finish = 2 };

// What rank 0 broadcasts before each batch.
struct Command {
  CommandKind kind;
  std::int32_t status;
  std::uint64_t count;
};

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

}  // namespace

struct Session::Impl {
  boost::mpi::environment environment;
  boost::mpi::communicator world;
  MPI_Comm comm() const { return static_cast<MPI_Comm>(world); }
};

namespace {

// Rank 0 -> worker: one message per batch, the command and then that worker's genomes.
// Worker -> rank 0: one message, the reply and then the evaluations of those genomes, in order.
// NOTE: point-to-point messages rather than collectives, so that rank 0 can wait for the answers
// with a deadline and name the ranks that did not answer (a collective cannot say who is missing).
constexpr int kCommandTag = 1;
constexpr int kReplyTag = 2;

struct Reply {
  double seconds;      // the worker's evaluation time of the batch
  std::int32_t stop;   // 1: the worker was asked to stop (a signal)
  std::int32_t reserved;
};

int message_bytes(std::size_t header, std::size_t count, std::size_t item) {
  const std::size_t bytes = header + count * item;
  if (bytes >= static_cast<std::size_t>(INT_MAX)) throw Error("population too large for one MPI message per rank");
  return static_cast<int>(bytes);
}

// Evaluates one rank's share; returns the seconds it took.
double evaluate_share(Backtester& backtester, std::span<const Genome> genomes, std::span<Evaluation> results, int rank,
                      std::size_t batch) {
  const auto start = Clock::now();
  maybe_hang(rank, batch);
  evaluate_batch_safely(backtester, genomes, results);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

Session::Session(int& argc, char**& argv)
    : impl_(new Impl{boost::mpi::environment(argc, argv, /*abort_on_exception=*/false), {}}) {}

Session::~Session() = default;

int Session::rank() const { return impl_->world.rank(); }
int Session::size() const { return impl_->world.size(); }
std::string Session::host() const { return boost::mpi::environment::processor_name(); }

void Session::abort(int status) const {
  MPI_Abort(impl_->comm(), status);
  std::abort();  // MPI_Abort does not return; this satisfies [[noreturn]]
}

Share share_of(std::size_t count, int rank, int ranks) {
  const auto r = static_cast<std::size_t>(rank);
  const auto n = static_cast<std::size_t>(ranks);
  const std::size_t base = count / n;
  const std::size_t extra = count % n;
  const std::size_t first = r * base + (r < extra ? r : extra);
  return {first, first + base + (r < extra ? 1 : 0)};
}

Deal deal_by_cost(std::span<const double> costs, int ranks) {
  const auto n = static_cast<std::size_t>(ranks);
  Deal deal;
  deal.counts.assign(n, 0);
  deal.loads.assign(n, 0.0);
  std::vector<std::size_t> by_cost(costs.size());
  for (std::size_t i = 0; i < by_cost.size(); ++i) by_cost[i] = i;
  std::stable_sort(by_cost.begin(), by_cost.end(), [&](std::size_t a, std::size_t b) { return costs[a] > costs[b]; });
  // The least loaded rank on top (ties: the lowest rank).
  const auto lighter = [&](std::size_t a, std::size_t b) {
    return deal.loads[a] > deal.loads[b] || (deal.loads[a] == deal.loads[b] && a > b);
  };
  std::vector<std::size_t> heap(n);
  for (std::size_t r = 0; r < n; ++r) heap[r] = r;
  std::make_heap(heap.begin(), heap.end(), lighter);
  std::vector<std::size_t> owner(costs.size());
  for (const std::size_t item : by_cost) {
    std::pop_heap(heap.begin(), heap.end(), lighter);
    const std::size_t rank = heap.back();
    owner[item] = rank;
    deal.loads[rank] += costs[item];
    ++deal.counts[rank];
    std::push_heap(heap.begin(), heap.end(), lighter);
  }
  // Rank by rank, each rank's items in increasing index.
  std::vector<std::size_t> next(n, 0);
  for (std::size_t r = 1; r < n; ++r) next[r] = next[r - 1] + static_cast<std::size_t>(deal.counts[r - 1]);
  deal.order.resize(costs.size());
  for (std::size_t i = 0; i < costs.size(); ++i) deal.order[next[owner[i]]++] = i;
  return deal;
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

MpiEvaluator::MpiEvaluator(const Session& session, const MarketData& data, const ExecutionSettings& settings)
    : session_(session), backtester_(data, settings) {}

MpiEvaluator::~MpiEvaluator() {
  // An evaluator left without finish() (an exception on rank 0) still releases the workers.
  if (!finished_) finish(static_cast<int>(ExitCode::failure));
}

int MpiEvaluator::ranks() const { return session_.size(); }

namespace {

// Waits for every worker's answer; with `timeout` > 0 at most until `timeout` seconds after `sent`,
// then throws NoAnswer naming the workers (receives[i] is rank i + 1's) that have not answered.
void wait_for_answers(std::vector<MPI_Request>& receives, Clock::time_point sent, double timeout) {
  if (receives.empty()) return;
  const int count = static_cast<int>(receives.size());
  if (!(timeout > 0)) {
    check_mpi(MPI_Waitall(count, receives.data(), MPI_STATUSES_IGNORE), "MPI_Waitall(evaluations)");
    return;
  }
  const auto deadline = sent + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout));
  std::vector<bool> answered(receives.size(), false);
  std::vector<int> done(receives.size());
  std::size_t left = receives.size();
  while (left > 0) {
    int completed = 0;
    check_mpi(MPI_Testsome(count, receives.data(), &completed, done.data(), MPI_STATUSES_IGNORE), "MPI_Testsome");
    if (completed == MPI_UNDEFINED) break;
    for (int i = 0; i < completed; ++i) answered[static_cast<std::size_t>(done[static_cast<std::size_t>(i)])] = true;
    left -= static_cast<std::size_t>(completed);
    if (left == 0) break;
    if (Clock::now() >= deadline) {
      std::vector<int> missing;
      for (std::size_t i = 0; i < answered.size(); ++i)
        if (!answered[i]) missing.push_back(static_cast<int>(i) + 1);
      throw NoAnswer(missing, timeout);
    }
    if (completed == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

}  // namespace

void MpiEvaluator::evaluate(std::span<const Genome> genomes, std::span<Evaluation> results) {
  const auto start = Clock::now();
  MPI_Comm comm = session_.impl().comm();
  const int ranks = session_.size();
  const auto n = static_cast<std::size_t>(ranks);
  // NOTE: strategy types differ in cost, so the batch is dealt out by estimated cost rather than
  // cut into equal counts; the results are put back in population order.
  costs_.resize(genomes.size());
  for (std::size_t i = 0; i < genomes.size(); ++i) costs_[i] = estimated_cost(genomes[i]);
  const Deal deal = deal_by_cost(costs_, ranks);
  dealt_.resize(genomes.size());
  gathered_.resize(genomes.size());
  for (std::size_t i = 0; i < genomes.size(); ++i) dealt_[i] = genomes[deal.order[i]];
  std::vector<std::size_t> offsets(n, 0);
  for (std::size_t r = 1; r < n; ++r) offsets[r] = offsets[r - 1] + static_cast<std::size_t>(deal.counts[r - 1]);

  // Every worker's share goes out first, with a receive posted for its answer.
  outgoing_.resize(n);
  incoming_.resize(n);
  std::vector<MPI_Request> sends(n - 1, MPI_REQUEST_NULL), receives(n - 1, MPI_REQUEST_NULL);
  for (std::size_t r = 1; r < n; ++r) {
    const auto count = static_cast<std::size_t>(deal.counts[r]);
    const Command command{CommandKind::evaluate, 0, count};
    outgoing_[r].resize(static_cast<std::size_t>(message_bytes(sizeof(Command), count, sizeof(Genome))));
    std::memcpy(outgoing_[r].data(), &command, sizeof(Command));
    if (count > 0) std::memcpy(outgoing_[r].data() + sizeof(Command), dealt_.data() + offsets[r], count * sizeof(Genome));
    check_mpi(MPI_Isend(outgoing_[r].data(), static_cast<int>(outgoing_[r].size()), MPI_BYTE, static_cast<int>(r),
                        kCommandTag, comm, &sends[r - 1]),
              "MPI_Isend(genomes)");
    incoming_[r].resize(static_cast<std::size_t>(message_bytes(sizeof(Reply), count, sizeof(Evaluation))));
    check_mpi(MPI_Irecv(incoming_[r].data(), static_cast<int>(incoming_[r].size()), MPI_BYTE, static_cast<int>(r),
                        kReplyTag, comm, &receives[r - 1]),
              "MPI_Irecv(evaluations)");
  }
  std::vector<double> seconds(n, 0.0);
  const auto own = static_cast<std::size_t>(deal.counts[0]);
  seconds[0] = evaluate_share(backtester_, std::span<const Genome>(dealt_.data(), own),
                              std::span<Evaluation>(gathered_.data(), own), 0, batches_++);
  wait_for_answers(receives, start, timeout_);
  check_mpi(MPI_Waitall(static_cast<int>(sends.size()), sends.data(), MPI_STATUSES_IGNORE), "MPI_Waitall(genomes)");
  for (std::size_t r = 1; r < n; ++r) {
    Reply reply{};
    std::memcpy(&reply, incoming_[r].data(), sizeof(Reply));
    seconds[r] = reply.seconds;
    if (reply.stop != 0) stop_requested_ = true;
    const auto count = static_cast<std::size_t>(deal.counts[r]);
    if (count > 0)
      std::memcpy(static_cast<void*>(gathered_.data() + offsets[r]), incoming_[r].data() + sizeof(Reply),
                  count * sizeof(Evaluation));
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
  MPI_Comm comm = session_.impl().comm();
  const Command command{CommandKind::finish, status, 0};
  std::vector<MPI_Request> sends(static_cast<std::size_t>(session_.size() > 0 ? session_.size() - 1 : 0));
  for (int r = 1; r < session_.size(); ++r)
    check_mpi(MPI_Isend(&command, sizeof(Command), MPI_BYTE, r, kCommandTag, comm, &sends[static_cast<std::size_t>(r - 1)]),
              "MPI_Isend(finish)");
  check_mpi(MPI_Waitall(static_cast<int>(sends.size()), sends.data(), MPI_STATUSES_IGNORE), "MPI_Waitall(finish)");
}

NoAnswer::NoAnswer(std::vector<int> ranks, double seconds)
    : Error(describe(ranks, seconds), ExitCode::hung), ranks_(std::move(ranks)), seconds_(seconds) {}

std::string NoAnswer::describe(const std::vector<int>& ranks, double seconds) {
  std::string list;
  for (const int r : ranks) list += (list.empty() ? "" : ", ") + std::to_string(r);
  std::ostringstream text;
  text << (ranks.size() == 1 ? "rank " : "ranks ") << list << " did not answer within " << seconds << " s";
  return text.str();
}

int serve_evaluations(const Session& session, const MarketData& data, const ExecutionSettings& settings,
                      const std::function<bool()>& stop_requested) {
  if (const char* fail = std::getenv("GENEPOOL_FAIL_RANK"); fail && std::atoi(fail) == session.rank()) {
    throw Error("injected failure on rank " + std::to_string(session.rank()) + " (GENEPOOL_FAIL_RANK)");
  }
  Backtester backtester(data, settings);
  MPI_Comm comm = session.impl().comm();
  std::vector<char> message;
  std::vector<char> reply_bytes;
  std::vector<Genome> genomes;
  for (std::size_t batch = 0;; ++batch) {
    MPI_Status status;
    check_mpi(MPI_Probe(0, kCommandTag, comm, &status), "MPI_Probe(command)");
    int bytes = 0;
    check_mpi(MPI_Get_count(&status, MPI_BYTE, &bytes), "MPI_Get_count");
    message.resize(static_cast<std::size_t>(bytes));
    check_mpi(MPI_Recv(message.data(), bytes, MPI_BYTE, 0, kCommandTag, comm, MPI_STATUS_IGNORE), "MPI_Recv(command)");
    if (message.size() < sizeof(Command)) throw Error("MPI: a command message of " + std::to_string(bytes) + " bytes");
    Command command{};
    std::memcpy(&command, message.data(), sizeof(Command));
    if (command.kind == CommandKind::finish) return command.status;
    const auto count = static_cast<std::size_t>(command.count);
    if (message.size() != sizeof(Command) + count * sizeof(Genome))
      throw Error("MPI: a batch of " + std::to_string(count) + " genomes in " + std::to_string(bytes) + " bytes");
    genomes.resize(count);
    if (count > 0) std::memcpy(static_cast<void*>(genomes.data()), message.data() + sizeof(Command), count * sizeof(Genome));
    reply_bytes.resize(static_cast<std::size_t>(message_bytes(sizeof(Reply), count, sizeof(Evaluation))));
    std::vector<Evaluation> results(count);
    Reply reply{};
    reply.seconds = evaluate_share(backtester, genomes, results, session.rank(), batch);
    reply.stop = stop_requested && stop_requested() ? 1 : 0;
    std::memcpy(reply_bytes.data(), &reply, sizeof(Reply));
    if (count > 0) std::memcpy(reply_bytes.data() + sizeof(Reply), results.data(), count * sizeof(Evaluation));
    check_mpi(MPI_Send(reply_bytes.data(), static_cast<int>(reply_bytes.size()), MPI_BYTE, 0, kReplyTag, comm),
              "MPI_Send(evaluations)");
  }
}

}  // namespace genepool::parallel
