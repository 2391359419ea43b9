#!/usr/bin/env bash
# The main job on the embedded default: installs what is missing, builds, and runs genepool
# on the bundled sample data (data/sample.csv).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/build.sh >/dev/null
exec build/release/bin/genepool backtest --data data/sample.csv --strategy sma_crossover --param fast=10 --param slow=40 \
  --equity-out data/sample-equity.csv "$@"
