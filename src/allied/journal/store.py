"""The forecast journal: one SQLite file (``$ALLIED_HOME/journal.sqlite`` unless told otherwise).

A record holds when it was made, the Allied version, the scenario (its canonical JSON and SHA-256 content
hash, its id and ``as_of``), the models with their parameters, each model's point forecast and quantiles
per issue, and, when sampled, the samples themselves as one Parquet blob (columns ``model, issue, sample,
forecast``). A record is written in one transaction: a process killed half-way leaves no partial row
(SQLite's rollback journal undoes it on the next open). Recording content already in the journal with the
same models and sample count is reported as a duplicate instead of stored twice.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from allied.errors import JournalError
from allied.journal.forecasts import ForecastSet, IssueForecast
from allied.journal.metrics import quantiles

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created TEXT NOT NULL,
  version TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  scenario_hash TEXT NOT NULL,
  as_of TEXT,
  source TEXT,
  note TEXT,
  models TEXT NOT NULL,
  samples INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  scenario_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS forecasts (
  record_id INTEGER NOT NULL REFERENCES records(id),
  model TEXT NOT NULL,
  issue TEXT NOT NULL,
  point REAL NOT NULL,
  quantiles TEXT,
  PRIMARY KEY (record_id, model, issue)
);
CREATE TABLE IF NOT EXISTS samples (
  record_id INTEGER PRIMARY KEY REFERENCES records(id),
  parquet BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS records_hash ON records(scenario_hash);
"""

#: test hook: seconds to pause inside the write transaction, after the first row; it touches
#: ``<journal>.test-paused`` first so the SIGKILL test knows the transaction is open
_PAUSE_ENV = "ALLIED_JOURNAL_TEST_PAUSE"


def allied_home() -> Path:
    """``$ALLIED_HOME``, else ``~/.allied`` (where the run store lives too)."""
    env = os.environ.get("ALLIED_HOME")
    return Path(env).expanduser() if env else Path.home() / ".allied"


def default_path() -> Path:
    return allied_home() / "journal.sqlite"


def scenario_hash(sc: Any) -> str:
    """SHA-256 of the scenario's canonical JSON (sorted keys, no whitespace): independent of the file format,
    key order and comments. The run store hashes scenarios the same way (a test checks they agree)."""
    import hashlib

    data = sc.model_dump(mode="json", by_alias=True)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def allied_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("allied")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


@dataclass
class Record:
    """A journal record, as stored."""

    id: int
    created: str
    version: str
    scenario_id: str
    scenario_hash: str
    as_of: str | None
    source: str | None
    note: str | None
    models: dict[str, dict[str, Any]]
    samples: int
    seed: int
    scenario_json: str

    def scenario(self) -> Any:
        """The scenario exactly as it was recorded."""
        from pydantic import ValidationError

        from allied.scenario.model import Scenario

        try:
            return Scenario.model_validate(json.loads(self.scenario_json))
        except (ValueError, ValidationError) as exc:  # a hand-edited or damaged row, never a traceback
            raise JournalError(f"record #{self.id}: its stored scenario is damaged ({_first_line(exc)}); "
                               "record the scenario again with 'allied record FILE'") from None


