#pragma once
// The fuzz input as a file (the readers take paths): one file per process and extension, rewritten
// per input, in $TMPDIR.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace genepool::fuzz {

inline std::filesystem::path scratch_path(const char* extension) {
  static const std::filesystem::path directory = [] {
    const char* tmp = std::getenv("TMPDIR");
    return std::filesystem::path(tmp != nullptr ? tmp : "/tmp");
  }();
  return directory / ("genepool-fuzz-" + std::to_string(::getpid()) + extension);
}

inline std::filesystem::path write_input(const std::uint8_t* data, std::size_t size, const char* extension) {
  const std::filesystem::path path = scratch_path(extension);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);
  return path;
}

}  // namespace genepool::fuzz
