#!/usr/bin/python3
"""Writes the HDF5 market-data cases of the bad-input corpus (tests/bad-input/market-data/*.h5).

Usage: /usr/bin/python3 tests/bad-input/make_market_data_cases.py
Each is a small genepool market-data file (docs/data-format.md: /timestamps, /symbols and the five
price fields, symbols x bars) with one thing wrong: /close a group, a soft link to nothing, an
external link to a missing file, or /timestamps declaring 2^40 rows (chunked, never written: a few KiB).
"""
import pathlib

import h5py
import numpy as np

here = pathlib.Path(__file__).resolve().parent / "market-data"
BARS = 5


def market_data(name, edit):
    with h5py.File(here / name, "w", libver="earliest") as f:
        f.attrs["format"] = "genepool-market-data"
        f.attrs["format_version"] = np.int32(1)
        f["timestamps"] = np.arange(BARS, dtype=np.int64) * 86400 + 1577836800
        f["symbols"] = np.array([b"ONE"], dtype=h5py.string_dtype())
        close = 100 + np.arange(BARS, dtype=np.float64).reshape(1, BARS)
        for field, values in (("open", close), ("high", close + 1), ("low", close - 1), ("close", close),
                              ("volume", np.full((1, BARS), 1000.0))):
            f[field] = values
        edit(f)


def close_group(f):
    del f["close"]
    f.create_group("close")


def close_soft_link(f):
    del f["close"]
    f["close"] = h5py.SoftLink("/nowhere")


def close_external_link(f):
    del f["close"]
    f["close"] = h5py.ExternalLink("missing-prices.h5", "/close")


def timestamps_2e40(f):
    del f["timestamps"]
    f.create_dataset("timestamps", shape=(2**40,), dtype=np.int64, chunks=(1024,))


market_data("close-group.h5", close_group)
market_data("close-dangling-soft-link.h5", close_soft_link)
market_data("close-missing-external-link.h5", close_external_link)
market_data("timestamps-2e40-rows.h5", timestamps_2e40)
