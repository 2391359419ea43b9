#pragma once
// The one exception hierarchy. Each class carries the process exit status it maps to: main()
// turns what reaches it into that status, and evolve and grid, which run on every rank, turn theirs
// into a status (or an MPI abort) themselves, so that no rank is left waiting.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace genepool {

enum class ExitCode : int {
  success = 0,
  failure = 1,         // an unexpected internal error
  usage = 2,           // bad command line or config file
  data = 3,            // unreadable or invalid market data
  io = 4,              // results file cannot be written or read
  hung = 5,            // a rank did not answer within --generation-timeout; the job was aborted
                       // (the last checkpoint stays valid: resume from it)
  look_ahead = 6,      // check-strategy: a strategy's positions moved when later bars changed
  cpu = 7,             // the CPU target chosen (GENEPOOL_CPU) was not built or this CPU cannot run it
  no_success = 8,      // evolve, grid: every evaluation of the run failed (the results file records why)
  interrupted = 75,    // stopped by a signal after a checkpoint (EX_TEMPFAIL: requeue me)
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, ExitCode code = ExitCode::failure)
      : std::runtime_error(what), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

// Bad command line, config key or parameter value: the message names the key, the value and the valid range.
class ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& what) : Error(what, ExitCode::usage) {}
};

// Bad market data: the message names the file, line, column and what was expected.
class DataError : public Error {
 public:
  explicit DataError(const std::string& what) : Error(what, ExitCode::data) {}
};

// A file that cannot be opened, written or read back.
class IoError : public Error {
 public:
  explicit IoError(const std::string& what) : Error(what, ExitCode::io) {}
};

// `text` with control bytes, DEL and line breaks written as \xNN, so that text quoted from any input
// (binary files included) can neither cut a message at a NUL nor break it across lines.
std::string printable(std::string_view text);

// The one shortening of a value echoed in a message (a field, a config value, an option's argument):
// printable(value) whole when it has at most `shown` characters, else its first `shown` characters
// (never cutting a UTF-8 sequence) and "... (N characters)".
inline constexpr std::size_t kShownCharacters = 80;
std::string excerpt(std::string_view value, std::size_t shown = kShownCharacters);

// " (did you mean 'NAME'?)" for the entry of `known` closest to `name` (edit distance at most a
// third of the longer name, at least 1), or "" when none is that close: the suffix of an "unknown name" message.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& known);

}  // namespace genepool
