// libFuzzer target: the config-file reader. `genepool --config FILE evolve` is parsed by the real
// option definitions: toml++'s parser and genepool's reading of the document (config_file.cpp: the
// command's keys and tables, a key given twice in any spelling, unknown keys and sections, TOML
// types), every option's range check and the strict reading of numbers, the error locating of config_errors.cpp, and the checks after
// parsing (`evolve` in check-only mode: no MPI, no data). A parse must end in success, a CLI11 parse
// error or a genepool::Error; anything else is a finding.
#include <cstdint>
#include <string>
#include <vector>

#include "genepool/app/commands.hpp"
#include "genepool/cli/config_errors.hpp"
#include "genepool/cli/strict_numbers.hpp"
#include "genepool/error.hpp"
#include "scratch_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> words = {"genepool", "--config", genepool::fuzz::write_input(data, size, ".toml").string(),
                                    "evolve"};
  std::vector<char*> pointers;
  for (std::string& word : words) pointers.push_back(word.data());
  int argc = static_cast<int>(pointers.size());
  char** argv = pointers.data();

  CLI::App app{"genepool", "genepool"};
  app.require_subcommand(1, 1);
  genepool::app::add_evolve_command(app, argc, argv, /*check_only=*/true);
  genepool::app::check_numbers_strictly(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    (void)genepool::app::describe_parse_error(app, error, argc, argv);
  } catch (const genepool::ConfigError& error) {
    (void)genepool::app::locate_config_error(*app.get_subcommand("evolve"), error.what(), argc, argv);
  } catch (const genepool::Error&) {
  }
  return 0;
}
