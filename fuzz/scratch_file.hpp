#pragma once
// The fuzz input as a file (the readers take paths): one file per process, rewritten per input.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace genepool::fuzz {

inline std::filesystem::path write_input(const std::uint8_t* data, std::size_t size, const char* extension) {
  static const std::filesystem::path directory = [] {
    const char* tmp = std::getenv("TMPDIR");
    return std::filesystem::path(tmp != nullptr ? tmp : "/tmp");
  }();
  const std::filesystem::path path = directory / ("genepool-fuzz-" + std::to_string(::getpid()) + extension);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);
  return path;
}

}  // namespace genepool::fuzz
