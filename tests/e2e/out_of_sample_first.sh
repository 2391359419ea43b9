# A split run of configs/validation.toml leads with its out-of-sample figures: in the end-of-run
# summary, in `genepool report`, and in the tearsheet as Chromium renders it (the green
# out-of-sample cards at the top of the page, the out-of-sample table before the in-sample list).
source "$(dirname "$0")/common.bash"
cp -r "$SOURCE_DIR/configs" "$SOURCE_DIR/data" .

"$GENEPOOL" evolve --config configs/validation.toml --data "$SHARED_DATA/orcl-1995-2014.txt" --population 30 \
  --generations 3 --walk-forward-generations 1 --bootstrap-resamples 50 --out run.h5 > summary.txt ||
  fail "configs/validation.toml: $(tail -3 summary.txt)"
"$GENEPOOL" report run.h5 > report.txt || fail "report failed"
for file in summary.txt report.txt; do
  first=$(grep -n "out of sample first" "$file" | head -1 | cut -d: -f1)
  top=$(grep -n "^top strategies" "$file" | head -1 | cut -d: -f1)
  [[ -n $first && -n $top && $first -lt $top ]] || fail "$file does not lead with the out-of-sample figures: $(cat "$file")"
done
grep -Eq "PBO 0\.[0-9]+: the in-sample winner is below the out-of-sample median [0-9]+% of the time" report.txt ||
  fail "report.txt lacks the PBO reading"

"$PYTHON" "$SOURCE_DIR/scripts/plot_results.py" run.h5 --html sheet.html > /dev/null || fail "plot_results.py --html failed"
$PYTHON - sheet.html <<'PY' || fail "sheet.html does not lead with the out-of-sample figures"
import sys
page = open(sys.argv[1]).read()
cards = page.index('<div class="cards">')
assert page.index('card oos') < page.index('sharpe in sample'), "the first figures are not the out-of-sample ones"
assert cards < page.index("<h2>Out of sample</h2>") < page.index("<h2>Top strategies (in sample"), "section order"
assert "PBO 0." in page and "the in-sample winner is below the out-of-sample median" in page, "no PBO reading"
assert "DSR 0." in page or "DSR 1." in page, "no DSR reading"
PY
command -v chromium > /dev/null || fail "chromium is missing: run scripts/install-deps.sh test"
mkdir chrome-profile
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$SCRATCH/chrome-profile" \
  --screenshot="$SCRATCH/sheet.png" --window-size=1200,1400 "file://$SCRATCH/sheet.html" > chromium.log 2>&1 ||
  fail "chromium could not render sheet.html: $(tail -3 chromium.log)"
$PYTHON - sheet.png <<'PY' || fail "the rendered tearsheet does not lead with the out-of-sample cards"
import sys
import numpy as np
import matplotlib.image as image
pixels = np.round(image.imread(sys.argv[1])[:, :, :3] * 255).astype(np.int64)
oos = np.all(pixels == (227, 242, 232), axis=2)  # .card.oos background, #e3f2e8
plain = np.all(pixels == (248, 250, 252), axis=2)  # .card background, #f8fafc
rows = np.flatnonzero(oos.any(axis=1))
assert len(rows) > 20, "no out-of-sample card is rendered"
# The three green cards stand in the first row of cards, near the top of the page, left of the plain ones.
assert rows[0] < 250, f"the out-of-sample cards start at y={rows[0]}"
band = oos[rows[0]:rows[0] + 10]
xs = np.flatnonzero(band.any(axis=0))
runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)
assert len(runs) == 3, f"{len(runs)} green cards in the first row; expected 3"
plain_xs = np.flatnonzero(plain[rows[0]:rows[0] + 10].any(axis=0))
assert plain_xs.size and plain_xs.min() < xs.min() < xs.max() < plain_xs.max(), \
    "the green cards are not between the strategy's name and the in-sample cards"
print(f"screenshot: 3 out-of-sample cards at y={rows[0]}, x={xs.min()}..{xs.max()}")
PY
echo "out_of_sample_first: ok"
