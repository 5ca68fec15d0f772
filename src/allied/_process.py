"""Process-wide settings of a command-line process, applied by :mod:`allied._entry` before the CLI is
imported (and by :func:`allied.cli.main`)."""

from __future__ import annotations

import gc
import os

#: thread-pool sizes of the numeric libraries, unless the user set them: Allied's kernels are loops over
#: samples, not linear algebra, and sweeps run in parallel processes, so BLAS threads only cost a command
#: their start-up (≈ 0.1 s of CPU when numpy loads on a 2-core machine; docs/performance.md)
SINGLE_THREADED = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")
_collector_paused = False


def prepare_process() -> None:
    """Settings for a short command-line process. Start-up (typer, rich, the command modules) only builds
    objects that live as long as the process, so the cyclic collector's passes over them are wasted work
    (≈ 10–15 % of a short command's CPU): it stays off until a command is chosen, when
    :func:`collect_from_here` freezes those objects out of later passes and turns it back on."""
    global _collector_paused
    for var in SINGLE_THREADED:
        os.environ.setdefault(var, "1")
    if gc.isenabled():
        gc.disable()
        _collector_paused = True


def collect_from_here() -> None:
    """Turn the collector back on, leaving out every object built so far, when :func:`prepare_process`
    paused it (a program that calls the CLI's ``app`` itself keeps its collector as it was)."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()
