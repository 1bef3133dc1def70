"""Backends give the same report: in-process, a local process pool, and a real Dask LocalCluster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reports import get_renderer
from scanner.pipeline import Scanner
from scanner.settings import Settings
from tests.helpers import REPO, run_cli, shared_analyzer

EXAMPLES = REPO / "examples"


def _stable(result: Any) -> dict[str, Any]:
    """The JSON report without what legitimately differs between runs and backends."""
    data = json.loads(get_renderer("json").render(result))
    data["scan"].pop("started_at")
    data["scan"].pop("finished_at")
    data["scan"]["options"].pop("backend")
    data["scan"]["options"].pop("workers")
    return data


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return _stable(Scanner(Settings(ner=False, workers=1)).scan([EXAMPLES]))


def test_process_pool_matches_in_process(reference: dict[str, Any]) -> None:
    result = Scanner(Settings(ner=False, workers=2)).scan([EXAMPLES])
    assert result.options["backend"] == "process-pool"
    assert _stable(result) == reference


def test_dask_local_cluster_matches_in_process(
    reference: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    import distributed
    import distributed.comm.inproc
    import distributed.utils

    # Dask finds "its" IP by routing a UDP socket towards 8.8.8.8; no packet is sent, but the
    # network guard counts it. The in-process transport needs no IP at all.
    for module in (distributed.utils, distributed.comm.inproc):
        monkeypatch.setattr(module, "get_ip", lambda *a, **k: "127.0.0.1")
    # In-process transport: a real scheduler and worker; no connection leaves the process
    # (the network guard stays on; only Dask's idle HTTP endpoint binds a local socket).
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        result = Scanner(Settings(ner=False), cluster=client).scan([EXAMPLES])
    assert result.options["backend"] == "dask"
    assert _stable(result) == reference


def test_cli_workers_flag(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = run_cli(capsys, "scan", str(EXAMPLES), "--no-ner", "--workers", "2", "--format", "json", "-o", "-")
    assert run.code == 1
    assert json.loads(run.stdout)["scan"]["options"]["workers"] == 2
    assert run_cli(capsys, "scan", str(EXAMPLES), "--workers", "0").code == 2


def test_unreachable_cluster_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")

    def unreachable(*args: object, **kwargs: object) -> None:
        raise OSError("Timed out trying to connect")

    monkeypatch.setattr(distributed, "Client", unreachable)
    run = run_cli(capsys, "scan", str(EXAMPLES), "--no-ner", "--cluster", "tcp://10.0.0.1:8786")
    assert run.code == 2, run.stderr
    assert "Traceback" not in run.stderr


def test_large_inputs_use_all_cores_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner import execution
    from scanner.analyzer import AnalyzerConfig

    analyzer = shared_analyzer(AnalyzerConfig(ner=False))
    monkeypatch.setattr(execution.os, "cpu_count", lambda: 2)
    small = execution.choose(analyzer, None, None, execution.pool_threshold() - 1)
    large = execution.choose(analyzer, None, None, execution.pool_threshold())
    try:
        assert (small.name, large.name, large.workers) == ("in-process", "process-pool", 2)
        assert execution.choose(analyzer, 1, None, 10**9).name == "in-process"
    finally:
        small.close()
        large.close()


def test_pool_threshold_depends_on_how_workers_start(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing
    import os

    from scanner import execution

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert execution.pool_threshold() == execution.POOL_THRESHOLD_SPAWN_BYTES
    if os.name == "posix":
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["fork", "spawn"])
        assert execution.pool_threshold() == execution.POOL_THRESHOLD_FORK_BYTES < 1024 * 1024


class _Failing:
    """An analyzer that fails every batch (stands in for a backend error)."""

    config = None

    def analyze_batch(self, items: object) -> object:
        raise ValueError("synthetic")


def test_in_process_errors_surface_when_the_result_is_collected() -> None:
    # Every backend raises at result(), so the pipeline retries failed batches in one place.
    from scanner.execution import InProcess

    pending = InProcess(_Failing()).submit([("text", None)])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="synthetic"):
        pending.result()


@pytest.mark.parametrize(
    ("count", "workers", "first", "runs"),
    [
        (126, 2, 1, [(0, 63), (63, 126)]),
        (125, 2, 8, [(0, 59), (59, 125)]),  # the NER window weighs 8: the first run is shorter
        (5, 2, 8, [(0, 1), (1, 5)]),
        (4, 3, 1, [(0, 2), (2, 3), (3, 4)]),
        (1, 2, 8, [(0, 1)]),
    ],
)
def test_spread_windows_by_cost(count: int, workers: int, first: int, runs: list[tuple[int, int]]) -> None:
    from scanner.execution import spread_windows

    got = spread_windows(count, workers, first)
    assert got == runs
    assert [k for a, b in got for k in range(a, b)] == list(range(count))
