# CSV dialects (docs/data-format.md, "Dialects"): each file of tests/data/dialects/, written the way
# its source writes it, loads with its load line; its bars equal pandas' reading of the same file
# (a backtest of the plain CSV pandas writes from it gives the same JSON, bit for bit); the dialect
# options work on backtest, backtest --spec, grid, evolve (command line and config keys) and
# check-strategy; a long file is split into its symbols and never spliced into one.
source "$(dirname "$0")/common.bash"
D="$SOURCE_DIR/tests/data/dialects"
cp -r "$SOURCE_DIR/strategies" .

# load_line LINE ARGS...: `backtest ARGS` prints exactly LINE (after "genepool: ") on stderr.
load_line() {
  local expected=$1; shift
  "$GENEPOOL" backtest --strategy sma_crossover --param fast=5 --param slow=10 "$@" >/dev/null 2>load.txt ||
    fail "backtest $*: $(cat load.txt)"
  [[ $(head -1 load.txt) == "genepool: $expected" ]] || fail "backtest $*: load line '$(head -1 load.txt)', expected 'genepool: $expected'"
}
load_line "loaded yfinance-aapl.csv: 1 symbol, 60 bars (2020-01-02 05:00:00 .. 2020-03-25 04:00:00); yfinance-aapl.csv: UTC offsets converted to UTC, close from 'Adj Close' (open, high, low scaled by Adj Close / Close), ignored columns Dividends, Stock Splits" \
  --data "$D/yfinance-aapl.csv" --price-column adj_close
load_line "loaded yfinance-aapl.csv: 1 symbol, 60 bars (2020-01-02 05:00:00 .. 2020-03-25 04:00:00); yfinance-aapl.csv: UTC offsets converted to UTC, ignored columns Adj Close, Dividends, Stock Splits" \
  --data "$D/yfinance-aapl.csv"
load_line "loaded broker-sap.csv: 1 symbol, 60 bars (2020-01-02 .. 2020-03-25); broker-sap.csv: ';'-separated, decimal commas, dates as '%d.%m.%Y'" \
  --data "SAP=$D/broker-sap.csv" --decimal , --date-format %d.%m.%Y
load_line "loaded intraday-date-time.csv: 1 symbol, 78 bars (2020-01-02 09:30:00 .. 2020-01-03 15:50:00); intraday-date-time.csv: timestamps from 'Date' + 'Time'" \
  --data "$D/intraday-date-time.csv"
load_line "loaded long-three-symbols.csv: 3 symbols, 60 bars (2020-01-02 .. 2020-03-25); long-three-symbols.csv: symbol column 'symbol': AAA 60 bars, BBB 60 bars, CCC 60 bars" \
  --data "$D/long-three-symbols.csv"
load_line "loaded investing-spx.csv: 1 symbol, 60 bars (2020-01-02 .. 2020-03-25); investing-spx.csv: dates as '%b %d, %Y', newest first (reversed), close from 'Price', ignored columns Vol., Change %" \
  --data "$D/investing-spx.csv" --date-format "%b %d, %Y" --price-column Price
load_line "loaded uk-ddmmyyyy.csv: 1 symbol, 60 bars (2020-01-02 .. 2020-03-25); uk-ddmmyyyy.csv: dates as '%d/%m/%Y'" \
  --data "$D/uk-ddmmyyyy.csv" --date-format %d/%m/%Y
load_line "loaded gzip-msft.csv.gz: 1 symbol, 60 bars (2020-01-02 .. 2020-03-25); gzip-msft.csv.gz: gzip" --data "$D/gzip-msft.csv.gz"
load_line "aligned 2 files (union, max-gap 5) on 60 bars (2020-01-02 .. 2020-03-25); GZIP-MSFT 2020-01-02 .. 2020-03-25 (filled 0), AAA 2020-01-02 .. 2020-03-25 (filled 0), BBB 2020-01-02 .. 2020-03-25 (filled 0), CCC 2020-01-02 .. 2020-03-25 (filled 0); gzip-msft.csv.gz: gzip; long-three-symbols.csv: symbol column 'symbol': AAA 60 bars, BBB 60 bars, CCC 60 bars" \
  --data "$D/gzip-msft.csv.gz" --data "$D/long-three-symbols.csv"
