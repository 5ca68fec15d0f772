"""Sweeps from the browser: start one in the background, watch its progress, read its results from the
run store. The sweep layer does all the work; this module calls ``allied.sweeps.run`` on a background
thread (one worker, in this process) and reads what it writes to ``RUNDIR`` (``run.json`` and the Parquet
parts), so runs started from the CLI show here too.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from allied.errors import Problem
from allied.scenario import Scenario, ScenarioError
from allied.web import engines
from allied.web.render import page
from allied.web.store import valid_key

MAX_SAMPLES = 100_000
MAX_RUNNING = 2  # sweeps this server runs at once (each uses one core)
router = APIRouter()


@dataclass
class Job:
    """A sweep this server started."""

    name: str
    out: Path
    scenario: str
    model: str
    samples: int
    seed: int
    status: str = "running"  # running, done, failed
    error: str = ""
    started: float = field(default_factory=time.time)
    thread: threading.Thread | None = None


class Manager:
    """Background sweeps started by this server; the run folders on disk stay the record."""

    def __init__(self, runs_dir: Path) -> None:
        self.runs_dir = Path(runs_dir)
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def running(self) -> int:
        return sum(1 for j in self.jobs.values() if j.status == "running")

    def start(self, sc: Scenario, model: str, samples: int, seed: int) -> Job:
        from allied.sweeps import run

        self.runs_dir.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_\-]+", "-", f"{sc.id}-{model}").strip("-")[:60]
        name = f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
        job = Job(name, self.runs_dir / name, sc.id, model, samples, seed)

        def work() -> None:
            try:
                run(sc, model, samples, seed=seed, store=job.out, engine="local", workers=1)
                job.status = "done"
            except Exception as exc:  # shown on the run's page
                job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"

        job.thread = threading.Thread(target=work, name=f"sweep-{name}", daemon=True)
        with self._lock:
            self.jobs[name] = job
        job.thread.start()
        return job

    def folder(self, name: str) -> Path | None:
        """The run folder called ``name`` inside the runs folder (looked up by listing, never joined)."""
        if not valid_key(name) or not self.runs_dir.is_dir():
            return None
        return next((p for p in self.runs_dir.iterdir() if p.name == name and p.is_dir() and not p.is_symlink()),
                    None)

    def runs(self, scenario_id: str | None = None) -> list[dict[str, Any]]:
        """Every run folder (newest first) with its metadata and progress."""
        if not self.runs_dir.is_dir():
            return []
        out = []
        for p in self.runs_dir.iterdir():
            if not p.is_dir() or p.is_symlink() or not valid_key(p.name):
                continue
            info = self.progress(p)
            if info is not None and (scenario_id is None or info["scenario"] == scenario_id):
                out.append(info)
        return sorted(out, key=lambda r: str(r.get("created", "")), reverse=True)

    def progress(self, folder: Path) -> dict[str, Any] | None:
        """What a run folder says about itself, and what this server knows of it."""
        from allied.sweeps.store import RunStore

        store = RunStore(folder)
        job = self.jobs.get(folder.name)
        meta: dict[str, Any] = {}
        if store.exists():
            try:
                meta = json.loads(store.run_file.read_text("utf-8"))
            except (OSError, ValueError):
                meta = {}
            if not isinstance(meta, dict):
                meta = {}
        elif job is None:
            return None
        damaged = any(k in meta and _whole(meta[k]) is None for k in ("samples", "chunk_size"))
        n = _whole(meta.get("samples")) or (job.samples if job else 0)
        cs = _whole(meta.get("chunk_size")) or max(1, n)
        done = sum(min(cs, n - k * cs) for k in store.finished() if k * cs < n) if store.exists() else 0
        status = job.status if job is not None else str(meta.get("status") or "unfinished")
        if damaged:
            status = "damaged (run.json has fields of the wrong type)"
        if status == "running" and job is None:
            status = "unfinished"
        seconds = meta.get("seconds")
        keys = meta.get("keys")
        return {"name": folder.name, "scenario": str(meta.get("scenario", job.scenario if job else "")),
                "scenario_hash": str(meta.get("scenario_hash", "")),
                "model": str(meta.get("model", job.model if job else "")), "samples": n, "done": done,
                "seed": meta.get("seed", job.seed if job else None), "status": status,
                "error": job.error if job else "", "created": str(meta.get("created", "")),
                "seconds": seconds if isinstance(seconds, int | float) and not isinstance(seconds, bool) else None,
                "target": str(meta.get("target", "forecast")),
                "keys": [str(k) for k in keys] if isinstance(keys, list) else [],
                "percent": round(100 * done / n) if n else 0}


def _whole(v: Any) -> int | None:
    """``v`` if it is a whole number >= 1 (a run.json field), else None."""
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 1 else None


def manager(request: Request) -> Manager:
    return request.app.state.sweeps  # type: ignore[no-any-return]


@router.get("/scenarios/{key}/sweeps", response_class=HTMLResponse)
def sweeps_page(request: Request, key: str) -> HTMLResponse:
    from allied.web.pages import loaded

    entry, sc, problems = loaded(request, key)
    if sc is None:
        return page(request, "scenario.html", {"entry": entry, "sc": None, "problems": problems, "tab": "sweeps"},
                    status_code=422)
    return page(request, "sweeps.html", _context(request, entry, sc))


def _context(request: Request, entry: Any, sc: Scenario, **extra: Any) -> dict[str, Any]:
    models = engines.sweep_models()
    from allied.sweeps.store import scenario_hash

    runs = manager(request).runs(sc.id)
    here = scenario_hash(sc)
    for r in runs:  # a file and its working copies share the scenario id: say which version each run is of
        same = r.get("scenario_hash") == here
        r["version"] = "this version" if same else "another version (a copy or an earlier edit)"
    return {"entry": entry, "sc": sc, "tab": "sweeps", "models": models, "runs": runs,
            "form": {"model": models[0] if models else "", "samples": 1000, "seed": 0}, "errors": {},
            "available": True, **extra}


@router.post("/scenarios/{key}/sweeps")
async def start(request: Request, key: str) -> Response:
    """Start a sweep in the background and open its progress page."""
    from allied.web.pages import entry_of, store_of

    entry = entry_of(request, key)
    try:
        sc = await run_in_threadpool(store_of(request).scenario, entry)
    except ScenarioError:
        raise HTTPException(422, "This file does not load as a scenario; open it to see the problems, fix "
                                 "them, then start the sweep.") from None
    form = await request.form(max_files=0, max_fields=10)
    models = engines.sweep_models()
    raw = {k: str(form.get(k) or "").strip() for k in ("model", "samples", "seed")}
    errors: dict[str, Problem] = {}
    if raw["model"] not in models:
        errors["model"] = Problem(entry.key, "model", f"unknown model '{raw['model'][:40]}'",
                                  f"choose one of {', '.join(models)}")
    samples = seed = 0
    try:
        samples = int(raw["samples"])
        if not 1 <= samples <= MAX_SAMPLES:
            raise ValueError
    except ValueError:
        errors["samples"] = Problem(entry.key, "samples", f"'{raw['samples'][:20]}' is not a whole number from 1 "
                                    f"to {MAX_SAMPLES:,}", "larger sweeps: use allied sweep on the command line")
    try:
        seed = int(raw["seed"])
        if seed < 0:
            raise ValueError
    except ValueError:
        errors["seed"] = Problem(entry.key, "seed", f"'{raw['seed'][:20]}' is not a whole number >= 0",
                                 "give a seed such as 0 or 42")
    if not errors and raw["model"] == "protocol" and sc.protocol is None:
        from allied.protocols import require_section

        try:  # the same located message as `allied protocol` and the Protocols page
            require_section(sc)
        except ScenarioError as exc:
            errors["model"] = exc.problems[0]
    if not errors and manager(request).running() >= MAX_RUNNING:
        errors["model"] = Problem(entry.key, "model", f"{MAX_RUNNING} sweeps are already running",
                                  "wait for one to finish (their pages show the progress)")
    if errors:
        ctx = _context(request, entry, sc, errors=errors, form=raw)
        return page(request, "sweeps.html", ctx, status_code=422)
    job = manager(request).start(sc, raw["model"], samples, seed)
    return RedirectResponse(f"/sweeps/{job.name}", status_code=303)


def _run(request: Request, name: str) -> tuple[Path, dict[str, Any]]:
    folder = manager(request).folder(name)
    info = manager(request).progress(folder) if folder is not None else None
    if folder is None or info is None:
        job = manager(request).jobs.get(name) if valid_key(name) else None
        if job is None:
            raise HTTPException(404, "No such sweep in this server's runs folder.")
        folder, info = job.out, {"name": name, "scenario": job.scenario, "model": job.model, "samples": job.samples,
                                 "done": 0, "seed": job.seed, "status": job.status, "error": job.error,
                                 "percent": 0, "keys": [], "target": "forecast", "created": "", "seconds": None}
    return folder, info


@router.get("/sweeps/{name}", response_class=HTMLResponse)
def run_page(request: Request, name: str) -> HTMLResponse:
    folder, info = _run(request, name)
    return page(request, "sweep_run.html", {"run": info, "res": _results(folder, info)})


@router.get("/sweeps/{name}/status", response_class=HTMLResponse)
def run_status(request: Request, name: str) -> HTMLResponse:
    folder, info = _run(request, name)
    return page(request, "_sweep_status.html", {"run": info, "res": _results(folder, info)})


def _results(folder: Path, info: dict[str, Any]) -> engines.Section | None:
    if info["status"] == "running" or not info["done"]:
        return None
    return engines.sweep_results(folder, info)
