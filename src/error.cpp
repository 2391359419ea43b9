#include "genepool/error.hpp"
// The hierarchy is header-only; this file anchors it in the core library.
