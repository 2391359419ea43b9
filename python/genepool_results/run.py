"""open_run(): one results file read into DataFrames with named columns (docs/reading-results.md)."""
import os

import h5py
import numpy as np
import pandas as pd

# Fitness at or below this is a penalty rank, not an objective value: infeasible (about -1e12
# minus the violation) or failed (-1e300); docs/genetic-algorithm.md.
INFEASIBLE_FITNESS = -1e12


class NotAResultsFile(Exception):
    """The path is missing, not HDF5, not a genepool results file, or lacks an object a table needs."""


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _texts(values):
    return [_text(v) for v in values]


def _attrs(obj):
    return {name: (_text(v) if isinstance(v, (bytes, str)) else v) for name, v in obj.attrs.items()}


def _times(seconds):
    """UTC times (seconds since 1970) as a tz-aware DatetimeIndex."""
    return pd.DatetimeIndex(pd.to_datetime(np.asarray(seconds, dtype=np.int64), unit="s", utc=True))


class Run:
    """A results file. Tables are read when first asked for and kept; the file is opened per read."""

    def __init__(self, path):
        self.path = os.fspath(path)
        if not os.path.isfile(self.path):
            raise NotAResultsFile(f"{self.path}: no such file")
        try:
            f = h5py.File(self.path, "r")
        except OSError:
            raise NotAResultsFile(f"{self.path}: not an HDF5 file; expected a genepool results file") from None
        with f:
            fmt = f.attrs.get("format")
            if fmt is None or _text(fmt) != "genepool-results":
                raise NotAResultsFile(f"{self.path}: not a genepool results file (root attribute format is "
                                      f"{'missing' if fmt is None else repr(_text(fmt))})")
            self.attrs = _attrs(f)
            self.config = _attrs(f["config"]) if "config" in f else {}
            self.config_text = f["config"].asstr()[()] if "config" in f else ""
            self.symbols = _texts(f["data/symbols"][()])
            self.timestamps = _times(f["data/timestamps"][()])
            self._types = _texts(f["strategies/name"][()])
            counts = f["strategies/param_count"][()]
            names = f["strategies/param_names"].asstr()[()]
            self._param_names = [list(names[t][: counts[t]]) for t in range(len(self._types))]
            self._cache = {}

    # ---- what the run was ----------------------------------------------------------------------

    @property
    def status(self):
        """'complete', or 'running' for a .partial file."""
        return self.attrs.get("status", "")

    @property
    def mode(self):
        """'ga', 'nsga2' or 'grid' (a `genepool grid` file: one generation that is the whole grid)."""
        words = self.attrs.get("command_line", "").split()
        if "grid" in words and "evolve" not in words:
            return "grid"
        return self.config.get("mode", "ga")

    @property
    def objectives(self):
        """NSGA-II: the objectives as 'METRIC:max' / 'METRIC:min'; otherwise [the objective]."""
        objectives = _texts(self.config.get("objectives", []))
        return objectives if objectives else [self.config.get("objective", "")]

    # ---- tables --------------------------------------------------------------------------------

    def _read(self, key, make):
        if key not in self._cache:
            with h5py.File(self.path, "r") as f:
                try:
                    self._cache[key] = make(f)
                except KeyError as e:
                    raise NotAResultsFile(f"{self.path}: missing {e.args[0] if e.args else 'an object'} "
                                          f"(the file does not follow docs/results-format.md)") from None
        return self._cache[key]

    def _params_frame(self, strategy, params):
        """One column per parameter name of the types in `strategy`; NaN where a row's type has no such parameter."""
        columns = {}
        for t in sorted(set(int(s) for s in strategy)):
            for slot, name in enumerate(self._param_names[t]):
                column = columns.setdefault(name, np.full(len(strategy), np.nan))
                rows = strategy == t
                column[rows] = params[rows, slot]
        return pd.DataFrame(columns)

    def _individuals(self, f, group):
        g = f[group]
        strategy = g["strategy"][()]
        status_names = _texts(g["status"].attrs["names"])
        status = g["status"][()]
        fitness = g["fitness"][()]
        feasible = (status == 0) & (fitness > INFEASIBLE_FITNESS)
        frame = pd.DataFrame({
            "generation": g["generation"][()],
            "index": g["index"][()],
            "strategy": pd.Categorical.from_codes(strategy, self._types),
            # The penalties of infeasible and failed individuals are ranks, not values: NaN.
            "fitness": np.where(feasible, fitness, np.nan),
            "feasible": feasible,
            "status": pd.Categorical.from_codes(status, status_names),
        })
        if "front" in g:
            frame["front"] = g["front"][()]
            frame["crowding"] = g["crowding"][()]
        parts = [frame, self._params_frame(strategy, g["params"][()])]
        if "exits" in g:
            parts.append(pd.DataFrame(g["exits"][()], columns=_texts(g["exits"].attrs["columns"])))
        parts.append(pd.DataFrame(g["metrics"][()], columns=_texts(g["metrics"].attrs["columns"])))
        return pd.concat(parts, axis=1)

    @property
    def population(self):
        """The final generation, one row per individual: generation, index, strategy, fitness (NaN
        where infeasible or failed), feasible, status, [front, crowding], one column per parameter
        name, [the evolved exits], one column per metric."""
        return self._read("population", lambda f: self._individuals(f, "population"))

    @property
    def individuals(self):
        """Every individual of every generation, with the columns of `population`."""
        return self._read("individuals", lambda f: self._individuals(f, "individuals"))

    @property
    def generations(self):
        """One row per generation, indexed by generation: every column of /generations, and the
        share of each strategy type as `share_<type>`."""
        def make(f):
            g = f["generations"]
            # One value per generation; the islands' and the polish's per-island rows are not.
            rows = g["generation"].shape[0]
            frame = pd.DataFrame({name: ds[()] for name, ds in g.items() if ds.ndim == 1 and ds.shape[0] == rows})
            if "type_share" in g:
                share = g["type_share"][()]
                for t, name in enumerate(self._types):
                    frame[f"share_{name}"] = share[:, t]
            return frame.set_index("generation")
        return self._read("generations", make)

    @property
    def best(self):
        """One row per /best strategy, indexed by rank (1 = best; NSGA-II: the knee first): strategy,
        fitness, generation, status, one column per parameter name, [the evolved exits], one column
        per metric (over the bars the evolution saw: the training window when split)."""
        def make(f):
            b = f["best"]
            strategy = b["strategy"][()]
            frame = pd.DataFrame({
                "rank": b["rank"][()],
                "strategy": pd.Categorical.from_codes(strategy, self._types),
                "fitness": b["fitness"][()],
                "generation": b["generation"][()],
                "status": pd.Categorical.from_codes(b["status"][()], _texts(b["status"].attrs["names"])),
            })
            parts = [frame, self._params_frame(strategy, b["params"][()])]
            if "exits" in b:
                parts.append(pd.DataFrame(b["exits"][()], columns=_texts(b["exits"].attrs["columns"])))
            parts.append(pd.DataFrame(b["metrics"][()], columns=_texts(b["metrics"].attrs["columns"])))
            return pd.concat(parts, axis=1).set_index("rank")
        return self._read("best", make)

    @property
    def trades(self):
        """Every trade of the /best strategies, one row each, by rank, then symbol, then time: rank,
        strategy, symbol, direction ('long'/'short'), size, entry_time, entry_price, exit_time,
        exit_price, bars_held, return, exit_reason, entry_bar, exit_bar. Empty for files written
        before /best/trades."""
        def make(f):
            columns = ["rank", "strategy", "symbol", "direction", "size", "entry_time", "entry_price", "exit_time",
                       "exit_price", "bars_held", "return", "exit_reason", "entry_bar", "exit_bar"]
            if "best/trades" not in f:
                return pd.DataFrame(columns=columns)
            t = {name: ds[()] for name, ds in f["best/trades"].items()}
            names = _texts(f["best/trades/exit_reason"].attrs["names"])
            best_strategy = f["best/strategy"][()]
            return pd.DataFrame({
                "rank": t["rank"],
                "strategy": pd.Categorical.from_codes(best_strategy[t["rank"] - 1], self._types),
                "symbol": pd.Categorical.from_codes(t["symbol"], self.symbols),
                "direction": np.where(t["direction"] > 0, "long", "short"),
                "size": t["size"],
                "entry_time": _times(t["entry_time"]),
                "entry_price": t["entry_price"],
                "exit_time": _times(t["exit_time"]),
                "exit_price": t["exit_price"],
                "bars_held": t["bars_held"],
                "return": t["return"],
                "exit_reason": pd.Categorical.from_codes(t["exit_reason"], names),
                "entry_bar": t["entry_bar"],
                "exit_bar": t["exit_bar"],
            }, columns=columns)
        return self._read("trades", make)

    @property
    def validation(self):
        """Per /best strategy, indexed by rank: the /validation statistics (psr, dsr, bootstrap
        percentiles, ...), and with a train/test split `oos_<metric>` (over the test window),
        `degradation_<metric>` and `oos_status`. Empty for a file without /validation; its group
        attributes (split, windows, pbo, ...) are `validation_attrs`."""
        def make(f):
            if "validation" not in f:
                return pd.DataFrame()
            v = f["validation"]
            rank = v["rank"][()] if "rank" in v else f["best/rank"][()]
            parts = [pd.DataFrame({"rank": rank})]
            if "statistics" in v:
                parts.append(pd.DataFrame(v["statistics"][()], columns=_texts(v["statistics"].attrs["columns"])))
            for name, prefix in (("metrics", "oos_"), ("degradation", "degradation_")):
                if name in v:
                    columns = [prefix + c for c in _texts(v[name].attrs["columns"])]
                    parts.append(pd.DataFrame(v[name][()], columns=columns))
            if "status" in v:
                parts.append(pd.DataFrame({"oos_status": pd.Categorical.from_codes(
                    v["status"][()], _texts(f["best/status"].attrs["names"]))}))
            return pd.concat(parts, axis=1).set_index("rank")
        return self._read("validation", make)

    @property
    def fold_metrics(self):
        """With walk-forward folds: each /best strategy on each fold's test window
        (/validation/walk_forward/best_metrics), one row per (rank, fold), fold from 1: the fold's
        bars train_begin, train_end, test_begin, test_end, the test window's first and last bar time
        (test_first, test_last), status, one column per metric. The bars lie inside those /best was
        selected on: a profile over time, not out of sample. Empty for a run without folds and for
        files written before it."""
        def make(f):
            path = "validation/walk_forward/best_metrics"
            if path not in f:
                return pd.DataFrame()
            wf = f["validation/walk_forward"]
            values = wf["best_metrics"][()]
            k, folds, _ = values.shape
            windows = wf["windows"][()]
            times = f["data/timestamps"][()]
            status = wf["best_status"][()]
            frame = pd.DataFrame({
                "rank": np.repeat(f["best/rank"][()][:k], folds),
                "fold": np.tile(np.arange(1, folds + 1), k),
            })
            for c, name in enumerate(("train_begin", "train_end", "test_begin", "test_end")):
                frame[name] = np.tile(windows[:, c], k)
            frame["test_first"] = _times(times[frame["test_begin"].to_numpy()])
            frame["test_last"] = _times(times[frame["test_end"].to_numpy() - 1])
            frame["status"] = pd.Categorical.from_codes(status.reshape(-1), _texts(f["best/status"].attrs["names"]))
            metrics = pd.DataFrame(values.reshape(k * folds, -1), columns=_texts(wf["best_metrics"].attrs["columns"]))
            return pd.concat([frame, metrics], axis=1).set_index(["rank", "fold"])
        return self._read("fold_metrics", make)

    @property
    def validation_attrs(self):
        """The /validation group's attributes: split, train/test windows, trials, pbo, ..."""
        return self._read("validation_attrs", lambda f: _attrs(f["validation"]) if "validation" in f else {})

    @property
    def pareto(self):
        """NSGA-II: the final front, one row per member (its /population row as `population_row`),
        the objectives as the metrics read, and `knee` (True for the knee). Empty otherwise."""
        def make(f):
            if "pareto" not in f:
                return pd.DataFrame()
            p = f["pareto"]
            frame = pd.DataFrame(p["objectives"][()], columns=_texts(p["objectives"].attrs["columns"]))
            frame.insert(0, "population_row", p["index"][()])
            frame["knee"] = np.arange(len(frame)) == int(p.attrs["knee"])
            return frame
        return self._read("pareto", make)

    # ---- curves ----------------------------------------------------------------------------------

    def equity(self, rank=1):
        """The equity of the /best strategy of `rank` (1 = best), per bar from 1, on a DatetimeIndex (UTC)."""
        def make(f):
            ranks = f["best/rank"][()]
            rows = np.nonzero(ranks == rank)[0]
            if len(rows) == 0:
                raise KeyError(f"/best rank {rank} (the file has ranks 1..{len(ranks)})")
            return pd.Series(f["best/equity"][rows[0]], index=self.timestamps, name=f"equity #{rank}")
        return self._read(("equity", rank), make)

    def drawdown(self, rank=1):
        """The drawdown of the same curve: 1 - equity / its running peak (0 at a new high)."""
        equity = self.equity(rank)
        return (1 - equity / equity.cummax()).rename(f"drawdown #{rank}")

    def buy_and_hold(self):
        """Equal-weight buy and hold from the first bar, on the same DatetimeIndex."""
        return self._read("buy_and_hold", lambda f: pd.Series(f["data/buy_and_hold_equity"][()],
                                                              index=self.timestamps, name="buy and hold"))

    def __repr__(self):
        return f"<genepool run {self.path}: {self.mode}, {self.status}, symbols {', '.join(self.symbols)}>"


def open_run(path):
    """The results file at `path` (genepool evolve or grid --out) as a Run of DataFrames."""
    return Run(path)
