"""Previous versions of the files the web app writes: every save first keeps the file as it was, so the
last change can be undone (byte for byte) and any two versions compared.

Versions of ``NAME`` live in ``<scenarios>/.allied-history/NAME/000001.yaml`` … (numbered, oldest first);
the newest ``keep`` are kept (``allied serve --history N`` or ``$ALLIED_HISTORY``, default 20). Every file
is written to a temporary name in the same folder and moved into place with ``os.replace``, so a crash
leaves either the old or the new file, never half of one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_KEEP = 20
ROOT = ".allied-history"


def default_keep() -> int:
    raw = os.environ.get("ALLIED_HISTORY", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_KEEP


@dataclass(frozen=True)
class Version:
    number: int
    path: Path
    saved: dt.datetime
    size: int


def atomic_write(target: Path, raw: bytes) -> None:
    """Write ``raw`` to ``target`` through a temporary file in the same folder and ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class History:
    """The kept versions of the files of one folder."""

    def __init__(self, folder: Path, keep: int | None = None) -> None:
        self.root = folder / ROOT
        self.keep_n = keep if keep is not None else default_keep()

    def _dir(self, name: str) -> Path:
        assert "/" not in name and not name.startswith(".")
        return self.root / name

    def versions(self, name: str) -> list[Version]:
        d = self._dir(name)
        if not d.is_dir():
            return []
        out = []
        for p in d.iterdir():
            if p.suffix == ".yaml" and p.stem.isdigit():
                st = p.stat()
                out.append(Version(int(p.stem), p, dt.datetime.fromtimestamp(st.st_mtime), st.st_size))
        return sorted(out, key=lambda v: v.number)

    def keep(self, target: Path) -> None:
        """Keep ``target`` as it is now as the newest version (nothing when it does not exist yet)."""
        if not target.is_file():
            return
        d = self._dir(target.name)
        d.mkdir(parents=True, exist_ok=True)
        vs = self.versions(target.name)
        n = vs[-1].number + 1 if vs else 1
        atomic_write(d / f"{n:06d}.yaml", target.read_bytes())
        for old in vs[: max(0, len(vs) + 1 - self.keep_n)]:
            old.path.unlink(missing_ok=True)

    def undo(self, target: Path) -> bool:
        """Put the newest kept version back in place of ``target`` (and drop it from the history)."""
        vs = self.versions(target.name)
        if not vs:
            return False
        atomic_write(target, vs[-1].path.read_bytes())
        vs[-1].path.unlink()
        return True

    def text(self, target: Path, which: str) -> str | None:
        """The text of version ``which`` (a number, or ``current``)."""
        if which == "current":
            return target.read_text("utf-8") if target.is_file() else None
        if not which.isdigit():
            return None
        p = self._dir(target.name) / f"{int(which):06d}.yaml"
        return p.read_text("utf-8") if p.is_file() else None

    def diff(self, target: Path, a: str, b: str) -> list[str] | None:
        """Unified diff lines from version ``a`` to ``b`` (None when either is missing)."""
        ta, tb = self.text(target, a), self.text(target, b)
        if ta is None or tb is None:
            return None
        return list(difflib.unified_diff(ta.splitlines(), tb.splitlines(), f"version {a}", f"version {b}",
                                         lineterm=""))
