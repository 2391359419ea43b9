#pragma once
#include <string_view>

namespace genepool {

std::string_view version();       // e.g. "0.1.0"
std::string_view git_revision();  // short hash of the source tree at configure time, or "unknown"

}  // namespace genepool
