"""A rich progress bar on stderr: samples done, rate (samples/s) and time remaining."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Samples per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("? samples/s" if speed is None else f"{speed:,.0f} samples/s", style="progress.data.speed")


@contextmanager
def progress_bar(total: int, label: str, enabled: bool = True, done: int = 0) -> Iterator[Callable[[int], None]]:
    """Yields ``advance(n_samples)``; draws nothing when ``enabled`` is false."""
    if not enabled:
        yield lambda n: None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                   TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=False)
    with bar:
        task = bar.add_task(label, total=total, completed=done)
        yield lambda n: bar.advance(task, n)
