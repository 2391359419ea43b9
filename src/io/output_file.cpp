#include "genepool/io/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "genepool/error.hpp"

namespace genepool {

namespace fs = std::filesystem;

namespace {

fs::path folder_of(const fs::path& path) { return path.has_parent_path() ? path.parent_path() : fs::path("."); }

// Flushes a file or folder to stable storage; returns errno, or 0.
int sync(const fs::path& path, bool folder) {
  const int fd = ::open(path.c_str(), folder ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return errno;
  const int error = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return error;
}

}  // namespace

fs::path partial_path(const fs::path& path) {
  fs::path partial = path;
  partial += ".partial";
  return partial;
}

void check_output_path(const fs::path& path, const std::string& example) {
  const std::string name = path.string();
  std::error_code ec;
  if (fs::is_directory(fs::status(path, ec)))
    throw IoError(name + ": is a directory; expected a file name such as " + example);
  if (path.filename().empty()) throw IoError(name + ": expected a file name such as " + example);
  const fs::path directory = folder_of(path);
  if (!fs::is_directory(directory, ec))
    throw IoError(name + ": directory '" + directory.string() + "' does not exist");
  // NOTE: access(W_OK) says yes to root on any directory, so create a probe file instead.
  std::string probe_name(".");
  probe_name.append(path.filename().string()).append(".probe-").append(std::to_string(::getpid()));
  const fs::path probe = directory / probe_name;
  std::FILE* handle = std::fopen(probe.c_str(), "wx");
  if (handle == nullptr)
    throw IoError(name + ": cannot write in directory '" + directory.string() + "': " + std::strerror(errno));
  std::fclose(handle);
  fs::remove(probe, ec);
}

AtomicFile::AtomicFile(fs::path path) : path_(std::move(path)), partial_(partial_path(path_)) {}

AtomicFile::~AtomicFile() {
  if (!committed_ && !keep_) discard();
}

void AtomicFile::discard() {
  std::error_code ignored;
  if (fs::is_regular_file(partial_, ignored)) fs::remove(partial_, ignored);
}

void AtomicFile::commit() {
  const auto fail = [this](const std::string& what) {
    if (!keep_) discard();
    std::error_code ignored;
    return IoError(path_.string() + ": " + what + "; " +
                   (keep_ ? "its contents are in " + partial_.string()
                          : fs::exists(path_, ignored) ? "the existing file is unchanged" : "nothing was written"));
  };
  if (const int error = sync(partial_, false); error != 0)
    throw fail("cannot sync " + partial_.string() + ": " + std::strerror(error));
  std::error_code ec;
  fs::rename(partial_, path_, ec);
  if (ec) throw fail("cannot rename " + partial_.string() + " into place: " + ec.message());
  committed_ = true;
  if (const int error = sync(folder_of(path_), true); error != 0)
    throw IoError(path_.string() + ": written, but its folder could not be synced: " + std::strerror(error));
}

OutputFile::OutputFile(fs::path path, const std::string& example) : file_(std::move(path)) {
  check_output_path(file_.path(), example);
  out_.open(file_.partial(), std::ios::binary | std::ios::trunc);
  if (!out_)
    throw IoError(file_.path().string() + ": cannot open " + file_.partial().string() + " for writing: " +
                  std::strerror(errno));
}

void OutputFile::commit() {
  out_.flush();
  out_.close();
  if (!out_) {
    file_.discard();
    std::error_code ignored;
    throw IoError(file_.path().string() + ": write failed (disk full or I/O error); " +
                  (fs::exists(file_.path(), ignored) ? "the existing file is unchanged" : "nothing was written"));
  }
  file_.commit();
}

}  // namespace genepool
