#include "genepool/memory.hpp"

#include <catch2/catch.hpp>

#include <limits>

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

TEST_CASE("memory: a product of sizes is counted with overflow checks", "[memory]") {
  CHECK(genepool::checked_product({2, 3, 8}) == std::uint64_t{48});
  CHECK(genepool::checked_product({}) == std::uint64_t{1});
  CHECK(genepool::checked_product({std::uint64_t{1} << 32, std::uint64_t{1} << 32}) == std::nullopt);
  CHECK(genepool::checked_product({std::numeric_limits<std::uint64_t>::max(), 0}) == std::uint64_t{0});
}

TEST_CASE("memory: a size that fits says nothing, one that does not says how much against how much", "[memory]") {
  CHECK(genepool::available_memory() > 0);
  CHECK(genepool::memory_shortfall({1000, 8}).empty());
  CHECK_THAT(genepool::memory_shortfall({std::uint64_t{1} << 40, std::uint64_t{1} << 20}),
             StartsWith("needs 1.0 EiB of memory, more than the ") && Contains(" available"));
  CHECK(genepool::memory_shortfall({std::uint64_t{1} << 40, std::uint64_t{1} << 40}) ==
        "needs more than 2^64 bytes of memory");
}

TEST_CASE("memory: byte counts read in binary units", "[memory]") {
  CHECK(genepool::byte_text(1) == "1 byte");
  CHECK(genepool::byte_text(300) == "300 bytes");
  CHECK(genepool::byte_text(1536) == "1.5 KiB");
  CHECK(genepool::byte_text(std::uint64_t{8} << 40) == "8.0 TiB");
  CHECK(genepool::byte_text(std::uint64_t{20} << 30) == "20 GiB");
}
