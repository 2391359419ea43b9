#pragma once
// One check of every number a command takes, from the command line or a config file (both reach
// CLI11 as text): CLI11 alone reads `-1` into an unsigned option as 2^64 - 1, clamps a too-large
// integer to the largest, reads `010` as octal 8 and `0x10` as hex, and lets `nan` pass a range.
#include <CLI/CLI.hpp>
#include <string>

namespace genepool::app {

// The problem with `text` as a value of an option of CLI11 type `type` ("UINT", "INT", "FLOAT"), or ""
// when it is a plain decimal number that the type holds exactly as written: integers without a
// sign (unsigned) or with '-' (signed), without leading zeros, within the type's range; reals
// finite, in decimal notation, not rounded to infinity or to zero from a non-zero text.
std::string number_problem(const std::string& text, const std::string& type);

// Adds the check above to every numeric option of `app` and of its subcommands, recursively.
void check_numbers_strictly(CLI::App& app);

}  // namespace genepool::app
