#pragma once
// A run's exclusive claim on its results path OUT, for the run's whole life (evolve, grid, resume
// and the checkpoints they write): the file OUT.claim, created with O_EXCL (atomic on local file
// systems, NFS v3+ and Lustre) and holding "HOST PID START-TIME", also flock()ed where the file
// system supports it. A second run on OUT refuses at once, naming the owner. So OUT.partial and
// OUT.checkpoint(.partial) belong to the claimant alone, and no run removes another's file.
#include <filesystem>
#include <string>
#include <sys/types.h>

namespace genepool {

// RUN.h5 -> RUN.h5.claim
std::filesystem::path claim_path(const std::filesystem::path& results);

class RunClaim {
 public:
  // Claims `results`; throws IoError naming the owner (host, pid, start time) when another run holds
  // it. A claim whose pid is dead on this host (a run killed with SIGKILL) is stale and taken over.
  explicit RunClaim(const std::filesystem::path& results);
  ~RunClaim();  // removes OUT.claim if it is still this run's
  RunClaim(const RunClaim&) = delete;
  RunClaim& operator=(const RunClaim&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

}  // namespace genepool
