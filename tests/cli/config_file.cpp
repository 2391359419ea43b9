#include "genepool/cli/config_file.hpp"

#include <catch2/catch.hpp>

#include <fstream>

#include "genepool/app/commands.hpp"
#include "genepool/cli/config_errors.hpp"
#include "genepool/cli/strict_numbers.hpp"
#include "genepool/error.hpp"
#include "helpers.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using Catch::Matchers::StartsWith;
using genepool::app::ConfigFile;
namespace fs = std::filesystem;

namespace {

// `genepool --config FILE evolve ARGS...` with the real option definitions (check-only: no MPI, no data),
// the file holding `text`.
class Evolve {
 public:
  explicit Evolve(const std::string& text, std::vector<std::string> args = {},
                  std::shared_ptr<CLI::Config> reader = nullptr)
      : dir_(genepool::test::scratch_dir("config-file")) {
    std::ofstream(dir_ / "c.toml", std::ios::binary) << text;
    words_ = {"genepool", "--config", (dir_ / "c.toml").string(), "evolve"};
    words_.insert(words_.end(), args.begin(), args.end());
    for (std::string& word : words_) pointers_.push_back(word.data());
    argc_ = static_cast<int>(pointers_.size());
    argv_ = pointers_.data();
    app_.require_subcommand(1, 1);
    genepool::app::add_evolve_command(app_, argc_, argv_, /*check_only=*/true);
    genepool::app::check_numbers_strictly(app_);  // as main() does
    if (reader) app_.config_formatter(reader);
  }
  Evolve(const Evolve&) = delete;
  Evolve& operator=(const Evolve&) = delete;

  // Parses; the error line's message when it fails, as `genepool` prints it.
  std::string parse() {
    try {
      app_.parse(argc_, argv_);
    } catch (const CLI::ParseError& error) {
      return genepool::app::describe_parse_error(app_, error, argc_, argv_);
    } catch (const genepool::ConfigError& error) {
      return genepool::app::locate_config_error(command(), error.what(), argc_, argv_);
    }
    return "";
  }
  template <typename T>
  T value(const std::string& option) {
    return command().get_option(option)->as<T>();
  }
  CLI::App& command() { return *app_.get_subcommand("evolve"); }
  std::string file() const { return (dir_ / "c.toml").string(); }

 private:
  genepool::test::ScratchDir dir_;
  std::vector<std::string> words_;
  std::vector<char*> pointers_;
  int argc_ = 0;
  char** argv_ = nullptr;
  CLI::App app_{"genepool", "genepool"};
};

}  // namespace

TEST_CASE("config file: strings are read as TOML strings", "[cli][config]") {
  const auto [toml, out] = GENERATE(table<std::string, std::string>({
      {"out = \"x#y.h5\"  # a comment\n", "x#y.h5"},
      {"out = \"\"\"m.h5\"\"\"\n", "m.h5"},
      {"out = 'a\\b.h5'\n", "a\\b.h5"},
      {"out = \"tab\\there.h5\"\n", "tab\there.h5"},
  }));
  Evolve evolve(toml);
  REQUIRE(evolve.parse().empty());
  CHECK(evolve.value<std::string>("--out") == out);
}

TEST_CASE("config file: numbers are read as TOML numbers", "[cli][config]") {
  Evolve evolve("\xEF\xBB\xBFpopulation = 1_0\ngenerations = 0x10\ncost = 5e-4\nmax-drawdown = 1\n");
  REQUIRE(evolve.parse().empty());
  CHECK(evolve.value<std::size_t>("--population") == 10);  // the first key, after a byte-order mark
  CHECK(evolve.value<std::size_t>("--generations") == 16);
  CHECK(evolve.value<double>("--cost") == 5e-4);
  CHECK(evolve.value<double>("--max-drawdown") == 1.0);  // an integer where a number is expected
}

TEST_CASE("config file: a value of the wrong TOML type names the file, line, key and both types", "[cli][config]") {
  const auto [value, found] = GENERATE(table<std::string, std::string>({
      {"\"8\"", "expected an integer, found a string \"8\""},
      {"[8]", "expected an integer, found an array"},
      {"8.0", "expected an integer, found a floating-point number 8.0"},
      {"true", "expected an integer, found a boolean true"},
      {"{ n = 8 }", "expected an integer, found a table"},
      {"2024-01-01", "expected an integer, found a date"},
  }));
  Evolve evolve("# population\n\npopulation = " + value + "\n");
  CHECK_THAT(evolve.parse(), Equals(evolve.file() + ":3: key 'population': " + found));
}

