"""Where analysis runs: in this process, in a local process pool, or on a Dask cluster.

The pipeline reads messages and keeps everything order-dependent (chat context,
aggregation) in this process; only ``ChatAnalyzer.analyze_batch`` is farmed out. A batch
goes out as (text, languages) pairs and comes back as detections (offsets, scores,
explanations): workers return findings, not text. Results are consumed in submission
order, so every backend gives the same report.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Protocol

from scanner.analyzer import WINDOW, AnalyzerConfig, ChatAnalyzer, Detection, merge_detections, window_count
from scanner.errors import UsageError

log = logging.getLogger(__name__)

Batch = Sequence[tuple[str, tuple[str, ...] | None]]
BatchResult = list[list[Detection]]

# Inputs below this many bytes are not worth starting workers for. With fork the workers
# inherit the loaded models, so starting costs ~0.03-0.06 s. Measured on 2 cores (generic
# JSONL, ~30 % repeated texts, whole scan with models loaded, in-process vs 2 workers):
#     10 KB  0.16 s vs 0.22 s (NER)   0.04 s vs 0.07 s (--no-ner)
#     62 KB  0.49 s vs 0.50 s         0.18 s vs 0.21 s
#    207 KB  1.21 s vs 0.75 s         0.65 s vs 0.43 s
#    1.0 MB  5.62 s vs 3.13 s         2.76 s vs 1.71 s
# so the crossover is near 64 KB; workers start from twice that. Without fork (spawn:
# macOS, Windows) each worker loads the models itself, seconds of start-up: 1 MB there.
POOL_THRESHOLD_FORK_BYTES = 128 * 1024
POOL_THRESHOLD_SPAWN_BYTES = 1024 * 1024


def pool_threshold() -> int:
    """Input bytes from which a scan uses every core by default."""
    fork = "fork" in multiprocessing.get_all_start_methods() and os.name == "posix"
    return POOL_THRESHOLD_FORK_BYTES if fork else POOL_THRESHOLD_SPAWN_BYTES


class Pending(Protocol):
    def result(self) -> BatchResult: ...


class Backend(Protocol):
    name: str
    workers: int

    def submit(self, batch: Batch) -> Pending: ...

    def close(self) -> None: ...


# A batch holding more text than this goes out as several tasks, so the long messages of one
# batch (a chat of pasted logs, an export cut into 1 MB messages) are analysed on every core
# instead of one. Ordinary batches (256 chat messages: tens of KB) go out whole.
SPLIT_CHARS = 256 * 1024


def split_batch(batch: Batch, limit: int = SPLIT_CHARS) -> list[Batch]:
    """``batch`` cut, in order, into runs of items holding at most ``limit`` characters (an
    item longer than that is a run of its own)."""
    runs: list[Batch] = []
    run: list[tuple[str, tuple[str, ...] | None]] = []
    chars = 0
    for item in batch:
        size = len(item[0])
        if run and chars + size > limit:
            runs.append(run)
            run, chars = [], 0
        run.append(item)
        chars += size
    if run or not runs:
        runs.append(run)
    return runs


class Joined:
    """The results of a batch sent as several tasks, in the batch's order."""

    __slots__ = ("_parts",)

    def __init__(self, parts: Sequence[Pending]) -> None:
        self._parts = parts

    def result(self) -> BatchResult:
        out: BatchResult = []
        for part in self._parts:
            out.extend(part.result())
        return out


class Done:
    """An in-process result, or the exception analysis raised: raised where a pool's would be."""

    __slots__ = ("_error", "_value")

    def __init__(self, value: BatchResult | None = None, error: Exception | None = None) -> None:
        self._value = value
        self._error = error

    def result(self) -> BatchResult:
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


