"""A genepool results file (docs/results-format.md) as pandas DataFrames.

    PYTHONPATH=python /usr/bin/python3
    >>> from genepool_results import open_run
    >>> run = open_run("run.h5")
    >>> run.best.head()            # one row per /best strategy, indexed by rank
    >>> run.equity(1).plot()       # the best strategy's equity, on a DatetimeIndex

Needs Debian's python3-pandas and python3-h5py. Examples: docs/reading-results.md, "In pandas".
"""
from .run import NotAResultsFile, Run, open_run

__all__ = ["NotAResultsFile", "Run", "open_run"]
