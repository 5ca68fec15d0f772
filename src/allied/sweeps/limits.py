"""Bounds on sweep options, checked before a scenario is read or anything is allocated (docs/limits.md).

A light module (no numpy, pyarrow or pandas), so the CLI can refuse ``--samples 1000000000000`` at once.
"""

from __future__ import annotations

from typing import Any

from allied.errors import SweepError

#: most samples one sweep may ask for
MAX_SAMPLES = 1_000_000_000
#: most samples in one chunk (a worker holds a chunk's draws and results in memory)
MAX_CHUNK_SAMPLES = 1_000_000
#: most chunks in one sweep (the plan is a list of chunks)
MAX_CHUNKS = 1_000_000
#: seeds are stored in SQLite's 64-bit integers
MAX_SEED = 2**63 - 1


def _whole(v: Any) -> bool:
    return (not isinstance(v, bool) and isinstance(v, int)) or type(v).__name__.startswith(("int", "uint"))


def check_sweep_options(samples: int, seed: int = 0, chunk_size: int | None = None) -> None:
    """Raise :class:`SweepError` for an out-of-range ``--samples``, ``--seed`` or ``--chunk-size``."""
    if not _whole(samples) or samples < 1:
        raise SweepError(f"--samples must be 1 or more (got {samples})")
    if samples > MAX_SAMPLES:
        raise SweepError(f"--samples must be at most {MAX_SAMPLES:,} (got {samples:,}); a sweep's summary settles "
                         "long before that")
    if not _whole(seed) or not 0 <= seed <= MAX_SEED:
        raise SweepError(f"--seed must be a whole number of 0 or more, below 2**63 (got {seed})")
    if chunk_size is not None and (not _whole(chunk_size) or not 1 <= chunk_size <= MAX_CHUNK_SAMPLES):
        raise SweepError(f"--chunk-size must be a whole number from 1 to {MAX_CHUNK_SAMPLES:,} (got {chunk_size})")
