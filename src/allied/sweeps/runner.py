"""Monte Carlo sweeps: chunks of samples through an engine's batched kernel on an executor, into the run store.

Chunk ``k`` holds samples ``k*chunk .. (k+1)*chunk-1``; each is computed by :func:`run_chunk` (in a worker),
handed back as a table and written atomically by this process as ``samples/part-k.parquet``. Chunks are
submitted a few at a time, so memory stays at a handful of chunks whatever ``N`` is.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from allied.errors import SweepError
from allied.scenario.model import Scenario
from allied.sweeps.engines import get_engine
from allied.sweeps.executors import default_workers, open_executor
from allied.sweeps.inputs import InputSpace, scenario_inputs
from allied.sweeps.limits import MAX_CHUNKS, check_sweep_options
from allied.sweeps.store import RunStore, allied_home, check_meta, scenario_hash

if TYPE_CHECKING:  # pandas only for SweepResult.frame(); pyarrow loads when the first part is built
    import pandas as pd
    import pyarrow as pa

#: default chunk bounds (samples): kernels have a fixed cost per call, so chunks should be coarse (>= 0.5 s);
#: memory per chunk: see docs/scaling.md
MIN_CHUNK, MAX_CHUNK = 1000, 10_000


def default_chunk_size(samples: int) -> int:
    """About 16 chunks of :data:`MIN_CHUNK` to :data:`MAX_CHUNK` samples (independent of the worker count,
    so a run can be resumed with another one)."""
    return max(1, min(samples, max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(samples / 16)))))


def chunk_bounds(samples: int, chunk_size: int) -> list[tuple[int, int, int]]:
    """``(chunk, start, stop)`` for every chunk."""
    return [(k, s, min(samples, s + chunk_size)) for k, s in enumerate(range(0, samples, chunk_size))]


@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs for one chunk (picklable)."""

    scenario: Scenario
    space: InputSpace
    model: str
    params: dict[str, Any]
    rounds: int | None
    issues: list[str] | None
    seed: int
    chunk: int
    start: int
    stop: int
    write_to: str | None = None  # a run folder the worker can write to itself (local pools), else None


def run_chunk(task: ChunkTask) -> tuple[int, pa.Table | int]:
    """Compute one chunk: draw its samples from their own streams and evaluate them. Returns the long table,
    or, when ``task.write_to`` is set, writes the part there atomically and returns the number of samples
    (local workers share the disk, so the table need not travel back through a pipe)."""
    engine = get_engine(task.model, task.params, task.rounds, task.issues)
    draw = task.space.sample(task.seed, task.start, task.stop, keep_streams=True)
    keys, cols = engine.evaluate(task.scenario, draw)
    assert draw.sample_ids is not None
    table = long_table(draw.sample_ids, keys, cols)
    if task.write_to is None:
        return task.chunk, table
    RunStore(Path(task.write_to)).write_part(task.chunk, table)
    return task.chunk, draw.n


def long_table(sample_ids: np.ndarray, keys: Sequence[str], cols: dict[str, np.ndarray]) -> pa.Table:
    """One row per sample and key: ``sample``, ``issue`` and every column, sample-major (an Arrow table)."""
    import pyarrow as pa

    n, k = len(sample_ids), len(keys)
    data: dict[str, Any] = {
        "sample": _arrow_numbers(np.repeat(np.asarray(sample_ids, dtype=np.int64), k)),
        "issue": _arrow_strings(list(keys), n),
    }
    for name, arr in cols.items():
        a = np.asarray(arr)
        if a.shape != (n, k):
            raise ValueError(f"engine column '{name}' has shape {a.shape}, expected {(n, k)}")
        data[name] = _arrow_numbers(a.reshape(-1))
    return pa.table(data)


# pyarrow's pa.array() asks pandas whether its argument is a pandas object, which imports pandas (~0.3 s in
# every worker); numeric numpy columns and the repeated keys are handed over as buffers instead, giving the
# same Arrow arrays (same type, no nulls, NaN kept as NaN like pa.array(..., from_pandas=False))
def _arrow_numbers(a: np.ndarray) -> Any:
    import pyarrow as pa

    if a.dtype.kind not in "iuf":  # booleans are bit-packed in Arrow, objects need conversion: the general way
        return pa.array(a)
    a = np.ascontiguousarray(a)
    return pa.Array.from_buffers(pa.from_numpy_dtype(a.dtype), len(a), [None, pa.py_buffer(a)])


