#pragma once
// Every output file genepool writes (results, checkpoints, market data, strategy specs, CSV tables,
// equity curves) is written to `path` + ".partial" in the same folder and committed only when
// complete: fsync of the file, rename onto `path`, fsync of the folder. So a file at `path` is
// always complete, an existing one stays intact until that instant, and a failed write (disk full,
// I/O error) leaves neither a partial file nor a changed `path`.
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <sys/types.h>

namespace genepool {

// What stopped a write into `folder`, from its errno: "the disk is full (No space left on device)",
// "the disk quota is exceeded (...)", "the file size limit is reached (File too large; ulimit -f)",
// "an I/O error (STRERROR)". For `error` 0 (not known): a full disk when the folder's file system has
// no blocks left, else "".
std::string write_failure(int error, const std::filesystem::path& folder);

// The one temporary suffix: RUN.h5 -> RUN.h5.partial.
std::filesystem::path partial_path(const std::filesystem::path& path);

// Throws IoError naming `path` if it is a directory or another non-regular file (a FIFO, a device,
// a socket: never replaced, even with --force), if its directory is missing, or if nothing can be
// created there. `example` completes "expected a file name such as ...".
void check_output_path(const std::filesystem::path& path, const std::string& example);

// One output of a command: its path and an example name for messages.
struct OutputPath {
  std::filesystem::path path;
  std::string example;
};

// The one check of a command's outputs, made before any work: each passes check_output_path; none
// exists unless `force`; none (nor its partial file) is one of `inputs`, even with `force` (the same
// device and inode: hard links, symbolic links and other spellings count); no two are one file.
// Empty paths (options not given) are skipped.
void check_outputs(std::span<const std::filesystem::path> inputs, std::span<const OutputPath> outputs, bool force);

// The partial file of one output: the writer creates partial() (any way it likes: a stream, HDF5),
// calls created(), closes it, then calls commit().
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();  // removes the partial file unless committed or kept
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& partial() const { return partial_; }

  // Records the partial file just created (device and inode): commit() then refuses one that was
  // removed (it, or its folder) or replaced before it was complete, saying its contents are lost
  // rather than that they are in place.
  void created();
  // Starts writing the partial file's bytes written so far to storage, without waiting (Linux's
  // sync_file_range; nothing elsewhere), so that commit()'s fsync has less left to wait for: a writer
  // calls it after each large part of the file.
  void start_writeback() const;
  // fsync, rename onto path(), fsync of the folder (commit_together of this one file). Throws
  // IoError naming the file on failure; the partial file is then removed, unless keep() was called.
  void commit();
  // From now on the partial file stays when commit() fails or nothing commits (complete results
  // that could not be put in place).
  void keep() { keep_ = true; }
  // Removes the partial file now (if it is still this writer's).
  void discard();
  // "" while the partial file is the one created() recorded (or, unrecorded, exists); else what
  // happened to it ("PARTIAL was removed before it was complete (by another program?)", its folder removed, ...).
  std::string lost() const;
  // "" or, when the partial file created() recorded is lost, the one line of a write that failed for that reason:
  // "PATH: LOST; its contents are lost; the existing file is unchanged" (or "nothing was written").
  std::string lost_line() const;

 private:
  friend void commit_together(std::span<AtomicFile* const> files);

  std::filesystem::path path_;
  std::filesystem::path partial_;
  bool keep_ = false;
  bool committed_ = false;
  bool created_ = false;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

// Commits several outputs of one command as one (collect's spec and CSV): every partial file is
// checked and synced, then each replaces its path in turn; when one fails, those already in place
// are put back (an existing file is exchanged with its partial file, renameat2 RENAME_EXCHANGE, so
// the exchange can be undone), so either every path holds its new contents or none changed. Throws
// IoError naming the output that failed and what each of the others holds.
void commit_together(std::span<AtomicFile* const> files);

// An output file written as a stream.
class OutputFile {
 public:
  // Checks `path` (check_output_path) and opens the partial file.
  OutputFile(std::filesystem::path path, const std::string& example);

  std::ostream& stream() { return out_; }
  // Flushes and closes; throws IoError (the partial file removed) when a write failed, naming the
  // cause (write_failure).
  void close();
  // close(), then commits; throws IoError (the partial file removed) on failure.
  void commit();
  AtomicFile& file() { return file_; }

 private:
  AtomicFile file_;
  std::ofstream out_;
};

}  // namespace genepool
