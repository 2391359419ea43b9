// genepool: evolves trading strategies with a genetic algorithm, distributed with MPI.
// Errors become one line on stderr and the exit status of their class (genepool/error.hpp).
#include <cstdlib>
#include <iostream>
#include <string>

#include "commands.hpp"
#include "config_errors.hpp"
#include "exit_request.hpp"
#include "genepool/error.hpp"
#include "genepool/version.hpp"

namespace {

// The launcher's rank of this process (0 outside mpirun/srun): errors found by every rank
// alike, such as a bad command line, are printed once.
int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace genepool;
  CLI::App app{"genepool: evolve trading strategies with a genetic algorithm, distributed with MPI.\n"
               "Run `genepool COMMAND --help` for a command's options.",
               "genepool"};
  app.set_version_flag("--version", std::string("genepool ") + std::string(version()) + " (git " +
                                        std::string(git_revision()) + ")");
  app.require_subcommand(1, 1);
  app::add_strategies_command(app);
  app::add_synth_command(app);
  app::add_backtest_command(app);
  app::add_evolve_command(app, argc, argv);
  app::add_grid_command(app, argc, argv);
  app::add_report_command(app);
  app::add_export_command(app);
  app::add_collect_command(app);

  const bool speaks = launcher_rank() == 0;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    if (speaks) std::cerr << "genepool: error: " << app::describe_parse_error(app, error, argc, argv) << '\n';
    return static_cast<int>(ExitCode::usage);
  } catch (const app::ExitRequest& request) {
    return request.status;
  } catch (const Error& error) {
    if (speaks) std::cerr << "genepool: error: " << error.what() << '\n';
    return static_cast<int>(error.code());
  } catch (const std::exception& error) {
    std::cerr << "genepool: internal error: " << error.what() << '\n';
    return static_cast<int>(ExitCode::failure);
  }
  return 0;
}
