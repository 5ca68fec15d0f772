"""The scenarios the web app can see: the built-ins (read-only) and the files of one user folder.

No path from a request reaches the filesystem: a request names a scenario by a *key*, and a key is only
ever looked up in a table this module builds by listing the folder itself (built-in name, or a plain
file name inside the folder). New files (uploads, working copies) get names this module makes up from
a sanitised stem, and are written with ``os.replace`` from a private temporary folder inside the
scenarios folder, so they never overwrite anything and never land outside it.
"""

from __future__ import annotations

import dataclasses
import os
import re
import secrets
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allied.errors import Problem
from allied.scenario import Scenario, ScenarioError, builtin_names, detect
from allied.scenario.editing import mark_edit
from allied.scenario.load import load, load_data
from allied.scenario.overrides import apply_overrides
from allied.scenario.validate import from_data
from allied.scenario.writer import to_yaml

#: file endings the folder listing shows (every other file is ignored)
SUFFIXES = (".yaml", ".yml", ".csv", ".tsv", ".txt", ".xlsx")
#: suffix of working copies (the only files the stance editor writes to)
WORK = ".work"
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
_TMP = ".allied-tmp"
_WORKCOPY = re.compile(r"\.work(\.yaml)?$")


def default_folder() -> Path:
    """``$ALLIED_HOME/scenarios``, else ``~/.allied/scenarios``."""
    home = os.environ.get("ALLIED_HOME")
    return (Path(home) if home else Path.home() / ".allied") / "scenarios"


def valid_key(key: str) -> bool:
    """A key is a plain name: letters, digits, ``_ . -``; no separators, no leading dot, no ``..``."""
    return bool(_KEY.match(key)) and ".." not in key


