#!/usr/bin/python3
"""Writes the small HDF5 results cases of the bad-input corpus (tests/bad-input/results/).

Usage: /usr/bin/python3 tests/bad-input/make_results_cases.py GOOD.h5
GOOD.h5 is any results file of `genepool evolve` (its first 2 KiB make truncated.h5). The
other files are built from scratch, so they stay a few KiB; the runner derives the cases that
need a whole run (a dataset removed, a truncated tail) from a fresh run at test time.
"""
import pathlib
import sys

import h5py
import numpy as np

here = pathlib.Path(__file__).resolve().parent / "results"
good = pathlib.Path(sys.argv[1]).read_bytes()
(here / "truncated.h5").write_bytes(good[:2048])
(here / "empty.h5").write_bytes(b"")
(here / "text-not-hdf5.h5").write_text("timestamp,open,high,low,close\n2020-01-02,1,1,1,1\n")


def root(name, **attrs):
    with h5py.File(here / name, "w", libver="earliest") as f:
        for key, value in attrs.items():
            f.attrs[key] = value
        f.create_dataset("x", data=np.arange(3, dtype=np.int32))


root("not-genepool.h5")
root("wrong-format-name.h5", format="genepool-checkpoint", format_version=np.int32(1))
root("format-not-string.h5", format=np.int32(7), format_version=np.int32(1))
root("newer-format-version.h5", format="genepool-results", format_version=np.int32(2))
root("older-format-version.h5", format="genepool-results", format_version=np.int32(0))
root("format-version-text.h5", format="genepool-results", format_version="one")
root("missing-format-version.h5", format="genepool-results")
root("missing-groups.h5", format="genepool-results", format_version=np.int32(1), genepool_version="0.1.0",
     git_revision="x", hdf5_version="1.10.8", ranks=np.int32(1), host="h", command_line="c", seed=np.uint64(1),
     start_time="2026-01-01T00:00:00Z", end_time="2026-01-01T00:00:01Z", status="complete")
