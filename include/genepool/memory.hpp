#pragma once
// The one check of a declared size against the memory left, made before allocating it: a dataset
// that declares 2^40 rows, or `synth --bars 100000000 --symbols 10000`, is one line naming what
// and how much, not std::bad_alloc. And the one reader of Linux's /proc memory figures.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace genepool {

// The product of `factors` (counts, then the bytes of one element), or nullopt when it overflows 64 bits.
std::optional<std::uint64_t> checked_product(std::initializer_list<std::uint64_t> factors);

// Bytes this process may still allocate: MemAvailable of /proc/meminfo (else sysconf's available
// pages), lowered to what the cgroup's memory.max and the address-space limit (RLIMIT_AS) leave.
std::uint64_t available_memory();

// "" when the product of `factors` (elements x bytes per element) fits in available_memory(), else
// "needs N GiB of memory, more than the M GiB available" ("needs more than 2^64 bytes" on overflow).
std::string memory_shortfall(std::initializer_list<std::uint64_t> factors);

// The whole text of a /proc file (which reports its size as 0); empty when it cannot be read.
std::string proc_text(const char* path);

// The sum, in bytes, of the "NAME:   123 kB" lines called `name` in a /proc text (exact name: "Pss"
// is not "Pss_Anon"); -1 when there is none.
std::int64_t proc_field_bytes(std::string_view text, std::string_view name);

// "1.5 GiB", "12 KiB", "300 bytes".
std::string byte_text(std::uint64_t bytes);

}  // namespace genepool
