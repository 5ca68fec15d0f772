"""Where a local sweep runs: in this process, or on worker processes forked from it — chosen by measured cost.

A process pool pays off only when the work it spreads over the cores outweighs what the pool costs: forking
the workers, handing each chunk over and collecting it. Before a local sweep with more than one chunk starts
workers, :func:`probe` runs the engine in this process, which also warms it up — modules imported, numba
kernels loaded from the on-disk cache or compiled — so that workers forked afterwards inherit all of it and
compile nothing:

1. one sample, untimed (the warm-up);
2. one sample, timed, then eight times as many, and so on, while a call takes under ``PROBE_MIN_S`` (too
   short to time well) and the estimate still favours workers, up to the first chunk's size.

A call's time grows with its batch and has a fixed part, so ``t / n`` from a batch of ``n`` samples bounds
the cost per sample of any larger chunk from above. :func:`choose_workers` compares running every chunk
here (``samples × t / n``) with ``w`` workers for each ``w`` up to the worker count: :data:`POOL_START_S`
per worker, :data:`CHUNK_HANDOFF_S` per chunk, plus the time the last worker finishes when the chunks are
handed, in order, to whichever worker is free. The fastest wins; a tie goes to fewer processes. Since the
estimate can only overstate the work, a sweep it keeps in this process is truly cheap, and a wrong choice of
workers costs at most the pool's own start-up. The probe's samples are computed again in their chunk
(their results are not kept), so the numbers written never depend on this choice. The constants were
measured on a 2-core Linux machine (docs/performance.md, "Sweeps"); the rule only needs their order of
magnitude.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from allied.scenario.model import Scenario
from allied.sweeps.inputs import InputSpace

#: a probe call shorter than this (seconds) is repeated on eight times as many samples
PROBE_MIN_S = 0.005
#: seconds one forked worker costs: fork of a warm parent, the pool's start-up, shutting it down
POOL_START_S = 0.03
#: seconds per chunk handed to a worker: pickling the task, the round trip, the worker's own Parquet write
CHUNK_HANDOFF_S = 0.005


@dataclass(frozen=True)
class Cost:
    """Measured in-process seconds per sample (from a batch no larger than any chunk: an upper bound)."""

    per_sample: float

    def chunk(self, n: int) -> float:
        return n * self.per_sample


def probe(engine: Any, sc: Scenario, space: InputSpace, seed: int, start: int, stop: int,
          sizes: Sequence[int] | None = None, max_workers: int = 1) -> Cost | None:
    """Warm ``engine`` up on sample ``start`` and, given the chunk ``sizes`` still to run, time it on samples
    from ``start`` on (never beyond ``stop``, the end of the first chunk); ``None`` when not timed."""
    def run(n: int) -> float:
        draw = space.sample(seed, start, start + n, keep_streams=True)
        t = time.perf_counter()
        engine.evaluate(sc, draw)
        return time.perf_counter() - t

    run(1)
    if not sizes:
        return None
    n = 1
    while True:
        cost = Cost(run(n) / n)
        if n * cost.per_sample >= PROBE_MIN_S or n >= stop - start or choose_workers(cost, sizes, max_workers) == 1:
            return cost
        n = min(8 * n, stop - start)


def pool_seconds(cost: Cost, sizes: Sequence[int], workers: int) -> float:
    """Estimated seconds of ``sizes`` chunks on ``workers`` forked workers (chunks handed out in order)."""
    free = [0.0] * workers
    for n in sizes:
        heapq.heappush(free, heapq.heappop(free) + cost.chunk(n) + CHUNK_HANDOFF_S)
    return POOL_START_S * workers + max(free)


def choose_workers(cost: Cost, sizes: Sequence[int], max_workers: int) -> int:
    """1 (run here) or the number of workers that finishes ``sizes`` chunks soonest by the estimate."""
    best, best_s = 1, sum(cost.chunk(n) for n in sizes)
    for w in range(2, min(max_workers, len(sizes)) + 1):
        s = pool_seconds(cost, sizes, w)
        if s < best_s:
            best, best_s = w, s
    return best
