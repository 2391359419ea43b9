#!/usr/bin/python3
"""Checks `genepool backtest --json` metrics against numpy computed from its --equity-out curve.

Usage: check_backtest.py DATA.csv CURVE.csv METRICS.json   (exit status 1 with the reason on failure)
Independent of the C++ code: only the documented definitions (docs/metrics.md) are used.
"""
import csv
import json
import math
import sys

import numpy as np


def main(data_path, curve_path, metrics_path):
    result = json.load(open(metrics_path))
    m = result["metrics"]
    B = result["bars_per_year"]
    rows = list(csv.reader(open(curve_path)))
    header, rows = rows[0], rows[1:]
    assert header[0] == "timestamp" and header[-2:] == ["return", "equity"], header
    r = np.array([float(row[-2]) for row in rows])[1:]
    equity = np.array([float(row[-1]) for row in rows])
    columns = [i for i, name in enumerate(header) if name.startswith("position")]
    pos = np.array([[float(row[i]) for i in columns] for row in rows])
    n = len(r)
    checks = {
        "bars": n,
        "total_return": np.prod(1 + r) - 1,
        "volatility": np.std(r, ddof=1) * math.sqrt(B),
        "sharpe": 0.0 if np.std(r, ddof=1) == 0 else np.mean(r) / np.std(r, ddof=1) * math.sqrt(B),
        "max_drawdown": float(np.max(1 - equity / np.maximum.accumulate(equity))),
        "exposure": float(np.mean(pos[:-1] != 0)),
        "turnover": float(np.abs(np.diff(np.vstack([np.zeros((1, pos.shape[1])), pos]), axis=0)).sum()
                          / pos.shape[1] / (n / B)),
    }
    closes = np.genfromtxt(data_path, delimiter=",", skip_header=1, usecols=4)
    if pos.shape[1] == 1:
        checks["buy_and_hold"] = closes[-1] / closes[0] - 1
    problems = []
    for name, expected in checks.items():
        got = m[name]
        if not math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12):
            problems.append(f"{name}: genepool {got!r}, numpy {expected!r}")
    if not math.isclose(equity[-1], 1 + m["total_return"], rel_tol=1e-9):
        problems.append(f"equity[-1] {equity[-1]} != 1 + total_return {m['total_return']}")
    if problems:
        print("; ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
