// The session, broadcast of the data, scatter of genomes, gather of evaluations (with
// csv_readers.cpp, the only code that includes MPI). Plain structs cross as contiguous bytes (a derived datatype each).
#include "genepool/parallel/parallel.hpp"

#include <mpi.h>
#include <sys/statvfs.h>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "genepool/cpu_target.hpp"
#include "genepool/error.hpp"
#include "genepool/evolution/deal.hpp"
#include "genepool/parallel/mpi_start.hpp"
#include "session_impl.hpp"

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

namespace {

// MPI_Init, after the start-up settings of mpi_start.hpp.
boost::mpi::environment start_mpi(int& argc, char**& argv) {
#ifdef OPEN_MPI
  prepare_open_mpi_start();
#endif
  return boost::mpi::environment(argc, argv, /*abort_on_exception=*/false);
}

}  // namespace

Session::Session(int& argc, char**& argv) : impl_(new Impl{start_mpi(argc, argv), {}, {}, {}, {}, {}, {}}) {
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

struct SharedMarketData::State {
  MarketData own;                    // a private copy; empty when shared
  std::vector<std::string> symbols;  // shared: the names the view shows
  MarketView view;
  BacktestTables tables;             // shared: the whole data's, in the segment
  Execution execution = Execution::close;
  bool shared = false;
  int nodes = 1;
  std::size_t node_bytes = 0;
};

SharedMarketData::SharedMarketData() : state_(std::make_unique<State>()) {}

SharedMarketData::SharedMarketData(std::unique_ptr<State> state) : state_(std::move(state)) {}
SharedMarketData::SharedMarketData(SharedMarketData&&) noexcept = default;
SharedMarketData& SharedMarketData::operator=(SharedMarketData&&) noexcept = default;
SharedMarketData::~SharedMarketData() = default;

const MarketView& SharedMarketData::view() const { return state_->view; }
const BacktestTables& SharedMarketData::tables() const { return state_->tables; }
Execution SharedMarketData::execution() const { return state_->execution; }
bool SharedMarketData::shared() const { return state_->shared; }
int SharedMarketData::nodes() const { return state_->nodes; }
std::size_t SharedMarketData::node_bytes() const { return state_->node_bytes; }

NodeShare& node_share(const Session::Impl& mpi) {
  NodeShare& share = mpi.share;
  if (share.node != MPI_COMM_NULL) return share;
  MPI_Comm world = mpi.comm();
  const int rank = mpi.world.rank();
  check_mpi(MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &share.node),
            "MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)");
  // NOTE: a failed segment must come back as an error code, not end the job: the data then goes private.
  check_mpi(MPI_Comm_set_errhandler(share.node, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  check_mpi(MPI_Comm_rank(share.node, &share.node_rank), "MPI_Comm_rank(node)");
  check_mpi(MPI_Comm_split(world, share.node_rank == 0 ? 0 : MPI_UNDEFINED, rank, &share.leaders),
            "MPI_Comm_split(leaders)");
  const int leader = share.node_rank == 0 ? 1 : 0;
  check_mpi(MPI_Allreduce(&leader, &share.nodes, 1, MPI_INT, MPI_SUM, world), "MPI_Allreduce(nodes)");
  return share;
}

namespace {

// True unless the backing directory of shared windows (Open MPI's osc_sm_backing_directory, /dev/shm
// by default) is known to lack room for `bytes`: a tmpfs too small for a segment is found out only
// when a page is first written, by SIGBUS.
bool room_for(std::size_t bytes) {
  const char* directory = std::getenv("OMPI_MCA_osc_sm_backing_directory");
  struct statvfs fs {};
  if (statvfs(directory != nullptr && *directory != '\0' ? directory : "/dev/shm", &fs) != 0) return true;
  return static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize) >= static_cast<double>(bytes) * 1.05;
}

int min_over(MPI_Comm comm, int value) {
  int result = 0;
  check_mpi(MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MIN, comm), "MPI_Allreduce(min)");
  return result;
}

// A segment of `bytes` on each node, allocated by the node's first rank and mapped by all its ranks.
struct Segment {
  MPI_Win window = MPI_WIN_NULL;
  char* base = nullptr;  // null: no segment (on every rank of the job)
};

// Makes the segment on every node (a collective of every rank), or none anywhere when one node cannot
// (no room, or MPI_Win_allocate_shared fails): the caller then holds private copies instead.
Segment make_segment(const Session::Impl& mpi, std::size_t bytes) {
  NodeShare& share = node_share(mpi);
  MPI_Comm world = mpi.comm();
  Segment segment;
  if (min_over(world, share.node_rank != 0 || room_for(bytes) ? 1 : 0) == 0) return segment;
  void* mine = nullptr;
  MPI_Win window = MPI_WIN_NULL;
  const auto size = static_cast<MPI_Aint>(share.node_rank == 0 ? std::max<std::size_t>(bytes, 1) : 0);
  const int made = MPI_Win_allocate_shared(size, 1, MPI_INFO_NULL, share.node, &mine, &window) == MPI_SUCCESS ? 1 : 0;
  const int node_made = min_over(share.node, made);
  if (min_over(world, node_made) == 0) {
    if (node_made != 0) MPI_Win_free(&window);  // NOTE: a node where only some ranks made it cannot free it
    return segment;
  }
  MPI_Aint got = 0;
  int unit = 0;
  void* base = nullptr;
  check_mpi(MPI_Win_shared_query(window, 0, &got, &unit, &base), "MPI_Win_shared_query");
  share.windows.push_back(window);
  segment.window = window;
  segment.base = static_cast<char*>(base);
  return segment;
}

// Frees a segment of make_segment (a collective of every rank, each freeing the same segment).
void free_segment(const Session::Impl& mpi, Segment& segment) {
  if (segment.window == MPI_WIN_NULL) return;
  auto& windows = mpi.share.windows;
  windows.erase(std::remove(windows.begin(), windows.end(), segment.window), windows.end());
  MPI_Win_free(&segment.window);
  segment = {};
}

// Runs `write` on the first rank of each node, then makes what it wrote visible to the node's ranks.
template <typename Write>
void write_on_node(const Session::Impl& mpi, const Segment& segment, Write&& write) {
  check_mpi(MPI_Win_lock_all(MPI_MODE_NOCHECK, segment.window), "MPI_Win_lock_all");
  if (mpi.share.node_rank == 0) write();
  check_mpi(MPI_Win_sync(segment.window), "MPI_Win_sync");
  check_mpi(MPI_Barrier(mpi.share.node), "MPI_Barrier(node)");
  check_mpi(MPI_Win_sync(segment.window), "MPI_Win_sync");
  check_mpi(MPI_Win_unlock_all(segment.window), "MPI_Win_unlock_all");
}

// Views of the panel laid out at `base`: timestamps, then open, high, low, close, volume (bars × symbols
// each), then with `live` the availability (bars × symbols bytes).
MarketView panel_at(const char* base, std::size_t bars, const std::vector<std::string>& symbols, bool live) {
  MarketView view;
  const auto* timestamps = reinterpret_cast<const std::int64_t*>(base);
  const auto* fields = reinterpret_cast<const double*>(base + bars * sizeof(std::int64_t));
  const auto rows = static_cast<Eigen::Index>(bars);
  const auto columns = static_cast<Eigen::Index>(symbols.size());
  const std::size_t cells = bars * symbols.size();
  view.symbols = symbols;
  view.timestamps = std::span<const std::int64_t>(timestamps, bars);
  PriceView* const targets[] = {&view.open, &view.high, &view.low, &view.close, &view.volume};
  for (std::size_t f = 0; f < 5; ++f)
    new (targets[f]) PriceView(fields + f * cells, rows, columns, Eigen::OuterStride<>(rows));
  if (live)
    new (&view.live) LiveView(reinterpret_cast<const std::uint8_t*>(fields + 5 * cells), rows, columns,
                              Eigen::OuterStride<>(rows));
  return view;
}

bool shared_data_refused() {
  const char* value = std::getenv("GENEPOOL_SHARED_DATA");
  return value != nullptr && std::string_view(value) == "off";
}

}  // namespace

