#!/usr/bin/python3
"""Validates a genepool results file against docs/results-format.md, with Debian's h5py.

Usage: /usr/bin/python3 tests/e2e/read_results.py FILE [FILE ...]

Checks that every documented group, dataset and attribute exists with the documented type and
shape, and that the tables agree with each other (rows per generation, totals, the best table's
order, the final population). Prints one summary line per valid file; otherwise prints every
problem found and exits with status 1.
"""
import datetime
import re
import sys

import h5py
import numpy as np

MAX_PARAMS = 4

# Attribute specs: name -> kind. Kinds: str, int, uint, float, bool, "str[]" (1-D array of strings).
ROOT_ATTRS = {
    "format": "str", "format_version": "int", "genepool_version": "str", "git_revision": "str",
    "hdf5_version": "str", "ranks": "int", "host": "str", "command_line": "str", "seed": "uint",
    "start_time": "str", "end_time": "str", "status": "str",
}
CONFIG_ATTRS = {
    "objective": "str", "min_trades": "float", "max_drawdown": "float", "population": "int",
    "generations": "int", "strategies": "str[]", "tournament_size": "int", "elitism": "int",
    "crossover_rate": "float", "crossover": "str", "blend_alpha": "float", "sbx_eta": "float",
    "mutation": "str", "mutation_rate": "float", "mutation_scale": "float", "type_switch_rate": "float",
    "top": "int", "seed": "uint", "execution": "str", "cost": "float", "allow_short": "bool", "no_cache": "bool",
    "bars_per_year": "float", "bars_per_year_inferred": "bool",
    "stop_loss": "float", "take_profit": "float", "trailing_stop": "float", "max_bars": "float", "sizing": "str",
    "target_vol": "float", "vol_window": "float", "leverage_cap": "float",
    "type_quota": "float", "type_quota_generations": "int", "mode": "str", "objectives": "str[]",
    "islands": "int", "migration_interval": "int", "migration_topology": "str", "migrants": "int",
    "restart_stagnation": "int", "polish_share": "float", "polish_interval": "int", "polish_elite": "int",
    "polish_radius": "int", "polish_step": "float", "robustness": "str", "robustness_radius": "float",
}
DATA_ATTRS = {
    "bars": "int", "symbol_count": "int", "first_timestamp": "int", "last_timestamp": "int",
    "first_timestamp_iso": "str", "last_timestamp_iso": "str", "data_bytes": "uint", "broadcast_seconds": "float",
}
SUMMARY_ATTRS = {"generations": "int", "evaluations_total": "int", "evaluated_total": "int", "cache_hits_total": "int",
                 "failed_total": "int", "wall_seconds": "float", "polish_scored_total": "int",
                 "polish_evaluated_total": "int"}

# Dataset specs: path -> (kind, shape). Shape letters: G generations, N individual rows, P population,
# K best strategies, B bars, S symbols, T strategy types, I input files, M metrics, 4 parameter slots.
INDIVIDUAL_COLUMNS = {
    "generation": ("int32", "R"), "index": ("int32", "R"), "strategy": ("int32", "R"),
    "params": ("float64", "R4"), "fitness": ("float64", "R"), "status": ("int32", "R"), "metrics": ("float64", "RM"),
}
DATASETS = {
    "/config": ("str", ""),
    "/inputs/path": ("str", "I"), "/inputs/sha256": ("str", "I"), "/inputs/bytes": ("uint64", "I"),
    "/data/symbols": ("str", "S"), "/data/timestamps": ("int64", "B"), "/data/buy_and_hold_equity": ("float64", "B"),
    "/strategies/name": ("str", "T"), "/strategies/description": ("str", "T"),
    "/strategies/param_count": ("int32", "T"), "/strategies/param_names": ("str", "T4"),
    "/strategies/param_kind": ("str", "T4"), "/strategies/lower": ("float64", "T4"),
    "/strategies/upper": ("float64", "T4"), "/strategies/default": ("float64", "T4"),
    "/strategies/search_lower": ("float64", "T4"), "/strategies/search_upper": ("float64", "T4"),
    "/strategies/source": ("str", "T"), "/strategies/source_sha256": ("str", "T"), "/strategies/source_file": ("str", "T"),
    **{f"/generations/{name}": ("int32", "G") for name in
       ("generation", "failed", "infeasible", "best_index", "evaluations", "evaluated", "cache_hits")},
    **{f"/generations/{name}": ("float64", "G") for name in
       ("best", "mean", "median", "std", "evaluate_seconds", "communicate_seconds", "operator_seconds",
        "imbalance", "elapsed_seconds")},
    **{f"/individuals/{name}": (kind, shape.replace("R", "N")) for name, (kind, shape) in INDIVIDUAL_COLUMNS.items()},
    **{f"/population/{name}": (kind, shape.replace("R", "P")) for name, (kind, shape) in INDIVIDUAL_COLUMNS.items()},
    "/best/rank": ("int32", "K"), "/best/strategy": ("int32", "K"), "/best/strategy_name": ("str", "K"),
    "/best/param_names": ("str", "K4"), "/best/params": ("float64", "K4"), "/best/fitness": ("float64", "K"),
    "/best/generation": ("int32", "K"), "/best/status": ("int32", "K"), "/best/metrics": ("float64", "KM"),
    "/best/equity": ("float64", "KB"), "/best/timestamps": ("int64", "B"),
    "/generations/type_share": ("float64", "GT"),
}
# Present when /config mode is "nsga2" (F: members of the final front, O: objectives).
NSGA2_DATASETS = {
    "/individuals/front": ("int32", "N"), "/individuals/crowding": ("float64", "N"),
    "/population/front": ("int32", "P"), "/population/crowding": ("float64", "P"),
    "/pareto/index": ("int32", "F"), "/pareto/objectives": ("float64", "FO"),
}
# Present when the run evolves exits or sizing values (X: the 7 exit genes, NaN where not evolved).
EXIT_GENE_DATASETS = {
    "/individuals/exits": ("float64", "NX"), "/population/exits": ("float64", "PX"), "/best/exits": ("float64", "KX"),
}
# Present in mode "ga" (Q: islands): the islands' and the polish's columns.
GA_SEARCH_DATASETS = {
    "/generations/island_best": ("float64", "GQ"), "/generations/island_mean": ("float64", "GQ"),
    **{f"/generations/{name}": ("int32", "G") for name in
       ("polish_scored", "polish_evaluated", "polish_improved", "migrants", "restarts")},
}
# Present with robustness mean or min.
ROBUST_DATASETS = {"/individuals/raw_fitness": ("float64", "N"), "/best/raw_fitness": ("float64", "K")}
# Present with polish_share > 0 in mode "ga" (Y: genomes the polish scored).
POLISH_DATASETS = {f"/polish/{name}": (kind, shape.replace("R", "Y")) for name, (kind, shape) in INDIVIDUAL_COLUMNS.items()}
PARETO_ATTRS = {"knee": "int", "knee_index": "int", "knee_rule": "str"}
GROUPS = ("/inputs", "/data", "/strategies", "/generations", "/individuals", "/population", "/best", "/summary")

