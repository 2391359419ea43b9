#!/usr/bin/python3
"""Figures and a one-page HTML tearsheet from a genepool results file (docs/reading-results.md).

Usage:
  /usr/bin/python3 scripts/plot_results.py RUN.h5 --out DIR          PNG figures into DIR
  /usr/bin/python3 scripts/plot_results.py RUN.h5 --html FILE.html   one self-contained page
  (both together work too)

Figures: convergence.png, equity.png, drawdown.png, landscape.png, type_share.png, and pareto.png
when the file has a /pareto group. Needs Debian's python3-h5py, python3-numpy and
python3-matplotlib (--help needs none of them). A file that is not a complete genepool results
file, or a missing package, ends the script with one line on stderr and status 1. An output file
that exists already is refused (one line, status 4) before anything is written, unless --force is
given; an input is never an output, not even with --force.
"""
import argparse
import base64
import datetime
import html
import io
import math
import os
import sys

h5py = np = matplotlib = mdates = plt = TYPE_COLOURS = None  # imported by import_packages(), after --help


def import_packages():
    """The packages the figures need; a missing one ends the script with one line naming its Debian package."""
    global h5py, np, matplotlib, mdates, plt, TYPE_COLOURS
    try:
        import h5py
        import numpy as np
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
    except ImportError as missing:  # one line, with the Debian package that provides it
        package = {"h5py": "python3-h5py", "numpy": "python3-numpy"}.get(missing.name, "python3-matplotlib")
        sys.exit(f"plot_results.py: {missing}; install it with: apt-get install {package} (and use /usr/bin/python3)")
    TYPE_COLOURS = plt.get_cmap("tab10")


PENALTY = -1e11     # fitness at or below this is infeasible or failed: no objective value
TOP_CURVES = 5      # strategies drawn in equity.png and drawdown.png
TRADE_ROWS = 40     # trades of the best strategy listed in the tearsheet (the first ones)
DPI = 100
WIDE = (10, 5)      # inches: 1000 x 500 pixels at DPI
LANDSCAPE_CELL = (4, 3.5)
LANDSCAPE_COLUMNS = 4


class NotAResultsFile(Exception):
    pass


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


