#!/usr/bin/python3
"""Exits 0 when two results files hold the same bits in every dataset and every attribute, except
what records how and when the run went (the root's provenance attributes, /timing, /memory, and
every dataset or attribute whose name ends in "seconds", and /generations/imbalance, a ratio of times).

Usage: same_bits.py A.h5 B.h5
"""
import sys

import h5py
import numpy as np

SKIPPED_ROOT_ATTRIBUTES = {"command_line", "start_time", "end_time", "host", "ranks", "cpu_target",
                           "rank_cpu_targets", "rank_hosts"}


def same(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape or x.dtype != y.dtype:
        return False
    if x.dtype.kind == "O":  # variable-length strings: compare the texts, not the pointers
        return x.tolist() == y.tolist()
    return x.tobytes() == y.tobytes()


def differences(a, b):
    found = []
    for name in sorted(set(a.attrs) | set(b.attrs)):
        if (a.name == "/" and name in SKIPPED_ROOT_ATTRIBUTES) or name.endswith("seconds"):
            continue
        if name not in a.attrs or name not in b.attrs or not same(a.attrs[name], b.attrs[name]):
            found.append(f"{a.name} attribute {name}")
    if isinstance(a, h5py.Dataset):
        if not same(a[()], b[()]):
            found.append(a.name)
        return found
    for name in sorted(set(a) | set(b)):
        if (a.name == "/" and name in ("timing", "memory")) or name.endswith("seconds") or \
                (a.name == "/generations" and name == "imbalance"):
            continue
        if name not in a or name not in b:
            found.append(f"{a.name}/{name} (in one file only)")
        else:
            found += differences(a[name], b[name])
    return found


def main(a_path, b_path):
    with h5py.File(a_path) as a, h5py.File(b_path) as b:
        found = differences(a, b)
    for line in found[:20]:
        print(f"{a_path} and {b_path} differ: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