class InProcess:
    name = "in-process"
    workers = 1

    def __init__(self, analyzer: ChatAnalyzer) -> None:
        self.analyzer = analyzer

    def submit(self, batch: Batch) -> Pending:
        # Every backend reports a failed batch when its result is collected, so the pipeline
        # handles it in one place (and can retry the batch message by message).
        try:
            return Done(self.analyzer.analyze_batch(batch))
        except Exception as exc:
            return Done(error=exc)

    def close(self) -> None:
        return None


# --- local process pool -----------------------------------------------------------------

_WORKER_ANALYZER: ChatAnalyzer | None = None


def _pool_init(config: AnalyzerConfig, inherited: bool) -> None:
    global _WORKER_ANALYZER
    logging.getLogger().handlers[:] = []  # the parent logs; workers stay quiet
    if not inherited or _WORKER_ANALYZER is None:
        _WORKER_ANALYZER = ChatAnalyzer(config)


def _pool_analyze(batch: Batch, windows: tuple[int, int] | None = None) -> BatchResult:
    assert _WORKER_ANALYZER is not None
    if windows is None:
        return _WORKER_ANALYZER.analyze_batch(batch)
    return _WORKER_ANALYZER.analyze_batch(batch, windows)


# A message longer than this many windows (a pasted 10 MB log) is analysed by every worker, each
# taking a run of its windows, instead of by one.
SPREAD_WINDOWS = 3


# What the first window of a long text costs, in windows, when the English model reads it.
NER_WINDOW_WEIGHT = 8


def spread_windows(count: int, workers: int, first: int = 1) -> list[tuple[int, int]]:
    """``count`` windows as at most ``workers`` consecutive runs of about equal cost, the first
    window costing ``first`` and the others one each."""
    total = count - 1 + first
    runs: list[tuple[int, int]] = []
    start = 0
    cost = 0
    for k in range(count):
        cost += first if k == 0 else 1
        if cost * workers >= total * (len(runs) + 1) and len(runs) < workers - 1:
            runs.append((start, k + 1))
            start = k + 1
    if start < count:
        runs.append((start, count))
    return runs


class Spread:
    """The result of one long text whose windows were analysed as several tasks."""

    __slots__ = ("_parts",)

    def __init__(self, parts: Sequence[Pending]) -> None:
        self._parts = parts

    def result(self) -> BatchResult:
        return [merge_detections([d for part in self._parts for d in part.result()[0]])]


class ProcessPool:
    """One analyzer per worker process. With fork, workers inherit the loaded models."""

    name = "process-pool"

    def __init__(self, analyzer: ChatAnalyzer, workers: int) -> None:
        global _WORKER_ANALYZER
        self.workers = workers
        methods = multiprocessing.get_all_start_methods()
        fork = "fork" in methods and os.name == "posix"
        if fork:
            _WORKER_ANALYZER = analyzer  # copied into each child at fork, pages shared
        self._ctx = multiprocessing.get_context("fork" if fork else "spawn")
        self._initargs = (analyzer.config, fork)
        self._ner = analyzer.config.ner
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=self._ctx, initializer=_pool_init, initargs=self._initargs
        )

    def submit(self, batch: Batch) -> Pending:
        parts = [self._spread(run) for run in split_batch(batch)]
        return parts[0] if len(parts) == 1 else Joined(parts)

    def _spread(self, run: Batch) -> Pending:
        """``run`` as one task, or a single long text of it as one task per worker, each
        analysing a run of the text's windows."""
        if len(run) != 1 or self.workers < 2 or len(run[0][0]) <= SPREAD_WINDOWS * WINDOW:
            return self._submit(run)
        count = window_count(run[0][0])
        first = NER_WINDOW_WEIGHT if self._ner else 1
        return Spread([self._submit(run, part) for part in spread_windows(count, self.workers, first)])

    def _submit(self, batch: Batch, windows: tuple[int, int] | None = None) -> Pending:
        try:
            fut: Future[BatchResult] = self._pool.submit(_pool_analyze, list(batch), windows)
        except BrokenProcessPool:
            # A worker died (a message that crashes the interpreter, the OOM killer): the
            # batches in flight fail and are retried; start fresh workers for what follows.
            log.warning("a worker process died; starting new workers")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()
            fut = self._pool.submit(_pool_analyze, list(batch), windows)
        return fut

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


