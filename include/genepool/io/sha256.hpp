#pragma once
// SHA-256 (FIPS 180-4): fingerprints of input files, recorded in the results.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>

namespace genepool {

// How blocks are compressed: the CPU's SHA extensions when it has them (automatic), or the plain
// FIPS 180-4 code (portable, the reference the tests compare against).
enum class Sha256Engine { automatic, portable, sha_extensions };

// True when this CPU has the x86 SHA extensions (with SSSE3 and SSE4.1).
bool sha256_extensions_available();

// The digest of `bytes` as 64 lowercase hex digits. Asking for sha_extensions on a CPU without them
// throws genepool::Error.
std::string sha256_hex(std::span<const std::byte> bytes, Sha256Engine engine = Sha256Engine::automatic);

// The digest of a file's contents, read in chunks. Throws IoError naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace genepool
