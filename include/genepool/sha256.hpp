#pragma once
// SHA-256 (FIPS 180-4): fingerprints of input files, recorded in the results.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>

namespace genepool {

// The digest of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::span<const std::byte> bytes);

// The digest of a file's contents, read in chunks. Throws IoError naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace genepool
