#pragma once
// Shared fixtures for the unit tests.
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace genepool::test {

// ../shared/data beside the checkout: real market data, read-only.
inline std::filesystem::path shared_data(const std::string& file) {
  return std::filesystem::path(GENEPOOL_SHARED_DATA_DIR) / file;
}

// Writes `text` to dir/name as given (bytes, no newline translation) and returns the path.
inline std::filesystem::path write_text(const std::filesystem::path& dir, const std::string& name,
                                        const std::string& text) {
  const std::filesystem::path file = dir / name;
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

// A fresh, empty scratch directory for one test, unique to this process (so that test runs of
// several checkouts, or a test's MPI ranks, never share one), removed with all it holds when it goes
// out of scope: at the end of the test, also when the test fails or throws.
class ScratchDir : public std::filesystem::path {
 public:
  explicit ScratchDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             ("genepool-test-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(*this);
    std::filesystem::create_directories(*this);
  }
  ~ScratchDir() {
    std::error_code ignored;  // NOTE: a destructor must not throw; a leftover folder is harmless
    std::filesystem::remove_all(*this, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
};

// `const auto dir = scratch_dir("name");` keeps the directory for the rest of the scope. NOTE: not
// `scratch_dir("name") / "file"`: that temporary, and the directory with it, is gone at the `;`.
inline ScratchDir scratch_dir(const std::string& name) { return ScratchDir(name); }

// The bits of a double, to compare values exactly (signed zeros and NaN payloads included).
inline std::uint64_t bits_of(double value) { return std::bit_cast<std::uint64_t>(value); }

// `count` finite doubles from uniformly random bit patterns (every exponent and sign), seeded.
inline std::vector<double> random_finite_doubles(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<double> values;
  values.reserve(count);
  while (values.size() < count) {
    const double value = std::bit_cast<double>(static_cast<std::uint64_t>(random()));
    if (std::isfinite(value)) values.push_back(value);
  }
  return values;
}

}  // namespace genepool::test
