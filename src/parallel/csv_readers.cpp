#include "genepool/parallel/csv_readers.hpp"

#include <climits>
#include <cstdint>
#include <cstring>
#include <string>

#include "session_impl.hpp"

namespace genepool::parallel {

namespace {

constexpr int kJobTag = 0x4353;  // rank 0 -> reader: a range, or the end
constexpr int kHeadTag = kJobTag + 1, kTimesTag = kJobTag + 2, kValuesTag = kJobTag + 3;  // reader -> rank 0

struct BlockHead {
  std::int64_t clean = 0;
  std::int64_t lines = 0;
  std::uint64_t next = 0;
  std::uint64_t rows = 0;
};

void put(std::string& bytes, const void* value, std::size_t size) {
  bytes.append(static_cast<const char*>(value), size);
}
void put_text(std::string& bytes, const std::string& text) {
  const auto size = static_cast<std::uint32_t>(text.size());
  put(bytes, &size, sizeof size);
  bytes += text;
}

// A job as bytes: 0 (the end), or 1 and the range.
std::string job_bytes(const CsvRange* range) {
  std::string bytes(1, range == nullptr ? '\0' : '\1');
  if (range == nullptr) return bytes;
  put(bytes, &range->begin, sizeof range->begin);
  put(bytes, &range->end, sizeof range->end);
  bytes += range->dialect.delimiter;
  bytes += range->dialect.decimal;
  put_text(bytes, range->file);
  put_text(bytes, range->dialect.date_format);
  put_text(bytes, range->dialect.price_column);
  return bytes;
}

class JobReader {
 public:
  explicit JobReader(const std::string& bytes) : bytes_(bytes) {}
  template <typename T>
  T get() {
    T value{};
    if (at_ + sizeof value > bytes_.size()) throw Error("csv readers: a job message cut short");
    std::memcpy(&value, bytes_.data() + at_, sizeof value);
    at_ += sizeof value;
    return value;
  }
  std::string text() {
    const auto size = get<std::uint32_t>();
    if (at_ + size > bytes_.size()) throw Error("csv readers: a job message cut short");
    std::string value = bytes_.substr(at_, size);
    at_ += size;
    return value;
  }

 private:
  const std::string& bytes_;
  std::size_t at_ = 0;
};

}  // namespace

NodeCsvReaders::NodeCsvReaders(const Session& session) : session_(session) {
  const Session::Impl& mpi = session.impl();
  const NodeShare& share = node_share(mpi);
  int node_size = 1;
  check_mpi(MPI_Comm_size(share.node, &node_size), "MPI_Comm_size(node)");
  MPI_Group node_group = MPI_GROUP_NULL, world_group = MPI_GROUP_NULL;
  check_mpi(MPI_Comm_group(share.node, &node_group), "MPI_Comm_group(node)");
  check_mpi(MPI_Comm_group(mpi.comm(), &world_group), "MPI_Comm_group(world)");
  std::vector<int> node_ranks(static_cast<std::size_t>(node_size)), world_ranks(node_ranks.size());
  for (int r = 0; r < node_size; ++r) node_ranks[static_cast<std::size_t>(r)] = r;
  check_mpi(MPI_Group_translate_ranks(node_group, node_size, node_ranks.data(), world_group, world_ranks.data()),
            "MPI_Group_translate_ranks");
  MPI_Group_free(&node_group);
  MPI_Group_free(&world_group);
  const bool rank_0_node = world_ranks.front() == 0;  // the node's ranks are in world order
  if (session.rank() == 0) {
    readers_.assign(world_ranks.begin() + 1, world_ranks.end());
    busy_.assign(readers_.size(), 0);
  } else {
    reader_ = rank_0_node;
  }
}

NodeCsvReaders::~NodeCsvReaders() { release(); }

std::size_t NodeCsvReaders::count() const { return released_ ? 0 : readers_.size(); }

void NodeCsvReaders::start(std::size_t reader, const CsvRange& range) {
  if (busy_.at(reader)) finish(reader);  // a block left behind (its loader failed): dropped
  const std::string bytes = job_bytes(&range);
  check_mpi(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, readers_.at(reader), kJobTag,
                     session_.impl().comm()),
            "MPI_Send(csv range)");
  busy_[reader] = 1;
}