class Run:
    """What the figures and the page need from one results file, read once."""

    def __init__(self, path):
        self.path = path
        if not os.path.exists(path):
            raise NotAResultsFile(f"{path}: no such file")
        if os.path.isdir(path):
            raise NotAResultsFile(f"{path}: is a directory; expected a results file such as run.h5")
        try:
            f = h5py.File(path, "r")
        except OSError:
            raise NotAResultsFile(f"{path}: not an HDF5 file; expected a genepool results file (genepool evolve --out)")
        with f:
            fmt = f.attrs.get("format")
            if fmt is None or text(fmt) != "genepool-results":
                raise NotAResultsFile(f"{path}: not a genepool results file (root attribute format is "
                                      f"{'missing' if fmt is None else repr(text(fmt))}; expected 'genepool-results')")
            self.status = text(f.attrs.get("status", "unknown"))
            for needed in ("/generations", "/individuals", "/strategies", "/data/timestamps", "/config", "/best"):
                if needed not in f:
                    raise NotAResultsFile(f"{path}: has no {needed} (status '{self.status}'; plots need a complete "
                                          f"genepool results file)")
            try:
                self.read(f)
            except KeyError as e:
                raise NotAResultsFile(f"{path}: missing {e.args[0] if e.args else 'an object'} "
                                      f"(the file does not follow docs/results-format.md)")

    def read(self, f):
        self.attrs = {name: f.attrs[name] for name in f.attrs}
        words = text(self.attrs.get("command_line", "")).split()
        self.grid = "grid" in words and "evolve" not in words  # a `genepool grid` file
        self.config = {name: f["config"].attrs[name] for name in f["config"].attrs}
        self.objective = text(self.config.get("objective", "fitness"))
        self.inputs = list(zip(f["inputs/path"].asstr()[()], f["inputs/sha256"].asstr()[()], f["inputs/bytes"][()]))
        self.timestamps = f["data/timestamps"][()]
        self.dates = self.timestamps.astype("datetime64[s]")
        self.symbols = list(f["data/symbols"].asstr()[()])
        self.buy_and_hold = f["data/buy_and_hold_equity"][()] if "buy_and_hold_equity" in f["data"] else None
        self.data_attrs = {name: f["data"].attrs[name] for name in f["data"].attrs}
        self.type_names = list(f["strategies/name"].asstr()[()])
        self.param_counts = f["strategies/param_count"][()]
        self.param_names = f["strategies/param_names"].asstr()[()]
        self.in_play = [self.type_names.index(text(s)) for s in self.config.get("strategies", self.type_names)
                        if text(s) in self.type_names]
        self.gens = {name: ds[()] for name, ds in f["generations"].items()}
        ind = f["individuals"]
        self.ind_generation = ind["generation"][()]
        self.ind_strategy = ind["strategy"][()]
        self.ind_params = ind["params"][()]
        self.ind_fitness = ind["fitness"][()]
        self.ind_status = ind["status"][()]
        self.status_names = [text(s) for s in ind["status"].attrs.get("names", [])]
        best = f["best"]
        self.best_names = list(best["strategy_name"].asstr()[()])
        self.best_strategy = best["strategy"][()]
        self.best_params = best["params"][()]
        self.best_fitness = best["fitness"][()]
        self.best_generation = best["generation"][()]
        self.best_metrics = best["metrics"][()]
        self.columns = [text(c) for c in best["metrics"].attrs["columns"]]
        self.equity = best["equity"][()]
        if len(self.best_names) == 0:
            raise NotAResultsFile(f"{self.path}: /best is empty: the run kept no strategy")
        self.summary = {name: f["summary"].attrs[name] for name in f["summary"].attrs} if "summary" in f else {}
        self.validation = self.read_validation(f)
        self.split_date, self.statistics, self.walk_forward = self.read_evolve_validation(f)
        self.pareto = self.read_pareto(f)
        self.trades = self.read_trades(f)

    def read_trades(self, f):
        """/best/trades as a dict of columns, or None in files written before it."""
        g = f.get("best/trades")
        if not isinstance(g, h5py.Group):
            return None
        t = {name: ds[()] for name, ds in g.items()}
        t["reason_names"] = [text(n) for n in g["exit_reason"].attrs.get("names", [])]
        return t

    def read_evolve_validation(self, f):
        """evolve's /validation: the split's first test bar as a date, the per-strategy statistics
        table (dict of columns) and the walk-forward stitched equity, each None when absent."""
        v = f.get("validation")
        if not isinstance(v, h5py.Group):
            return None, None, None
        split = None
        if text(v.attrs.get("split", "none")) != "none" and "test_begin" in v.attrs:
            begin = int(v.attrs["test_begin"])
            if 0 <= begin < len(self.dates):
                split = self.dates[begin]
        stats = None
        ds = v.get("statistics")
        if isinstance(ds, h5py.Dataset) and ds.ndim == 2 and "columns" in ds.attrs:
            stats = {text(c): ds[:, i] for i, c in enumerate(ds.attrs["columns"])}
            stats["_attrs"] = {name: v.attrs[name] for name in
                               ("trials", "pbo", "expected_max_sharpe", "psr_benchmark") if name in v.attrs}
        wf = None
        w = v.get("walk_forward")
        if isinstance(w, h5py.Group) and "equity" in w and "timestamps" in w and len(w["equity"]) > 0:
            wf = {"equity": w["equity"][()],
                  "dates": w["timestamps"][()].astype("datetime64[s]"),
                  "windows": w["windows"][()] if "windows" in w else np.zeros((0, 4), dtype=np.int64),
                  "efficiency": float(w.attrs.get("efficiency", np.nan)),
                  "mode": text(w.attrs.get("mode", "")),
                  "sharpe": float(w.attrs.get("stitched_sharpe", np.nan)),
                  "total_return": float(w.attrs.get("stitched_total_return", np.nan)),
                  "folds": w["folds"][()] if "folds" in w else None}
        return split, stats, wf

    def read_validation(self, f):
        """Out-of-sample metrics of /best, when the file has /validation/metrics with 'columns'."""
        if "validation" not in f or "metrics" not in f["validation"]:
            return None
        ds = f["validation/metrics"]
        if ds.ndim != 2 or "columns" not in ds.attrs or len(ds.attrs["columns"]) != ds.shape[1]:
            return None
        rows = ds[()]
        columns = [text(c) for c in ds.attrs["columns"]]
        ranks = f["validation/rank"][()] if "rank" in f["validation"] else np.arange(1, rows.shape[0] + 1)
        by_rank = {int(r): row for r, row in zip(ranks, rows)}
        attrs = {name: text(value) for name, value in f["validation"].attrs.items() if name != "description"}
        return {"columns": columns, "by_rank": by_rank, "attrs": attrs}

    def read_pareto(self, f):
        """A Pareto front: /pareto/metrics [n][M] with 'columns'; axes from an 'objectives' attribute or the first two."""
        if "pareto" not in f:
            return None
        group = f["pareto"]
        table = group.get("objectives")
        if isinstance(table, h5py.Dataset) and table.ndim == 2 and table.shape[1] >= 2 and "columns" in table.attrs:
            # genepool's NSGA-II front: objective values [F][m], columns "METRIC:max" / "METRIC:min".
            names = [text(c) for c in table.attrs["columns"]][:2]
            values = table[()]
            return {"objectives": names, "x": values[:, 0], "y": values[:, 1]}
        ds = group.get("metrics")
        if not isinstance(ds, h5py.Dataset) or ds.ndim != 2 or "columns" not in ds.attrs:
            print(f"plot_results.py: warning: {self.path}: /pareto has no metrics table with 'columns'; "
                  "pareto.png skipped", file=sys.stderr)
            return None
        columns = [text(c) for c in ds.attrs["columns"]]
        objectives = [text(o) for o in group.attrs.get("objectives", ds.attrs.get("objectives", columns[:2]))][:2]
        if len(objectives) < 2 or not all(o in columns for o in objectives):
            print(f"plot_results.py: warning: {self.path}: /pareto objectives {objectives} are not among its columns; "
                  "pareto.png skipped", file=sys.stderr)
            return None
        values = ds[()]
        return {"objectives": objectives,
                "x": values[:, columns.index(objectives[0])], "y": values[:, columns.index(objectives[1])]}

    def metric(self, rank_index, name):
        return self.best_metrics[rank_index, self.columns.index(name)] if name in self.columns else math.nan

    def params_text(self, k, separator=" "):
        s = self.best_strategy[k]
        names = self.param_names[s][: self.param_counts[s]]
        return separator.join(f"{n}={format_param(v)}" for n, v in zip(names, self.best_params[k]))

    def curves(self):
        count = min(TOP_CURVES, len(self.best_names))
        return [(f"#{k + 1} {self.best_names[k]} {self.params_text(k)}", self.equity[k]) for k in range(count)]


def format_param(value):
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def percent(value):
    return f"{100 * value:.2f}%" if np.isfinite(value) else str(value)


def date_axis(ax):
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def new_figure(size=WIDE):
    return plt.figure(figsize=size, dpi=DPI, layout="constrained")


def figure_convergence(run):
    g = run.gens
    fig = new_figure()
    ax = fig.add_subplot()
    x = g["generation"]
    feasible = (g["failed"] + g["infeasible"]) < g["evaluations"]
    best = np.where(g["best"] > PENALTY, g["best"], np.nan)
    mean = np.where(feasible, g["mean"], np.nan)
    median = np.where(feasible, g["median"], np.nan)
    std = np.where(feasible, g["std"], np.nan)
    ax.fill_between(x, mean - std, mean + std, color="tab:blue", alpha=0.15, label="mean ± std")
    ax.plot(x, best, color="tab:red", marker="o", markersize=3, label="best")
    ax.plot(x, mean, color="tab:blue", label="mean")
    ax.plot(x, median, color="tab:green", linestyle="--", label="median")
    ax.set_title(f"Convergence: {run.objective} by generation (feasible individuals)")
    ax.set_xlabel("generation")
    ax.set_ylabel(f"fitness ({run.objective})")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    return fig