TEST_CASE("config file: an array's elements are checked", "[cli][config]") {
  Evolve evolve("data = [\n  \"a.csv\",\n  2,\n]\n");
  CHECK_THAT(evolve.parse(), Equals(evolve.file() +
                                    ":1: key 'data': expected a string or an array of strings, found an integer 2 "
                                    "at index 1"));
  Evolve flag("allow-short = \"yes\"\n");
  CHECK_THAT(flag.parse(), Contains(":1: key 'allow-short': expected a boolean (true or false), found a string \"yes\""));
}

TEST_CASE("config file: a key given twice, in any spelling, names both lines", "[cli][config]") {
  const auto [toml, line, first] = GENERATE(table<std::string, int, int>({
      {"population = 8\nevolve.population = 12\n", 2, 1},
      {"population = 8\n\n[evolve]\npopulation = 12\n", 4, 1},
      {"[evolve]\npopulation = 8\n\"population\" = 12\n", 3, 2},
      {"seed = 1\npopulation = 8\npopulation = 12\n", 3, 2},
      {"evolve.population = 8\nseed = 2\nevolve.population = 12\n", 3, 1},
  }));
  Evolve evolve(toml);
  CHECK_THAT(evolve.parse(), Equals(evolve.file() + ":" + std::to_string(line) +
                                    ": key 'population': given again (first on line " + std::to_string(first) +
                                    "); expected each key once"));
}

TEST_CASE("config file: keys under [evolve] and dotted keys are the command's", "[cli][config]") {
  Evolve dotted("seed = 3\nevolve.population = 12\n");
  REQUIRE(dotted.parse().empty());
  CHECK(dotted.value<std::size_t>("--seed") == 3);
  CHECK(dotted.value<std::size_t>("--population") == 12);
  Evolve section("seed = 3\n[evolve]\ngenerations = 2\n");
  REQUIRE(section.parse().empty());
  CHECK(section.value<std::size_t>("--seed") == 3);
  CHECK(section.value<std::size_t>("--generations") == 2);
}

TEST_CASE("config file: the command line overrides the file", "[cli][config]") {
  Evolve evolve("population = 8\n", {"--population", "30"});
  REQUIRE(evolve.parse().empty());
  CHECK(evolve.value<std::size_t>("--population") == 30);
}

TEST_CASE("config file: a TOML syntax error names the file, line, column and toml++'s description", "[cli][config]") {
  Evolve evolve("seed = 1\nmutation-rate = = 0.3\n");
  CHECK_THAT(evolve.parse(), Equals(evolve.file() + ":2:17: not valid TOML: Error while parsing value: could not "
                                                    "determine value type"));
}

TEST_CASE("config file: unknown keys and tables are refused with their line", "[cli][config]") {
  const auto [toml, message] = GENERATE(table<std::string, std::string>({
      {"seed = 1\npopulaton = 10\n", ":2: key 'populaton': unknown key"},
      {"help = true\n", ":1: key 'help': unknown key"},
      {"seed = 1\n\n[backtest]\ncost = 0.1\n", ":3: section '[backtest]': unknown section"},
      {"[[ranges]]\nfast = 2\n", ":1: key 'ranges': expected tables [ranges.NAME] of a strategy type's parameters"},
      {"[evolve.ranges]\nfast = 2\n", ":1: section '[evolve.ranges]': unknown section"},
  }));
  Evolve evolve(toml);
  CHECK_THAT(evolve.parse(), Contains(evolve.file() + message));
}

TEST_CASE("config file: evolve reads [ranges.NAME] and names the line of a bad one", "[cli][config][ranges]") {
  Evolve good("population = 8\n[ranges.sma_crossover]\nfast = [5, 50]\n");
  CHECK(good.parse().empty());
  Evolve bad("population = 8\n[ranges.sma_crossover]\nfast = [5, 500]\n");
  CHECK_THAT(bad.parse(), Equals(bad.file() + ":3: key 'ranges.sma_crossover.fast': sma_crossover.fast = [5, 500] is "
                                              "outside the type's range [2, 100]"));
}

