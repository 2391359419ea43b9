#pragma once
// Output files other than the results file (strategy specs, CSV exports, equity curves): checked
// before any work, written to `path` + ".partial" and renamed onto `path` only when complete, so
// that a failure (disk full, I/O error) never leaves a half-written file nor touches an existing one.
#include <filesystem>
#include <fstream>
#include <string>

namespace genepool {

// Throws IoError naming `path` if it is a directory, if its directory is missing, or if nothing can
// be created there. `example` completes "expected a file name such as ...".
void check_output_path(const std::filesystem::path& path, const std::string& example);

class OutputFile {
 public:
  // Checks `path` (check_output_path) and opens the partial file.
  OutputFile(std::filesystem::path path, const std::string& example);
  ~OutputFile();  // removes the partial file unless commit() succeeded
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream() { return out_; }
  // Flushes, closes and renames onto `path`; throws IoError (the partial file removed) on failure.
  void commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path partial_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace genepool
