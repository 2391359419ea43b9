#pragma once
// A run's checkpoint: what `genepool evolve --resume` needs to continue a run exactly, in one HDF5
// file beside the results (RUN.h5.checkpoint). Layout and reasoning: docs/checkpoint.md.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "genepool/evolution/resumable_evaluator.hpp"
#include "genepool/results/results.hpp"

namespace genepool {

struct Checkpoint {
  std::size_t generations = 0;  // generations completed: 0 .. generations - 1
  std::uint64_t seed = 0;
  // The run's resolved configuration, key by key, values as written in the results' /config.
  std::vector<std::pair<std::string, std::string>> settings;
  std::vector<InputFile> inputs;  // with their SHA-256s: the data fingerprint
  EvaluationLog log;              // every batch the evaluator answered in the completed generations
  // One per completed generation: what a replay cannot recompute (timings) and its best fitness.
  std::vector<double> best;
  std::vector<double> operator_seconds;
  std::vector<double> elapsed_seconds;
  std::string genepool_version;  // of the program that wrote it (set by write_checkpoint)
};

// RUN.h5 -> RUN.h5.checkpoint
std::filesystem::path checkpoint_path(const std::filesystem::path& results);

// Writes `path` atomically (AtomicFile: `path`.partial, fsync, rename, fsync of the folder); a
// crash at any point leaves the previous checkpoint intact. Throws IoError naming the file.
void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);

// Reads and checks a checkpoint (format, version, consistent sizes); throws IoError naming the file
// and what is wrong.
Checkpoint read_checkpoint(const std::filesystem::path& path);

}  // namespace genepool