def figure_equity(run):
    fig = new_figure()
    ax = fig.add_subplot()
    lines = run.curves()
    for i, (label, equity) in enumerate(lines):
        ax.plot(run.dates, equity, color=plt.get_cmap("tab10")(i), linewidth=1.6 if i == 0 else 1.0, label=label)
    values = [e for _, e in lines]
    if run.buy_and_hold is not None:
        ax.plot(run.dates, run.buy_and_hold, color="black", linestyle="--", linewidth=1.2, label="buy and hold")
        values.append(run.buy_and_hold)
    every = np.concatenate(values)
    if np.all(every > 0) and every.max() / every.min() > 10:
        ax.set_yscale("log")
        ax.set_ylabel("equity (log scale, starts at 1)")
    else:
        ax.set_ylabel("equity (starts at 1)")
    if run.split_date is not None:
        ax.axvline(run.split_date, color="grey", linestyle=":", linewidth=1.2, label="test period from here")
    date_axis(ax)
    ax.set_xlabel("date (UTC)")
    ax.set_title(f"Equity of the top {len(lines)} strategies" +
                 (" vs buy and hold" if run.buy_and_hold is not None else ""))
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def drawdown(equity):
    peak = np.maximum.accumulate(equity)
    return equity / peak - 1


def figure_drawdown(run):
    fig = new_figure()
    ax = fig.add_subplot()
    for i, (label, equity) in enumerate(run.curves()):
        dd = 100 * drawdown(equity)
        colour = plt.get_cmap("tab10")(i)
        if i == 0:
            ax.fill_between(run.dates, dd, 0, color=colour, alpha=0.25)
        ax.plot(run.dates, dd, color=colour, linewidth=1.4 if i == 0 else 0.9, label=label)
    if run.buy_and_hold is not None:
        ax.plot(run.dates, 100 * drawdown(run.buy_and_hold), color="black", linestyle="--", linewidth=1.0,
                label="buy and hold")
    date_axis(ax)
    ax.set_xlabel("date (UTC)")
    ax.set_ylabel("drawdown from the running peak (%)")
    ax.set_title("Drawdown of the top strategies")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def landscape_grid(run):
    types = len(run.in_play)
    columns = min(LANDSCAPE_COLUMNS, max(types, 1))
    return columns, max(1, math.ceil(types / columns))


def figure_landscape(run):
    columns, rows = landscape_grid(run)
    fig = new_figure((LANDSCAPE_CELL[0] * columns, LANDSCAPE_CELL[1] * rows))
    fig.suptitle(f"Fitness landscape: {run.objective} over the first two parameters, every individual of every "
                 "generation (infeasible and failed left out)")
    ok = run.ind_fitness > PENALTY
    for cell, s in enumerate(run.in_play):
        ax = fig.add_subplot(rows, columns, cell + 1)
        mine = ok & (run.ind_strategy == s)
        count = run.param_counts[s]
        names = run.param_names[s]
        ax.set_title(run.type_names[s], fontsize=10, color=TYPE_COLOURS(s % 10))
        ax.set_xlabel(names[0] if count > 0 else "")
        ax.set_ylabel(names[1] if count > 1 else run.objective)
        if not np.any(mine):
            ax.text(0.5, 0.5, "no feasible individual", ha="center", va="center", transform=ax.transAxes, color="grey")
            continue
        order = np.argsort(run.ind_fitness[mine])  # best drawn last, on top
        x = run.ind_params[mine, 0][order]
        y = run.ind_params[mine, 1][order] if count > 1 else run.ind_fitness[mine][order]
        points = ax.scatter(x, y, c=run.ind_fitness[mine][order], cmap="viridis", s=12, alpha=0.8)
        fig.colorbar(points, ax=ax, label=run.objective)
        ax.grid(alpha=0.3)
    return fig


def read_backtest(equity_path, trades_path):
    """`genepool backtest --equity-out` (and --trades-out) files: dates, columns by name, the trades."""
    import csv
    with open(equity_path, newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows or rows[0][:1] != ["timestamp"] or rows[0][-2:] != ["return", "equity"]:
        raise NotAResultsFile(f"{equity_path}: not a backtest --equity-out file (its header is "
                              f"{','.join(rows[0]) if rows else 'missing'})")
    header = rows[0]
    # An empty cell is a value that does not apply at that bar (trailing_stop while flat): NaN.
    columns = {name: np.array([float(r[i]) if r[i] else math.nan for r in rows[1:]])
               for i, name in enumerate(header) if i > 0}
    dates = np.array([np.datetime64(r[0].replace("Z", "")) for r in rows[1:]])
    closes = [name for name in header if name == "close" or name.startswith("close_")]
    if not closes:
        raise NotAResultsFile(f"{equity_path}: has no close column (written by an older genepool backtest)")
    trades = []
    if trades_path:
        with open(trades_path, newline="") as handle:
            trades = list(csv.DictReader(handle))
    return {"dates": dates, "columns": columns, "closes": closes, "trades": trades}


def figure_backtest(bt):
    """What backtesting.py's plot() shows: the price with the trades, the equity against buy and hold,
    the drawdown and the position (of the first symbol when there are several)."""
    dates, c = bt["dates"], bt["columns"]
    close_name = bt["closes"][0]
    symbol = close_name[len("close_"):] if close_name.startswith("close_") else ""
    suffix = f"_{symbol}" if symbol else ""
    held = c.get("held" + suffix, c.get("position" + suffix))
    fig = new_figure((10, 9))
    axes = fig.subplots(4, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2, 1, 1]})
    price = axes[0]
    price.plot(dates, c[close_name], color="#334e68", linewidth=0.8, label=f"close {symbol}".strip())
    mine = [t for t in bt["trades"] if not symbol or t["symbol"] == symbol]
    for side, colour, marker in (("long", "#2f855a", "^"), ("short", "#c53030", "v")):
        entries = [t for t in mine if t["direction"] == side]
        if entries:
            price.scatter([np.datetime64(t["entry_time"].replace("Z", "")) for t in entries],
                          [float(t["entry_price"]) for t in entries], marker=marker, color=colour, s=28, zorder=3,
                          label=f"{side} entry")
    if mine:
        price.scatter([np.datetime64(t["exit_time"].replace("Z", "")) for t in mine],
                      [float(t["exit_price"]) for t in mine], marker="x", color="#1f2933", s=22, zorder=3,
                      label="exit")
    # The fixed stop-loss and take-profit prices of each trade (trades.csv's stop_level and
    # target_level; empty where not used), from its entry to its exit.
    for key, colour, label in (("stop_level", "#dd6b20", "stop-loss"), ("target_level", "#3182ce", "take-profit")):
        levelled = [t for t in mine if t.get(key)]
        for j, t in enumerate(levelled):
            price.hlines(float(t[key]), np.datetime64(t["entry_time"].replace("Z", "")),
                         np.datetime64(t["exit_time"].replace("Z", "")), colors=colour, linestyles="dashed",
                         linewidth=0.8, zorder=2, label=label if j == 0 else None)
    # A trailing stop moves: the equity file's trailing_stop column, its price at each bar a position
    # is held into (empty, NaN, elsewhere), drawn as a step line over each run of bars that has one:
    # each bar's level from halfway to the bar before to halfway to the next, so a one-bar level shows too.
    trailing = c.get("trailing_stop" + suffix)
    if trailing is not None and np.isfinite(trailing).any():
        seconds = dates.astype("datetime64[s]")
        middles = seconds[:-1] + (seconds[1:] - seconds[:-1]) // 2
        edges = np.concatenate([seconds[:1], middles, seconds[-1:]])  # bar t spans edges[t] .. edges[t + 1]
        changes = np.flatnonzero(np.diff(np.concatenate([[0], np.isfinite(trailing).astype(int), [0]])))
        for j, (first, end) in enumerate(zip(changes[::2], changes[1::2])):
            price.step(edges[first:end + 1], np.append(trailing[first:end], trailing[end - 1]), where="post",
                       color="#805ad5", linewidth=1.2, zorder=2, label="trailing stop" if j == 0 else None)
    price.set_title(f"{len(mine)} trades" + (f" of {symbol}" if symbol else ""), fontsize=10)
    price.legend(fontsize=8, loc="upper left")
    equity = c["equity"]
    hold = c[close_name] / c[close_name][0]
    axes[1].plot(dates, equity, color="#2f855a", label="strategy")
    axes[1].plot(dates, hold, color="#9aa5b1", label="buy and hold")
    axes[1].set_ylabel("equity")
    axes[1].legend(fontsize=8, loc="upper left")
    axes[2].fill_between(dates, drawdown(equity), 0, color="#c53030", alpha=0.4)
    axes[2].set_ylabel("drawdown")
    axes[3].step(dates, held, where="post", color="#334e68")
    axes[3].set_ylabel("position")
    for ax in axes:
        ax.grid(alpha=0.3)
    date_axis(axes[3])
    return fig


