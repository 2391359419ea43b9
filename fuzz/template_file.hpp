#pragma once
// The valid file a structure-aware target damages: named by GENEPOOL_FUZZ_TEMPLATE (scripts/fuzz.sh
// makes it with genepool itself).
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace genepool::fuzz {

inline std::filesystem::path template_file() {
  const char* path = std::getenv("GENEPOOL_FUZZ_TEMPLATE");
  if (path == nullptr || !std::filesystem::is_regular_file(path)) {
    std::fprintf(stderr, "set GENEPOOL_FUZZ_TEMPLATE to a file genepool wrote (scripts/fuzz.sh does)\n");
    std::exit(2);
  }
  return path;
}

}  // namespace genepool::fuzz
