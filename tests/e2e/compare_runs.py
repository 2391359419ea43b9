#!/usr/bin/python3
"""Exits 0 when two results files hold the same evolution: every individual of every generation
(strategy, parameters, fitness, status, metrics), the generation statistics and the best strategies,
bit for bit. Timings, provenance and rank counts may differ.

Usage: compare_runs.py A.h5 B.h5
"""
import sys

import h5py
import numpy as np

COMPARED = [
    "individuals/generation", "individuals/strategy", "individuals/params", "individuals/fitness",
    "individuals/status", "individuals/metrics",
    "generations/best", "generations/mean", "generations/median", "generations/std",
    "generations/failed", "generations/infeasible", "generations/best_index",
    "best/strategy", "best/params", "best/fitness", "best/metrics", "best/equity",
]
# Compared when present in both files (NSGA-II runs, newer files).
OPTIONAL = ["generations/type_share", "individuals/front", "individuals/crowding", "pareto/index", "pareto/objectives",
            "individuals/exits", "population/exits", "best/exits"]


def main(a_path, b_path):
    with h5py.File(a_path) as a, h5py.File(b_path) as b:
        for name in COMPARED + [n for n in OPTIONAL if n in a and n in b]:
            x, y = a[name][()], b[name][()]
            if x.shape != y.shape or x.tobytes() != y.tobytes():
                where = ""
                if x.shape == y.shape:
                    diff = np.argwhere(np.atleast_1d(x != y))
                    where = f" first difference at {diff[0].tolist()}" if len(diff) else ""
                print(f"{name} differs: shapes {x.shape} vs {y.shape}{where}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
