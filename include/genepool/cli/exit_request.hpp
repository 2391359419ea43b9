#pragma once
// Thrown by a command that has already reported its failure (on the rank that saw it) and only
// needs main() to return `status`.
namespace genepool::app {

struct ExitRequest {
  int status;
};

}  // namespace genepool::app
