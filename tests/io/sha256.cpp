#include "genepool/io/sha256.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <vector>
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

TEST_CASE("sha256: the FIPS 180-4 test vectors", "[sha256]") {
  CHECK(hash_of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hash_of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hash_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hash_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrs"
                "tnopqrstu") == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(hash_of(std::string(1'000'000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: the SHA-extension engine agrees with the portable reference on random messages", "[sha256]") {
  using genepool::Sha256Engine;
  if (!genepool::sha256_extensions_available()) {
    WARN("this CPU has no SHA extensions: only the portable engine runs here");
    CHECK_THROWS(sha256_hex({}, Sha256Engine::sha_extensions));
    return;
  }
  std::mt19937_64 random(20261128);
  std::vector<std::byte> bytes(300'000);
  for (auto& b : bytes) b = static_cast<std::byte>(random());
  // Every length across one and two blocks' padding rules, then a few long messages.
  std::vector<std::size_t> sizes;
  for (std::size_t n = 0; n <= 200; ++n) sizes.push_back(n);
  for (std::size_t n : {4095UL, 4096UL, 65'537UL, 300'000UL}) sizes.push_back(n);
  for (std::size_t n : sizes) {
    const std::span<const std::byte> message(bytes.data(), n);
    INFO("length " << n);
    CHECK(sha256_hex(message, Sha256Engine::sha_extensions) == sha256_hex(message, Sha256Engine::portable));
  }
  const std::string million(1'000'000, 'a');
  CHECK(sha256_hex(std::as_bytes(std::span(million.data(), million.size())), Sha256Engine::sha_extensions) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: a file hashes like its bytes, across padding and chunk boundaries", "[sha256]") {
  const auto dir = genepool::test::scratch_dir("sha256");
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
}

TEST_CASE("sha256: an unreadable file is an IoError naming it", "[sha256]") {
  const auto dir = genepool::test::scratch_dir("sha256-missing");
  const auto missing = dir / "no-such-file.csv";
  CHECK_THROWS_AS(sha256_file(missing), genepool::IoError);
  CHECK_THROWS_WITH(sha256_file(missing), Contains(missing.string()) && Contains("cannot read"));
  CHECK_THROWS_WITH(sha256_file(dir), Contains(dir.string()) && Contains("is a directory"));
}
