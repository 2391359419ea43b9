#pragma once
// Error lines on stderr: one line per error, written with one write(2) so that mpirun's or another
// rank's output never lands inside it, with control bytes escaped (\xNN) so binary input cannot
// break the line or the terminal.
#include <string>
#include <string_view>

namespace genepool::app {

// The launcher's rank of this process (0 outside mpirun/srun): lines that every rank would print
// alike, such as a bad command line, are printed by rank 0 only.
int launcher_rank();

// Writes "genepool: " + prefix + printable(message) (genepool/error.hpp) + "\n" to stderr at once.
void print_error_line(std::string_view prefix, std::string_view message);

}  // namespace genepool::app
