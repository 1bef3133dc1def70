"""``--cluster`` on a real Dask LocalCluster of separate worker processes gives the local report."""

from __future__ import annotations

import json
import socket
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.execution import _dask_analyze, _DaskPending, _Failed
from tests.helpers import REPO, run_cli

distributed = pytest.importorskip("distributed")

EXAMPLES = REPO / "examples"
_REAL_CONNECT = socket.socket.connect
_REAL_GETADDRINFO = socket.getaddrinfo
_LOOPBACK = ("127.0.0.1", "::1", "localhost")

# Loaded by each worker process (Dask's --preload): connections beyond this machine fail and
# are written down, as the test's own network guard does for this process.
_WORKER_GUARD = """
import socket

# A preload may run more than once in a process: keep the real connect from the first time.
_real = getattr(socket, "_chatsweep_real_connect", socket.socket.connect)
socket._chatsweep_real_connect = _real
_log = {log!r}


def _guard(self, address):
    if self.family == getattr(socket, "AF_UNIX", None) or (
        isinstance(address, tuple) and address[0] in ("127.0.0.1", "::1")
    ):
        return _real(self, address)
    with open(_log, "a", encoding="utf-8") as fh:
        fh.write(repr(address) + "\\n")
    raise OSError("network disabled in chatsweep tests")


socket.socket.connect = _guard
"""


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The network guard, but letting this process reach the cluster on the loopback address."""
    refused: list[str] = []

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family == getattr(socket, "AF_UNIX", None) or (
            isinstance(address, tuple) and address[0] in _LOOPBACK[:2]
        ):
            return _REAL_CONNECT(self, address)
        refused.append(repr(address))
        raise OSError("network access attempted")

    def getaddrinfo(*args: Any, **kwargs: Any) -> Any:
        if args and args[0] in (*_LOOPBACK, None, "", "0.0.0.0", "::"):
            return _REAL_GETADDRINFO(*args, **kwargs)
        refused.append(f"lookup {args[:1]!r}")
        raise OSError("DNS lookup attempted")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    # Dask finds "its" address by routing a UDP socket towards 8.8.8.8 (no packet is sent).
    import distributed.utils

    monkeypatch.setattr(distributed.utils, "get_ip", lambda *a, **k: "127.0.0.1")
    yield
    assert not refused, refused


@pytest.fixture
def cluster(tmp_path: Path, loopback: None) -> Iterator[Any]:
    """Two worker processes, one thread each, on this machine (as ``dask worker`` would run)."""
    log = tmp_path / "worker-netlog.txt"
    guard = tmp_path / "chatsweep_worker_guard.py"
    guard.write_text(textwrap.dedent(_WORKER_GUARD.format(log=str(log))), encoding="utf-8")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        preload=[str(guard)],
    ) as local:
        yield local
    assert not log.exists(), log.read_text(encoding="utf-8")


def _report(run_stdout: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run_stdout)
    data["scan"].pop("started_at")
    data["scan"].pop("finished_at")
    data["scan"]["options"].pop("backend")
    data["scan"]["options"].pop("workers")
    return data


@pytest.mark.slow
@pytest.mark.parametrize("ner", [False, True], ids=["no-ner", "ner"])
def test_cluster_of_worker_processes_matches_a_local_scan(
    cluster: Any, capsys: pytest.CaptureFixture[str], ner: bool
) -> None:
    args = ["scan", str(EXAMPLES), "--format", "json", "-o", "-", *([] if ner else ["--no-ner"])]
    local = run_cli(capsys, *args, "--workers", "1")
    remote = run_cli(capsys, *args, "--cluster", cluster.scheduler_address)
    assert remote.code == local.code == 1, remote.stderr
    report = json.loads(remote.stdout)
    assert (report["scan"]["options"]["backend"], report["scan"]["options"]["workers"]) == ("dask", 2)
    assert _report(remote.stdout) == _report(local.stdout)
    # Every task was released once read: the cluster keeps nothing of the scan.
    with distributed.Client(cluster.scheduler_address) as client:
        assert client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) == 0


def test_a_failing_task_comes_back_as_a_value_not_a_worker_log() -> None:
    class Broken:
        def analyze_batch(self, batch: object) -> object:
            raise ValueError("would be logged with its arguments")

    from scanner import execution
    from scanner.analyzer import AnalyzerConfig

    config = AnalyzerConfig(ner=False, languages=("en",))
    execution._DASK_ANALYZERS[config] = (Broken(), threading.Lock())  # type: ignore[assignment]
    try:
        failed = _dask_analyze(config, [("secret text", None)])
    finally:
        del execution._DASK_ANALYZERS[config]
    assert failed == _Failed("ValueError")

    class Future:
        released = False

        def result(self) -> object:
            return failed

        def release(self) -> None:
            self.released = True

    future = Future()
    with pytest.raises(RuntimeError, match="Dask worker"):
        _DaskPending(future).result()
    assert future.released