# The options apply to every CSV file of the command: a file of another dialect is refused, naming it.
expect_failure 3 "gzip-msft.csv.gz:2: column 'Date': expected a timestamp in the --date-format '%d.%m.%Y', got '2020-01-02'" \
  "$GENEPOOL" backtest --strategy macd --data "$D/gzip-msft.csv.gz" --data "SAP=$D/broker-sap.csv" --decimal , --date-format %d.%m.%Y

# What genepool cannot read names what it found and the option that reads it (status 3).
expect_failure 3 "broker-sap.csv:2: column 'Date': expected a timestamp .*got '02.01.2020'; give --date-format '%d.%m.%Y' \(day first\) or '%m.%d.%Y' \(month first\)$" \
  "$GENEPOOL" backtest --strategy macd --data "$D/broker-sap.csv"
expect_failure 3 "broker-sap.csv:2: column 'Open': expected a number, got '1.191,04'; genepool detected the delimiter ';' but the number '1.191,04' has a decimal comma: give --decimal ,$" \
  "$GENEPOOL" backtest --strategy macd --data "$D/broker-sap.csv" --date-format %d.%m.%Y
expect_failure 3 "uk-ddmmyyyy.csv:2: column 'Date': .*got '02/01/2020'; give --date-format '%d/%m/%Y' \(day first\) or '%m/%d/%Y' \(month first\)$" \
  "$GENEPOOL" backtest --strategy macd --data "$D/uk-ddmmyyyy.csv"
expect_failure 3 "uk-ddmmyyyy.csv:9: column 'Date': expected a timestamp in the --date-format '%m/%d/%Y', got '13/01/2020'$" \
  "$GENEPOOL" backtest --strategy macd --data "$D/uk-ddmmyyyy.csv" --date-format %m/%d/%Y
expect_failure 3 "investing-spx.csv:1: header has no 'close' column" "$GENEPOOL" backtest --strategy macd --data "$D/investing-spx.csv"
# The long file whose tickers do not overlap: never one spliced series. Union (the default): two
# symbols, each live over its own dates; inner: refused on every command (never exit 0).
"$GENEPOOL" backtest --strategy macd --data "$D/long-no-overlap.csv" 2> union.err > /dev/null || fail "the union of long-no-overlap.csv"
grep -q "loaded long-no-overlap.csv: 2 symbols, 60 bars (2020-01-02 .. 2020-03-25) (union, max-gap 5); OLD 2020-01-02 .. 2020-02-12 (filled 0; flat after 30), NEW 2020-02-13 .. 2020-03-25 (filled 0; flat before 30)" union.err ||
  fail "the union load line of long-no-overlap.csv: $(cat union.err)"
no_overlap="0 timestamp\(s\) common to all 2 series of 1 file\(s\): .*long-no-overlap.csv OLD \(2020-01-02 .. 2020-02-12, 30 bars\), .*long-no-overlap.csv NEW \(2020-02-13 .. 2020-03-25, 30 bars\); expected at least 2 shared bars"
expect_failure 3 "$no_overlap" "$GENEPOOL" backtest --strategy macd --data "$D/long-no-overlap.csv" --align inner --json
expect_failure 3 "$no_overlap" mpi 2 evolve --data "$D/long-no-overlap.csv" --align inner --population 4 --generations 1 --quiet --out x.h5
expect_failure 3 "$no_overlap" "$GENEPOOL" grid --data "$D/long-no-overlap.csv" --align inner --strategies ts_momentum --step threshold=0.1 --quiet --out x.h5
[[ ! -e x.h5 ]] || fail "a refused run left x.h5"
expect_failure 2 "long-no-overlap.csv: has a symbol column \('Ticker'\), which names its symbols; expected no NAME= for it" \
  "$GENEPOOL" backtest --strategy macd --data "OLD=$D/long-no-overlap.csv"
