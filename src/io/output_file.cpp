#include "genepool/io/output_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "genepool/error.hpp"

namespace genepool {

namespace fs = std::filesystem;

void check_output_path(const fs::path& path, const std::string& example) {
  const std::string name = path.string();
  std::error_code ec;
  if (fs::is_directory(fs::status(path, ec)))
    throw IoError(name + ": is a directory; expected a file name such as " + example);
  if (path.filename().empty()) throw IoError(name + ": expected a file name such as " + example);
  const fs::path directory = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(directory, ec))
    throw IoError(name + ": directory '" + directory.string() + "' does not exist");
  // NOTE: access(W_OK) says yes to root on any directory, so create a probe file instead.
  const fs::path probe = directory / ("." + path.filename().string() + ".probe-" + std::to_string(::getpid()));
  std::FILE* handle = std::fopen(probe.c_str(), "wx");
  if (handle == nullptr)
    throw IoError(name + ": cannot write in directory '" + directory.string() + "': " + std::strerror(errno));
  std::fclose(handle);
  fs::remove(probe, ec);
}

OutputFile::OutputFile(fs::path path, const std::string& example)
    : path_(std::move(path)), partial_(path_.string() + ".partial") {
  check_output_path(path_, example);
  out_.open(partial_, std::ios::binary | std::ios::trunc);
  if (!out_) throw IoError(path_.string() + ": cannot open " + partial_.string() + " for writing: " + std::strerror(errno));
}

OutputFile::~OutputFile() {
  if (committed_) return;
  out_.close();
  std::error_code ignored;
  fs::remove(partial_, ignored);
}

void OutputFile::commit() {
  out_.flush();
  out_.close();
  if (!out_) {
    std::error_code ignored;
    fs::remove(partial_, ignored);
    throw IoError(path_.string() + ": write failed (disk full or I/O error); " +
                  (fs::exists(path_, ignored) ? "the existing file is unchanged" : "nothing was written"));
  }
  std::error_code ec;
  fs::rename(partial_, path_, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(partial_, ignored);
    throw IoError(path_.string() + ": cannot rename " + partial_.string() + " into place: " + ec.message());
  }
  committed_ = true;
}

}  // namespace genepool