def _arrow_strings(keys: list[str], repeat: int) -> Any:
    """``keys * repeat`` as an Arrow string array."""
    import pyarrow as pa

    enc = [key.encode("utf-8") for key in keys]
    lengths = np.tile(np.array([len(e) for e in enc], dtype=np.int64), repeat)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] >= 2**31:  # beyond 32-bit offsets: let pyarrow choose
        return pa.array(keys * repeat, type=pa.string())
    body = b"".join(enc) * repeat
    return pa.Array.from_buffers(pa.string(), len(lengths),
                                 [None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(body)])


@dataclass
class SweepResult:
    """What a sweep did; the samples stay on disk (:meth:`frame`, :meth:`relation`), or in memory when the
    run folder was a temporary one (``out`` is then ``None``)."""

    out: Path | None
    model: str
    target: str
    keys: list[str]
    samples_planned: int
    samples_done: int
    seconds: float
    summary: dict[str, dict[str, float | None]] = field(default_factory=dict)
    resumed_chunks: int = 0
    samples_frame: pd.DataFrame | None = field(default=None, repr=False)

    def frame(self) -> pd.DataFrame:
        """Every sample as a DataFrame (one row per sample and key), ordered by sample then key."""
        if self.samples_frame is not None:
            return self.samples_frame.copy()
        rel = self.relation()
        return rel.df()

    def keep_in_memory(self) -> None:
        """Read every sample into memory, so the run folder can go (``out`` becomes ``None``)."""
        self.samples_frame = self.frame()
        self.out = None

    def relation(self, con: Any = None) -> Any:
        """A DuckDB relation over the samples (ordered by sample): the Parquet parts, or the in-memory frame."""
        import duckdb

        con = con or duckdb.connect()
        if self.out is None:
            con.register("allied_samples", self.samples_frame)
            return con.sql("SELECT * FROM allied_samples")
        glob = str(self.out / "samples" / "part-*.parquet")
        return con.sql(f"SELECT * FROM read_parquet('{_sql_str(glob)}') ORDER BY sample, "
                       f"list_position({_sql_list(self.keys)}, issue)")

    def to_json(self) -> dict[str, Any]:
        """The ``sweep --format json`` object of DESIGN §5."""
        return {"out": None if self.out is None else str(self.out), "model": self.model, "target": self.target,
                "samples_planned": self.samples_planned, "samples_done": self.samples_done,
                "seconds": round(self.seconds, 3), "summary": {self.model: self.summary}}


def _sql_str(s: str) -> str:
    return s.replace("'", "''")


def _sql_list(keys: Sequence[str]) -> str:
    return "[" + ", ".join(f"'{_sql_str(k)}'" for k in keys) + "]"


def summarise(out: Path, target: str, keys: Sequence[str],
              shares: Mapping[str, str] | None = None) -> dict[str, dict[str, float | None]]:
    """mean, sd, p05, p50, p95 of ``target`` per key, over every stored sample (DuckDB on the Parquet,
    streaming, so memory does not grow with the number of samples); ``shares`` adds ``{name: mean of
    column}`` (the bargaining model's ``p_no_deal``)."""
    import duckdb

    glob = _sql_str(str(out / "samples" / "part-*.parquet"))
    con = duckdb.connect()
    con.execute("SET threads = 1")  # one ordered scan: the same samples give the same bits, however chunked
    try:
        rows = con.sql(
            f"SELECT issue, count(*), avg({target}), stddev_samp({target}), "
            f"quantile_cont({target}, [0.05, 0.5, 0.95]){''.join(f', avg({c})' for c in (shares or {}).values())} "
            f"FROM read_parquet('{glob}') GROUP BY issue").fetchall()
    except duckdb.Error as exc:
        raise SweepError(f"cannot read the samples in {out / 'samples'} ({str(exc).splitlines()[0]}); rerun with "
                         "--resume to check every part and recompute the damaged ones") from None
    stats = {r[0]: r for r in rows}
    res: dict[str, dict[str, float | None]] = {}
    for k in keys:
        if k not in stats:
            continue
        _, n, mean, sd, q, *extra = stats[k]
        res[k] = {"n": int(n), "mean": _f(mean), "sd": _f(sd), "p05": _f(q[0]), "p50": _f(q[1]), "p95": _f(q[2])}
        res[k].update({name: _f(v) for name, v in zip(shares or {}, extra, strict=True)})
    return res


