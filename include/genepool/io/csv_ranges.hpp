#pragma once
// A large CSV file read by several processes of one node (docs/data-format.md, "Large files"):
// the process that loads the data reads the header, the first rows and its own first part, and
// other processes read the rest in byte ranges at the same time. Each range comes back as the bars
// of its lines; the loader takes a range where it joins its bars cleanly and reads every other one
// itself, so the data, and every error message, is what one process reading the file alone makes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "genepool/io/csv_dialect.hpp"

namespace genepool {

// The lines of `file` that start at a byte in [begin, end): a line starts at the first byte of the
// file or after a '\n'.
struct CsvRange {
  std::string file;
  CsvDialect dialect;
  std::uint64_t begin = 0, end = 0;
};

// What read_csv_range found. Clean: every line of the range a bar (no blank line, no error), read
// as the file's first rows fix (delimiter, columns, timestamp format, order). Otherwise nothing
// else is set, and the loader reads the range itself, reporting what is wrong exactly.
struct CsvBlock {
  bool clean = false;
  std::int64_t lines = 0;                 // lines of the range
  std::uint64_t next = 0;                 // the byte after the range's last line
  std::vector<std::int64_t> timestamps;   // one per line, as in the file
  std::vector<double> values;             // open, then high, low, close and volume, one column each
};

// Reads a range: for a plain file of one series (no symbol column). Never throws: a file that
// cannot be read gives a block that is not clean.
CsvBlock read_csv_range(const CsvRange& range) noexcept;

// Who reads ranges for the loader: parallel::NodeCsvReaders, the other ranks of rank 0's node.
class CsvRangeReaders {
 public:
  virtual ~CsvRangeReaders() = default;
  virtual std::size_t count() const = 0;
  // Reader `reader` (< count()) starts on `range`; one range at a time per reader.
  virtual void start(std::size_t reader, const CsvRange& range) = 0;
  // Its block, once it is done (waits for it).
  virtual CsvBlock finish(std::size_t reader) = 0;
};

// The smallest part of a file a reader is given: GENEPOOL_CSV_PART_BYTES when set (tests give small
// files several parts), else 4 MiB.
std::uint64_t csv_part_bytes();

}  // namespace genepool