SharedMarketData broadcast_market_data(const Session& session, MarketData data, const ExecutionSettings& execution,
                                       bool allow_shared, BroadcastStats* stats) {
  const auto start = Clock::now();
  const Session::Impl& mpi = session.impl();
  MPI_Comm comm = mpi.comm();
  const bool root = session.rank() == 0;

  // To every rank: the shape, whether rank 0 allows shared memory, and the symbol names as one
  // NUL-separated block (all small).
  std::uint64_t header[5] = {0, 0, 0, 0, 0};
  std::string names;
  if (root) {
    for (const auto& symbol : data.symbols) names += symbol + '\0';
    header[0] = static_cast<std::uint64_t>(data.bars());
    header[1] = static_cast<std::uint64_t>(data.symbol_count());
    header[2] = names.size();
    header[3] = allow_shared && !shared_data_refused() ? 1 : 0;
    header[4] = data.live.size() != 0 ? 1 : 0;  // availability travels with the prices
  }
  broadcast_bytes(comm, header, sizeof header);
  const auto bars = static_cast<std::size_t>(header[0]);
  const auto symbol_count = static_cast<std::size_t>(header[1]);
  names.resize(static_cast<std::size_t>(header[2]), '\0');
  broadcast_bytes(comm, names.data(), names.size());
  std::vector<std::string> symbols;
  for (std::size_t begin = 0; begin < names.size();) {
    const std::size_t end = names.find('\0', begin);
    symbols.push_back(names.substr(begin, end - begin));
    begin = end + 1;
  }

  auto state = std::make_unique<SharedMarketData::State>();
  state->execution = execution.execution;
  const std::size_t cells = bars * symbol_count;
  const bool live = header[4] != 0;
  const std::size_t live_bytes = live ? (cells + sizeof(double) - 1) / sizeof(double) * sizeof(double) : 0;
  const std::size_t data_bytes = bars * sizeof(std::int64_t) + 5 * cells * sizeof(double) + live_bytes;
  const std::size_t table_bytes =
      BacktestTables::doubles(bars, symbol_count, execution.execution, live) * sizeof(double);
  Segment segment;
  if (header[3] != 0) segment = make_segment(mpi, data_bytes + table_bytes);
  std::size_t sent = sizeof header + names.size();
  if (segment.base != nullptr) {
    // One copy per node: rank 0 fills its node's segment and frees its own copy; one MPI_Bcast
    // carries the data to the first rank of every other node, into its segment.
    NodeShare& share = mpi.share;
    char* base = segment.base;
    state->symbols = std::move(symbols);
    state->view = panel_at(base, bars, state->symbols, live);
    double* tables = reinterpret_cast<double*>(base + data_bytes);
    write_on_node(mpi, segment, [&] {
      if (root) {
        // Each buffer freed once copied: rank 0 holds at most one field twice.
        std::memcpy(base, data.timestamps.data(), bars * sizeof(std::int64_t));
        std::vector<std::int64_t>().swap(data.timestamps);
        auto* fields = reinterpret_cast<double*>(base + bars * sizeof(std::int64_t));
        PriceMatrix* const sources[] = {&data.open, &data.high, &data.low, &data.close, &data.volume};
        for (std::size_t f = 0; f < 5; ++f) {
          if (static_cast<std::size_t>(sources[f]->size()) == cells)
            std::memcpy(fields + f * cells, sources[f]->data(), cells * sizeof(double));
          else
            std::memset(fields + f * cells, 0, cells * sizeof(double));
          *sources[f] = PriceMatrix();
        }
        if (live) std::memcpy(fields + 5 * cells, data.live.data(), cells);
        data = MarketData{};
      }
      broadcast_bytes(share.leaders, base, data_bytes);
      BacktestTables::fill(state->view, execution.execution, tables);
    });
    state->tables = BacktestTables::at(tables, bars, symbol_count, execution.execution, live);
    state->shared = true;
    state->nodes = share.nodes;
    state->node_bytes = data_bytes + table_bytes;
    sent += data_bytes;
  } else {
    // A private copy on every rank: one MPI_Bcast per buffer.
    if (!root) {
      data.symbols = std::move(symbols);
      data.timestamps.resize(bars);
      for (PriceMatrix* field : {&data.open, &data.high, &data.low, &data.close, &data.volume})
        field->resize(static_cast<Eigen::Index>(bars), static_cast<Eigen::Index>(symbol_count));
      if (live) data.live.resize(static_cast<Eigen::Index>(bars), static_cast<Eigen::Index>(symbol_count));
    }
    broadcast_bytes(comm, data.timestamps.data(), data.timestamps.size() * sizeof(std::int64_t));
    for (PriceMatrix* field : {&data.open, &data.high, &data.low, &data.close, &data.volume})
      broadcast_bytes(comm, field->data(), static_cast<std::size_t>(field->size()) * sizeof(double));
    if (live) broadcast_bytes(comm, data.live.data(), static_cast<std::size_t>(data.live.size()));
    sent += data.bytes();
    state->own = std::move(data);
    state->view = state->own;
    state->node_bytes = state->own.bytes();
    state->nodes = node_share(mpi).nodes;
  }
  if (stats) {
    stats->bytes = sent;
    stats->seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return SharedMarketData(std::move(state));
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

// A bar window as every rank evaluates it: a view of the data's rows, and shared, the window's
// tables made once per node in a segment of their own.
struct MpiEvaluator::Window {
  MarketView view;
  Segment segment;
  BacktestTables tables;
};

namespace {

// The backtester every rank evaluates with on bars `window` of `data`, after the one on the window
// before (`current`, replaced) is gone: on the whole data with its tables, or on a Window.
// Shared, a collective of every rank (the window's segment, and the previous one freed).
std::unique_ptr<Backtester> windowed_backtester(const Session::Impl& mpi, const SharedMarketData& data,
                                                const ExecutionSettings& whole_settings, BarWindow window,
                                                std::unique_ptr<MpiEvaluator::Window>& current) {
  // The account opens at the same bar of the data (--start), or at the window's first bar when later.
  ExecutionSettings settings = whole_settings;
  settings.account_start = settings.account_start > window.begin ? settings.account_start - window.begin : 0;
  if (current) free_segment(mpi, current->segment);
  current.reset();
  const MarketView& whole = data.view();
  if (window.begin == 0 && window.end == static_cast<std::size_t>(whole.bars()))
    return std::make_unique<Backtester>(whole, settings, data.tables());
  current = std::make_unique<MpiEvaluator::Window>();
  current->view = window_of(whole, window);
  if (data.shared()) {
    const auto bars = static_cast<std::size_t>(current->view.bars());
    const auto symbols = static_cast<std::size_t>(current->view.symbol_count());
    const bool live = !current->view.always_live();
    const std::size_t doubles = BacktestTables::doubles(bars, symbols, settings.execution, live);
    current->segment = make_segment(mpi, doubles * sizeof(double));
    if (current->segment.base != nullptr) {
      auto* tables = reinterpret_cast<double*>(current->segment.base);
      write_on_node(mpi, current->segment, [&] { BacktestTables::fill(current->view, settings.execution, tables); });
      current->tables = BacktestTables::at(tables, bars, symbols, settings.execution, live);
    }
  }
  return std::make_unique<Backtester>(current->view, settings, current->tables);
}

// Every rank's memory now, on rank 0 in rank order (empty elsewhere).
std::vector<ProcessMemory> gather_memory(MPI_Comm comm, int rank, int ranks) {
  const ProcessMemory mine = process_memory();
  const std::int64_t values[2] = {mine.peak_rss_bytes, mine.pss_bytes};
  std::vector<std::int64_t> all(rank == 0 ? 2 * static_cast<std::size_t>(ranks) : 0);
  check_mpi(MPI_Gather(values, 2, MPI_INT64_T, all.data(), 2, MPI_INT64_T, 0, comm), "MPI_Gather(memory)");
  std::vector<ProcessMemory> memory(all.size() / 2);
  for (std::size_t r = 0; r < memory.size(); ++r) memory[r] = {all[2 * r], all[2 * r + 1]};
  return memory;
}

}  // namespace

MpiEvaluator::MpiEvaluator(const Session& session, const SharedMarketData& data, const ExecutionSettings& settings)
    : session_(session),
      data_(data),
      settings_(settings),
      backtester_(std::make_unique<Backtester>(data.view(), settings, data.tables())) {}

void MpiEvaluator::set_window(BarWindow window) {
  // Checked before anything changes, so a refused window leaves every rank on the last good one.
  const auto bars = static_cast<std::size_t>(data_.view().bars());
  if (window.begin >= window.end || window.end > bars)
    throw Error("bar window [" + std::to_string(window.begin) + ", " + std::to_string(window.end) +
                ") is not inside the data's " + std::to_string(bars) + " bars");
  if (window.size() < kMinWindowBars)
    throw Error("bar window [" + std::to_string(window.begin) + ", " + std::to_string(window.end) + ") has fewer than " +
                std::to_string(kMinWindowBars) + " bars");
  std::vector<int> counts;
  broadcast_command(session_.impl().comm(), Command{CommandKind::window, 0, 0, window.begin, window.end}, counts,
                    session_.size());
  backtester_.reset();
  backtester_ = windowed_backtester(session_.impl(), data_, settings_, window, window_);
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
  rank_memory_ = gather_memory(session_.impl().comm(), 0, session_.size());
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

int serve_evaluations(const Session& session, const SharedMarketData& data, const ExecutionSettings& settings,
                      const std::function<bool()>& stop_requested) {
  if (const char* fail = std::getenv("GENEPOOL_FAIL_RANK"); fail && std::atoi(fail) == session.rank()) {
    throw Error("injected failure on rank " + std::to_string(session.rank()) + " (GENEPOOL_FAIL_RANK)");
  }
  std::unique_ptr<MpiEvaluator::Window> window;
  auto backtester = std::make_unique<Backtester>(data.view(), settings, data.tables());
  MPI_Comm comm = session.impl().comm();
  for (std::size_t batch = 0;;) {
    std::vector<int> counts;
    const Command command = broadcast_command(comm, Command{}, counts, session.size());
    if (command.kind == CommandKind::finish) {
      gather_memory(comm, session.rank(), session.size());
      return command.status;
    }
    if (command.kind == CommandKind::window) {
      backtester.reset();
      backtester = windowed_backtester(session.impl(), data, settings, {command.begin, command.end}, window);
      continue;
    }
    const bool stop = stop_requested && stop_requested();
    run_batch(session.impl(), session.rank(), counts, *backtester, {}, {}, nullptr, stop, nullptr, batch++);
  }
}

}  // namespace genepool::parallel
