#include "genepool/io/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "genepool/error.hpp"
#include "genepool/io/input_file.hpp"

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

// Whether `a` and `b` name one file: the same device and inode when both exist (std::filesystem::
// equivalent follows symbolic links), else the same absolute path once `.`, `..` and links are resolved.
bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  const bool a_exists = fs::exists(a, ec);
  const bool b_exists = fs::exists(b, ec);
  if (a_exists && b_exists) return fs::equivalent(a, b, ec);
  if (a_exists || b_exists) return false;
  const fs::path full_a = fs::weakly_canonical(fs::absolute(a, ec), ec);
  const fs::path full_b = fs::weakly_canonical(fs::absolute(b, ec), ec);
  return full_a == full_b;
}

}  // namespace

void check_outputs(std::span<const fs::path> inputs, std::span<const OutputPath> outputs, bool force) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const fs::path& path = outputs[i].path;
    if (path.empty()) continue;
    const std::string name = path.string();
    for (const fs::path& input : inputs) {
      if (input.empty()) continue;
      if (same_file(path, input) || same_file(partial_path(path), input))
        throw IoError(name + ": is the input " + input.string() +
                      "; an output never replaces an input (not even with --force): choose another output file");
    }
    for (std::size_t j = 0; j < i; ++j)
      if (!outputs[j].path.empty() && same_file(path, outputs[j].path))
        throw IoError(name + ": is also the output " + outputs[j].path.string() +
                      "; give each output its own file");
    check_output_path(path, outputs[i].example);
    std::error_code ec;
    if (!force && fs::exists(path, ec))
      throw IoError(name + ": already exists; choose another output file or pass --force to replace it");
  }
}

fs::path partial_path(const fs::path& path) {
  fs::path partial = path;
  partial += ".partial";
  return partial;
}

void check_output_path(const fs::path& path, const std::string& example) {
  const std::string name = path.string();
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::is_directory(status)) throw IoError(name + ": is a directory; expected a file name such as " + example);
  if (fs::exists(status) && !fs::is_regular_file(status))
    throw IoError(name + ": is " + file_kind(status) + ", not a regular file; it is never replaced (with or without "
                  "--force); expected a file name such as " + example);
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
