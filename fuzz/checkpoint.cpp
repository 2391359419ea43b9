// libFuzzer target: the checkpoint reader (`evolve --resume`). The input damages a checkpoint
// genepool wrote (hdf5_damage.hpp); reading it must give a checkpoint or a genepool::Error
// (IoError naming the file), nothing else.
#include <cstdint>

#include "genepool/results/checkpoint.hpp"
#include "genepool/error.hpp"
#include "genepool/io/hdf5.hpp"
#include "hdf5_damage.hpp"
#include "scratch_file.hpp"
#include "template_file.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  genepool::hdf5::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto source = genepool::fuzz::template_file();
  const auto path = genepool::fuzz::scratch_path(".checkpoint");
  genepool::fuzz::damage(source, path, data, size);
  try {
    (void)genepool::read_checkpoint(path);
  } catch (const genepool::Error&) {
  }
  genepool::fuzz::check_all_closed();
  return 0;
}
