#pragma once
// Fingerprints of input files, recorded in results, checkpoints and strategy specs: SHA-256
// (FIPS 180-4) by OpenSSL, which uses the CPU's SHA extensions where it has them.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace genepool {

// A file's fingerprint: the SHA-256 of its bytes (64 lowercase hex digits) and their count.
struct FileDigest {
  std::string sha256;
  std::uint64_t bytes = 0;
};

// One SHA-256 computation fed in pieces, for a reader that hashes the bytes as it reads them.
class Sha256 {
 public:
  Sha256();
  void update(std::span<const std::byte> bytes);
  std::string hex_digest();  // once, after the last update

 private:
  std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> context_;
};

// The SHA-256 of `bytes` as 64 lowercase hex digits (what `sha256sum` prints).
std::string sha256_hex(std::span<const std::byte> bytes);

// The SHA-256 of a file's contents, read in chunks. Throws IoError naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace genepool