def heatmap_pairs(run):
    """(type, i, j) for every pair of free parameters of each gridded type (a type with one has none)."""
    pairs = []
    for s in run.in_play:
        mine = run.ind_strategy == s
        free = [p for p in range(run.param_counts[s]) if len(np.unique(run.ind_params[mine, p])) > 1]
        pairs += [(s, free[a], free[b]) for a in range(len(free)) for b in range(a + 1, len(free))]
    return pairs


def figure_heatmap(run):
    """A grid run: the fitness over each pair of a type's parameters, the others at the type's best point."""
    pairs = heatmap_pairs(run)
    columns = min(3, max(1, len(pairs)))
    rows = max(1, math.ceil(len(pairs) / columns))
    fig = new_figure((4.5 * columns, 4 * rows))
    fig.suptitle(f"Grid: {run.objective} over two parameters at a time, the others at the type's best point "
                 "(grey: infeasible, failed or not a grid point)")
    if not pairs:
        ax = fig.add_subplot(1, 1, 1)
        ax.text(0.5, 0.5, "no type with two free parameters", ha="center", va="center", transform=ax.transAxes)
        return fig
    for cell, (s, i, j) in enumerate(pairs):
        ax = fig.add_subplot(rows, columns, cell + 1)
        mine = np.flatnonzero(run.ind_strategy == s)
        fitness = np.where(run.ind_fitness[mine] > PENALTY, run.ind_fitness[mine], np.nan)
        best = mine[np.nanargmax(fitness)] if np.any(np.isfinite(fitness)) else mine[0]
        others = [p for p in range(run.param_counts[s]) if p not in (i, j)]
        at_best = np.all(run.ind_params[mine][:, others] == run.ind_params[best, others], axis=1) if others else \
            np.ones(len(mine), dtype=bool)
        xs, ys = np.unique(run.ind_params[mine, i]), np.unique(run.ind_params[mine, j])
        grid = np.full((len(ys), len(xs)), np.nan)
        for row, f in zip(mine[at_best], fitness[at_best]):
            grid[np.searchsorted(ys, run.ind_params[row, j]), np.searchsorted(xs, run.ind_params[row, i])] = f
        names = run.param_names[s]
        ax.set_facecolor("#d9d9d9")
        image = ax.pcolormesh(np.arange(len(xs) + 1), np.arange(len(ys) + 1), np.ma.masked_invalid(grid),
                              cmap="viridis", shading="flat")
        ticks = lambda values: [format_param(v) for v in values]
        step_x, step_y = max(1, len(xs) // 8), max(1, len(ys) // 8)
        ax.set_xticks(np.arange(len(xs))[::step_x] + 0.5, ticks(xs[::step_x]), fontsize=8)
        ax.set_yticks(np.arange(len(ys))[::step_y] + 0.5, ticks(ys[::step_y]), fontsize=8)
        ax.set_xlabel(names[i])
        ax.set_ylabel(names[j])
        fixed = ", ".join(f"{names[p]}={format_param(run.ind_params[best, p])}" for p in others)
        ax.set_title(f"{run.type_names[s]}" + (f" ({fixed})" if fixed else ""), fontsize=9,
                     color=TYPE_COLOURS(s % 10))
        fig.colorbar(image, ax=ax, label=run.objective)
    return fig


def figure_type_share(run):
    fig = new_figure()
    ax = fig.add_subplot()
    generations = run.gens["generation"]
    per_generation = np.bincount(run.ind_generation, minlength=len(generations)).astype(float)
    per_generation[per_generation == 0] = 1
    recorded = run.gens.get("type_share")  # [G][T] in files that record it
    shares, labels, colours = [], [], []
    for s in run.in_play:
        if recorded is not None and recorded.ndim == 2 and recorded.shape[0] == len(generations):
            shares.append(100 * recorded[:, s])
        else:
            counts = np.bincount(run.ind_generation[run.ind_strategy == s], minlength=len(generations))
            shares.append(100 * counts[: len(generations)] / per_generation[: len(generations)])
        labels.append(run.type_names[s])
        colours.append(TYPE_COLOURS(s % 10))
    ax.stackplot(generations, shares, labels=labels, colors=colours, alpha=0.85)
    ax.set_xlim(generations.min(), max(generations.max(), generations.min() + 1))
    ax.set_ylim(0, 100)
    ax.set_title("Share of each strategy type in the population by generation")
    ax.set_xlabel("generation")
    ax.set_ylabel("share of the population (%)")
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], names[::-1], loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)  # as stacked
    return fig