TEST_CASE("config file: strategy-files are taken relative to the config file's folder", "[cli][config]") {
  Evolve evolve("strategy-files = [\"s.toml\"]\n");
  const fs::path beside = fs::path(evolve.file()).parent_path() / "s.toml";
  std::ofstream(beside) << "[x]\nposition = \"close > 1\"\n";
  REQUIRE(evolve.parse().empty());
  CHECK(evolve.value<std::vector<std::string>>("--strategy-file") == std::vector<std::string>{beside.string()});
  // An absolute path stays as it is (the helper's folder is made afresh: the file is written again);
  // a missing file is refused with the key's line.
  Evolve absolute("population = 8\nstrategy-files = [\"" + beside.string() + "\"]\n");
  std::ofstream(beside) << "[x]\nposition = \"close > 1\"\n";
  REQUIRE(absolute.parse().empty());
  CHECK(absolute.value<std::vector<std::string>>("--strategy-file") == std::vector<std::string>{beside.string()});
  Evolve missing("\nstrategy-files = \"gone.toml\"\n");
  CHECK_THAT(missing.parse(), Contains(":2: key 'strategy-files'") && Contains("gone.toml"));
}

TEST_CASE("config file: a later check names the line of the key it is about", "[cli][config]") {
  Evolve range("seed = 1\npopulation = 1\n");  // CLI11's range check of --population
  CHECK_THAT(range.parse(), Equals(range.file() + ":2: key 'population': --population: Value 1 not in range 2 to "
                                                  "10000000"));
  Evolve elitism("population = 4\n\n[evolve]\nelitism = 4\n");  // the GA's check of the settings
  CHECK_THAT(elitism.parse(), Equals(elitism.file() + ":4: key 'elitism': elitism = 4 is outside [0, 3]"));
  Evolve given("population = 1\n", {"--population", "1"});  // from the command line: no file line
  CHECK_THAT(given.parse(), Equals("--population: Value 1 not in range 2 to 10000000 (see --help)"));
}

TEST_CASE("config file: the checks of lists and objectives name their key's line", "[cli][config]") {
  Evolve twice("seed = 1\nstrategies = [\"macd\", \"sma_crossover\", \"macd\"]\n");
  CHECK_THAT(twice.parse(), Equals(twice.file() + ":2: key 'strategies': strategies lists macd twice (entries 0 and "
                                                  "2); expected each type at most once"));
  Evolve unknown("mode = \"nsga2\"\nobjectives = [\"sharpe:max\", \"sharpee:max\"]\n");
  CHECK_THAT(unknown.parse(), StartsWith(unknown.file() + ":2: key 'objectives': objectives[1] = 'sharpee:max': "
                                                          "'sharpee' is not a metric (did you mean 'sharpe'?)"));
  Evolve repeated("mode = \"nsga2\"\nobjectives = [\"sharpe:max\", \"sharpe:min\"]\n");
  CHECK_THAT(repeated.parse(), StartsWith(repeated.file() + ":2: key 'objectives': objectives lists sharpe twice"));
}

TEST_CASE("config file: a long value is echoed as its excerpt, from the file or the command line", "[cli][config]") {
  const std::string long_value(100000, 'x');
  const std::string shown = std::string(80, 'x') + "... (100000 characters)";
  Evolve from_file("execution = \"" + long_value + "\"\n");
  const std::string message = from_file.parse();
  CHECK_THAT(message, StartsWith(from_file.file() + ":1: key 'execution': ") && Contains(shown));
  CHECK(message.size() < 400);
  Evolve given("seed = 1\n", {"--strategies", long_value});
  CHECK_THAT(given.parse(), Contains("unknown strategy '" + shown + "'"));
  CHECK(given.parse().size() < 600);
}

TEST_CASE("config file: the settings text is the one CLI11's own reader gave", "[cli][config]") {
  // The checkpoint compares it on --resume (settings_of): a file that CLI11's reader read alike must
  // give the same text, numbers as written.
  const std::string toml = "[evolve]\npopulation = 8\nseed = 42\ncost = 5e-4\nmax-drawdown = 1.0\nmin-trades = 0\n"
                           "objective = \"sortino\"\nallow-short = true\nno-cache = true\n"
                           "strategies = [\"sma_crossover\", \"macd\"]\npsr-benchmark = -0.5\n";
  Evolve ours(toml);
  REQUIRE(ours.parse().empty());
  Evolve cli11(toml, {}, std::make_shared<CLI::ConfigTOML>());
  REQUIRE(cli11.parse().empty());
  const std::string text = ours.command().config_to_str(true, false);
  CHECK(text == cli11.command().config_to_str(true, false));
  CHECK_THAT(text, Contains("max-drawdown=1.0\n") && Contains("cost=5e-4\n") && Contains("objective=\"sortino\"\n"));
}

