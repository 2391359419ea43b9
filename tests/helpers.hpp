#pragma once
// Shared fixtures for the unit tests.
#include <filesystem>
#include <string>

#include <unistd.h>

namespace genepool::test {

// ../shared/data beside the checkout: real market data, read-only.
inline std::filesystem::path shared_data(const std::string& file) {
  return std::filesystem::path(GENEPOOL_SHARED_DATA_DIR) / file;
}

// A fresh, empty scratch directory for one test, unique to this process (so that test runs of
// several checkouts, or a test's MPI ranks, never share one).
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("genepool-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace genepool::test
