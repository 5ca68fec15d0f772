"""Where chunks run: a ``concurrent.futures.Executor`` (DESIGN §6).

``local``: the standard library's process pool, forked from the sweep's process (in-process when one worker
is asked for, which is also what tests use; :mod:`allied.sweeps.schedule` decides how many a sweep needs);
``dask``: ``Client.get_executor()`` on a ``LocalCluster`` started here, or on an existing scheduler at
``--scheduler ADDR`` (dask-jobqueue, dask-kubernetes; see ``docs/scaling.md``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from allied.errors import SweepError


class SerialExecutor(Executor):
    """Runs each call at submission, in this process (one worker, no pickling, no start-up cost)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future, like a pool does
            fut.set_exception(exc)
        return fut


def _worker_init(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, which stops the sweep cleanly (finished parts stay), and exit
    when the parent dies: a sweep killed with SIGKILL cannot shut its pool down, so each worker watches
    its parent process (its parent id changes when the parent is gone) and leaves within half a second."""
    import signal
    import threading
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)  # no clean-up to run: the parent that would receive results is gone

    threading.Thread(target=watch, name="allied-parent-watch", daemon=True).start()


def _fork_context() -> Any:
    """Fork on Linux (Python 3.14 made forkserver the default there): workers start as copies of a parent that
    has already imported and run the engine (:func:`allied.sweeps.schedule.probe`), so they import and
    compile nothing. Elsewhere the platform's default (spawn on macOS and Windows)."""
    import multiprocessing
    import sys

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


@contextmanager
def open_executor(engine: str = "local", workers: int | None = None, scheduler: str | None = None,
                  timeout: float = 10.0, processes: bool = True) -> Iterator[Executor]:
    """An executor for ``engine`` (``local`` or ``dask``); closed (cluster too) on exit."""
    if workers is not None and workers < 1:
        raise SweepError(f"--workers must be 1 or more (got {workers})")
    if engine == "local":
        if scheduler:
            raise SweepError("--scheduler needs --engine dask")
        n = workers or default_workers()
        if n == 1:
            yield SerialExecutor()
            return
        with ProcessPoolExecutor(max_workers=n, initializer=_worker_init, initargs=(os.getpid(),),
                                 mp_context=_fork_context()) as ex:
            # start the workers now, before the progress bar's thread exists (forking a threaded process can
            # copy a held lock into the child)
            ex.submit(int).result()
            yield ex
        return
    if engine != "dask":
        raise SweepError(f"--engine must be 'local' or 'dask' (got '{engine}')")
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is a declared dependency
        raise SweepError("--engine dask needs the 'distributed' package: pip install 'dask[distributed]'") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SweepError(f"cannot reach the Dask scheduler at '{scheduler}' within {timeout:g} s ({exc}); "
                             f"check the address (e.g. tcp://host:8786) and that the scheduler is running") from None
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
        return
    n = workers or default_workers()
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client.get_executor(pure=False)
