#!/usr/bin/python3
"""Replays the best strategy of a results file with `genepool backtest --json` and checks that
every metric equals the stored one exactly.

Usage: replay_best.py GENEPOOL RUN.h5 DATA...
"""
import json
import subprocess
import sys

import h5py


def main(genepool, run_path, *data):
    with h5py.File(run_path) as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["strategies/name"][()]]
        param_names = f["strategies/param_names"][()]
        strategy = int(f["best/strategy"][0])
        params = f["best/params"][0]
        stored = f["best/metrics"][0]
        columns = [c.decode() if isinstance(c, bytes) else c for c in f["best/metrics"].attrs["columns"]]
        config = f["config"].attrs
        execution = config["execution"]
        execution = execution.decode() if isinstance(execution, bytes) else execution
        cost, allow_short, bars_per_year = float(config["cost"]), bool(config["allow_short"]), float(config["bars_per_year"])
        # The alignment and the date window the run used (absent in older files: inner, none).
        data_attrs = f["data"].attrs
        text = lambda v: v.decode() if isinstance(v, bytes) else str(v)
        align = ["--align", text(data_attrs["align"]), "--max-gap", str(int(data_attrs["max_gap"]))] \
            if "align" in data_attrs else ["--align", "inner"]
        window = ["--start", text(data_attrs["window_first_timestamp_iso"]),
                  "--end", text(data_attrs["window_last_timestamp_iso"])] if "window_first_bar" in data_attrs else []
    command = [genepool, "backtest", "--data", *data, "--strategy", names[strategy], "--json", *align, *window,
               "--execution", execution, "--cost", repr(cost), "--bars-per-year", repr(bars_per_year)]
    if allow_short:
        command.append("--allow-short")
    for i in range(int(f_param_count(param_names, strategy))):
        name = param_names[strategy][i]
        name = name.decode() if isinstance(name, bytes) else name
        command += ["--param", f"{name}={params[i]!r}"]
    replay = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    problems = []
    for column, value in zip(columns, stored):
        got = replay["metrics"][column]
        got = float("inf") if got is None and value == float("inf") else got
        if got != value:
            problems.append(f"{column}: stored {value!r}, replayed {got!r}")
    if problems:
        print(" ".join(command), file=sys.stderr)
        print("; ".join(problems), file=sys.stderr)
        return 1
    return 0


def f_param_count(param_names, strategy):
    return sum(1 for n in param_names[strategy] if (n.decode() if isinstance(n, bytes) else n))


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
