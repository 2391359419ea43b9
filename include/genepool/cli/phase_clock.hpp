#pragma once
// Rank 0's wall seconds in each phase of a run, from the process's start: the run's serial part,
// which the results file keeps in /timing (docs/results-format.md).
#include <chrono>
#include <string>
#include <vector>

#include "genepool/results/results.hpp"

namespace genepool::app {

class PhaseClock {
 public:
  // Starts with the phase "start": from the process's start (Linux /proc; 0 elsewhere) to now.
  PhaseClock();
  // Ends the phase `name`: the seconds since the previous phase ended.
  void lap(std::string name);
  const std::vector<PhaseSeconds>& phases() const { return phases_; }

 private:
  std::chrono::steady_clock::time_point last_;
  std::vector<PhaseSeconds> phases_;
};

}  // namespace genepool::app
