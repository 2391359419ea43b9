#pragma once
// SIGTERM, SIGINT and SIGUSR1 ask a run to stop: the handler only records the signal; the run
// finishes its current generation, checkpoints and exits with ExitCode::interrupted (75).
namespace genepool::app {

// Installs the handlers (once per process; later calls do nothing).
void install_stop_handlers();

// The first stop signal received by this process, 0 when none.
int stop_signal();

// "SIGTERM", "SIGINT", "SIGUSR1"
const char* signal_name(int signal);

}  // namespace genepool::app
