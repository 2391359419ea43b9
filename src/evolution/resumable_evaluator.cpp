#include "genepool/evolution/resumable_evaluator.hpp"

#include <cstring>
#include <string>
#include <utility>

#include "genepool/error.hpp"

namespace genepool {

ResumableEvaluator::ResumableEvaluator(Evaluator& live, EvaluationLog recorded)
    : live_(live), log_(std::move(recorded)) {
  std::uint64_t total = 0;
  for (const std::uint64_t size : log_.batch_sizes) total += size;
  if (total != log_.genomes.size() || total != log_.evaluations.size() ||
      log_.timings.size() != log_.batch_sizes.size())
    throw Error("evaluation log: " + std::to_string(log_.batch_sizes.size()) + " batches of " + std::to_string(total) +
                " genomes in all, but " + std::to_string(log_.genomes.size()) + " genomes, " +
                std::to_string(log_.evaluations.size()) + " evaluations and " + std::to_string(log_.timings.size()) +
                " timings");
}

void ResumableEvaluator::evaluate(std::span<const Genome> genomes, std::span<Evaluation> results) {
  if (replaying()) {
    const std::size_t size = log_.batch_sizes[next_batch_];
    // NOTE: genomes compare by their bytes, as the evaluation cache keys them.
    if (size != genomes.size() ||
        (size > 0 && std::memcmp(genomes.data(), log_.genomes.data() + next_genome_, size * sizeof(Genome)) != 0))
      throw Error("resume: batch " + std::to_string(next_batch_) + " of this run differs from the checkpoint's (" +
                  std::to_string(genomes.size()) + " genomes, recorded " + std::to_string(size) +
                  "); the checkpoint was written by a run with other settings or another genepool version",
                  ExitCode::usage);
    std::copy_n(log_.evaluations.begin() + static_cast<std::ptrdiff_t>(next_genome_), size, results.begin());
    timing_ = log_.timings[next_batch_];
    ++next_batch_;
    next_genome_ += size;
    return;
  }
  live_.evaluate(genomes, results);
  timing_ = live_.last_timing();
  log_.genomes.insert(log_.genomes.end(), genomes.begin(), genomes.end());
  log_.evaluations.insert(log_.evaluations.end(), results.begin(), results.end());
  log_.batch_sizes.push_back(genomes.size());
  log_.timings.push_back(timing_);
  next_batch_ = log_.batch_sizes.size();
  next_genome_ = log_.genomes.size();
}

}  // namespace genepool
