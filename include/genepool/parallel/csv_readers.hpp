#pragma once
// The other ranks of rank 0's node as readers of a large CSV file (io/csv_ranges.hpp): while rank
// 0 loads the data, they read the byte ranges it gives them and send back the bars. Rank 0 then
// broadcasts the whole data as before. docs/data-format.md, "Large files".
#include <cstddef>
#include <vector>

#include "genepool/io/csv_ranges.hpp"
#include "genepool/parallel/parallel.hpp"

namespace genepool::parallel {

class NodeCsvReaders final : public CsvRangeReaders {
 public:
  // A collective of every rank (it makes the node communicators, once per session).
  explicit NodeCsvReaders(const Session& session);
  // Rank 0: release().
  ~NodeCsvReaders() override;
  NodeCsvReaders(const NodeCsvReaders&) = delete;
  NodeCsvReaders& operator=(const NodeCsvReaders&) = delete;

  // Rank 0: the other ranks of its node; 0 elsewhere, and after release().
  std::size_t count() const override;
  void start(std::size_t reader, const CsvRange& range) override;
  CsvBlock finish(std::size_t reader) override;
  // Rank 0: waits for the blocks still being read (dropping them), then lets every reader go. Once;
  // before any collective of the job, so that no reader is left waiting.
  void release() noexcept;
  // Every other rank of rank 0's node: reads the ranges rank 0 gives until it lets go. Elsewhere
  // returns at once.
  void serve();

 private:
  const Session& session_;
  std::vector<int> readers_;  // rank 0: their world ranks
  std::vector<char> busy_;    // rank 0: started and not yet finished, per reader
  bool reader_ = false;       // this rank serves rank 0
  bool released_ = false;
};

}  // namespace genepool::parallel
