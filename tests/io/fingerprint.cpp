#include "genepool/io/fingerprint.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <string_view>

#include "genepool/error.hpp"
#include "helpers.hpp"

using genepool::sha256_file;
using genepool::sha256_hex;
using Catch::Matchers::Contains;

namespace {

std::string hash_of(std::string_view text) { return sha256_hex(std::as_bytes(std::span(text.data(), text.size()))); }

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

}  // namespace

TEST_CASE("fingerprint: SHA-256 of the FIPS 180-4 test vectors", "[fingerprint]") {
  CHECK(hash_of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hash_of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hash_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hash_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrs"
                "tnopqrstu") == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(hash_of(std::string(1'000'000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("fingerprint: a file hashes like its bytes, across padding and chunk boundaries", "[fingerprint]") {
  const auto dir = genepool::test::scratch_dir("fingerprint");
  // 55/56/64 bytes straddle the padding rules; 1 MiB + 1 straddles the file reader's chunk.
  for (std::size_t size : {0UL, 1UL, 55UL, 56UL, 63UL, 64UL, 65UL, 119UL, 120UL, (1UL << 20) + 1}) {
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + i % 26);
    const auto file = dir / ("bytes-" + std::to_string(size));
    write_file(file, text);
    INFO("size " << size);
    CHECK(sha256_file(file) == hash_of(text));
  }
  write_file(dir / "million", std::string(1'000'000, 'a'));
  CHECK(sha256_file(dir / "million") == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // The repository's sample data, as `sha256sum data/sample.csv` prints it (and as results record it).
  CHECK(sha256_file(std::filesystem::path(GENEPOOL_SOURCE_DIR) / "data/sample.csv") ==
        "6bdcf0b5a9a2c1c8918a57abead491cc6e638a3851203f227026e9dd10fe801e");
}

TEST_CASE("fingerprint: an unreadable file is an IoError naming it", "[fingerprint]") {
  const auto dir = genepool::test::scratch_dir("fingerprint-missing");
  const auto missing = dir / "no-such-file.csv";
  CHECK_THROWS_AS(sha256_file(missing), genepool::IoError);
  CHECK_THROWS_WITH(sha256_file(missing), Contains(missing.string() + ": no such file"));
  CHECK_THROWS_WITH(sha256_file(dir), Contains(dir.string()) && Contains("is a directory"));
}