TEST_CASE("config file: the parsed document keeps nested tables for later readers", "[cli][config]") {
  const ConfigFile file("c.toml", "seed = 1\n[ranges.sma]\nfast = [2, 100]\n[[strategy]]\ntype = \"macd\"\n", "evolve");
  CHECK(file.document()["ranges"]["sma"]["fast"][1].value<std::int64_t>() == 100);
  CHECK(file.document()["strategy"][0]["type"].value<std::string>() == "macd");
  CHECK(file.line_of("seed") == 1);
  CHECK(file.line_of("population") == 0);
}

TEST_CASE("config file: exits and sizing take fixed values, a range is left to the evolved exits", "[cli][config]") {
  Evolve fixed("stop-loss = 0.05\ntake-profit = 0.1\ntrailing-stop = 0.03\nmax-bars = 20\nsizing = \"vol-target\"\n"
               "target-vol = 0.15\nvol-window = 30\nleverage-cap = 2\n");
  REQUIRE(fixed.parse().empty());
  CHECK(fixed.value<double>("--stop-loss") == 0.05);
  CHECK(fixed.value<std::int64_t>("--max-bars") == 20);
  CHECK(fixed.value<std::string>("--sizing") == "vol-target");
  CHECK(fixed.value<double>("--leverage-cap") == 2.0);
  // A range is no option value: read_exit_genes makes it a gene (tests/cli/ranges.cpp).
  Evolve range("seed = 1\nstop-loss = [0.01, 0.2]\ntake-profit = [0.05, 0.5]\n");
  REQUIRE(range.parse().empty());
  CHECK(range.command().count("--stop-loss") == 0);
  CHECK(range.command().count("--take-profit") == 0);
  Evolve window("vol-window = [10, 50]\n");
  CHECK_THAT(window.parse(), Equals(window.file() + ":1: key 'vol-window': evolves the vol-target sizing, which is off; "
                                                    "expected sizing = \"vol-target\""));
  Evolve sizing_range("sizing = [\"unit\"]\n");
  CHECK_THAT(sizing_range.parse(), Contains(":1: key 'sizing': expected a string, found an array"));
  Evolve outside("stop-loss = 1.5\n");
  CHECK_THAT(outside.parse(), Equals(outside.file() + ":1: key 'stop-loss': --stop-loss: Value 1.5 not in range 0.000000 to 0.990000"));
  Evolve sizing("sizing = \"kelly\"\n");
  CHECK_THAT(sizing.parse(), Contains(":1: key 'sizing': --sizing: kelly not in {unit,vol-target}"));
}

TEST_CASE("config_file: one file for every command: another command's keys and table are left to it",
          "[cli][config]") {
  CLI::App evolve("", "evolve"), backtest("", "backtest");
  int population = 0;
  double cost = 0;
  std::string strategy;
  evolve.add_option("--population", population);
  evolve.add_option("--cost", cost);
  backtest.add_option("--cost", cost);
  backtest.add_option("--strategy", strategy);
  const std::vector<const CLI::App*> others{&evolve};
  const auto keys = [&](const std::string& text) {
    const ConfigFile file("c.toml", text, "backtest", true);
    std::vector<std::string> names;
    for (const CLI::ConfigItem& item : file.items(backtest, others)) names.push_back(item.name);
    return names;
  };
  // evolve's own key and table are skipped; the shared key and backtest's own are read.
  CHECK(keys("population = 8\ncost = 0.001\n[evolve]\npopulation = 9\n[backtest]\nstrategy = \"macd\"\n") ==
        std::vector<std::string>{"cost", "strategy"});
  // The same key checks otherwise: a typo, an unknown table, an array of tables named like an option.
  CHECK_THROWS_WITH(keys("populaton = 8\n"), Contains("c.toml:1: key 'populaton': unknown key"));
  CHECK_THROWS_WITH(keys("[backtset]\ncost = 1\n"), Contains("c.toml:1: section '[backtset]': unknown section"));
  // For evolve, [[strategy]] is no table of backtest's although backtest has a --strategy option.
  const ConfigFile for_evolve("c.toml", "[[strategy]]\ntype = \"macd\"\n", "evolve", true);
  const std::vector<const CLI::App*> backtest_only{&backtest};
  CHECK_THROWS_WITH(for_evolve.items(evolve, backtest_only), Contains("section '[[strategy]]': unknown section"));
  // Without the other commands (a file of one command) their keys are unknown, as before.
  const ConfigFile alone("c.toml", "population = 8\n", "backtest", true);
  CHECK_THROWS_WITH(alone.items(backtest), Contains("key 'population': unknown key"));
}
