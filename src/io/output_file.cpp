#include "genepool/io/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <vector>

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

std::string write_failure(int error, const fs::path& folder) {
  const auto with = [](const char* what, int code, const char* hint) {
    return std::string(what) + " (" + std::strerror(code) + hint + ")";
  };
  struct statvfs disk{};
  if (error == ENOSPC || (error == 0 && ::statvfs(folder.c_str(), &disk) == 0 && disk.f_bavail == 0))
    return with("the disk is full", ENOSPC, "");
  if (error == EDQUOT) return with("the disk quota is exceeded", EDQUOT, "");
  if (error == EFBIG) return with("the file size limit is reached", EFBIG, "; ulimit -f");
  if (error != 0) return with("an I/O error", error, "");
  return "";
}

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

void AtomicFile::created() {
  struct stat made{};
  if (::stat(partial_.c_str(), &made) != 0) return;
  device_ = made.st_dev;
  inode_ = made.st_ino;
  created_ = true;
}

std::string AtomicFile::lost() const {
  struct stat now{};
  if (::stat(partial_.c_str(), &now) == 0) {
    if (!created_ || (now.st_dev == device_ && now.st_ino == inode_)) return "";
    return partial_.string() + " was replaced by another file before it was complete (by another program?)";
  }
  std::error_code ec;
  const fs::path folder = folder_of(path_);
  if (!fs::is_directory(folder, ec))
    return "its folder '" + folder.string() + "' was removed before " + partial_.string() + " was complete";
  return partial_.string() + (created_ ? " was removed before it was complete (by another program?)" : " is missing");
}

std::string AtomicFile::lost_line() const {
  if (!created_) return "";  // never made (a missing folder from the start is an ordinary write failure)
  const std::string what = lost();
  if (what.empty()) return "";
  std::error_code ignored;
  return path_.string() + ": " + what + "; its contents are lost; " +
         (fs::exists(path_, ignored) ? "the existing file is unchanged" : "nothing was written");
}