def sanitise(name: str, default: str = "scenario") -> str:
    """A safe file stem from a client-supplied file name (base name only, no dots at the ends)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"\.(ya?ml|csv|tsv|txt|xlsx)$", "", base, flags=re.IGNORECASE)
    stem = re.sub(r"[^A-Za-z0-9_\-]+", "-", base)
    stem = re.sub(r"-{2,}", "-", stem).strip("-_.")[:60].strip("-_.")
    return stem or default


@dataclass(frozen=True)
class Entry:
    """One scenario the app lists."""

    key: str  # what URLs use: a built-in name or a file name in the folder
    builtin: bool
    path: Path | None  # the file (None for built-ins)

    @property
    def editable(self) -> bool:
        """Working copies are edited in place; everything else is copied first."""
        return not self.builtin and _WORKCOPY.search(self.key) is not None


@dataclass
class Listed:
    """An entry with what the listing shows (title and id, or the problems that stop it loading)."""

    entry: Entry
    title: str
    scenario_id: str
    problems: list[Problem]


class Store:
    """Built-ins plus one folder of user scenarios."""

    def __init__(self, folder: Path | str | None = None, history: int | None = None) -> None:
        from allied.web.history import History

        self.folder = Path(folder) if folder is not None else default_folder()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder = self.folder.resolve()
        self.history = History(self.folder, history)  # every save keeps the previous version
        self._cache: dict[tuple[str, int, int], Scenario | ScenarioError] = {}
        self._write_lock = threading.Lock()  # one read-modify-write of a file at a time

    # --- listing and look-up --------------------------------------------------------------------
    def entries(self) -> list[Entry]:
        out = [Entry(n, True, None) for n in builtin_names()]
        files = []
        for p in self.folder.iterdir():
            if p.name.startswith(".") or not p.name.lower().endswith(SUFFIXES) or not valid_key(p.name):
                continue
            if p.is_symlink() or not p.is_file():
                continue
            files.append(Entry(p.name, False, p))
        return out + sorted(files, key=lambda e: e.key.lower())

    def get(self, key: str) -> Entry | None:
        """The entry named ``key``, or None (also for anything that is not a plain listed name)."""
        if not valid_key(key):
            return None
        return next((e for e in self.entries() if e.key == key), None)

    def scenario(self, entry: Entry) -> Scenario:
        """The validated scenario (cached by file size and time); raises ScenarioError."""
        if entry.builtin:
            ck = (entry.key, -1, -1)  # built-ins are package data: they never change while we run
        else:
            assert entry.path is not None
            try:
                st = entry.path.stat()
            except OSError:
                raise ScenarioError([Problem(entry.key, "(file)", "the file is no longer in the scenarios folder",
                                             "go back to the list of scenarios")]) from None
            ck = (entry.key, st.st_mtime_ns, st.st_size)
        hit = self._cache.get(ck)
        if hit is None:
            try:
                hit = _builtin(entry.key) if entry.builtin or entry.path is None else load(entry.path)
            except ScenarioError as exc:
                hit = ScenarioError([_rename(p, entry.key) for p in exc.problems])
            except Exception as exc:  # a reader bug must not take the page down
                hit = ScenarioError([Problem(entry.key, "(file)", f"the file could not be read "
                                             f"({type(exc).__name__}: {exc})",
                                             "check that it is an Allied scenario or a supported table")])
            for stale in [k for k in self._cache if k[0] == entry.key]:  # keep one version per file
                self._cache.pop(stale, None)
            self._cache[ck] = hit
        if isinstance(hit, ScenarioError):
            raise hit
        return hit

    def listing(self) -> list[Listed]:
        out = []
        for e in self.entries():
            try:
                sc = self.scenario(e)
                out.append(Listed(e, sc.title, sc.id, []))
            except ScenarioError as exc:
                out.append(Listed(e, "(does not load)", "", exc.problems))
        return out

    # --- writing ------------------------------------------------------------------------------
    def _free_name(self, stem: str, suffix: str) -> str:
        """``stem + suffix``, or ``stem-2 + suffix``, … : a name no file in the folder has."""
        taken = {p.name.lower() for p in self.folder.iterdir()}
        name, n = f"{stem}{suffix}", 2
        while name.lower() in taken:
            name, n = f"{stem}-{n}{suffix}", n + 1
        return name

    def _tmpdir(self) -> Path:
        root = self.folder / _TMP
        root.mkdir(exist_ok=True)
        return Path(tempfile.mkdtemp(dir=root))

    def _commit(self, tmp_file: Path, name: str) -> Entry:
        """Move a finished file into the folder under ``name`` without overwriting anything."""
        target = self.folder / name
        assert target.parent == self.folder and valid_key(name)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # claim the name
        os.close(fd)
        os.replace(tmp_file, target)
        return Entry(name, False, target)

    def save_upload(self, filename: str, raw: bytes) -> Entry:
        """Validate an uploaded file exactly as the CLI would, then store it under a sanitised name."""
        stem = sanitise(filename)
        shown = stem
        if raw[:4] == b"PK\x03\x04":  # a zip: read as an .xlsx workbook (anything else fails with a message)
            suffix = ".xlsx"
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                raise ScenarioError([Problem(filename or "upload", "(encoding)", "the file is not valid UTF-8 text",
                                             "save it as UTF-8 (or check it is a text file)", line)]) from None
            fmt = detect(text)
            suffix = {"yaml": ".yaml", "exchange-tsv": ".tsv"}.get(fmt, ".csv")
        name = self._free_name(stem, suffix)
        tmp = self._tmpdir()
        try:
            path = tmp / name
            path.write_bytes(raw)
            try:
                load(path)
            except ScenarioError as exc:
                raise ScenarioError([_rename(p, filename or shown) for p in exc.problems]) from None
            except Exception as exc:  # a reader bug must still answer as bad input, not as a crash
                raise ScenarioError([Problem(filename or shown, "(file)", f"the file could not be read "
                                             f"({type(exc).__name__}: {exc})",
                                             "check that it is an Allied scenario or a supported table")]) from None
            for _ in range(100):  # a parallel upload may claim the same free name first: pick again
                try:
                    return self._commit(path, name)
                except FileExistsError:
                    name = self._free_name(stem, suffix)
            raise ScenarioError([Problem(filename or shown, "(file)", "no free name for the file after 100 tries",
                                         "rename the file and upload it again", kind="busy")])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def working_copy(self, entry: Entry) -> Entry:
        """A new editable YAML copy of ``entry`` in the folder (built-ins are never written to)."""
        sc = self.scenario(entry)
        stem = sanitise(entry.key if entry.builtin else _WORKCOPY.sub("", entry.key.rsplit(".", 1)[0]))
        text = to_yaml(sc)
        for _ in range(100):  # another request may claim the free name first (parallel copies): pick again
            try:
                return self._write(self._free_name(stem, f"{WORK}.yaml"), text, new=True)
            except FileExistsError:
                continue
        raise ScenarioError([Problem(entry.key, "(file)", "no free name for a working copy after 100 tries",
                                     "delete some working copies, then copy again", kind="busy")])

    def _write(self, name: str, text: str, new: bool) -> Entry:
        tmp = self._tmpdir()
        try:
            path = tmp / f"{secrets.token_hex(4)}.yaml"
            path.write_text(text, encoding="utf-8")
            if new:
                return self._commit(path, name)
            target = self.folder / name
            assert target.parent == self.folder and valid_key(name)
            self.history.keep(target)
            os.replace(path, target)
            return Entry(name, False, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def edit(self, entry: Entry, assignments: Sequence[str] = (), stances: dict[tuple[str, str], dict[str, Any]]
             | None = None) -> Scenario:
        """Change a working copy and save it: ``--set`` style assignments and/or new stance fields
        ``{(actor, issue): {"position": value, ...}}``. Raises ScenarioError, leaving the file untouched,
        when the result does not validate."""
        if not entry.editable or entry.path is None:
            raise ScenarioError([Problem(entry.key, "(file)", "this scenario is not a working copy",
                                         "make a working copy first; built-ins are never changed")])
        with self._write_lock:
            return self._edit(entry, assignments, stances or {})

    def _edit(self, entry: Entry, assignments: Sequence[str], stances: dict[tuple[str, str], dict[str, Any]]
              ) -> Scenario:
        assert entry.path is not None
        data, lines, _ = load_data(entry.path)
        new = apply_overrides(data, list(assignments), entry.key)
        for (actor, issue), fields in stances.items():
            found = next((st for st in new.get("stances", []) if isinstance(st, dict)
                          and str(st.get("actor")) == actor and str(st.get("issue")) == issue), None)
            if found is None:
                raise ScenarioError([Problem(entry.key, f"stances.{actor}.{issue}",
                                             f"no stance of actor '{actor}' on issue '{issue}'",
                                             "edit one of the stances listed")])
            for name, value in fields.items():  # a quoted figure moved away from its quote is marked
                old, found[name] = found.get(name), value
                mark_edit(found, name, old, value)
        try:
            sc = from_data(new, lines, entry.key)
        except ScenarioError as exc:
            raise ScenarioError([_rename(p, entry.key) for p in exc.problems]) from None
        self._write(entry.key, to_yaml(sc), new=False)
        return sc


def _builtin(name: str) -> Scenario:
    """A built-in scenario from the package data itself (never a file of the same name in the current
    folder, which ``load(name)`` would prefer)."""
    from allied.scenario.load import builtin_text
    from allied.scenario.yamlio import load_yaml

    label = f"<built-in {name}>"
    data, lines = load_yaml(builtin_text(name), label)
    return from_data(data, lines, label)


def _rename(p: Problem, shown: str) -> Problem:
    """The same problem, naming the file as the user knows it (not our temporary path); a workbook's cell
    (``…!stances!D14``) is kept."""
    cell = p.file[p.file.index("!"):] if "!" in p.file and "!" not in shown else ""
    return dataclasses.replace(p, file=shown + cell)
