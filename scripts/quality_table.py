#!/usr/bin/python3
"""The table of scripts/quality_study.sh: GA runs against the grid of the same series and type.

Arguments: --out FILE (or - for stdout), then groups of four: SERIES TYPE GRID.h5 "GA1.h5 GA2.h5 ...".
Exit status 0 when every row meets the target, 1 otherwise.
"""
import argparse
import sys

import h5py
import numpy as np

WITHIN = 0.01     # relative distance to the grid optimum that counts as found
MAX_SHARE = 0.10  # largest share of the grid the GA may backtest


def describe_best(f):
    names = [n for n in f["best/param_names"].asstr()[0] if n]
    params = f["best/params"][0]
    return " ".join(f"{n}={params[i]:g}" for i, n in enumerate(names))


def row(series, type_name, grid_path, ga_paths):
    with h5py.File(grid_path, "r") as g:
        points = int(g["summary"].attrs["evaluated_total"])
        optimum = float(g["best/fitness"][0])
        optimum_at = describe_best(g)
    found, shares, ratios = 0, [], []
    for path in ga_paths:
        with h5py.File(path, "r") as f:
            best = float(f["best/fitness"][0])
            evaluated = int(f["summary"].attrs["evaluated_total"])
        gap = (optimum - best) / abs(optimum) if optimum != 0 else (0.0 if best >= optimum else 1.0)
        ratios.append(best / optimum if optimum != 0 else float("nan"))
        share = evaluated / points
        shares.append(share)
        if gap <= WITHIN and share <= MAX_SHARE:
            found += 1
    seeds = len(ga_paths)
    needed = 4 if seeds == 5 else max(1, seeds - 1)
    return {
        "series": series, "type": type_name, "points": points, "optimum": optimum, "at": optimum_at,
        "ratios": ratios, "found": found, "seeds": seeds, "share_mean": float(np.mean(shares)),
        "share_max": float(np.max(shares)), "ok": found >= needed,
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="-")
    parser.add_argument("runs", nargs="+")
    args = parser.parse_args(argv)
    if len(args.runs) % 4:
        parser.error("expected groups of SERIES TYPE GRID.h5 'GA.h5 ...'")
    rows = [row(args.runs[i], args.runs[i + 1], args.runs[i + 2], args.runs[i + 3].split())
            for i in range(0, len(args.runs), 4)]
    lines = ["| series | type | grid points | grid optimum (Sharpe) | at | GA best / optimum, per seed | "
             "within 1 % | grid share evaluated (mean / max) | target |",
             "|---|---|---:|---:|---|---|---:|---:|---|"]
    for r in rows:
        ratios = " ".join(f"{x:.4f}" for x in r["ratios"])
        lines.append(f"| {r['series']} | {r['type']} | {r['points']} | {r['optimum']:.4f} | {r['at']} | {ratios} | "
                     f"{r['found']}/{r['seeds']} | {100 * r['share_mean']:.1f} % / {100 * r['share_max']:.1f} % | "
                     f"{'met' if r['ok'] else 'MISSED'} |")
    text = "\n".join(lines) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w") as out:
            out.write(text)
        sys.stdout.write(text)
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
