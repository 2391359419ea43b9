#pragma once
// Every input genepool reads (market data, results files, checkpoints, strategy specs, configs,
// strategy files) is checked here before it is opened: opening a FIFO blocks until a writer comes,
// and a device or a socket is no file to read.
#include <filesystem>
#include <string>

namespace genepool {

// What is at `status`, for messages: "a FIFO (named pipe)", "a directory", "a regular file", ...
std::string file_kind(const std::filesystem::file_status& status);

// Throws IoError naming `path` unless it is a regular file (symlinks followed): "PATH: no such
// file; expected EXPECTED", "PATH: is a FIFO (named pipe), not a regular file; expected EXPECTED".
void check_input_file(const std::filesystem::path& path, const std::string& expected);

}  // namespace genepool