CsvBlock NodeCsvReaders::finish(std::size_t reader) {
  const MPI_Comm world = session_.impl().comm();
  const int from = readers_.at(reader);
  busy_[reader] = 0;
  BlockHead head;
  check_mpi(MPI_Recv(&head, sizeof head, MPI_BYTE, from, kHeadTag, world, MPI_STATUS_IGNORE), "MPI_Recv(csv block)");
  CsvBlock block;
  block.clean = head.clean != 0;
  block.lines = head.lines;
  block.next = head.next;
  if (head.rows > 0) {
    block.timestamps.resize(head.rows);
    block.values.resize(5 * head.rows);
    check_mpi(MPI_Recv(block.timestamps.data(), static_cast<int>(head.rows), MPI_INT64_T, from, kTimesTag, world,
                       MPI_STATUS_IGNORE),
              "MPI_Recv(csv block)");
    check_mpi(MPI_Recv(block.values.data(), static_cast<int>(5 * head.rows), MPI_DOUBLE, from, kValuesTag, world,
                       MPI_STATUS_IGNORE),
              "MPI_Recv(csv block)");
  }
  return block;
}

void NodeCsvReaders::release() noexcept {
  if (released_ || session_.rank() != 0) return;
  released_ = true;
  const std::string end = job_bytes(nullptr);
  try {
    for (std::size_t r = 0; r < readers_.size(); ++r) {
      if (busy_[r]) finish(r);
      check_mpi(MPI_Send(end.data(), static_cast<int>(end.size()), MPI_BYTE, readers_[r], kJobTag,
                         session_.impl().comm()),
                "MPI_Send(csv readers' end)");
    }
  } catch (...) {
    session_.abort(1);  // NOTE: a reader not let go would wait for ever
  }
}

void NodeCsvReaders::serve() {
  if (!reader_) return;
  const MPI_Comm world = session_.impl().comm();
  while (true) {
    MPI_Status status;
    check_mpi(MPI_Probe(0, kJobTag, world, &status), "MPI_Probe(csv range)");
    int size = 0;
    check_mpi(MPI_Get_count(&status, MPI_BYTE, &size), "MPI_Get_count");
    std::string bytes(static_cast<std::size_t>(size), '\0');
    check_mpi(MPI_Recv(bytes.data(), size, MPI_BYTE, 0, kJobTag, world, MPI_STATUS_IGNORE), "MPI_Recv(csv range)");
    JobReader job(bytes);
    if (job.get<char>() == '\0') return;
    CsvRange range;
    range.begin = job.get<std::uint64_t>();
    range.end = job.get<std::uint64_t>();
    range.dialect.delimiter = job.get<char>();
    range.dialect.decimal = job.get<char>();
    range.file = job.text();
    range.dialect.date_format = job.text();
    range.dialect.price_column = job.text();
    const CsvBlock block = read_csv_range(range);
    BlockHead head;
    // A block too long for one message's count is read by rank 0 instead.
    const bool sendable = 5 * block.timestamps.size() <= static_cast<std::size_t>(INT_MAX);
    head.clean = block.clean && sendable ? 1 : 0;
    head.lines = block.lines;
    head.next = block.next;
    head.rows = head.clean ? block.timestamps.size() : 0;
    check_mpi(MPI_Send(&head, sizeof head, MPI_BYTE, 0, kHeadTag, world), "MPI_Send(csv block)");
    if (head.rows == 0) continue;
    check_mpi(MPI_Send(block.timestamps.data(), static_cast<int>(head.rows), MPI_INT64_T, 0, kTimesTag, world),
              "MPI_Send(csv block)");
    check_mpi(MPI_Send(block.values.data(), static_cast<int>(5 * head.rows), MPI_DOUBLE, 0, kValuesTag, world),
              "MPI_Send(csv block)");
  }
}

}  // namespace genepool::parallel