class Journal:
    """A forecast journal in one SQLite file."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"cannot open the journal {self.path}: {exc}; give a writable --journal PATH") from None
        try:
            con.execute("PRAGMA foreign_keys = ON")
            con.executescript(SCHEMA)
            yield con
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"{self.path} is not a usable journal ({exc}); give another --journal PATH") from None
        finally:
            con.close()

    # --- writing -------------------------------------------------------------------------------
    def find_duplicate(self, digest: str, models: list[str], samples: int, seed: int) -> int | None:
        """The id of an earlier record of the same content, models, samples and seed, if any."""
        with self._connect() as con:
            rows = con.execute("SELECT id, models FROM records WHERE scenario_hash = ? AND samples = ? AND seed = ? "
                               "ORDER BY id", (digest, samples, seed)).fetchall()
        for rid, mj in rows:
            if sorted(json.loads(mj)) == sorted(models):
                return int(rid)
        return None

    def add(self, sc: Any, fs: ForecastSet, *, source: str | None = None, note: str | None = None) -> int:
        """Store a record in one transaction; returns its id."""
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        digest = scenario_hash(sc)
        sj = json.dumps(sc.model_dump(mode="json", by_alias=True), sort_keys=True, ensure_ascii=False, default=str)
        blob = _samples_parquet(fs) if fs.samples > 0 else None
        pause = float(os.environ.get(_PAUSE_ENV, "0") or 0)
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                cur = con.execute(
                    "INSERT INTO records (created, version, scenario_id, scenario_hash, as_of, source, note, models,"
                    " samples, seed, scenario_json) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (created, allied_version(), sc.id, digest, None if sc.as_of is None else str(sc.as_of), source,
                     note, json.dumps(fs.params, sort_keys=True, default=str), fs.samples, fs.seed, sj))
                rid = int(cur.lastrowid or 0)
                if pause > 0:  # the SIGKILL test: say we are inside the transaction, then wait to be killed
                    Path(str(self.path) + ".test-paused").touch()
                    time.sleep(pause)
                for model, issues in fs.models.items():
                    for issue, f in issues.items():
                        q = None if f.samples is None else json.dumps(quantiles(f.samples))
                        con.execute("INSERT INTO forecasts (record_id, model, issue, point, quantiles) "
                                    "VALUES (?,?,?,?,?)",
                                    (rid, model, issue, float(f.point), q))
                if blob is not None:
                    con.execute("INSERT INTO samples (record_id, parquet) VALUES (?, ?)", (rid, blob))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return rid

    # --- reading -------------------------------------------------------------------------------
    def records(self) -> list[Record]:
        if not self.path.exists():
            return []
        with self._connect() as con:
            rows = con.execute("SELECT id, created, version, scenario_id, scenario_hash, as_of, source, note, models, "
                               "samples, seed, scenario_json FROM records ORDER BY id").fetchall()
        return [self._record(r) for r in rows]

    def _record(self, r: tuple[Any, ...]) -> Record:
        """A stored row as a :class:`Record`; a damaged row is a located error, never a traceback."""
        try:
            models = json.loads(r[8])
            if not isinstance(models, dict) or not isinstance(r[9], int) or not isinstance(r[10], int):
                raise ValueError("models must be a JSON object, samples and seed integers")
        except ValueError as exc:
            raise JournalError(f"{self.path}: record #{r[0]} is damaged ({_first_line(exc)}); remove it or give "
                               "another --journal PATH") from None
        return Record(*r[:8], models, *r[9:])  # type: ignore[call-arg]

    def get(self, ref: str | int) -> Record:
        """A record by id, or by a unique prefix of its scenario hash (the latest such record)."""
        recs = self.records()
        s = str(ref).strip()
        hit = [r for r in recs if s.isdigit() and r.id == int(s)]
        if not hit and len(s) >= 6:
            hit = [r for r in recs if r.scenario_hash.startswith(s.lower())][-1:]
        if not hit:
            have = ", ".join(str(r.id) for r in recs[-10:]) or "none"
            raise JournalError(f"no record '{ref}' in {self.path} (latest ids: {have}); "
                               "list them with 'allied journal'")
        return hit[0]

    def forecasts(self, rec: Record) -> ForecastSet:
        """The stored forecasts of a record, with samples when it has them."""
        with self._connect() as con:
            rows = con.execute("SELECT model, issue, point FROM forecasts WHERE record_id = ? ORDER BY rowid",
                               (rec.id,)).fetchall()
            blob = con.execute("SELECT parquet FROM samples WHERE record_id = ?", (rec.id,)).fetchone()
        where = f"{self.path}: record #{rec.id}"
        try:
            samples = _read_samples(blob[0]) if blob else {}
        except Exception as exc:  # pyarrow raises its own types on a damaged blob
            raise JournalError(f"{where}: its samples cannot be read ({_first_line(exc)}); "
                               "record the scenario again with 'allied record FILE'") from None
        models: dict[str, dict[str, IssueForecast]] = {}
        for model, issue, pt in rows:
            if not isinstance(pt, int | float) or not np.isfinite(pt):
                raise JournalError(f"{where}: the forecast of {model} on {issue} is not a finite number ({pt!r}); "
                                   "record the scenario again with 'allied record FILE'")
            models.setdefault(model, {})[issue] = IssueForecast(float(pt), samples.get((model, issue)))
        return ForecastSet(models, rec.models, rec.samples, rec.seed)

    def quantile_table(self, rec: Record) -> list[dict[str, Any]]:
        with self._connect() as con:
            rows = con.execute("SELECT model, issue, point, quantiles FROM forecasts WHERE record_id = ? "
                               "ORDER BY rowid",
                               (rec.id,)).fetchall()
        return [{"model": m, "issue": i, "point": p, **(json.loads(q) if q else {})} for m, i, p, q in rows]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _samples_parquet(fs: ForecastSet) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    model: list[str] = []
    issue: list[str] = []
    sample: list[np.ndarray] = []
    value: list[np.ndarray] = []
    for m, issues in fs.models.items():
        for i, f in issues.items():
            if f.samples is None:
                continue
            n = len(f.samples)
            model += [m] * n
            issue += [i] * n
            sample.append(np.arange(n, dtype=np.int64))
            value.append(np.asarray(f.samples, dtype=float))
    table = pa.table({"model": model, "issue": issue,
                      "sample": np.concatenate(sample) if sample else np.zeros(0, np.int64),
                      "forecast": np.concatenate(value) if value else np.zeros(0)})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _read_samples(blob: bytes) -> dict[tuple[str, str], np.ndarray]:
    import pyarrow.parquet as pq

    t = pq.read_table(io.BytesIO(blob)).to_pandas()
    return {(str(m), str(i)): g.sort_values("sample")["forecast"].to_numpy(float)
            for (m, i), g in t.groupby(["model", "issue"], sort=False)}