def figure_pareto(run):
    fig = new_figure()
    ax = fig.add_subplot()
    p = run.pareto
    order = np.argsort(p["x"])
    ax.plot(p["x"][order], p["y"][order], color="tab:red", marker="o", linewidth=1, label="Pareto front")
    ax.set_title(f"Pareto front: {p['objectives'][0]} vs {p['objectives'][1]}")
    ax.set_xlabel(p["objectives"][0])
    ax.set_ylabel(p["objectives"][1])
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def figure_walk_forward(run):
    wf = run.walk_forward
    fig = new_figure()
    ax = fig.add_subplot()
    ax.plot(wf["dates"], wf["equity"], color="tab:blue", linewidth=1.4, label="stitched out-of-sample equity")
    first = int(wf["windows"][0][2]) - 1 if len(wf["windows"]) else 0
    for i, window in enumerate(wf["windows"]):
        ax.axvline(wf["dates"][int(window[2]) - 1 - first], color="grey", linestyle=":", linewidth=1.0,
                   label="fold boundaries" if i == 0 else None)
    ax.set_ylabel("equity (starts at 1)")
    date_axis(ax)
    ax.set_xlabel("date (UTC)")
    ax.set_title(f"Walk-forward: {len(wf['windows'])} {wf['mode']} folds, efficiency {wf['efficiency']:.3f}")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def figures(run):
    """(file name, caption, figure function) for every figure this file supports."""
    if run.grid:  # one generation, the whole grid: no convergence or type shares to show
        found = [
            ("heatmap.png", "Fitness over two parameters at a time, the others at their best", figure_heatmap),
            ("equity.png", "Equity curves of the top strategies", figure_equity),
            ("drawdown.png", "Drawdowns of the top strategies", figure_drawdown),
        ]
    else:
        found = [
            ("convergence.png", "Best, mean and median fitness by generation", figure_convergence),
            ("equity.png", "Equity curves of the top strategies", figure_equity),
            ("drawdown.png", "Drawdowns of the top strategies", figure_drawdown),
            ("landscape.png", "Fitness over each strategy type's first two parameters", figure_landscape),
            ("type_share.png", "Strategy types in the population", figure_type_share),
        ]
    if run.walk_forward is not None:
        found.append(("walk_forward.png", "Walk-forward: the stitched out-of-sample account", figure_walk_forward))
    if run.pareto is not None:
        found.append(("pareto.png", "Pareto front", figure_pareto))
    return found


