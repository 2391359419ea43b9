#include "genepool/cli/stop_signals.hpp"

#include <csignal>
#include <string>

#include "genepool/error.hpp"

namespace genepool::app {
namespace {

volatile std::sig_atomic_t received = 0;

extern "C" void on_stop_signal(int signal) {
  if (received == 0) received = signal;
}

}  // namespace

void install_stop_handlers() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;  // MPI and file calls carry on; the flag is read between generations
    for (const int signal : {SIGTERM, SIGINT, SIGUSR1}) {
      if (sigaction(signal, &action, nullptr) != 0) throw Error("cannot install the handler of signal " + std::to_string(signal));
    }
    return true;
  }();
  (void)installed;
}

int stop_signal() { return received; }

const char* signal_name(int signal) {
  switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGUSR1: return "SIGUSR1";
    default: return "a signal";
  }
}

}  // namespace genepool::app
