# The program's help, version, strategy list and synthetic data generator.
source "$(dirname "$0")/common.bash"

"$GENEPOOL" --help | grep -q "evolve" || fail "--help does not list evolve"
"$GENEPOOL" --version | grep -Eq "^genepool [0-9]+\.[0-9]+\.[0-9]+ \(git [0-9a-f]+|unknown\)" || fail "--version: $("$GENEPOOL" --version)"

# Every registered type, with its parameter space, as a table and as JSON: the same types, in order.
"$GENEPOOL" strategies > list.txt
"$GENEPOOL" strategies --json > list.json
$PYTHON - list.json list.txt <<'PY'
import json, sys
types = json.load(open(sys.argv[1]))
names = [t["name"] for t in types]
assert names and len(set(names)) == len(names), names
table = [line.split(" — ")[0] for line in open(sys.argv[2]) if not line.startswith(" ")]
assert table == names, (table, names)
for t in types:
    assert t["description"] and t["params"], t
sma = next(t for t in types if t["name"] == "sma_crossover")
assert [p["name"] for p in sma["params"]] == ["fast", "slow"], sma
assert sma["params"][0]["kind"] == "integer" and sma["params"][0]["lower"] == 2
assert "fast < slow" in sma["constraints"]
PY

# synth is deterministic by seed, writes CSV and HDF5, and refuses a multi-symbol CSV.
"$GENEPOOL" synth --out a.csv --bars 500 --seed 3 --quiet
"$GENEPOOL" synth --out b.csv --bars 500 --seed 3 --quiet
"$GENEPOOL" synth --out c.csv --bars 500 --seed 4 --quiet
cmp -s a.csv b.csv || fail "synth with one seed differs between runs"
cmp -s a.csv c.csv && fail "synth with different seeds gives the same data"
[[ $(wc -l < a.csv) -eq 501 ]] || fail "synth --bars 500 wrote $(wc -l < a.csv) lines"
head -1 a.csv | grep -qi "timestamp,open,high,low,close,volume" || fail "synth CSV header: $(head -1 a.csv)"
"$GENEPOOL" synth --out panel.h5 --symbols 3 --bars 400 --seed 5 --quiet
h5dump -H panel.h5 | grep -q '"close"' || fail "synth HDF5 lacks /close"
expect_failure 2 "\.h5" "$GENEPOOL" synth --out panel.csv --symbols 3 --bars 400

# The bundled sample is what the README says made it.
"$GENEPOOL" synth --out sample.csv --symbols 1 --bars 2520 --seed 42 --quiet
cmp -s sample.csv "$SOURCE_DIR/data/sample.csv" || fail "data/sample.csv is not reproduced by its documented command"

# Bad command lines: one line, usage status.
expect_failure 2 "strategy|subcommand" "$GENEPOOL" backtest --data a.csv
expect_failure 2 "unknown strategy 'nope'" "$GENEPOOL" backtest --data a.csv --strategy nope
expect_failure 2 "fast" "$GENEPOOL" backtest --data a.csv --strategy sma_crossover --param fast=500
expect_failure 2 "NAME=NUMBER" "$GENEPOOL" backtest --data a.csv --strategy sma_crossover --param fast
echo "cli basics: ok"
