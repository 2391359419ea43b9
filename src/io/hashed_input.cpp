#include "genepool/io/hashed_input.hpp"

#include <cerrno>
#include <cstring>
#include <span>
#include <zlib.h>

#include "genepool/error.hpp"
#include "genepool/io/input_file.hpp"

namespace genepool {

HashedInput::HashedInput(const std::filesystem::path& file, const std::string& expected, bool hashing)
    : name_(file.string()), hashing_(hashing) {
  check_input_file(file, expected);
  handle_ = std::fopen(file.c_str(), "rb");
  if (handle_ == nullptr) throw IoError(name_ + ": cannot open for reading: " + std::strerror(errno));
  first_size_ = read_raw(reinterpret_cast<char*>(first_), 2);
  if (first_size_ == 2 && first_[0] == 0x1f && first_[1] == 0x8b) {
    inflater_ = std::make_unique<z_stream_s>();
    std::memset(inflater_.get(), 0, sizeof(z_stream_s));
    if (inflateInit2(inflater_.get(), 15 + 16) != Z_OK) {  // 15 + 16: a gzip wrapper, the largest window
      inflater_.reset();
      std::fclose(handle_);
      throw IoError(name_ + ": zlib could not start inflating the gzip file");
    }
    compressed_.resize(1 << 18);
    compressed_[0] = first_[0];
    compressed_[1] = first_[1];
    compressed_end_ = 2;
    first_size_ = 0;
  }
}

HashedInput::~HashedInput() {
  if (inflater_) inflateEnd(inflater_.get());
  std::fclose(handle_);
}

std::size_t HashedInput::read_raw(char* into, std::size_t size) {
  const std::size_t got = std::fread(into, 1, size, handle_);
  if (got < size && std::ferror(handle_)) throw IoError(name_ + ": read failed: " + std::strerror(errno));
  if (hashing_) hash_.update(std::as_bytes(std::span(into, got)));
  bytes_ += got;
  return got;
}

void HashedInput::seek(std::uint64_t offset) {
  if (inflater_ || hashing_) throw Error(name_ + ": only a plain file read without hashing can be read from anywhere");
  if (std::fseek(handle_, static_cast<long>(offset), SEEK_SET) != 0)
    throw IoError(name_ + ": cannot seek to byte " + std::to_string(offset) + ": " + std::strerror(errno));
  first_size_ = 0;
  bytes_ = offset;
}

std::size_t HashedInput::read(char* into, std::size_t size) {
  if (!inflater_) {
    std::size_t given = 0;
    for (; first_size_ > 0 && given < size; --first_size_)  // the magic-byte probe, handed on first
      into[given++] = static_cast<char>(first_[2 - first_size_]);
    return given + read_raw(into + given, size - given);
  }
  z_stream_s& z = *inflater_;
  z.next_out = reinterpret_cast<unsigned char*>(into);
  z.avail_out = static_cast<unsigned>(size);
  while (z.avail_out == size) {  // until some text comes out, or the file ends
    if (compressed_begin_ == compressed_end_ && !raw_end_) {
      compressed_begin_ = 0;
      compressed_end_ = read_raw(reinterpret_cast<char*>(compressed_.data()), compressed_.size());
      raw_end_ = compressed_end_ == 0;
    }
    if (compressed_begin_ == compressed_end_) {
      if (!stream_end_) throw DataError(name_ + ": the gzip stream ends early; expected a complete .gz file (is it cut short?)");
      return 0;
    }
    if (stream_end_) {  // another gzip member follows (as `cat a.gz b.gz` makes)
      if (inflateReset(&z) != Z_OK) throw DataError(name_ + ": zlib could not start the next gzip member");
      stream_end_ = false;
    }
    z.next_in = compressed_.data() + compressed_begin_;
    z.avail_in = static_cast<unsigned>(compressed_end_ - compressed_begin_);
    const int status = inflate(&z, Z_NO_FLUSH);
    compressed_begin_ = compressed_end_ - z.avail_in;
    if (status == Z_STREAM_END) {
      stream_end_ = true;
    } else if (status != Z_OK && status != Z_BUF_ERROR) {
      throw DataError(name_ + ": damaged gzip data (zlib: " + (z.msg ? z.msg : "error " + std::to_string(status)) +
                      "); expected a valid .gz file");
    }
  }
  return size - z.avail_out;
}

}  // namespace genepool