expect_failure 2 "--data: .*missing.csv" "$GENEPOOL" backtest --strategy macd --data "AAPL=missing.csv"

# pandas reads each file (as its documentation says to read such a file) and writes the plain CSV
# genepool reads by default; both backtests must print the same JSON.
$PYTHON - "$D" <<'PY' || fail "pandas' plain copies"
import sys, numpy as np, pandas as pd
d = sys.argv[1]
def plain(frame, name):
    frame = frame[["open", "high", "low", "close", "volume"]]
    frame.index = frame.index.strftime("%Y-%m-%d %H:%M:%S")
    frame.to_csv(name, index_label="timestamp")
y = pd.read_csv(f"{d}/yfinance-aapl.csv", index_col="Date")
y.index = pd.to_datetime(y.index, utc=True)
f = y["Adj Close"] / y["Close"]
o = y["Open"] * f
adj = pd.DataFrame({"open": o, "high": np.maximum.reduce([y["High"] * f, o, y["Adj Close"]]),
                    "low": np.minimum.reduce([y["Low"] * f, o, y["Adj Close"]]), "close": y["Adj Close"],
                    "volume": y["Volume"]}, index=y.index)
plain(adj, "AAPL.csv")
b = pd.read_csv(f"{d}/broker-sap.csv", sep=";", decimal=",", thousands=".", index_col="Date", dtype={"Date": str})
b.index = pd.to_datetime(b.index, format="%d.%m.%Y")
plain(b.rename(columns=str.lower), "SAP.csv")
i = pd.read_csv(f"{d}/intraday-date-time.csv")
i.index = pd.to_datetime(i["Date"] + " " + i["Time"])
plain(i.rename(columns=str.lower), "INTRADAY.csv")
s = pd.read_csv(f"{d}/investing-spx.csv", thousands=",", index_col="Date")
s.index = pd.to_datetime(s.index, format="%b %d, %Y")
s = s.rename(columns={"Price": "close"}).rename(columns=str.lower).sort_index()
s["volume"] = 0.0
plain(s, "SPX.csv")
u = pd.read_csv(f"{d}/uk-ddmmyyyy.csv", index_col="Date")
u.index = pd.to_datetime(u.index, dayfirst=True)
plain(u.rename(columns=str.lower), "UK.csv")
g = pd.read_csv(f"{d}/gzip-msft.csv.gz", index_col="Date", parse_dates=True)
plain(g.rename(columns=str.lower), "MSFT.csv")
for symbol, rows in pd.read_csv(f"{d}/long-three-symbols.csv", index_col="date", parse_dates=True).groupby("symbol"):
    plain(rows, f"{symbol}.csv")
PY
# The backtest JSON without its "load" (the load line names the file and how it was read).
without_load() { $PYTHON -c 'import json, sys; d = json.load(sys.stdin); d.pop("load", None); print(json.dumps(d, sort_keys=True))'; }
same_json() {  # same_json "DIALECT ARGS" "PLAIN ARGS": one backtest each, the same JSON
  local -a a b
  read -r -a a <<<"$1"
  read -r -a b <<<"$2"
  "$GENEPOOL" backtest --strategy macd --json "${a[@]}" | without_load >a.json || fail "backtest $1"
  "$GENEPOOL" backtest --strategy macd --json "${b[@]}" | without_load >b.json || fail "backtest $2"
  cmp -s a.json b.json || fail "backtest $1 differs from $2: $(diff a.json b.json | head -5)"
}
same_json "--data AAPL=$D/yfinance-aapl.csv --price-column adj_close" "--data AAPL.csv"
same_json "--data SAP=$D/broker-sap.csv --decimal , --date-format %d.%m.%Y" "--data SAP.csv"
same_json "--data INTRADAY=$D/intraday-date-time.csv" "--data INTRADAY.csv"
same_json "--data UK=$D/uk-ddmmyyyy.csv --date-format %d/%m/%Y" "--data UK.csv"
same_json "--data MSFT=$D/gzip-msft.csv.gz" "--data MSFT.csv"
same_json "--data $D/long-three-symbols.csv" "--data AAA.csv --data BBB.csv --data CCC.csv"
"$GENEPOOL" backtest --strategy macd --json --data "SPX=$D/investing-spx.csv" --date-format "%b %d, %Y" \
  --price-column Price | without_load >a.json || fail "backtest of investing-spx.csv"
