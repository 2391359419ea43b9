// genepool: evolves trading strategies with a genetic algorithm, distributed with MPI.
// Errors become one line on stderr and the exit status of their class (genepool/error.hpp).
#include <iostream>
#include <string>

#include "commands.hpp"
#include "genepool/error.hpp"
#include "genepool/version.hpp"

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);  // prints help, version or the parse error
    return status == 0 ? 0 : static_cast<int>(ExitCode::usage);
  } catch (const Error& error) {
    std::cerr << "genepool: error: " << error.what() << '\n';
    return static_cast<int>(error.code());
  } catch (const std::exception& error) {
    std::cerr << "genepool: internal error: " << error.what() << '\n';
    return static_cast<int>(ExitCode::failure);
  }
  return 0;
}