# /memory (docs/results-format.md): written by every complete `evolve` and `grid` run; checked when present.
MEMORY_ATTRS = {"description": "str", "data_placement": "str", "nodes": "int", "node_bytes": "uint",
                "pss_total_bytes": "int"}

# /validation (docs/results-format.md): written by every complete `evolve` run; checked when present.
VALIDATION_ATTRS = {
    "description": "str", "objective": "str", "bars_per_year": "float", "split": "str", "test_fraction": "float",
    "split_date": "str", "train_begin": "int", "train_end": "int", "test_begin": "int", "test_end": "int",
    "train_period": "str", "test_period": "str", "trials": "int", "distinct_genomes": "int",
    "sharpe_variance": "float", "expected_max_sharpe": "float", "psr_benchmark": "float", "pbo_partitions": "int",
    "pbo_strategies": "int", "bootstrap_resamples": "int", "bootstrap_block_length": "int",
}
VALIDATION_STATISTICS = ["returns", "mean", "stddev", "sharpe_per_bar", "skewness", "kurtosis", "psr", "dsr",
                         "objective", "bootstrap_p05", "bootstrap_p50", "bootstrap_p95"]
WALK_FORWARD_ATTRS = {
    "description": "str", "mode": "str", "folds": "int", "train_bars": "int", "test_bars": "int", "generations": "int",
    "objective": "str", "efficiency": "float", "stitched_sharpe": "float", "stitched_total_return": "float",
    "stitched_cagr": "float", "stitched_max_drawdown": "float", "stitched_period": "str",
}


class Problems(Exception):
    pass