void AtomicFile::start_writeback() const {
#if defined(__linux__)
  const int fd = ::open(partial_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // NOTE: only a head start: commit() finds and reports any failure
  ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  ::close(fd);
#endif
}

void AtomicFile::discard() {
  std::error_code ignored;
  if (lost().empty() && fs::is_regular_file(partial_, ignored)) fs::remove(partial_, ignored);
}

void AtomicFile::commit() {
  AtomicFile* const files[] = {this};
  commit_together(files);
}

namespace {

// How one output of commit_together() replaced its path: not yet, exchanged with an existing file,
// renamed onto a free path, or renamed over an existing file (no exchange: cannot be undone).
enum class Step { none, exchanged, renamed, replaced };

// Puts `path` back as it was before `step`: the previous file exchanged back (the new contents
// return to the partial file), or the new file renamed back to the partial file. Returns errno, or 0.
int undo(const AtomicFile& file, Step step) {
  switch (step) {
    case Step::none: return 0;
    case Step::exchanged:
      return ::renameat2(AT_FDCWD, file.partial().c_str(), AT_FDCWD, file.path().c_str(), RENAME_EXCHANGE) == 0
                 ? 0
                 : errno;
    case Step::renamed: return ::rename(file.path().c_str(), file.partial().c_str()) == 0 ? 0 : errno;
    case Step::replaced: return ENOTSUP;
  }
  return 0;
}

}  // namespace

void commit_together(std::span<AtomicFile* const> files) {
  std::vector<Step> steps(files.size(), Step::none);
  // Fails at files[k] with `what`: the outputs before it go back as they were, every partial file
  // goes (a kept one stays), and the one line says what each path holds.
  const auto fail = [&](std::size_t k, const std::string& what, bool lost) {
    std::string others;
    for (std::size_t j = 0; j < files.size(); ++j) {
      if (j == k) continue;
      const int error = j < k ? undo(*files[j], steps[j]) : 0;
      others += "; " + files[j]->path().string() +
                (error == 0 ? " is as it was"
                            : " could not be put back (" + std::string(std::strerror(error)) + "): it has the new contents");
    }
    AtomicFile& file = *files[k];
    const bool kept = file.keep_ && !lost;
    for (AtomicFile* each : files)
      if (!each->keep_) each->discard();
    std::error_code ignored;
    const std::string before = fs::exists(file.path(), ignored) ? "the existing file is unchanged" : "nothing was written";
    return IoError(file.path().string() + ": " + what + "; " +
                   (kept ? "its contents are in " + file.partial().string() : lost ? "its contents are lost; " + before : before) +
                   others);
  };
  // Every partial file is still its writer's and on stable storage before any path changes.
  for (std::size_t k = 0; k < files.size(); ++k) {
    if (const std::string lost = files[k]->lost(); !lost.empty()) throw fail(k, lost, true);
    if (const int error = sync(files[k]->partial(), false); error != 0) {
      std::string cause = write_failure(error, folder_of(files[k]->path()));
      throw fail(k, "cannot sync " + files[k]->partial().string() + ": " + (cause.empty() ? std::strerror(error) : cause),
                 false);
    }
  }
  // NOTE: an existing file is exchanged with its partial file (renameat2 RENAME_EXCHANGE, one atomic
  // step), so that it can be put back if a later output fails; where the file system cannot exchange
  // (EINVAL: NFS, some FUSE), a plain rename replaces it, and it cannot be put back.
  for (std::size_t k = 0; k < files.size(); ++k) {
    const AtomicFile& file = *files[k];
    std::error_code ec;
    const fs::file_status there = fs::symlink_status(file.path(), ec);
    int error = 0;
    if (fs::exists(there) && !fs::is_directory(there)) {
      if (::renameat2(AT_FDCWD, file.partial().c_str(), AT_FDCWD, file.path().c_str(), RENAME_EXCHANGE) == 0)
        steps[k] = Step::exchanged;
      else
        error = errno;
    }
    if (steps[k] == Step::none && (error == 0 || error == EINVAL || error == ENOSYS)) {
      const bool existed = fs::exists(there);
      error = ::rename(file.partial().c_str(), file.path().c_str()) == 0 ? 0 : errno;
      if (error == 0) steps[k] = existed ? Step::replaced : Step::renamed;
    }
    if (error != 0) {
      if (const std::string lost = file.lost(); !lost.empty()) throw fail(k, lost, true);  // gone meanwhile
      throw fail(k, "cannot rename " + file.partial().string() + " into place: " + std::strerror(error), false);
    }
  }
  for (std::size_t k = 0; k < files.size(); ++k) {
    if (steps[k] == Step::exchanged) ::unlink(files[k]->partial().c_str());  // the previous contents
    files[k]->committed_ = true;
  }
  for (AtomicFile* file : files) {
    const fs::path folder = folder_of(file->path());
    if (const int error = sync(folder, true); error != 0) {
      std::error_code ec;
      if (!fs::is_directory(folder, ec))  // removed between the rename and the sync
        throw IoError(file->path().string() + ": its folder '" + folder.string() +
                      "' was removed as the file was written; its contents are lost");
      throw IoError(file->path().string() + ": written, but its folder could not be synced: " + std::strerror(error));
    }
  }
}

OutputFile::OutputFile(fs::path path, const std::string& example) : file_(std::move(path)) {
  check_output_path(file_.path(), example);
  out_.open(file_.partial(), std::ios::binary | std::ios::trunc);
  if (!out_)
    throw IoError(file_.path().string() + ": cannot open " + file_.partial().string() + " for writing: " +
                  std::strerror(errno));
  file_.created();
}

void OutputFile::close() {
  if (!out_.is_open()) return;  // closed already
  errno = 0;
  out_.flush();
  out_.close();
  if (!out_) {
    const int error = errno;
    if (const std::string lost = file_.lost_line(); !lost.empty()) throw IoError(lost);  // the cause, not its errno
    file_.discard();
    std::error_code ignored;
    std::string cause = write_failure(error, folder_of(file_.path()));
    throw IoError(file_.path().string() + ": cannot write " + file_.partial().string() + ": " +
                  (cause.empty() ? "an I/O error" : cause) + "; " +
                  (fs::exists(file_.path(), ignored) ? "the existing file is unchanged" : "nothing was written"));
  }
}

void OutputFile::commit() {
  close();
  file_.commit();
}

}  // namespace genepool