"$GENEPOOL" backtest --strategy macd --json --data SPX.csv | without_load >b.json
cmp -s a.json b.json || fail "investing-spx.csv differs from pandas' reading: $(diff a.json b.json | head -5)"

# A long file's symbols evolve as a panel under MPI, its load line on stdout; 1 and 2 ranks agree.
for ranks in 1 2; do
  mpi "$ranks" evolve --data "$D/long-three-symbols.csv" --population 12 --generations 2 --seed 3 --test-fraction 0 \
    --bootstrap-resamples 0 --pbo-partitions 0 --out run.h5 >long.txt || fail "evolve of the long file on $ranks rank(s)"
  mv run.h5 long-n$ranks.h5  # one output path: it is part of /config
  grep -qxF "genepool: loaded long-three-symbols.csv: 3 symbols, 60 bars (2020-01-02 .. 2020-03-25); long-three-symbols.csv: symbol column 'symbol': AAA 60 bars, BBB 60 bars, CCC 60 bars" long.txt ||
    fail "evolve's load line: $(head -3 long.txt)"
done
$PYTHON "$SOURCE_DIR/tests/e2e/same_bits.py" long-n1.h5 long-n2.h5 || fail "the long file's run differs on 1 and 2 ranks"
$PYTHON - long-n1.h5 <<'PY' || fail "the long file's panel in the results"
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    symbols = [s.decode() if isinstance(s, bytes) else s for s in f["data/symbols"][()]]
    assert symbols == ["AAA", "BBB", "CCC"], symbols
PY

# Read in parts by 3 ranks (GENEPOOL_CSV_PART_BYTES: parts of 16 bytes and more, so that these small
# files have several), every form evolves bit for bit as on 1 rank, with the same load line.
parts_run() {  # parts_run NAME RANKS DATA-ARGS...
  local name=$1 ranks=$2; shift 2
  GENEPOOL_CSV_PART_BYTES=16 mpi "$ranks" evolve "$@" --population 8 --generations 1 --seed 9 --test-fraction 0 \
    --bootstrap-resamples 0 --pbo-partitions 0 --out run.h5 >parts.txt || fail "evolve of $name on $ranks rank(s)"
  mv run.h5 "parts-$name-n$ranks.h5"
  grep '^genepool: loaded' parts.txt >"parts-$name-n$ranks.txt"
}
parts_case() {  # parts_case NAME DATA-ARGS...
  local name=$1; shift
  parts_run "$name" 1 "$@"
  parts_run "$name" 3 "$@"
  $PYTHON "$SOURCE_DIR/tests/e2e/same_bits.py" "parts-$name-n1.h5" "parts-$name-n3.h5" ||
    fail "$name read in parts by 3 ranks differs from 1 rank"
  cmp -s "parts-$name-n1.txt" "parts-$name-n3.txt" || fail "$name's load line on 3 ranks: $(cat "parts-$name-n3.txt")"
}
parts_case aapl --data "AAPL=$D/yfinance-aapl.csv" --price-column adj_close
parts_case sap --data "SAP=$D/broker-sap.csv" --decimal , --date-format %d.%m.%Y
parts_case intraday --data "INTRADAY=$D/intraday-date-time.csv"
parts_case uk --data "UK=$D/uk-ddmmyyyy.csv" --date-format %d/%m/%Y
parts_case goog --data "$SHARED_DATA/GOOG.csv"
parts_case eurusd --data "$SHARED_DATA/EURUSD.csv"

