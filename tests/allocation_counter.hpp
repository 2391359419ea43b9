#pragma once
// Counts calls of the global operator new (every form), for tests that prove a path never allocates.
// allocation_counter.cpp replaces the global allocation functions of the whole test program.
#include <cstddef>

namespace genepool::test {

// Allocations made through any global operator new since the program started.
std::size_t allocation_count();

}  // namespace genepool::test