def png_bytes(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return buffer.getvalue()


# ---- the HTML tearsheet ------------------------------------------------------------------------

CSS = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1f2933; background: #ffffff;
       margin: 0; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #d9e2ec; }
.subtitle { color: #52606d; margin: 0 0 18px; }
.cards { display: grid; grid-template-columns: 2fr repeat(5, 1fr); gap: 12px; }
.card { border: 1px solid #d9e2ec; border-radius: 6px; padding: 10px 14px; background: #f8fafc;
        overflow-wrap: anywhere; }
.card.oos { background: #e3f2e8; border-color: #2f855a; }
.reading { background: #f8fafc; border-left: 4px solid #2f855a; padding: 6px 10px; margin: 8px 0; }
.card .label { font-size: 12px; color: #52606d; text-transform: uppercase; letter-spacing: 0.04em; }
.card .value { font-size: 18px; font-weight: bold; margin-top: 2px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 5px 8px; border-bottom: 1px solid #e4e7eb; text-align: right; }
th { background: #f0f4f8; font-weight: 600; }
td.text, th.text { text-align: left; }
td.name { white-space: nowrap; }
.wide { overflow-x: auto; }
table.details td:first-child { text-align: left; color: #52606d; width: 180px; }
table.details td { text-align: left; }
figure { margin: 18px 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e4e7eb; }
figcaption { font-size: 13px; color: #52606d; margin-top: 4px; }
code { font-size: 12px; }
"""

TABLE_METRICS = [("sharpe", "sharpe", False), ("sortino", "sortino", False), ("cagr", "cagr", True),
                 ("total_return", "total return", True), ("max_drawdown", "max drawdown", True),
                 ("trades", "trades", False), ("win_rate", "win rate", True),
                 ("profit_factor", "profit factor", False), ("exposure", "exposure", True)]


def metric_cell(value, name, is_percent):
    if is_percent:
        return percent(value)
    if name == "trades":
        return f"{value:.0f}"
    return f"{value:.2f}" if name == "profit_factor" else f"{value:.4f}"


def esc(value):
    return html.escape(text(value))


def card(label, value, oos=False):
    kind = "card oos" if oos else "card"
    return f'<div class="{kind}"><div class="label">{esc(label)}</div><div class="value">{esc(value)}</div></div>'


def details_table(rows):
    body = "".join(f"<tr><td>{esc(k)}</td><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="details">{body}</table>'


def top_table(run):
    head = ('<tr><th>#</th><th class="text">strategy</th><th class="text">parameters</th><th>fitness</th>' +
            "".join(f"<th>{esc(h)}</th>" for _, h, _ in TABLE_METRICS) + "<th>gen</th></tr>")
    rows = []
    for k, name in enumerate(run.best_names):
        cells = "".join(f"<td>{metric_cell(run.metric(k, m), m, p)}</td>" for m, _, p in TABLE_METRICS)
        fitness = run.best_fitness[k]
        rows.append(f"<tr><td>{k + 1}</td><td class=\"text name\">{esc(name)}</td><td class=\"text\">"
                    f"{esc(run.params_text(k))}</td><td>{fitness:.4f}</td>{cells}"
                    f"<td>{run.best_generation[k]}</td></tr>")
    return f'<div class="wide"><table>{head}{"".join(rows)}</table></div>'


def split_run(run):
    """evolve's /validation with a train/test split (out-of-sample metrics per /best row)."""
    return run.validation is not None and run.validation["attrs"].get("split", "none") not in ("none", "")


def out_of_sample(run, k, name):
    row = run.validation["by_rank"].get(k + 1) if run.validation else None
    columns = run.validation["columns"] if run.validation else []
    return row[columns.index(name)] if row is not None and name in columns else math.nan


def validation_table(run):
    """Out of sample first, in sample beside it, and the degradation of the Sharpe ratio."""
    v = run.validation
    names = [m for m in ("sharpe", "cagr", "total_return", "max_drawdown", "trades") if m in v["columns"]]
    head = ('<tr><th>#</th><th class="text">strategy</th>' +
            "".join(f"<th>{esc(m)} out of sample</th><th>{esc(m)} in sample</th>" +
                    ("<th>sharpe OOS/IS</th>" if m == "sharpe" else "") for m in names) + "</tr>")
    rows = []
    for k, name in enumerate(run.best_names):
        outside = v["by_rank"].get(k + 1)
        cells = ""
        for m in names:
            is_percent = m in ("cagr", "total_return", "max_drawdown")
            inside = run.metric(k, m)
            cells += ("<td>-</td>" if outside is None else
                      f"<td><b>{metric_cell(outside[v['columns'].index(m)], m, is_percent)}</b></td>")
            cells += f"<td>{metric_cell(inside, m, is_percent)}</td>"
            if m == "sharpe":
                ratio = outside[v["columns"].index(m)] / inside if outside is not None and inside != 0 else math.nan
                cells += f"<td>{ratio:.2f}</td>"
        rows.append(f'<tr><td>{k + 1}</td><td class="text name">{esc(name)}</td>{cells}</tr>')
    a = v["attrs"]
    if split_run(run):
        note = (f"Test window {esc(a.get('test_period', ''))} (held out; bars {esc(a.get('test_begin', ''))}.."
                f"{esc(a.get('test_end', ''))}); the evolution saw {esc(a.get('train_period', ''))}. Sharpe "
                f"annualised; OOS/IS is the out-of-sample Sharpe over the in-sample one (1 = no degradation).")
    else:
        note = "; ".join(f"{esc(k)}: {esc(val)}" for k, val in a.items())
    return (f"<p>{note}</p>" if note else "") + f'<div class="wide"><table>{head}{"".join(rows)}</table></div>'


def trades_table(run):
    """The best strategy's trades: a count per exit reason, then the first TRADE_ROWS of them."""
    t = run.trades
    mine = np.nonzero(t["rank"] == 1)[0]
    if len(mine) == 0:
        return f"<p>#1 {esc(run.best_names[0])} made no trade.</p>"
    reasons = t["reason_names"]
    counts = ", ".join(f"{esc(reasons[r])} {int(np.sum(t['exit_reason'][mine] == r))}"
                       for r in range(len(reasons)) if np.any(t["exit_reason"][mine] == r))
    returns = t["return"][mine]
    summary = (f"<p>#1 {esc(run.best_names[0])} {esc(run.params_text(0))}: {len(mine)} trades over the whole data, "
               f"{percent(np.mean(returns > 0))} winners, mean {percent(np.mean(returns))}, best "
               f"{percent(np.max(returns))}, worst {percent(np.min(returns))}; exits: {counts}"
               f"{f'; the first {TRADE_ROWS} below' if len(mine) > TRADE_ROWS else ''}.</p>")
    daily = bool(np.all(run.timestamps % 86400 == 0))
    def when(seconds):
        stamp = datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc)
        return stamp.strftime("%Y-%m-%d" if daily else "%Y-%m-%d %H:%M")
    head = ('<tr><th class="text">symbol</th><th class="text">direction</th><th>size</th><th class="text">entry</th>'
            '<th>entry price</th><th class="text">exit</th><th>exit price</th><th>bars</th><th>return</th>'
            '<th class="text">exit reason</th></tr>')
    rows = []
    for j in mine[:TRADE_ROWS]:
        rows.append(f'<tr><td class="text">{esc(run.symbols[t["symbol"][j]])}</td>'
                    f'<td class="text">{"long" if t["direction"][j] > 0 else "short"}</td><td>{t["size"][j]:.4g}</td>'
                    f'<td class="text name">{when(t["entry_time"][j])}</td><td>{t["entry_price"][j]:.6g}</td>'
                    f'<td class="text name">{when(t["exit_time"][j])}</td><td>{t["exit_price"][j]:.6g}</td>'
                    f'<td>{t["bars_held"][j]}</td><td>{percent(t["return"][j])}</td>'
                    f'<td class="text">{esc(reasons[t["exit_reason"][j]])}</td></tr>')
    return summary + f'<div class="wide"><table>{head}{"".join(rows)}</table></div>'


def pbo_reading(pbo):
    """As genepool's readings.cpp: "PBO 0.61: the in-sample winner is below the out-of-sample median 61% of the time"."""
    return f"PBO {pbo:.2f}: the in-sample winner is below the out-of-sample median {100 * pbo:.0f}% of the time"


def dsr_reading(dsr, trials):
    return (f"DSR {dsr:.2f}: a {100 * dsr:.0f}% probability that the true Sharpe ratio beats the best of "
            f"{int(trials)} trials without skill")


def statistics_table(run):
    """PSR, DSR and bootstrap percentiles of the best strategies, labelled with their units, and what they say."""
    st = run.statistics
    a = st["_attrs"]
    bars_per_year = float(run.config.get("bars_per_year", math.nan))
    columns = [("returns", "returns (n)", "{:.0f}"), ("sharpe_per_bar", "sharpe per bar", "{:.5f}"),
               ("psr", f"PSR vs annualised {float(a.get('psr_benchmark', 0)):g}", "{:.4f}"), ("dsr", "DSR", "{:.4f}"),
               ("objective", f"{run.objective} (in sample)", "{:.4f}"),
               ("bootstrap_p05", "bootstrap 5%", "{:.4f}"), ("bootstrap_p50", "bootstrap 50%", "{:.4f}"),
               ("bootstrap_p95", "bootstrap 95%", "{:.4f}")]
    columns = [c for c in columns if c[0] in st]
    head = ('<tr><th>#</th><th class="text">strategy</th>' + "".join(f"<th>{esc(h)}</th>" for _, h, _ in columns) +
            "<th>sharpe annualised</th></tr>")
    rows = []
    for k, name in enumerate(run.best_names[:len(st[columns[0][0]]) if columns else 0]):
        cells = "".join(f"<td>{form.format(st[n][k])}</td>" for n, _, form in columns)
        annual = st["sharpe_per_bar"][k] * math.sqrt(bars_per_year) if "sharpe_per_bar" in st else math.nan
        rows.append(f'<tr><td>{k + 1}</td><td class="text name">{esc(name)}</td>{cells}<td>{annual:.4f}</td></tr>')
    trials = a.get("trials")
    expected = float(a.get("expected_max_sharpe", math.nan))
    note = (f"Over each strategy's in-sample returns. Probabilities are in [0, 1]. {int(trials) if trials is not None else '?'} "
            f"trials (distinct strategies evaluated); the best of as many without skill would show a Sharpe ratio of "
            f"{expected:.5f} per bar ({expected * math.sqrt(bars_per_year):.3f} annualised), the DSR's benchmark.")
    readings = []
    if "dsr" in st and len(st["dsr"]) and trials is not None:
        readings.append(f"#1 {dsr_reading(st['dsr'][0], trials)}")
    if "pbo" in a:
        readings.append(pbo_reading(float(a["pbo"])))
    paragraphs = "".join(f'<p class="reading">{esc(r)}</p>' for r in readings)
    return f"<p>{note}</p>{paragraphs}" + f'<div class="wide"><table>{head}{"".join(rows)}</table></div>'


def tearsheet(run, images):
    a, c, g = run.attrs, run.config, run.gens
    best = 0
    hold = run.buy_and_hold[-1] - 1 if run.buy_and_hold is not None else math.nan
    first = text(run.data_attrs.get("first_timestamp_iso", ""))[:10]
    last = text(run.data_attrs.get("last_timestamp_iso", ""))[:10]
    evaluations = int(np.sum(g["evaluations"]))
    failed = int(np.sum(g["failed"]))
    if split_run(run):  # out of sample first: the in-sample figures are what the search fitted
        cards = "".join([
            card("best strategy", run.best_names[best]),
            card("sharpe out of sample", f"{out_of_sample(run, best, 'sharpe'):.4f}", oos=True),
            card("cagr out of sample", percent(out_of_sample(run, best, "cagr")), oos=True),
            card("max drawdown out of sample", percent(out_of_sample(run, best, "max_drawdown")), oos=True),
            card("sharpe in sample", f"{run.metric(best, 'sharpe'):.4f}"),
            card("buy and hold", percent(hold)),
        ])
    elif run.walk_forward is not None:
        cards = "".join([
            card("best strategy", run.best_names[best]),
            card("walk-forward sharpe (out of sample)", f"{run.walk_forward['sharpe']:.4f}", oos=True),
            card("walk-forward total return", percent(run.walk_forward["total_return"]), oos=True),
            card(f"{run.objective} in sample", f"{run.best_fitness[best]:.4f}"),
            card("max drawdown in sample", percent(run.metric(best, "max_drawdown"))),
            card("buy and hold", percent(hold)),
        ])
    else:
        cards = "".join([
            card("best strategy", run.best_names[best]),
            card(run.objective, f"{run.best_fitness[best]:.4f}"),
            card("cagr", percent(run.metric(best, "cagr"))),
            card("max drawdown", percent(run.metric(best, "max_drawdown"))),
            card("buy and hold", percent(hold)),
            card("generations", f"{len(g['generation'])} x {int(c.get('population', 0))}"),
        ])
    execution = (f"{text(c.get('execution', ''))}, cost {c.get('cost', 0):g}, "
                 f"{'long/short' if c.get('allow_short', False) else 'long/flat'}, "
                 f"{c.get('bars_per_year', 0):g} bars/year" + (" (inferred)" if c.get("bars_per_year_inferred") else ""))
    inputs = "<br>".join(f"<code>{esc(p)}</code> sha256 <code>{esc(h[:12])}…</code> {int(n)} bytes"
                         for p, h, n in run.inputs)
    status_counts = np.bincount(run.ind_status, minlength=len(run.status_names))
    by_status = ", ".join(f"{esc(run.status_names[i] if i < len(run.status_names) else i)} {n}"
                          for i, n in enumerate(status_counts) if i > 0 and n > 0)
    details = details_table([
        ("genepool", esc(f"{text(a.get('genepool_version', ''))} (git {text(a.get('git_revision', ''))}), "
                         f"HDF5 {text(a.get('hdf5_version', ''))}")),
        ("run", esc(f"{text(a.get('start_time', ''))} .. {text(a.get('end_time', ''))}, "
                    f"{int(a.get('ranks', 0))} rank(s) on {text(a.get('host', ''))}, seed {int(a.get('seed', 0))}")),
        ("command", f"<code>{esc(a.get('command_line', ''))}</code>"),
        ("inputs", inputs),
        ("data", esc(f"{', '.join(run.symbols)}: {len(run.timestamps)} bars, {first} .. {last}")),
        ("objective", esc(f"{run.objective}; infeasible below {c.get('min_trades', 0):g} trades or beyond "
                          f"{percent(c.get('max_drawdown', 1))} max drawdown")),
        ("strategies", esc(", ".join(run.type_names[s] for s in run.in_play))),
        ("execution", esc(execution)),
        ("GA", esc(f"tournament {int(c.get('tournament_size', 0))}, elitism {int(c.get('elitism', 0))}, "
                   f"crossover {text(c.get('crossover', ''))} (rate {c.get('crossover_rate', 0):g}), "
                   f"mutation {text(c.get('mutation', ''))} (rate {c.get('mutation_rate', 0):g}, "
                   f"scale {c.get('mutation_scale', 0):g}), type switch {c.get('type_switch_rate', 0):g}")),
        ("evaluations", esc(f"{evaluations}: {failed} failed" + (f" ({by_status})" if by_status else "") +
                            f", {int(np.sum(g['infeasible']))} infeasible")),
        ("timings", esc(f"evaluate {np.sum(g['evaluate_seconds']):.3f} s, communicate "
                        f"{np.sum(g['communicate_seconds']):.3f} s, operators {np.sum(g['operator_seconds']):.3f} s; "
                        f"imbalance mean {np.mean(g['imbalance']):.3f}, max {np.max(g['imbalance']):.3f}; "
                        f"wall {float(run.summary.get('wall_seconds', math.nan)):.2f} s")),
    ])
    figures_html = "".join(
        f'<figure><img src="data:image/png;base64,{base64.b64encode(png).decode()}" alt="{esc(caption)}">'
        f"<figcaption>{esc(caption)} ({esc(name)})</figcaption></figure>"
        for name, caption, png in images)
    validation = f"<h2>Out of sample</h2>{validation_table(run)}" if run.validation else ""
    statistics = (f"<h2>Deflated Sharpe ratio, PSR, PBO and bootstrap</h2>{statistics_table(run)}"
                  if run.statistics is not None else "")
    # Out of sample first: before the in-sample top list in a split run.
    leading, following = (validation, "") if split_run(run) else ("", validation)
    top_heading = "Top strategies (in sample: the training window)" if split_run(run) else "Top strategies"
    trades = f"<h2>Trades</h2>{trades_table(run)}" if run.trades is not None else ""
    generated = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>genepool run: {esc(os.path.basename(run.path))}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<h1>genepool run: {esc(os.path.basename(run.path))}</h1>
<p class="subtitle">{esc(', '.join(run.symbols))}, {first} .. {last}; objective {esc(run.objective)};
status {esc(run.status)}; page generated {generated}</p>
<div class="cards">{cards}</div>
{leading}
<h2>{top_heading}</h2>
{top_table(run)}
{following}
<h2>Figures</h2>
{figures_html}
{trades}
{statistics}
<h2>Run</h2>
{details}
</main>
</body>
</html>
"""


REFUSED = 4  # exit status for an output refused before anything is written, as genepool's own (docs/errors.md)


class RefusedOutput(Exception):
    pass


def check_outputs(outputs, inputs, force):
    """Before anything is written, as genepool's check_outputs (docs/errors.md, "Outputs"): an output is
    never one of the inputs (not even with --force), never a directory, FIFO or other non-regular file,
    never named twice; an existing one is replaced only with --force. Raises RefusedOutput (one line)."""
    seen = {}
    for path in outputs:
        real = os.path.realpath(path)
        if real in seen:
            raise RefusedOutput(f"{path}: is also the output {seen[real]}; give each output its own file")
        seen[real] = path
        for source in inputs:
            same = real == os.path.realpath(source) or (
                os.path.exists(path) and os.path.exists(source) and os.path.samefile(path, source))
            if same:
                raise RefusedOutput(f"{path}: is the input {source}; an output never replaces an input "
                                    "(not even with --force): choose another output file")
        if os.path.lexists(path):
            if not os.path.isfile(path):
                raise RefusedOutput(f"{path}: exists and is not a regular file; it is never replaced: "
                                    "choose another output file")
            if not force:
                raise RefusedOutput(f"{path}: already exists; choose another output file or pass --force to replace it")


def output_dir(path):
    """The --out directory, created when missing; one that exists as something else is refused."""
    if os.path.lexists(path) and not os.path.isdir(path):
        raise RefusedOutput(f"{path}: exists and is not a directory; --out takes a directory for the figures")
    return path


def write_output(path, data, force):
    """Writes `data` (bytes) to a temporary file beside `path`, then puts it in place: with --force
    replacing what is there, without it only if the path is still free (a file that appeared since the
    check is kept)."""
    import tempfile
    folder = os.path.dirname(path) or "."
    handle, temporary = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".partial", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o666 & ~current_umask())
        if force:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)
            except FileExistsError:
                raise RefusedOutput(f"{path}: already exists (it appeared while the figures were drawn); "
                                    "choose another output file or pass --force to replace it") from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def main(argv):
    parser = argparse.ArgumentParser(description="Figures and an HTML tearsheet from a genepool results file, "
                                                 "or the figure of one backtest (--backtest).")
    parser.add_argument("results", nargs="?", help="results file written by genepool evolve or grid --out")
    parser.add_argument("--out", help="directory for the PNG figures (created if missing)")
    parser.add_argument("--html", help="write one self-contained HTML page here")
    parser.add_argument("--backtest", metavar="EQUITY.csv",
                        help="draw one backtest instead: the file of genepool backtest --equity-out (with "
                             "--trades TRADES.csv from --trades-out) into DIR/backtest.png")
    parser.add_argument("--trades", metavar="TRADES.csv", help="with --backtest: the trades to mark on the price")
    parser.add_argument("--force", action="store_true",
                        help="replace existing output files (without it an existing one is refused, status 4, "
                             "before anything is written; an input is never replaced)")
    args = parser.parse_args(argv)
    if args.backtest:
        if not args.out or args.results or args.html:
            parser.error("--backtest EQUITY.csv takes --out DIR (and --trades TRADES.csv), no results file or --html")
        import_packages()
        target = os.path.join(args.out, "backtest.png")
        try:
            bt = read_backtest(args.backtest, args.trades)
            check_outputs([target], [p for p in (args.backtest, args.trades) if p], args.force)
            os.makedirs(output_dir(args.out), exist_ok=True)
            write_output(target, png_bytes(figure_backtest(bt)), args.force)
        except RefusedOutput as e:
            print(f"plot_results.py: {e}", file=sys.stderr)
            return REFUSED
        except NotAResultsFile as e:
            print(f"plot_results.py: {e}", file=sys.stderr)
            return 1
        except (OSError, ValueError, KeyError) as e:
            print(f"plot_results.py: {args.backtest}: {e}", file=sys.stderr)
            return 1
        print(f"wrote backtest.png to {args.out}")
        return 0
    if not args.results:
        parser.error("give a results file (or --backtest EQUITY.csv)")
    if args.trades:
        parser.error("--trades goes with --backtest")
    if not args.out and not args.html:
        parser.error("give --out DIR, --html FILE.html, or both")
    import_packages()
    try:
        run = Run(args.results)
    except NotAResultsFile as e:
        print(f"plot_results.py: {e}", file=sys.stderr)
        return 1
    # Every output is checked before any figure is drawn or file written.
    made = figures(run)
    outputs = [os.path.join(args.out, name) for name, _, _ in made] if args.out else []
    if args.html:
        outputs.append(args.html)
    try:
        if args.out:
            output_dir(args.out)
        check_outputs(outputs, [args.results], args.force)
    except RefusedOutput as e:
        print(f"plot_results.py: {e}", file=sys.stderr)
        return REFUSED
    images = []
    for name, caption, make in made:
        images.append((name, caption, png_bytes(make(run))))
    try:
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            for name, _, png in images:
                write_output(os.path.join(args.out, name), png, args.force)
            print(f"wrote {', '.join(name for name, _, _ in images)} to {args.out}")
        if args.html:
            write_output(args.html, tearsheet(run, images).encode("utf-8"), args.force)
            print(f"wrote {args.html}")
    except RefusedOutput as e:
        print(f"plot_results.py: {e}", file=sys.stderr)
        return REFUSED
    except OSError as e:
        print(f"plot_results.py: {e.filename or ''}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