# evolve and grid take the options and their config keys; the same run either way, identical on 1,
# 2 and 3 ranks; its spec replays with them (backtest --spec); check-strategy reads with them too.
small=(--population 16 --generations 2 --seed 5 --quiet --test-fraction 0 --bootstrap-resamples 0 --pbo-partitions 0)
mpi 1 evolve --data "SAP=$D/broker-sap.csv" --decimal , --date-format %d.%m.%Y "${small[@]}" --out cli.h5
cat >dialect.toml <<TOML
data = ["SAP=$D/broker-sap.csv"]
decimal = ","
date-format = "%d.%m.%Y"
delimiter = ";"
TOML
for ranks in 1 2 3; do
  mpi "$ranks" evolve --config dialect.toml "${small[@]}" --out run.h5 && mv run.h5 config-n$ranks.h5
done
for ranks in 2 3; do
  $PYTHON "$SOURCE_DIR/tests/e2e/same_bits.py" config-n1.h5 config-n$ranks.h5 || fail "config-n$ranks.h5 differs from config-n1.h5"
done
$PYTHON - cli.h5 config-n1.h5 config-n2.h5 config-n3.h5 <<'PY' || fail "the config keys' runs differ from the options' run"
import sys, h5py, numpy as np
runs = [h5py.File(p, "r") for p in sys.argv[1:]]
for f in runs[1:]:
    for name in ("best/params", "best/metrics", "generations/best"):
        assert np.array_equal(runs[0][name][()], f[name][()], equal_nan=True), (f.filename, name)
PY
"$GENEPOOL" export config-n1.h5 --top 1 --out best.json >/dev/null
"$GENEPOOL" backtest --spec best.json --data "SAP=$D/broker-sap.csv" --decimal , --date-format %d.%m.%Y >replay.txt 2>replay.err ||
  fail "backtest --spec: $(cat replay.err)"
grep -q "every metric equals the spec's exactly" replay.txt || fail "the spec did not replay: $(cat replay.txt)"
grep -q "broker-sap.csv: ';'-separated, decimal commas" replay.err || fail "backtest --spec load line: $(cat replay.err)"
"$GENEPOOL" grid --data "SAP=$D/broker-sap.csv" --decimal , --date-format %d.%m.%Y --strategies ts_momentum \
  --step threshold=0.05 --quiet --out grid.h5 || fail "grid with the dialect options"
"$GENEPOOL" check-strategy strategies/examples.toml --data "$D/broker-sap.csv" --decimal , --date-format %d.%m.%Y \
  >check.txt || fail "check-strategy with the dialect options: $(cat check.txt)"
grep -q "broker-sap.csv" check.txt || fail "check-strategy did not name the file: $(cat check.txt)"
# The keys are checked as every key is: a wrong type or value is status 2, naming file, line and key.
printf 'data = ["%s"]\ndecimal = 5\n' "$D/uk-ddmmyyyy.csv" >bad.toml
expect_failure 2 "bad.toml:2: key 'decimal'" "$GENEPOOL" evolve --config bad.toml "${small[@]}" --out bad.h5
printf 'data = ["%s"]\ndelimiter = "::"\n' "$D/uk-ddmmyyyy.csv" >bad.toml
expect_failure 2 "--delimiter: '::' is no delimiter" "$GENEPOOL" evolve --config bad.toml "${small[@]}" --out bad.h5
printf 'data = ["%s"]\ndate-formats = "%%d/%%m/%%Y"\n' "$D/uk-ddmmyyyy.csv" >bad.toml
expect_failure 2 "bad.toml:2: .*date-formats" "$GENEPOOL" evolve --config bad.toml "${small[@]}" --out bad.h5
echo "dialects: all passed"