class Validator:
    def __init__(self, name, f):
        self.name = name
        self.f = f
        self.problems = []
        self.sizes = {"4": MAX_PARAMS}

    def problem(self, text):
        self.problems.append(text)

    # ---- types and shapes -------------------------------------------------------------------

    def attr_kind_ok(self, obj, name, kind):
        aid = obj.attrs.get_id(name)
        dt, shape = aid.dtype, aid.shape
        if kind == "str[]":
            return h5py.check_string_dtype(dt) is not None and len(shape) == 1
        if shape not in ((), None):
            return False
        if kind == "str":
            return h5py.check_string_dtype(dt) is not None
        if kind == "bool":
            return dt == np.bool_
        if kind == "int":
            return dt.kind == "i"
        if kind == "uint":
            return dt.kind == "u"
        if kind == "float":
            return dt.kind == "f" and dt.itemsize == 8
        raise ValueError(kind)

    def attrs(self, path, spec):
        if path not in self.f:
            return {}
        obj = self.f[path]
        values = {}
        for name, kind in spec.items():
            if name not in obj.attrs:
                self.problem(f"{path}: missing attribute '{name}' ({kind})")
                continue
            if not self.attr_kind_ok(obj, name, kind):
                aid = obj.attrs.get_id(name)
                self.problem(f"{path}: attribute '{name}' is {aid.dtype} {aid.shape}; expected {kind}")
                continue
            values[name] = obj.attrs[name]
        return values

    def dataset_kind_ok(self, ds, kind):
        if kind == "str":
            info = h5py.check_string_dtype(ds.dtype)
            return info is not None and info.length is None and info.encoding == "utf-8"
        return ds.dtype == np.dtype(kind).newbyteorder("<") or ds.dtype == np.dtype(kind)

    def datasets(self, specs=DATASETS):
        # Sizes come from the documented anchors; every other shape must agree with them.
        anchors = {"G": "/generations/generation", "N": "/individuals/fitness", "P": "/population/fitness",
                   "K": "/best/rank", "B": "/data/timestamps", "S": "/data/symbols", "T": "/strategies/name",
                   "I": "/inputs/path", "M": "/individuals/metrics"}
        for letter, path in anchors.items():
            if isinstance(self.f.get(path), h5py.Dataset):
                shape = self.f[path].shape
                self.sizes[letter] = shape[1] if letter == "M" and len(shape) == 2 else (shape[0] if shape else 0)
        for path, (kind, shape) in specs.items():
            obj = self.f.get(path)
            if obj is None:
                self.problem(f"{path}: missing dataset ({kind} [{shape}])")
                continue
            if not isinstance(obj, h5py.Dataset):
                self.problem(f"{path}: is a {type(obj).__name__}; expected a dataset")
                continue
            if not self.dataset_kind_ok(obj, kind):
                self.problem(f"{path}: has type {obj.dtype}; expected {kind}")
            expected = tuple(self.sizes.get(letter) for letter in shape)
            if obj.shape != expected:
                self.problem(f"{path}: has shape {obj.shape}; expected {expected} ({shape or 'scalar'})")

    # ---- reading helpers ----------------------------------------------------------------------

    def read(self, path):
        ds = self.f.get(path)
        if not isinstance(ds, h5py.Dataset):
            raise Problems()
        if h5py.check_string_dtype(ds.dtype) is not None:
            return ds.asstr()[()]
        return ds[()]

    def check(self, condition, text):
        if not condition:
            self.problem(text)
        return condition

    # ---- consistency ------------------------------------------------------------------------

    def validate(self):
        for group in GROUPS:
            if not isinstance(self.f.get(group), h5py.Group):
                self.problem(f"{group}: missing group")
        root = self.attrs("/", ROOT_ATTRS)
        config = self.attrs("/config", CONFIG_ATTRS)
        data = self.attrs("/data", DATA_ATTRS)
        summary = self.attrs("/summary", SUMMARY_ATTRS)
        self.datasets()
        nsga2 = config.get("mode") == "nsga2"
        pareto = {}
        if nsga2:
            self.sizes["O"] = len(config.get("objectives", []))
            index = self.f.get("/pareto/index")
            self.sizes["F"] = index.shape[0] if isinstance(index, h5py.Dataset) and index.shape else 0
            self.datasets(NSGA2_DATASETS)
            pareto = self.attrs("/pareto", PARETO_ATTRS)
        if "/individuals/exits" in self.f:
            self.sizes["X"] = 7
            self.datasets(EXIT_GENE_DATASETS)
        if not nsga2:
            self.sizes["Q"] = int(config.get("islands", 1))
            self.datasets(GA_SEARCH_DATASETS)
            if config.get("robustness", "none") != "none":
                self.datasets(ROBUST_DATASETS)
            if config.get("polish_share", 0) > 0:
                rows = self.f.get("/polish/fitness")
                self.sizes["Y"] = rows.shape[0] if isinstance(rows, h5py.Dataset) and rows.shape else 0
                self.datasets(POLISH_DATASETS)
        if self.problems:
            return  # the consistency checks below assume the layout

        self.check(root["format"] == "genepool-results", f"/: format is {root['format']!r}; expected 'genepool-results'")
        self.check(root["format_version"] == 1, f"/: format_version is {root['format_version']}; this reads version 1")
        self.check(root["status"] == "complete", f"/: status is {root['status']!r}; expected 'complete'")
        self.check(root["ranks"] >= 1, f"/: ranks is {root['ranks']}; expected >= 1")
        times = {}
        for name in ("start_time", "end_time"):
            try:
                times[name] = datetime.datetime.strptime(root[name], "%Y-%m-%dT%H:%M:%SZ")
            except ValueError:
                self.problem(f"/: {name} is {root[name]!r}; expected ISO-8601 UTC like 2024-05-01T12:34:56Z")
        if len(times) == 2:
            self.check(times["start_time"] <= times["end_time"], "/: end_time is before start_time")
        self.check(config["seed"] == root["seed"], f"/config: seed {config['seed']} differs from the root's {root['seed']}")
        self.check(isinstance(self.read("/config"), str), "/config: expected one string (the TOML text)")

        G, N, P, K, B, T = (self.sizes[c] for c in "GNPKBT")
        sizes = self.sizes

        # /inputs
        for digest in self.read("/inputs/sha256"):
            self.check(re.fullmatch("[0-9a-f]{64}", digest) is not None,
                       f"/inputs/sha256: {digest!r} is not 64 lowercase hex digits")

        # /data
        ts = self.read("/data/timestamps")
        self.check(data["bars"] == B, f"/data: attribute bars is {data['bars']}; /data/timestamps has {B}")
        self.check(data["symbol_count"] == sizes["S"], f"/data: symbol_count is {data['symbol_count']}; /data/symbols has {sizes['S']}")
        if B > 0:
            self.check(np.all(np.diff(ts) > 0), "/data/timestamps: not strictly increasing")
            self.check(data["first_timestamp"] == ts[0] and data["last_timestamp"] == ts[-1],
                       "/data: first_timestamp/last_timestamp disagree with /data/timestamps")
            for which, value in (("first", ts[0]), ("last", ts[-1])):
                iso = datetime.datetime.fromtimestamp(int(value), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                self.check(data[f"{which}_timestamp_iso"] == iso,
                           f"/data: {which}_timestamp_iso is {data[which + '_timestamp_iso']!r}; expected {iso!r}")
        self.check(config["bars_per_year"] > 0, f"/config: bars_per_year is {config['bars_per_year']}; expected > 0")
        hold = self.read("/data/buy_and_hold_equity")
        if B > 0:
            self.check(hold[0] == 1.0 and np.all(np.isfinite(hold)) and np.all(hold > 0),
                       f"/data/buy_and_hold_equity: expected finite positive values starting at 1; starts at {hold[0]}")

        # /strategies
        names = list(self.read("/strategies/name"))
        counts = self.read("/strategies/param_count")
        pnames = self.read("/strategies/param_names")
        kinds = self.read("/strategies/param_kind")
        lower, upper, default = (self.read(f"/strategies/{n}") for n in ("lower", "upper", "default"))
        for t in range(T):
            c = counts[t]
            if not self.check(0 <= c <= MAX_PARAMS, f"/strategies/param_count[{t}] is {c}; expected 0..{MAX_PARAMS}"):
                continue
            self.check(all(pnames[t, :c]) and not any(pnames[t, c:]),
                       f"/strategies/param_names[{t}]: expected {c} names, then empty strings")
            self.check(set(kinds[t, :c]) <= {"integer", "real"} and not any(kinds[t, c:]),
                       f"/strategies/param_kind[{t}]: expected 'integer'/'real' for {c} slots, then empty strings")
            self.check(np.all(lower[t, :c] <= default[t, :c]) and np.all(default[t, :c] <= upper[t, :c]),
                       f"/strategies[{t}]: default outside [lower, upper]")
            self.check(np.all(np.isnan(lower[t, c:])) and np.all(np.isnan(upper[t, c:])),
                       f"/strategies[{t}]: unused slots of lower/upper should be NaN")
        self.check(set(config["strategies"]) <= set(names),
                   f"/config: strategies {list(config['strategies'])} are not all in /strategies/name")

        # metric columns: one list, the same everywhere
        columns = None
        for path in ("/individuals/metrics", "/population/metrics", "/best/metrics"):
            ds = self.f[path]
            if not self.check("columns" in ds.attrs, f"{path}: missing attribute 'columns'"):
                continue
            cols = [str(c) for c in ds.attrs["columns"]]
            self.check(len(cols) == ds.shape[1], f"{path}: 'columns' has {len(cols)} names for {ds.shape[1]} columns")
            if columns is None:
                columns = cols
            self.check(cols == columns, f"{path}: 'columns' differs from /individuals/metrics")
        status_names = [str(s) for s in self.f["/individuals/status"].attrs.get("names", [])]
        self.check(len(status_names) > 0 and status_names[0] == "ok",
                   "/individuals/status: attribute 'names' should list the status names, 'ok' first")

        # /generations and /individuals: P rows per generation, in order
        gen = self.read("/generations/generation")
        self.check(np.array_equal(gen, np.arange(G)), "/generations/generation: expected 0, 1, ..., G-1")
        self.check(G == config["generations"] + 1,
                   f"/generations: {G} rows; a complete run has /config generations + 1 = {config['generations'] + 1}")
        self.check(P == config["population"], f"/population: {P} rows; /config population is {config['population']}")
        self.check(N == G * P, f"/individuals: {N} rows; expected generations x population = {G} x {P} = {G * P}")
        if N == G * P and P > 0:
            ind = {name: self.read(f"/individuals/{name}") for name in INDIVIDUAL_COLUMNS}
            self.check(np.array_equal(ind["generation"], np.repeat(np.arange(G), P)),
                       "/individuals/generation: expected each generation's population in turn")
            self.check(np.array_equal(ind["index"], np.tile(np.arange(P), G)),
                       "/individuals/index: expected 0..population-1 within each generation")
            self.check(np.all((ind["strategy"] >= 0) & (ind["strategy"] < T)),
                       "/individuals/strategy: an index outside /strategies/name")
            self.check(np.all((ind["status"] >= 0) & (ind["status"] < len(status_names))),
                       "/individuals/status: a code outside the attribute 'names'")
            fit = ind["fitness"].reshape(G, P)
            status = ind["status"].reshape(G, P)
            best = self.read("/generations/best")
            best_index = self.read("/generations/best_index")
            failed = self.read("/generations/failed")
            infeasible = self.read("/generations/infeasible")
            evaluations = self.read("/generations/evaluations")
            evaluated = self.read("/generations/evaluated")
            cache_hits = self.read("/generations/cache_hits")
            strat = ind["strategy"].reshape(G, P)
            params = ind["params"].reshape(G, P, -1)
            no_cache = bool(config["no_cache"])
            robust = config.get("robustness", "none") != "none"
            raw_fit = self.read("/individuals/raw_fitness").reshape(G, P) if robust else None
            polish_scored = np.zeros(G, dtype=np.int64) if nsga2 else self.read("/generations/polish_scored")
            plain_scoring = nsga2 or not robust
            islands = 1 if nsga2 else int(config["islands"])
            island_starts = np.array([0, P]) if nsga2 else self.read("/generations/island_starts")
            island_best = None if nsga2 else self.read("/generations/island_best")
            polish_rows = self.read("/polish/generation") if "/polish/generation" in self.f else None
            if not nsga2:
                self.check(len(island_starts) == islands + 1 and island_starts[0] == 0 and island_starts[-1] == P
                           and np.all(np.diff(island_starts) >= 2),
                           f"/generations/island_starts {island_starts}: expected {islands} islands covering 0..{P}")
            for g in range(G):
                where = f"/generations row {g}"
                self.check(best[g] == np.max(fit[g]), f"{where}: best {best[g]} != max fitness {np.max(fit[g])} in /individuals")
                self.check(0 <= best_index[g] < P and fit[g, best_index[g]] == best[g],
                           f"{where}: best_index {best_index[g]} does not point at the best individual")
                self.check(failed[g] == np.count_nonzero(status[g] != 0),
                           f"{where}: failed {failed[g]} != {np.count_nonzero(status[g] != 0)} non-ok statuses in /individuals")
                own = raw_fit[g] if raw_fit is not None else fit[g]  # robustness: the bands are the genome's own
                n_infeasible = np.count_nonzero((status[g] == 0) & (own <= -1e12))
                self.check(infeasible[g] == n_infeasible,
                           f"{where}: infeasible {infeasible[g]} != {n_infeasible} ok rows with infeasible fitness")
                self.check(evaluated[g] + cache_hits[g] == evaluations[g],
                           f"{where}: evaluated {evaluated[g]} + cache_hits {cache_hits[g]} != evaluations {evaluations[g]}")
                extra = 0 if nsga2 else int(polish_scored[g])
                self.check(evaluations[g] == P + extra if plain_scoring else evaluations[g] >= P + extra,
                           f"{where}: evaluations {evaluations[g]}; expected the population, {P}, plus the polish's {extra}")
                if not nsga2:
                    for k in range(islands):
                        rows = fit[g, island_starts[k]:island_starts[k + 1]]
                        self.check(island_best[g, k] == np.max(rows),
                                   f"{where}: island_best[{k}] {island_best[g, k]} != the island's best {np.max(rows)}")
                    if polish_rows is not None:
                        n_polish = np.count_nonzero(polish_rows == g)
                        self.check(n_polish == polish_scored[g],
                                   f"{where}: /polish holds {n_polish} rows of the generation; polish_scored says {polish_scored[g]}")
                # GA mode: the evaluated genomes are the generation's own; NSGA-II evaluates the
                # offspring, and the rows are the survivors of parents and offspring.
                genomes = np.concatenate([strat[g][:, None].astype(np.float64), params[g]], axis=1)
                distinct = P if nsga2 else len(np.unique(genomes, axis=0))
                self.check(evaluated[g] == evaluations[g] if no_cache else evaluated[g] <= distinct + evaluations[g] - P,
                           f"{where}: evaluated {evaluated[g]} with no_cache={no_cache}, {distinct} distinct genomes of {P}")
            self.check(summary["evaluated_total"] == np.sum(evaluated) and summary["cache_hits_total"] == np.sum(cache_hits),
                       "/summary: evaluated_total/cache_hits_total differ from the sums of /generations")
            self.check(summary["evaluations_total"] == np.sum(evaluations),
                       f"/summary: evaluations_total {summary['evaluations_total']} != sum of /generations/evaluations")
            self.check(summary["failed_total"] == np.sum(failed),
                       f"/summary: failed_total {summary['failed_total']} != sum of /generations/failed")
            for name in INDIVIDUAL_COLUMNS:
                last = ind[name][(G - 1) * P:]
                self.check(np.array_equal(self.read(f"/population/{name}"), last, equal_nan=np.issubdtype(last.dtype, np.floating)),
                           f"/population/{name}: differs from the last generation in /individuals")
        if N == G * P and P > 0:
            self.check_search(config, nsga2, pareto, G, P, T, K)
        self.check(summary["generations"] == G, f"/summary: generations {summary['generations']} != {G} rows in /generations")

        # /best: best first, names consistent with /strategies
        self.check(K <= config["top"], f"/best: {K} rows; /config top is {config['top']}")
        self.check(np.array_equal(self.read("/best/rank"), np.arange(1, K + 1)), "/best/rank: expected 1..K")
        bfit = self.read("/best/fitness")
        # NSGA-II: row 0 is the knee of the final front, the rest by crowding distance (checked in the
        # unit tests: /best does not hold the crowding); otherwise best first.
        if not nsga2:
            self.check(np.all(np.diff(bfit) <= 0), f"/best/fitness: not sorted best first: {bfit}")
        bstrat = self.read("/best/strategy")
        bnames = self.read("/best/strategy_name")
        bpnames = self.read("/best/param_names")
        for k in range(K):
            s = bstrat[k]
            if not self.check(0 <= s < T, f"/best/strategy[{k}] is {s}; outside /strategies/name"):
                continue
            self.check(bnames[k] == names[s], f"/best/strategy_name[{k}] is {bnames[k]!r}; /strategies/name[{s}] is {names[s]!r}")
            self.check(list(bpnames[k]) == list(pnames[s]), f"/best/param_names[{k}] differs from /strategies/param_names[{s}]")
        bgen = self.read("/best/generation")
        self.check(np.all((bgen >= 0) & (bgen < G)), "/best/generation: outside 0..G-1")
        # Buy and hold ends where every strategy's buy_and_hold metric says: mean of close[n-1] / close[0] - 1.
        if K > 0 and B > 0 and columns is not None and "buy_and_hold" in columns:
            # With a train/test split the metrics cover the training window only (/validation train_end).
            end = int(self.f["/validation"].attrs.get("train_end", B)) if "/validation" in self.f else B
            metric = self.read("/best/metrics")[0, columns.index("buy_and_hold")]
            self.check(abs(hold[end - 1] - 1 - metric) <= 1e-12 * max(1.0, abs(metric)),
                       f"/data/buy_and_hold_equity: is {hold[end - 1]!r} at bar {end - 1}; /best metric buy_and_hold is {metric!r}")
        if "/validation" in self.f:  # every evolve run writes it; files of ResultsWriter alone may lack it
            self.validate_validation()
        if "/memory" in self.f:  # likewise
            self.validate_memory(root["ranks"], data["data_bytes"])
        if "/best/trades" in self.f or (self.f.attrs.get("status") == "complete" and "/best" in self.f):
            self.validate_trades(K, B, columns)
        link = self.f.get("/best/timestamps", getlink=True)
        self.check(isinstance(link, h5py.SoftLink) and link.path == "/data/timestamps",
                   "/best/timestamps: expected a soft link to /data/timestamps")

    def shaped(self, path, kind, shape, columns=None):
        """The dataset at `path` if it has the kind and shape (a tuple), else None (with a problem)."""
        obj = self.f.get(path)
        if not isinstance(obj, h5py.Dataset):
            self.problem(f"{path}: missing dataset ({kind} {shape})")
            return None
        ok = self.check(self.dataset_kind_ok(obj, kind), f"{path}: has type {obj.dtype}; expected {kind}")
        ok = self.check(obj.shape == shape, f"{path}: has shape {obj.shape}; expected {shape}") and ok
        if columns is not None:
            got = list(obj.attrs.get("columns", []))
            ok = self.check(got == columns, f"{path}: columns {got}; expected {columns}") and ok
        return obj[()] if ok else None

    def validate_trades(self, K, B, columns):
        """/best/trades: one row per trade of the best strategies, by rank, then symbol, then time."""
        g = self.f.get("/best/trades")
        if not self.check(isinstance(g, h5py.Group), "/best/trades: missing group"):
            return
        kinds = {"rank": "int32", "symbol": "int32", "direction": "int32", "exit_reason": "int32", "size": "float64",
                 "entry_bar": "int64", "exit_bar": "int64", "entry_time": "int64", "exit_time": "int64",
                 "bars_held": "int64", "entry_price": "float64", "exit_price": "float64", "return": "float64"}
        t = {}
        for name, kind in kinds.items():
            ds = g.get(name)
            if not self.check(isinstance(ds, h5py.Dataset) and ds.ndim == 1, f"/best/trades/{name}: missing 1-d dataset"):
                return
            self.check(self.dataset_kind_ok(ds, kind), f"/best/trades/{name}: has type {ds.dtype}; expected {kind}")
            t[name] = ds[()]
        T = len(t["rank"])
        if not self.check(all(len(v) == T for v in t.values()), "/best/trades: columns differ in length"):
            return
        names = [n.decode() if isinstance(n, bytes) else n for n in g["exit_reason"].attrs.get("names", [])]
        self.check(names == ["rule", "stop", "target", "trailing", "max-bars", "end-of-data"],
                   f"/best/trades/exit_reason: names {names}")
        if T == 0:
            return
        self.check(np.all((t["rank"] >= 1) & (t["rank"] <= K)) and np.all(np.diff(t["rank"]) >= 0),
                   "/best/trades/rank: outside 1..K or not ordered by rank")
        self.check(np.all(t["bars_held"] == t["exit_bar"] - t["entry_bar"]) and np.all(t["bars_held"] >= 0),
                   "/best/trades/bars_held: not exit_bar - entry_bar >= 0")
        self.check(np.all((t["exit_bar"] < B) & (t["entry_bar"] >= 0)), "/best/trades: bars outside the data")
        stamps = self.read("/data/timestamps")
        if np.all((t["exit_bar"] < B) & (t["entry_bar"] >= 0)):
            self.check(np.array_equal(stamps[t["entry_bar"]], t["entry_time"]) and
                       np.array_equal(stamps[t["exit_bar"]], t["exit_time"]),
                       "/best/trades: times are not /data/timestamps at the bars")
        self.check(np.all(np.abs(t["direction"]) == 1) and np.all(t["size"] > 0), "/best/trades: direction or size")
        if "/validation" not in self.f or self.f["/validation"].attrs.get("split", "none") == "none":
            if columns is not None and "trades" in columns:
                counts = self.read("/best/metrics")[:, columns.index("trades")]
                got = np.bincount(t["rank"], minlength=K + 1)[1:]
                self.check(np.array_equal(got, counts), f"/best/trades: rows per rank {got}; /best metrics trades {counts}")

    def validate_memory(self, ranks, data_bytes):
        """/memory: where the data lived, each rank's peak RSS and PSS."""
        a = self.attrs("/memory", MEMORY_ATTRS)
        peak = self.shaped("/memory/peak_rss_bytes", "int64", (ranks,))
        pss = self.shaped("/memory/pss_bytes", "int64", (ranks,))
        if not a or peak is None or pss is None:
            return
        placement = a["data_placement"]
        self.check(placement in ("shared", "private"), f"/memory: data_placement {placement!r}")
        self.check(1 <= a["nodes"] <= ranks, f"/memory: nodes {a['nodes']} outside [1, {ranks}]")
        self.check(a["node_bytes"] >= data_bytes - 4096, f"/memory: node_bytes {a['node_bytes']} below the data's {data_bytes}")
        known = pss >= 0
        self.check(np.all(pss[known] <= peak[known]) and np.all(pss[known] > 0), "/memory: PSS not in (0, peak RSS]")
        self.check(a["pss_total_bytes"] == (pss.sum() if known.all() else -1), "/memory: pss_total_bytes is not the sum")

    def validate_validation(self):
        """/validation: the split, the trials, per-strategy statistics, PBO and walk-forward."""
        if not isinstance(self.f.get("/validation"), h5py.Group):
            self.problem("/validation: missing group")
            return
        a = self.attrs("/validation", VALIDATION_ATTRS)
        if len(a) != len(VALIDATION_ATTRS):
            return
        B, K, M = self.sizes["B"], self.sizes["K"], self.sizes["M"]
        split = a["split"]
        self.check(split in ("none", "test-fraction", "split-date"), f"/validation: split {split!r}")
        tb, te, sb, se = (int(a[k]) for k in ("train_begin", "train_end", "test_begin", "test_end"))
        if split == "none":
            self.check((tb, te, sb, se) == (0, B, B, B), f"/validation: windows {(tb, te, sb, se)} without a split")
        else:
            self.check(tb == 0 and 2 <= te == sb and se == B and se - sb >= 2,
                       f"/validation: train [{tb}, {te}) and test [{sb}, {se}) do not split {B} bars")
        self.check(a["trials"] >= 1 and a["distinct_genomes"] >= a["trials"] - 0,
                   f"/validation: trials {a['trials']}, distinct_genomes {a['distinct_genomes']}")
        self.check(a["sharpe_variance"] >= 0 and a["expected_max_sharpe"] >= 0, "/validation: negative variance or SR*0")
        rank = self.shaped("/validation/rank", "int32", (K,))
        if rank is not None:
            self.check(np.array_equal(rank, np.arange(1, K + 1)), "/validation/rank: expected 1..K")
        stats = self.shaped("/validation/statistics", "float64", (K, len(VALIDATION_STATISTICS)), VALIDATION_STATISTICS)
        if stats is not None and K > 0:
            col = {name: stats[:, i] for i, name in enumerate(VALIDATION_STATISTICS)}
            # With --start the account's returns only: the bars before the window warm up.
            data_attrs = self.f["data"].attrs
            first = int(data_attrs["window_first_bar"]) if "window_first_bar" in data_attrs else 0
            self.check(np.all(col["returns"] == te - max(tb, first) - 1),
                       "/validation/statistics: returns != training bars of the account - 1")
            for name in ("psr", "dsr"):
                v = col[name][~np.isnan(col[name])]
                self.check(np.all((v >= 0) & (v <= 1)), f"/validation/statistics: {name} outside [0, 1]")
            self.check(np.all(col["dsr"][~np.isnan(col["dsr"])] <= col["psr"][~np.isnan(col["dsr"])] + 1e-12)
                       if a["psr_benchmark"] <= 0 else True, "/validation/statistics: dsr above psr(0)")
            if a["bootstrap_resamples"] > 0:
                self.check(np.all((col["bootstrap_p05"] <= col["bootstrap_p50"]) & (col["bootstrap_p50"] <= col["bootstrap_p95"])),
                           "/validation/statistics: bootstrap percentiles not ordered")
        self.shaped("/validation/bootstrap_seed", "uint64", (K,))
        columns = list(self.f["/best/metrics"].attrs.get("columns", [])) if "/best/metrics" in self.f else None
        if split != "none":
            self.shaped("/validation/metrics", "float64", (K, M), columns)
            self.shaped("/validation/status", "int32", (K,))
            self.shaped("/validation/degradation", "float64", (K, M), columns)
        else:
            for name in ("metrics", "status", "degradation"):
                self.check(name not in self.f["/validation"], f"/validation/{name}: present without a split")
        if "pbo" in self.f["/validation"].attrs:
            self.check(0 <= a.get("pbo", self.f["/validation"].attrs["pbo"]) <= 1, "/validation: pbo outside [0, 1]")
            C = self.f["/validation/pbo/logits"].shape[0] if "/validation/pbo/logits" in self.f else 0
            S = int(a["pbo_partitions"])
            expected = int(round(np.prod([S - i for i in range(S // 2)]) / np.prod(range(1, S // 2 + 1))))
            self.check(C == expected, f"/validation/pbo: {C} combinations; C({S}, {S // 2}) = {expected}")
            for name in ("logits", "is_sharpe", "oos_sharpe"):
                self.shaped(f"/validation/pbo/{name}", "float64", (C,))
            selected = self.shaped("/validation/pbo/selected", "int32", (C,))
            if selected is not None:
                self.check(np.all((selected >= 0) & (selected < a["pbo_strategies"])), "/validation/pbo/selected: out of range")
            logits = self.f["/validation/pbo/logits"][()]
            self.check(abs(np.mean(logits <= 0) - self.f["/validation"].attrs["pbo"]) < 1e-12,
                       "/validation: pbo is not the share of logits <= 0")
        else:
            self.attrs("/validation", {"pbo_note": "str"})
            self.check("pbo" not in self.f["/validation"], "/validation/pbo: present without a pbo attribute")
        if isinstance(self.f.get("/validation/walk_forward"), h5py.Group):
            self.validate_walk_forward(columns, te)

    def validate_walk_forward(self, columns, span):
        w = "/validation/walk_forward"
        a = self.attrs(w, WALK_FORWARD_ATTRS)
        if "folds" not in a:
            return
        F, M = int(a["folds"]), self.sizes["M"]
        windows = self.shaped(f"{w}/windows", "int64", (F, 4), ["train_begin", "train_end", "test_begin", "test_end"])
        self.shaped(f"{w}/seed", "uint64", (F,))
        self.shaped(f"{w}/evaluated", "int64", (F,))
        self.shaped(f"{w}/strategy", "int32", (F,))
        self.shaped(f"{w}/params", "float64", (F, MAX_PARAMS))
        self.shaped(f"{w}/status", "int32", (F,))
        self.shaped(f"{w}/in_sample_metrics", "float64", (F, M), columns)
        self.shaped(f"{w}/out_of_sample_metrics", "float64", (F, M), columns)
        self.shaped(f"{w}/folds", "float64", (F, 8), ["fold", "train_bars", "test_bars", "is_objective", "oos_objective",
                                                    "is_sharpe", "oos_sharpe", "oos_total_return"])
        self.shaped(f"{w}/metrics", "float64", (1, M), columns)
        # Each /best strategy on each fold's test window (absent in files written before it).
        per_fold = status = None
        if f"{w}/best_metrics" in self.f:
            K = self.sizes["K"]
            per_fold = self.shaped(f"{w}/best_metrics", "float64", (K, F, M), columns)
            status = self.shaped(f"{w}/best_status", "int32", (K, F))
        if windows is None or F == 0:
            return
        L = int(a["test_bars"])
        if per_fold is not None and status is not None and columns:
            bars = per_fold[:, :, columns.index("bars")]
            self.check(np.all(bars[status == 0] == L), f"{w}/best_metrics: bars {bars.tolist()}; expected {L} per ok fold")
            # A /best strategy that is a fold's own best has that fold's out-of-sample metrics.
            oos = self.f[f"{w}/out_of_sample_metrics"][()]
            same = lambda a, b: np.array_equal(a, b, equal_nan=True)
            for i in range(F):
                for k in range(K):
                    if (self.f[f"{w}/strategy"][i] == self.f["/best/strategy"][k] and
                            same(self.f[f"{w}/params"][i], self.f["/best/params"][k]) and
                            (f"{w}/exits" not in self.f or same(self.f[f"{w}/exits"][i], self.f["/best/exits"][k]))):
                        self.check(same(per_fold[k, i], oos[i]),
                                   f"{w}/best_metrics[{k}][{i}]: /best row {k} is fold {i}'s best but its metrics differ")
        for i in range(F):
            trb, tre, teb, tee = windows[i]
            self.check(tre == teb and tee - teb == L and tee <= span and tre - trb >= 2,
                       f"{w}/windows row {i}: {windows[i].tolist()} (test bars {L}, span {span})")
            if i > 0:
                self.check(teb == windows[i - 1][3], f"{w}/windows row {i}: test windows not contiguous")
                self.check(trb == (0 if a["mode"] == "anchored" else windows[i - 1][0] + L),
                           f"{w}/windows row {i}: train_begin {trb} for mode {a['mode']}")
        n = F * L + 1
        equity = self.shaped(f"{w}/equity", "float64", (n,))
        times = self.shaped(f"{w}/timestamps", "int64", (n,))
        if equity is not None:
            self.check(equity[0] == 1.0, f"{w}/equity: starts at {equity[0]}, not 1")
            stitched = self.f[f"{w}/metrics"][0, columns.index("total_return")] if columns else None
            if stitched is not None and np.isfinite(stitched):
                self.check(abs(equity[-1] - 1 - stitched) <= 1e-9 * max(1.0, abs(stitched)),
                           f"{w}/equity: ends at {equity[-1]}; metrics total_return {stitched}")
        if times is not None and "/data/timestamps" in self.f:
            first = int(windows[0][2]) - 1
            self.check(np.array_equal(times, self.f["/data/timestamps"][first:first + n]),
                       f"{w}/timestamps: not the data's bars {first}..{first + n - 1}")

    def check_search(self, config, nsga2, pareto, G, P, T, K):
        # /generations/type_share: the share of each type in each generation's rows.
        strat = self.read("/individuals/strategy").reshape(G, P)
        share = self.read("/generations/type_share")
        for g in range(G):
            counts = np.bincount(strat[g], minlength=T)[:T] / P
            self.check(np.allclose(share[g], counts, rtol=0, atol=1e-12),
                       f"/generations/type_share row {g}: {share[g]} differs from the types in /individuals {counts}")
        if not nsga2:
            self.check(len(config["objectives"]) == 0, "/config: objectives given but mode is not nsga2")
            return
        self.check(len(config["objectives"]) >= 2, f"/config: mode nsga2 with objectives {list(config['objectives'])}")
        front = self.read("/individuals/front").reshape(G, P)
        crowding = self.read("/individuals/crowding").reshape(G, P)
        for g in range(G):
            self.check(np.min(front[g]) == 0 and np.all(front[g] >= 0),
                       f"/individuals/front: generation {g} has no front 0 or a negative front")
            self.check(np.all(crowding[g] >= 0), f"/individuals/crowding: generation {g} has a negative distance")
        self.check(np.array_equal(self.read("/population/front"), front[-1]),
                   "/population/front: differs from the last generation in /individuals")
        members = self.read("/pareto/index")
        self.check(np.array_equal(members, np.flatnonzero(front[-1] == 0)),
                   "/pareto/index: differs from the rows of /population with front 0")
        columns = [str(c) for c in self.f["/pareto/objectives"].attrs.get("columns", [])]
        self.check(columns == [str(o) for o in config["objectives"]],
                   f"/pareto/objectives: columns {columns} differ from /config objectives")
        knee, knee_index = int(pareto["knee"]), int(pareto["knee_index"])
        if self.check(0 <= knee < len(members) and members[knee] == knee_index,
                      f"/pareto: knee {knee} / knee_index {knee_index} disagree with /pareto/index") and K > 0:
            params = self.read("/population/params")[knee_index]
            self.check(self.read("/best/strategy")[0] == self.read("/population/strategy")[knee_index] and
                       np.array_equal(self.read("/best/params")[0], params),
                       "/best row 0 is not the knee of the final front")

    def summary_line(self):
        s = self.sizes
        return (f"{self.name}: ok ({s['G']} generations x {s['P']} individuals, {s['K']} best, "
                f"{s['B']} bars x {s['S']} symbols, {s['M']} metrics)")


def validate(name):
    try:
        with h5py.File(name, "r") as f:
            v = Validator(name, f)
            try:
                v.validate()
            except Problems:
                pass
    except OSError as e:
        return [f"cannot open as HDF5: {e}"], None
    return v.problems, v


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    status = 0
    for name in argv[1:]:
        problems, v = validate(name)
        if problems:
            status = 1
            for p in problems:
                print(f"read_results.py: {name}: {p}", file=sys.stderr)
        else:
            print(v.summary_line())
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
