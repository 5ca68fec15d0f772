"""The run store (DESIGN §6): one folder per sweep.

``RUNDIR/run.json`` holds the scenario hash, the parameters, the seed and the code version;
``RUNDIR/samples/part-NNNNN.parquet`` holds chunk ``NNNNN`` (samples ``NNNNN*chunk .. +chunk-1``), one row
per sample and output key with an integer column ``sample``. Each part is written to a temporary file in
the same folder and moved into place with :func:`os.replace`, so a killed sweep leaves only whole parts;
``--resume`` skips the parts that exist and refuses a run whose scenario or parameters changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allied.errors import SweepError
from allied.scenario.model import Scenario

if TYPE_CHECKING:  # loaded when a part is written or read, not with the store
    import pandas as pd
    import pyarrow as pa

RUN_FILE = "run.json"
PART_RE = re.compile(r"^part-(\d{5,})\.parquet$")


def scenario_hash(sc: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (independent of file format, key order and comments)."""
    data = sc.model_dump(mode="json", by_alias=True)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def allied_home() -> Path:
    """``$ALLIED_HOME``, else ``~/.allied``."""
    env = os.environ.get("ALLIED_HOME")
    return Path(env).expanduser() if env else Path.home() / ".allied"


@dataclass
class RunStore:
    """A sweep's folder."""

    root: Path

    @property
    def run_file(self) -> Path:
        return self.root / RUN_FILE

    @property
    def samples(self) -> Path:
        return self.root / "samples"

    def part_path(self, chunk: int) -> Path:
        return self.samples / f"part-{chunk:05d}.parquet"

    def exists(self) -> bool:
        return self.run_file.exists()

    def read_meta(self) -> dict[str, Any]:
        try:
            data = json.loads(self.run_file.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise SweepError(f"--out {self.root}: cannot read {RUN_FILE} ({exc}); choose another --out") from None
        if not isinstance(data, dict):
            raise SweepError(f"--out {self.root}: {RUN_FILE} is not a sweep record; choose another --out")
        return data

    def prepare(self, meta: dict[str, Any], resume: bool, dry_run: bool = False, force: bool = False) -> set[int]:
        """Create or reopen the folder for ``meta``; returns the chunks already finished.

        With ``dry_run`` only the checks run (nothing is written). Resuming a run that another Allied version
        started is refused unless ``force`` (its parts could mix two versions' numbers)."""
        if self.root.exists() and not self.root.is_dir():
            raise SweepError(f"--out {self.root} is a file, not a folder; give a folder for the run")
        if self.exists():
            old = self.read_meta()
            if old.get("scenario_hash") != meta["scenario_hash"]:
                what = f"scenario '{old.get('scenario')}'" if old.get("scenario") != meta["scenario"] else \
                    f"a different version of scenario '{meta['scenario']}'"
                verb = "refusing to resume: the scenario changed since this run started" if resume else \
                    f"--out {self.root} already holds a run of {what}"
                raise SweepError(f"{verb} (hash {str(old.get('scenario_hash'))[:12]} there, "
                                 f"{meta['scenario_hash'][:12]} now); choose another --out")
            if not resume:
                raise SweepError(f"--out {self.root} already holds a run of this scenario; "
                                 f"add --resume to continue it or choose another --out")
            if old.get("version") != meta.get("version") and not force:
                raise SweepError(f"refusing to resume {self.root}: the run was started by Allied "
                                 f"{old.get('version')} and this is Allied {meta.get('version')}, so one run would "
                                 f"mix both versions' numbers; start a new run (another --out), or add --force to "
                                 f"continue it anyway")
            check_meta(old, self.root)
            changed = [k for k in ("model", "target", "parameters", "seed", "samples", "chunk_size", "inputs")
                       if k in meta and _norm(old.get(k)) != _norm(meta[k])]
            if changed:
                diffs = "; ".join(f"{k}: {json.dumps(old.get(k))} there, {json.dumps(meta[k])} now" for k in changed)
                raise SweepError(f"refusing to resume {self.root}: {diffs}; rerun with the run's own settings "
                                 f"or choose another --out")
            if dry_run:
                return self.finished()
            self._clean_tmp()
            return self.verified(int(meta["samples"]), int(meta["chunk_size"]))
        if self.root.is_dir() and any(p.name != "samples" for p in self.root.iterdir()):
            raise SweepError(f"--out {self.root} holds other files and no {RUN_FILE}; give a new or empty folder "
                             f"for the run")
        if dry_run:
            return set()
        try:
            self.samples.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.run_file, json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n")
        except OSError as exc:
            raise SweepError(f"cannot write the run to --out {self.root}: {exc.strerror or exc}; "
                             f"choose a folder you can write to") from None
        return set()

    def _clean_tmp(self) -> None:
        if not self.samples.is_dir():
            self.samples.mkdir(parents=True, exist_ok=True)
        for p in self.samples.glob("*.tmp*"):
            p.unlink(missing_ok=True)

    def finished(self) -> set[int]:
        if not self.samples.is_dir():
            return set()
        out = set()
        for p in self.samples.iterdir():
            m = PART_RE.match(p.name)
            if m:
                out.add(int(m.group(1)))
        return out

    def verified(self, samples: int, chunk_size: int) -> set[int]:
        """The finished chunks whose part is readable and holds exactly its own samples; any other part
        (truncated, empty, from another run, beyond the last chunk) is set aside as ``*.bad`` and recomputed."""
        import pyarrow.parquet as pq

        good = set()
        for k in sorted(self.finished()):
            path = self.part_path(k)
            start, stop = k * chunk_size, min(samples, (k + 1) * chunk_size)
            try:
                ids = pq.read_table(path, columns=["sample"]).column("sample").to_numpy()
                ok = start < stop and len(ids) > 0 and set(ids.tolist()) == set(range(start, stop))
            except Exception:  # any unreadable file: pyarrow raises several types (ArrowInvalid, OSError, …)
                ok = False
            if ok:
                good.add(k)
            else:
                os.replace(path, path.with_name(path.name + ".bad"))
        return good

    def write_part(self, chunk: int, table: pa.Table | pd.DataFrame) -> Path:
        """Write one chunk atomically (temporary file + ``os.replace``)."""
        import pyarrow.parquet as pq

        final = self.part_path(chunk)
        tmp = final.with_name(f"{final.name}.tmp{os.getpid()}")
        if not hasattr(table, "schema"):  # a pandas DataFrame (pandas is not loaded unless one was made)
            import pyarrow as pa

            table = pa.Table.from_pandas(table, preserve_index=False)
        pq.write_table(table, tmp)
        os.replace(tmp, final)  # atomic: readers and a resumed run see the whole part or none of it
        return final

    def update_meta(self, **changes: Any) -> None:
        meta = self.read_meta()
        meta.update(changes)
        atomic_write_text(self.run_file, json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n")

    def glob(self) -> str:
        return str(self.samples / "part-*.parquet")


#: run.json fields a resumed run relies on, with the check each must pass
_META_CHECKS = {
    "samples": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
    "chunk_size": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
    "seed": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "model": lambda v: isinstance(v, str) and v != "",
}


def check_meta(meta: dict[str, Any], root: Path) -> None:
    """Refuse a ``run.json`` whose fields have the wrong type (a damaged or hand-edited record)."""
    for key, ok in _META_CHECKS.items():
        if key in meta and not ok(meta[key]):
            raise SweepError(f"--out {root}: {RUN_FILE} has {key} = {json.dumps(meta[key])}, which is not valid "
                             f"(expected {'a name' if key == 'model' else 'a whole number'}); the record is damaged: "
                             "fix that field or choose another --out")


def _norm(v: Any) -> Any:
    return json.loads(json.dumps(v, sort_keys=True, default=str))


def atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)
