#pragma once
// A data file's bytes, read in blocks and hashed as they are read; a gzip file (found by its magic
// bytes 1f 8b, whatever its name) is inflated on the way, and its hash is of the compressed bytes,
// so it matches `sha256sum FILE`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "genepool/io/fingerprint.hpp"

struct z_stream_s;  // zlib's z_stream

namespace genepool {

class HashedInput {
 public:
  // Opens `file` (check_input_file with `expected`, then fopen); IoError naming it when it cannot.
  // Without `hashing` (a pass that only counts lines) digest() is of no bytes.
  HashedInput(const std::filesystem::path& file, const std::string& expected, bool hashing = true);
  HashedInput(const HashedInput&) = delete;
  HashedInput& operator=(const HashedInput&) = delete;
  ~HashedInput();

  // Reads up to `size` bytes of the (inflated) text into `into`; returns how many, 0 at the end.
  // IoError when the file cannot be read, DataError when a gzip stream is damaged or cut short.
  std::size_t read(char* into, std::size_t size);
  bool gzip() const { return inflater_ != nullptr; }
  // A plain file read without hashing: the next read() starts at byte `offset` (Error otherwise).
  void seek(std::uint64_t offset);
  // The SHA-256 and size of the file's bytes; once, after read() returned 0.
  FileDigest digest() { return {hash_.hex_digest(), bytes_}; }

 private:
  std::size_t read_raw(char* into, std::size_t size);

  std::string name_;
  std::FILE* handle_ = nullptr;
  bool hashing_;
  Sha256 hash_;
  std::uint64_t bytes_ = 0;
  std::unique_ptr<z_stream_s> inflater_;  // null for a plain file
  std::vector<unsigned char> compressed_;  // the compressed bytes read but not yet inflated
  std::size_t compressed_begin_ = 0, compressed_end_ = 0;
  bool raw_end_ = false, stream_end_ = false;
  unsigned char first_[2] = {0, 0};  // the magic bytes read to tell gzip from text
  std::size_t first_size_ = 0;       // of those, not yet handed on (plain text)
};

}  // namespace genepool