# --- Dask -------------------------------------------------------------------------------

_DASK_ANALYZERS: dict[AnalyzerConfig, tuple[ChatAnalyzer, threading.Lock]] = {}
_DASK_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Failed:
    """What a Dask task returns instead of raising: a worker logs a failed task with its
    arguments (the messages' text), so analysis errors travel back as a value."""

    error: str


def _dask_analyze(config: AnalyzerConfig, batch: Batch) -> BatchResult | _Failed:
    """Runs on a Dask worker: one analyzer per worker process and configuration, built once.

    A worker started with several threads runs its tasks one at a time through the analyzer
    (spaCy and Presidio objects are not shared between threads); start one thread per worker
    process and as many processes as cores instead.
    """
    with _DASK_LOCK:
        found = _DASK_ANALYZERS.get(config)
        if found is None:
            logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
            found = _DASK_ANALYZERS[config] = (ChatAnalyzer(config), threading.Lock())
    analyzer, lock = found
    try:
        with lock:
            return analyzer.analyze_batch(batch)
    except Exception as exc:
        return _Failed(type(exc).__name__)


class _DaskPending:
    """A Dask future whose result is detections, or raises as a local failure would."""

    __slots__ = ("_future",)

    def __init__(self, future: Any) -> None:
        self._future = future

    def result(self) -> BatchResult:
        value = self._future.result()
        self._future.release()  # the scheduler forgets the task: nothing of it stays on the cluster
        if isinstance(value, _Failed):
            raise RuntimeError(f"analysis failed on a Dask worker ({value.error})")
        result: BatchResult = value
        return result


class DaskCluster:
    """Batches as tasks on a Dask distributed cluster (``--cluster tcp://host:8786``).

    Workers need chatsweep and its models installed; nothing is downloaded there either. A
    task carries a batch's texts to a worker and brings back detections (offsets, scores,
    explanations); the task is released as soon as its result is read, so the cluster keeps
    no text once a batch is done.
    """

    name = "dask"

    def __init__(self, address: str | Any, config: AnalyzerConfig) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise UsageError(
                "--cluster needs Dask distributed: pip install 'chatsweep[cluster]' (or dask[distributed])"
            ) from None
        self.config = config
        try:
            self._client = address if not isinstance(address, str) else Client(address, timeout="20s")  # type: ignore[no-untyped-call]
        except Exception as exc:  # distributed raises OSError, TimeoutError or its own errors
            raise UsageError(f"cannot reach the Dask scheduler at {address}: {type(exc).__name__}") from None
        self._own = isinstance(address, str)
        # Batches kept in flight scale with the threads the cluster has when the scan starts.
        self.workers = max(1, sum(self._client.nthreads().values()))

    def submit(self, batch: Batch) -> Pending:
        runs = [
            _DaskPending(self._client.submit(_dask_analyze, self.config, list(run), pure=False))
            for run in split_batch(batch)
        ]
        return runs[0] if len(runs) == 1 else Joined(runs)

    def close(self) -> None:
        if self._own:
            self._client.close()


def choose(
    analyzer: ChatAnalyzer, workers: int | None, cluster: str | Any | None, total_bytes: int
) -> Backend:
    """The backend for a scan: a cluster when given, a pool when asked or when input is large."""
    if cluster:
        return DaskCluster(cluster, analyzer.config)
    if workers is None:
        cpus = os.cpu_count() or 1
        workers = cpus if total_bytes >= pool_threshold() and cpus > 1 else 1
    if workers <= 1:
        return InProcess(analyzer)
    log.info("analysing with %d worker processes", workers)
    return ProcessPool(analyzer, workers)