def _load_summary_reader() -> None:
    """Import DuckDB (~0.1 s) for :func:`summarise` while workers compute the chunks."""
    import duckdb  # noqa: F401


def _f(v: Any) -> float | None:
    return None if v is None or not np.isfinite(v) else float(v)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("allied")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def default_out(sc: Scenario, model: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return allied_home() / "runs" / f"{sc.id}-{model}-{stamp}"


def run_sweep(
    sc: Scenario,
    model: str,
    samples: int,
    *,
    seed: int = 0,
    out: str | Path | None = None,
    resume: bool = False,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    params: dict[str, Any] | None = None,
    rounds: int | None = None,
    issues: Sequence[str] | None = None,
    timeout: float = 10.0,
    progress: bool = False,
    register: bool = True,
    force: bool = False,
) -> SweepResult:
    """Run ``samples`` samples of ``sc`` through ``model`` and store them (see the module docstring).

    ``executor`` overrides ``engine``/``workers``/``scheduler`` with any ``concurrent.futures.Executor``.
    """
    check_sweep_options(samples, seed, chunk_size)
    if workers is not None and workers < 1:
        raise SweepError(f"--workers must be 1 or more (got {workers})")
    if engine not in ("local", "dask"):
        raise SweepError(f"--engine must be 'local' or 'dask' (got '{engine}')")
    if engine == "local" and scheduler and executor is None:
        raise SweepError("--scheduler needs --engine dask")
    params = dict(params or {})
    eng = get_engine(model, params, rounds, issues)
    keys = eng.keys(sc)
    root = Path(out).expanduser() if out is not None else default_out(sc, model)
    store = RunStore(root.resolve())
    if chunk_size is None and resume and store.exists():
        old = store.read_meta()
        check_meta(old, store.root)
        chunk_size = int(old.get("chunk_size") or default_chunk_size(samples))
    cs = chunk_size or default_chunk_size(samples)
    if math.ceil(samples / cs) > MAX_CHUNKS:
        raise SweepError(f"--samples {samples:,} in chunks of {cs:,} makes {math.ceil(samples / cs):,} chunks (limit "
                         f"{MAX_CHUNKS:,}); give a larger --chunk-size")
    space = scenario_inputs(sc)
    meta: dict[str, Any] = {
        "format": 1, "out": str(store.root), "scenario": sc.id, "scenario_hash": scenario_hash(sc),
        "model": model, "target": eng.target, "keys": keys, "seed": int(seed), "samples": int(samples),
        "chunk_size": int(cs), "parameters": {"params": params, "rounds": rounds,
                                              "issues": list(issues) if issues else None},
        "inputs": space.names, "version": _version(), "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    finished = store.prepare(meta, resume, dry_run=True, force=force)  # refuse a bad --out before starting any worker
    if register:
        from allied.sweeps import registry

        registry.ensure()
    n_workers = (workers or 4) if executor is not None else (workers or default_workers())
    local_pool = engine == "local" and executor is None
    if local_pool:  # no more processes than chunks left to run
        n_workers = max(1, min(n_workers, sum(1 for c in chunk_bounds(samples, cs) if c[0] not in finished)))
    with ExitStack() as stack:
        ex = executor
        if ex is None and not local_pool:  # a Dask scheduler that cannot be reached fails before the run folder exists
            ex = stack.enter_context(open_executor(engine, workers, scheduler, timeout))
        done_chunks = store.prepare(meta, resume, force=force)
        chunks = chunk_bounds(samples, cs)
        todo = [c for c in chunks if c[0] not in done_chunks]
        already = sum(stop - start for k, start, stop in chunks if k in done_chunks)
        if register:
            from allied.sweeps import registry

            registry.record_start(meta, "custom" if executor is not None else engine, n_workers)
        t0 = time.perf_counter()
        status = "failed"
        done = already
        try:
            if ex is None:
                n_workers = _local_workers(eng, sc, space, int(seed), todo, n_workers, auto=workers is None)
                if register:
                    registry.record_workers(meta["out"], n_workers)
                ex = stack.enter_context(open_executor("local", n_workers))
            from allied.sweeps.progress import progress_bar

            with progress_bar(samples, f"{sc.id} · {model}", enabled=progress, done=already) as advance:
                def on_part(k: int, result: pa.Table | int) -> None:
                    nonlocal done
                    if isinstance(result, int):  # the worker wrote the part itself
                        n = result
                    else:
                        store.write_part(k, result)
                        n = len(np.unique(result["sample"].to_numpy())) if result.num_rows else 0
                    done += n
                    advance(n)

                only = list(issues) if issues else None
                local = str(store.root) if local_pool else None
                tasks = [ChunkTask(sc, space, model, params, rounds, only, int(seed), k, a, b, local)
                         for k, a, b in todo]
                _drive(ex, tasks, on_part, window=2 * _capacity(ex, n_workers), meanwhile=_load_summary_reader)
            status = "done"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        finally:
            seconds = time.perf_counter() - t0
            if register:
                from allied.sweeps import registry

                registry.record_end(meta["out"], status, done, seconds)
    result = SweepResult(store.root, model, eng.target, keys, samples, done, seconds,
                         resumed_chunks=len(done_chunks))
    result.summary = summarise(store.root, eng.target, keys, getattr(eng, "shares", None))
    store.update_meta(status=status, samples_done=done, seconds=round(seconds, 3))
    return result


def _local_workers(eng: Any, sc: Scenario, space: InputSpace, seed: int, todo: list[tuple[int, int, int]],
                   n_workers: int, auto: bool) -> int:
    """How many worker processes a local sweep forks (1: none, the chunks run in this process).

    With more than one chunk to run and more than one worker allowed, the engine is first run here
    (:func:`allied.sweeps.schedule.probe`), so that forked workers inherit its imported modules and loaded
    kernels; ``auto`` (no ``--workers`` given) then keeps the sweep in this process unless the measured cost
    says workers finish sooner (:func:`allied.sweeps.schedule.choose_workers`). An explicit worker count
    is used as given."""
    if n_workers <= 1 or len(todo) <= 1:
        return 1
    from allied.sweeps.schedule import choose_workers, probe

    _, start, stop = todo[0]
    sizes = [b - a for _, a, b in todo]
    cost = probe(eng, sc, space, seed, start, stop, sizes if auto else None, n_workers)
    return n_workers if cost is None else choose_workers(cost, sizes, n_workers)


def _capacity(ex: Executor, default: int) -> int:
    """How many chunks ``ex`` runs at once: a process pool's size, a Dask cluster's worker threads."""
    client = getattr(ex, "_client", None)
    if client is not None:
        try:
            return max(1, sum(int(n) for n in client.nthreads().values()))
        except Exception:  # an informational query only; fall back to the worker count asked for
            return default
    n = getattr(ex, "_max_workers", None)
    return int(n) if isinstance(n, int) and n > 0 else default


def _drive(ex: Executor, tasks: list[ChunkTask], on_part: Callable[[int, pa.Table | int], None],
           window: int, meanwhile: Callable[[], None] | None = None) -> None:
    """Keep at most ``window`` chunks in flight; write each as it finishes. ``meanwhile`` runs once the first
    chunks are handed out (in this process's otherwise idle wait when workers compute them)."""
    it = iter(tasks)
    inflight: dict[Future[tuple[int, pa.Table | int]], int] = {}

    def submit() -> None:
        t = next(it, None)
        if t is not None:
            inflight[ex.submit(run_chunk, t)] = t.chunk

    for _ in range(max(1, window)):
        submit()
    if meanwhile is not None:
        meanwhile()
    while inflight:
        finished, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
        for f in finished:
            inflight.pop(f)
            k, frame = f.result()
            on_part(k, frame)
            submit()
