// libFuzzer target: the results reader (`report`, `export`, `collect`, `backtest --spec` read with
// it). The input damages a results file genepool wrote (hdf5_damage.hpp); reading it must give
// results or a genepool::Error (IoError), nothing else: no crash, no sanitizer report, no other
// exception.
#include <cstdint>

#include "genepool/error.hpp"
#include "genepool/io/hdf5.hpp"
#include "genepool/results/results_reader.hpp"
#include "hdf5_damage.hpp"
#include "scratch_file.hpp"
#include "template_file.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  genepool::hdf5::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto source = genepool::fuzz::template_file();
  const auto path = genepool::fuzz::scratch_path(".h5");
  genepool::fuzz::damage(source, path, data, size);
  try {
    const genepool::ResultsReader reader(path);
    const genepool::RunResults results = reader.read();
    for (const bool final_only : {false, true}) {
      const std::size_t count = reader.individual_count(final_only);
      (void)reader.individuals(0, count, final_only);
      if (count > 3) (void)reader.individuals(count - 3, 3, final_only);
    }
  } catch (const genepool::Error&) {
  }
  genepool::fuzz::check_all_closed();
  return 0;
}
