"""Sweeps from the browser: start one in the background, watch its progress, read its results from the
run store. The sweep engine (:mod:`allied.sweep`) does the work; this module only starts it on a
background thread and reads what it wrote."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter


class Manager:
    """Background sweeps started by this server (the run store on disk stays the record)."""

    def __init__(self, runs_dir: Path) -> None:
        self.runs_dir = Path(runs_dir)


router = APIRouter()
