// genepool-TARGET: evolves trading strategies with a genetic algorithm, distributed with MPI, its hot
// code compiled for one CPU target (bin/genepool starts the right one: src/launch/main.cpp).
// Errors become one line on stderr and the exit status of their class (genepool/error.hpp).

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "genepool/app/commands.hpp"
#include "genepool/cli/config_errors.hpp"
#include "genepool/cli/error_line.hpp"
#include "genepool/cli/exit_request.hpp"
#include "genepool/cli/strict_numbers.hpp"
#include "genepool/cpu_target.hpp"
#include "genepool/error.hpp"
#include "genepool/version.hpp"

namespace {

// A failed command ends here without exit-time clean-up: HDF5's would retry the writes of a file
// that failed (disk full, I/O error), print an error per open object and can crash. Nothing else
// is pending: outputs are renamed into place only when complete, and MPI is already finalised.
[[noreturn]] void end_failed(int status) {
  std::cout.flush();
  std::fflush(nullptr);
  std::_Exit(status);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace genepool;
  // A closed stdout or stderr (`genepool evolve ... | head`) must not end a run: writes to it then
  // fail quietly (the stream's error state), the run goes on to its results (docs/errors.md).
  std::signal(SIGPIPE, SIG_IGN);
  const std::string target(compiled_cpu_target());
  if (!cpu_runs(target)) {
    app::print_error_line("error: ", "this CPU cannot run the " + target +
                                         " target; start bin/genepool, which chooses one it runs");
    return static_cast<int>(ExitCode::cpu);
  }
  CLI::App app{"genepool: evolve trading strategies with a genetic algorithm, distributed with MPI.\n"
               "Run `genepool COMMAND --help` for a command's options.",
               "genepool"};
  app.set_version_flag("--version", std::string("genepool ") + std::string(version()) + " (git " +
                                        std::string(git_revision()) + ", cpu " + target + ")");
  app.require_subcommand(1, 1);
  app::add_strategies_command(app);
  app::add_check_strategy_command(app);
  app::add_synth_command(app);
  app::add_backtest_command(app);
  app::add_evolve_command(app, argc, argv);  // see uses_every_rank()
  app::add_grid_command(app, argc, argv);
  app::add_report_command(app);
  app::add_export_command(app);
  app::add_collect_command(app);
  app::check_numbers_strictly(app);

  // Under mpirun or srun, only `evolve` uses the ranks: the other commands run on rank 0 alone, so
  // that several copies never write one file. Errors that every rank finds alike (the command line,
  // the config file) are printed by rank 0, whose status is the job's; the other ranks then exit 0
  // so that the launcher does not kill rank 0 before it has printed.
  const bool speaks = app::launcher_rank() == 0;
  if (!speaks && !app::uses_every_rank(argc, argv)) return 0;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return speaks ? app.exit(error) : 0;  // --help, --version
    if (!speaks) return 0;
    app::print_error_line("error: ", app::describe_parse_error(app, error, argc, argv));
    return static_cast<int>(ExitCode::usage);
  } catch (const app::ExitRequest& request) {
    end_failed(request.status);
  } catch (const Error& error) {
    if (speaks) app::print_error_line("error: ", error.what());
    end_failed(static_cast<int>(error.code()));
  } catch (const std::exception& error) {
    app::print_error_line("internal error: ", error.what());
    end_failed(static_cast<int>(ExitCode::failure));
  }
  return 0;
}
