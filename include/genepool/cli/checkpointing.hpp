#pragma once
// Checkpoints during `genepool evolve` and the checks before a resume. Reasoning: docs/checkpoint.md.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "genepool/results/checkpoint.hpp"
#include "genepool/evolution/evolution.hpp"
#include "genepool/evolution/resumable_evaluator.hpp"
#include "genepool/results/results.hpp"

namespace genepool::app {

using Settings = std::vector<std::pair<std::string, std::string>>;

// The resolved configuration's keys and values (one `key=value` line each, as CLI11 writes it).
Settings settings_of(const std::string& config_text);

// The keys a resume may change; every other key must be as the checkpoint recorded it.
const std::vector<std::string>& keys_a_resume_may_change();

// Throws ConfigError, naming the key or the data file, unless `checkpoint` (read from `file`) can
// continue a run with these settings, inputs and generations.
void check_resumable(const Checkpoint& checkpoint, const std::filesystem::path& file, const Settings& settings,
                     const std::vector<InputFile>& inputs, std::size_t generations);

// Thrown out of evolve() by RunCheckpointer after it wrote the checkpoint of a stopped run.
struct StopRun {
  int signal;              // the stop signal, or 0 when another rank received it
  std::size_t generation;  // the last generation completed
};

// The one observer of a run that can be checkpointed. For generations replayed from a checkpoint it
// restores what replay cannot recompute (operator timings, run time) and shows nothing; for the
// others it passes each generation to the results writer and to `live` observers, writes the
// checkpoint every `every` generations (0 = only when stopped), and when `stop_signal()` is non-zero
// (or -1: asked on another rank) writes it and throws StopRun.
class RunCheckpointer final : public EvolutionObserver {
 public:
  RunCheckpointer(ResultsWriter& writer, std::vector<EvolutionObserver*> live, const ResumableEvaluator& evaluator,
                  Checkpoint state, std::filesystem::path path, std::size_t every, std::size_t last_generation,
                  std::function<int()> stop_signal);
  void on_generation(const GenerationView& generation) override;
  // An observer that records every generation, the replayed ones too (as the results writer does).
  void add_recorder(EvolutionObserver* recorder) { recorders_.push_back(recorder); }

  std::size_t replayed_generations() const { return replayed_; }
  // Generations completed so far (while a resume replays: the checkpoint's), i.e. the one under way.
  std::size_t generations_done() const { return state_.generations; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void write();

  ResultsWriter& writer_;
  std::vector<EvolutionObserver*> live_;
  std::vector<EvolutionObserver*> recorders_;
  const ResumableEvaluator& evaluator_;
  Checkpoint state_;  // all but the log, which the evaluator holds
  std::filesystem::path path_;
  std::size_t every_;
  std::size_t last_generation_;
  std::function<int()> stop_signal_;
  std::size_t replayed_;  // generations the checkpoint holds: 0 .. replayed_ - 1 are replayed
};

}  // namespace genepool::app
