#include "genepool/io/run_claim.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "genepool/error.hpp"

namespace genepool {

namespace fs = std::filesystem;

namespace {

std::string this_host() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "unknown-host";
  return name.data();
}

std::string now_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  std::array<char, 32> text{};
  const std::size_t size = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text.data(), size);
}

struct Owner {
  std::string host;
  long pid = 0;
  std::string started;
};

Owner read_owner(const fs::path& path) {
  Owner owner;
  std::ifstream in(path);
  in >> owner.host >> owner.pid >> owner.started;
  return owner;
}

// Whether process `pid` has exited: gone, or a zombie nobody reaped (a container's init may not).
bool has_exited(long pid) {
  if (::kill(static_cast<pid_t>(pid), 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const std::size_t end = line.rfind(')');  // "PID (COMMAND) STATE ..."
  return end != std::string::npos && end + 2 < line.size() && line[end + 2] == 'Z';
}

// The owner is on this host and its process has exited.
bool is_stale(const Owner& owner) { return owner.pid > 0 && owner.host == this_host() && has_exited(owner.pid); }

// Removes a stale claim file unless another run has locked it or replaced it meanwhile.
bool remove_stale(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT;
  bool removed = false;
  struct stat held{}, named{};
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0 || (errno != EWOULDBLOCK && errno != EINTR)) {
    // NOTE: unlink only the inode checked as stale, not a fresh claim created since.
    if (::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
        held.st_ino == named.st_ino && is_stale(read_owner(path)))
      removed = ::unlink(path.c_str()) == 0;
  }
  ::close(fd);
  return removed;
}

}  // namespace

fs::path claim_path(const fs::path& results) {
  fs::path claim = results;
  claim += ".claim";
  return claim;
}

RunClaim::RunClaim(const fs::path& results) : path_(claim_path(results)) {
  for (int attempt = 0; fd_ < 0; ++attempt) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ >= 0) break;
    if (errno != EEXIST)
      throw IoError(results.string() + ": cannot create the claim file " + path_.string() + ": " + std::strerror(errno));
    const Owner owner = read_owner(path_);
    if (attempt == 0 && is_stale(owner) && remove_stale(path_)) continue;
    const std::string who = owner.pid > 0 ? "host " + owner.host + ", pid " + std::to_string(owner.pid) +
                                                ", started " + owner.started
                                          : std::string("its owner is still writing the claim");
    throw IoError(results.string() + ": claimed by another run (" + who + "; " + path_.string() +
                  "); wait for it or choose another --out; if no run uses it any more, remove " + path_.string());
  }
  // Where flock works it marks the claim as held even to a reader of a stale-looking file.
  (void)::flock(fd_, LOCK_EX | LOCK_NB);
  const std::string text = this_host() + ' ' + std::to_string(::getpid()) + ' ' + now_utc() + '\n';
  struct stat held{};
  const bool written = ::write(fd_, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd_) == 0 && ::fstat(fd_, &held) == 0;
  if (!written) {
    const int error = errno;
    ::unlink(path_.c_str());
    ::close(fd_);
    throw IoError(results.string() + ": cannot write the claim file " + path_.string() + ": " + std::strerror(error));
  }
  device_ = held.st_dev;
  inode_ = held.st_ino;
}

RunClaim::~RunClaim() {
  struct stat named{};
  if (::stat(path_.c_str(), &named) == 0 && named.st_dev == device_ && named.st_ino == inode_) ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace genepool
