#pragma once
// Fingerprints of input files, recorded in results, checkpoints and strategy specs: SHA-256
// (FIPS 180-4) by OpenSSL, which uses the CPU's SHA extensions where it has them.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>

namespace genepool {

// The SHA-256 of `bytes` as 64 lowercase hex digits (what `sha256sum` prints).
std::string sha256_hex(std::span<const std::byte> bytes);

// The SHA-256 of a file's contents, read in chunks. Throws IoError naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace genepool
