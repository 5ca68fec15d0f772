"""A SQLite registry of sweeps (``allied runs``), at ``$ALLIED_HOME/runs.sqlite`` (default ``~/.allied``).

The registry is an index only: the run folders stay the record. ``samples_done`` is recounted from the
parts on disk when runs are listed, so a sweep killed mid-way shows how far it got.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from allied.errors import SweepError
from allied.sweeps.store import allied_home

COLUMNS = ("out", "scenario", "scenario_hash", "model", "samples", "seed", "engine", "workers", "chunk_size",
           "status", "started", "finished", "seconds", "samples_done", "version")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  out TEXT PRIMARY KEY, scenario TEXT, scenario_hash TEXT, model TEXT, samples INTEGER, seed INTEGER,
  engine TEXT, workers INTEGER, chunk_size INTEGER, status TEXT, started REAL, finished REAL, seconds REAL,
  samples_done INTEGER, version TEXT, parameters TEXT, pid INTEGER, host TEXT
)"""


def registry_path() -> Path:
    return allied_home() / "runs.sqlite"


@contextmanager
def _connect() -> Iterator[sqlite3.Connection]:
    path = registry_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise SweepError(f"cannot open the run registry {path} ({exc}); set ALLIED_HOME to a folder you can "
                         f"write to") from None
    with closing(con):
        try:
            con.execute(_SCHEMA)
            have = {r[1] for r in con.execute("PRAGMA table_info(runs)")}
            for col, typ in (("pid", "INTEGER"), ("host", "TEXT")):  # registries written by an earlier version
                if col not in have:
                    con.execute(f"ALTER TABLE runs ADD COLUMN {col} {typ}")
        except sqlite3.Error as exc:  # not a database at all, or locked, or read-only
            raise SweepError(f"the run registry {path} cannot be used ({exc}); move that file aside (it is an "
                             f"index only: the run folders stay the record) or set ALLIED_HOME to another "
                             f"folder") from None
        missing = [c for c in COLUMNS if c not in have]
        if missing:
            raise SweepError(f"the run registry {path} holds a 'runs' table of another program (no column "
                             f"{', '.join(missing[:3])}); move that file aside or set ALLIED_HOME to another folder")
        with con:
            yield con


def ensure() -> None:
    """Open (and create) the registry now, so an unusable ALLIED_HOME is reported before a run starts."""
    with _connect():
        pass


def record_start(meta: dict[str, Any], engine: str, workers: int) -> None:
    row = {"out": meta["out"], "scenario": meta["scenario"], "scenario_hash": meta["scenario_hash"],
           "model": meta["model"], "samples": meta["samples"], "seed": meta["seed"], "engine": engine,
           "workers": workers, "chunk_size": meta["chunk_size"], "status": "running", "started": time.time(),
           "finished": None, "seconds": None, "samples_done": None, "version": meta["version"],
           "parameters": json.dumps(meta["parameters"], sort_keys=True, default=str), "pid": os.getpid(),
           "host": socket.gethostname()}
    with _connect() as con:
        con.execute(f"INSERT OR REPLACE INTO runs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    tuple(row.values()))


def record_workers(out: str, workers: int) -> None:
    """The number of worker processes a local sweep chose (1: it ran in the sweep's own process)."""
    with _connect() as con:
        con.execute("UPDATE runs SET workers = ? WHERE out = ?", (workers, out))


def record_end(out: str, status: str, samples_done: int, seconds: float) -> None:
    with _connect() as con:
        con.execute("UPDATE runs SET status = ?, finished = ?, samples_done = ?, seconds = ? WHERE out = ?",
                    (status, time.time(), samples_done, seconds, out))


def list_runs() -> list[dict[str, Any]]:
    """Every registered run, newest first, with ``samples_done`` recounted from its folder."""
    from allied.sweeps.store import RunStore

    if not registry_path().exists():
        return []
    with _connect() as con:
        con.row_factory = sqlite3.Row
        rows = [dict(r) for r in con.execute("SELECT * FROM runs ORDER BY started DESC")]
    for r in rows:
        r["parameters"] = json.loads(r["parameters"] or "{}")
        store = RunStore(Path(r["out"]))
        r["exists"] = store.exists()
        if r["status"] == "running" and r.get("host") == socket.gethostname() and not _alive(r.get("pid")):
            r["status"] = "stopped"  # killed before it could record its end; --resume continues it
        if r["exists"]:
            n, cs = int(r["samples"]), int(r["chunk_size"])
            r["samples_done"] = sum(min(cs, n - k * cs) for k in store.finished() if k * cs < n)
    return rows


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True
