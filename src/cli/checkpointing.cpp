#include "genepool/cli/checkpointing.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "genepool/error.hpp"

namespace genepool::app {

Settings settings_of(const std::string& config_text) {
  Settings settings;
  std::size_t begin = 0;
  while (begin < config_text.size()) {
    std::size_t end = config_text.find('\n', begin);
    if (end == std::string::npos) end = config_text.size();
    const std::string line = config_text.substr(begin, end - begin);
    begin = end + 1;
    const std::size_t equals = line.find('=');
    if (line.empty() || line[0] == '#' || line[0] == '[' || equals == std::string::npos) continue;
    settings.emplace_back(line.substr(0, equals), line.substr(equals + 1));
  }
  return settings;
}

const std::vector<std::string>& keys_a_resume_may_change() {
  // NOTE: `top` only sizes the hall of fame, which the replay rebuilds from every generation;
  // `generations` is checked on its own; data files may move, their SHA-256s are compared.
  // The strategy files may move too: their sources' SHA-256s are settings (strategy-sources.NAME).
  static const std::vector<std::string> keys = {"data", "out", "force", "quiet", "generations", "top",
                                                "checkpoint-every", "generation-timeout", "resume", "strategy-file"};
  return keys;
}

void check_resumable(const Checkpoint& checkpoint, const std::filesystem::path& file, const Settings& settings,
                     const std::vector<InputFile>& inputs, std::size_t generations) {
  const std::string name = file.string();
  const auto& free = keys_a_resume_may_change();
  const auto fixed = [&](const std::string& key) { return std::find(free.begin(), free.end(), key) == free.end(); };
  const std::string advice = "; resume with the settings the run started with (only generations (more or "
                             "fewer), top, out, force, quiet, checkpoint-every, generation-timeout and the data "
                             "and strategy files' paths may change)";
  std::map<std::string, std::string> recorded(checkpoint.settings.begin(), checkpoint.settings.end());
  std::map<std::string, std::string> current(settings.begin(), settings.end());
  // NOTE: before islands, polishing and robust fitness a run's generations were bred otherwise: its
  // recorded batches cannot be replayed by this loop.
  if (current.count("polish-share") != 0 && recorded.count("polish-share") == 0)
    throw ConfigError("resume: " + name + " was written by genepool " + checkpoint.genepool_version +
                      ", before islands and polishing (docs/checkpoint.md); this genepool cannot continue that run: "
                      "start it afresh with --force, or finish it with the genepool that wrote it");
  for (const auto& [key, value] : current) {
    if (!fixed(key)) continue;
    const auto it = recorded.find(key);
    if (it == recorded.end())
      throw ConfigError("resume: " + name + " does not record key '" + key + "' (written by genepool " +
                        checkpoint.genepool_version + ")" + advice);
    if (it->second != value)
      throw ConfigError("resume: key '" + key + "' is " + value + " but " + name + " was written with " + key + " = " +
                        it->second + advice);
  }
  for (const auto& [key, value] : recorded)
    if (fixed(key) && current.count(key) == 0)
      throw ConfigError("resume: " + name + " records key '" + key + "' = " + value +
                        ", which this genepool does not know");
  if (inputs.size() != checkpoint.inputs.size())
    throw ConfigError("resume: this run reads " + std::to_string(inputs.size()) + " data file(s) but " + name +
                      " was written by a run that read " + std::to_string(checkpoint.inputs.size()));
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].sha256 != checkpoint.inputs[i].sha256)
      throw ConfigError("resume: data file " + inputs[i].path + " (SHA-256 " + inputs[i].sha256.substr(0, 16) +
                        "...) is not the data " + name + " was written with (" + checkpoint.inputs[i].path +
                        ", SHA-256 " + checkpoint.inputs[i].sha256.substr(0, 16) + "...)");
  if (checkpoint.generations > 0 && generations + 1 < checkpoint.generations)
    throw ConfigError("resume: key 'generations' is " + std::to_string(generations) + " but " + name +
                      " has already completed generations 0.." + std::to_string(checkpoint.generations - 1) +
                      "; give --generations " + std::to_string(checkpoint.generations - 1) + " or more");
}

RunCheckpointer::RunCheckpointer(ResultsWriter& writer, std::vector<EvolutionObserver*> live,
                                 const ResumableEvaluator& evaluator, Checkpoint state, std::filesystem::path path,
                                 std::size_t every, std::size_t last_generation, std::function<int()> stop_signal)
    : writer_(writer),
      live_(std::move(live)),
      evaluator_(evaluator),
      state_(std::move(state)),
      path_(std::move(path)),
      every_(every),
      last_generation_(last_generation),
      stop_signal_(std::move(stop_signal)),
      replayed_(state_.generations) {
  state_.log = {};
}

void RunCheckpointer::on_generation(const GenerationView& generation) {
  const std::size_t t = generation.stats.generation;
  for (EvolutionObserver* recorder : recorders_) recorder->on_generation(generation);
  if (t < replayed_) {
    if (std::memcmp(&generation.stats.best, &state_.best[t], sizeof(double)) != 0)
      throw ConfigError("resume: generation " + std::to_string(t) + " replays with best fitness " +
                        std::to_string(generation.stats.best) + " but " + path_.string() + " recorded " +
                        std::to_string(state_.best[t]) + "; the checkpoint is not from this run's settings");
    if (t + 1 == replayed_ && evaluator_.replaying())
      throw ConfigError("resume: the checkpoint holds evaluations beyond its generation " + std::to_string(t) +
                        "; it is not from this run's settings");
    GenerationStats stats = generation.stats;
    stats.operator_seconds = state_.operator_seconds[t];
    writer_.set_elapsed_seconds(state_.elapsed_seconds[t]);
    writer_.on_generation(GenerationView{stats, generation.population, generation.evaluations, generation.fitness,
                                         generation.front, generation.crowding, generation.raw_fitness,
                                         generation.island_starts, generation.island_best, generation.island_mean,
                                         generation.polished, generation.polished_evaluations,
                                         generation.polished_fitness, generation.polished_raw_fitness});
  } else {
    writer_.on_generation(generation);
    for (EvolutionObserver* observer : live_) observer->on_generation(generation);
    state_.best.push_back(generation.stats.best);
    state_.operator_seconds.push_back(generation.stats.operator_seconds);
    state_.elapsed_seconds.push_back(writer_.elapsed_seconds());
    state_.generations = t + 1;
  }
  // A stop waits for the replay to reach the checkpoint's last generation: the state it resumed from.
  if (t + 1 < replayed_) return;
  if (const int signal = stop_signal_ ? stop_signal_() : 0; signal != 0) {
    write();
    throw StopRun{signal < 0 ? 0 : signal, t};
  }
  if (t >= replayed_ && every_ > 0 && t > 0 && t % every_ == 0 && t < last_generation_) write();
}

void RunCheckpointer::write() {
  Checkpoint checkpoint = state_;
  checkpoint.log = evaluator_.log();
  write_checkpoint(path_, checkpoint);
}

}  // namespace genepool::app
