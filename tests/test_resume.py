"""An interrupted scan resumed from its checkpoint gives the report an uninterrupted scan gives."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from reports import get_renderer
from scanner import cli
from scanner.checkpoint import Checkpoint, CheckpointError, inputs_identity, options_identity
from scanner.model import ScanResult
from scanner.pipeline import BATCH, Scanner
from scanner.settings import Settings
from tests.helpers import REPO, run_cli

KEY = b"resume-test-key-0123456789abcdef"
SETTINGS = Settings(ner=False, workers=1, fingerprint_key=KEY)


def _speed() -> ModuleType:
    """The speed benchmark's corpus generator (labelled bilingual chat in generic JSONL)."""
    if "speed_benchmark" in sys.modules:
        return sys.modules["speed_benchmark"]
    spec = importlib.util.spec_from_file_location("speed_benchmark", REPO / "benchmarks" / "speed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["speed_benchmark"] = module
    spec.loader.exec_module(module)
    return module


def _corpus(path: Path, messages: int, seed: int, labels: Path) -> Path:
    _speed().generate(messages, seed, path, labels / f"{path.name}.labels")
    return path


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A single JSONL file, and a folder export read as several inputs (two JSONL files and a
    WhatsApp chat beside them: format detection splits the folder)."""
    root = tmp_path_factory.mktemp("exports")
    labels = tmp_path_factory.mktemp("labels")
    (root / "single").mkdir()
    (root / "folder").mkdir()
    single = _corpus(root / "single" / "chat.jsonl", 1500, 11, labels)
    _corpus(root / "folder" / "a.jsonl", 900, 12, labels)
    _corpus(root / "folder" / "b.jsonl", 700, 13, labels)
    chat = "WhatsApp Chat with Li Wei.txt"
    shutil.copy(REPO / "examples" / "whatsapp" / chat, root / "folder" / chat)
    return {"single": single, "folder": root / "folder"}


def _stable(result: ScanResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(get_renderer("json").render(result))
    data["scan"].pop("started_at")
    data["scan"].pop("finished_at")
    return data


class Interrupted(BaseException):
    """Stands in for Ctrl-C (the CLI's ``Stopped`` is a BaseException too)."""


def _stop_at(messages: int) -> Callable[[int, str, int, int], None]:
    def hook(done: int, current: str, bytes_done: int, bytes_total: int) -> None:
        if done >= messages:
            raise Interrupted

    return hook


def _checkpoint(path: Path, inputs: Path, settings: Settings = SETTINGS, every: int = BATCH) -> Checkpoint:
    return Checkpoint(
        path,
        inputs_identity([inputs]),
        options_identity(settings, KEY),
        KEY,
        every_seconds=0.0,
        every_messages=every,
    )


@pytest.mark.parametrize("which", ["single", "folder"])
@pytest.mark.parametrize("stop", [600, 1300])
def test_resumed_scan_gives_the_uninterrupted_report(
    exports: dict[str, Path], tmp_path: Path, which: str, stop: int
) -> None:
    inputs = exports[which]
    reference = _stable(Scanner(SETTINGS).scan([inputs]))
    saved = tmp_path / "chatsweep-report.checkpoint"

    first = _checkpoint(saved, inputs)
    with pytest.raises(Interrupted):
        Scanner(SETTINGS).scan([inputs], progress=_stop_at(stop), checkpoint=first)
    assert first.saved > 0 and saved.exists()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert KEY not in saved.read_bytes()

    again = _checkpoint(saved, inputs)
    assert again.load()
    assert 0 < again.resumed_messages < reference["scan"]["messages_scanned"]
    assert _stable(Scanner(SETTINGS).scan([inputs], checkpoint=again)) == reference


def test_interrupted_twice(exports: dict[str, Path], tmp_path: Path) -> None:
    inputs = exports["folder"]
    reference = _stable(Scanner(SETTINGS).scan([inputs]))
    saved = tmp_path / "x.checkpoint"
    with pytest.raises(Interrupted):
        Scanner(SETTINGS).scan([inputs], progress=_stop_at(500), checkpoint=_checkpoint(saved, inputs))
    second = _checkpoint(saved, inputs)
    assert second.load()
    with pytest.raises(Interrupted):
        Scanner(SETTINGS).scan([inputs], progress=_stop_at(1400), checkpoint=second)
    third = _checkpoint(saved, inputs)
    assert third.load() and third.resumed_messages > second.resumed_messages
    assert _stable(Scanner(SETTINGS).scan([inputs], checkpoint=third)) == reference


def test_changed_inputs_or_options_are_refused(exports: dict[str, Path], tmp_path: Path) -> None:
    inputs = tmp_path / "chat.jsonl"
    shutil.copy(exports["single"], inputs)
    saved = tmp_path / "out" / "r.checkpoint"
    saved.parent.mkdir()
    with pytest.raises(Interrupted):
        Scanner(SETTINGS).scan([inputs], progress=_stop_at(600), checkpoint=_checkpoint(saved, inputs))

    other = Settings(ner=False, workers=1, fingerprint_key=KEY, lang="en")
    with pytest.raises(CheckpointError, match=r"options differ.*lang"):
        _checkpoint(saved, inputs, other).load()
    other_key = Checkpoint(saved, inputs_identity([inputs]), options_identity(SETTINGS, KEY), b"k" * 32)
    with pytest.raises(CheckpointError, match="not written by a scan under this fingerprint key"):
        other_key.load()

    with inputs.open("a", encoding="utf-8") as fh:
        fh.write('{"id": "late", "text": "one more"}\n')
    with pytest.raises(CheckpointError, match="inputs changed"):
        _checkpoint(saved, inputs).load()


def test_a_tampered_or_shared_checkpoint_is_never_unpickled(exports: dict[str, Path], tmp_path: Path) -> None:
    inputs = exports["single"]
    saved = tmp_path / "r.checkpoint"
    with pytest.raises(Interrupted):
        Scanner(SETTINGS).scan([inputs], progress=_stop_at(300), checkpoint=_checkpoint(saved, inputs))
    data = bytearray(saved.read_bytes())
    data[-5] ^= 1
    saved.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="damaged"):
        _checkpoint(saved, inputs).load()
    if os.name == "posix":
        saved.chmod(0o644)
        with pytest.raises(CheckpointError, match="not private"):
            _checkpoint(saved, inputs).load()


def test_a_failed_checkpoint_write_does_not_end_the_scan(
    exports: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = exports["single"]
    cp = _checkpoint(tmp_path / "missing-folder" / "r.checkpoint", inputs)
    result = Scanner(SETTINGS).scan([inputs], checkpoint=cp)
    assert result.messages_scanned == 1500 and cp.saved == 0


# --- through the command line -----------------------------------------------------------


def _report(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "chatsweep-report.json").read_text(encoding="utf-8"))
    data["scan"].pop("started_at")
    data["scan"].pop("finished_at")
    return data


def test_cli_resume(
    exports: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inputs = str(exports["folder"])
    monkeypatch.setenv("CHATSWEEP_FINGERPRINT_KEY", KEY.decode())
    common = ["scan", inputs, "--no-ner", "--workers", "1", "--format", "json", "--checkpoint-every"]
    common.append("0.0001")
    whole, out = tmp_path / "whole", tmp_path / "resumed"
    whole.mkdir()
    out.mkdir()
    assert run_cli(capsys, *common, "-o", str(whole)).code == 1
    assert not (whole / "chatsweep-report.checkpoint").exists()

    def stop(done: int, current: str, bytes_done: int, bytes_total: int) -> None:
        if done >= 1000:
            raise cli.Stopped(signal.SIGINT)

    monkeypatch.setattr(cli, "_stop_check", stop)
    run = run_cli(capsys, *common, "-o", str(out))
    assert run.code == cli.EXIT_INTERRUPTED
    assert "--resume to continue" in run.stderr, run.stderr
    saved = out / "chatsweep-report.checkpoint"
    assert saved.exists() and not (out / "chatsweep-report.json").exists()
    monkeypatch.undo()
    monkeypatch.setenv("CHATSWEEP_FINGERPRINT_KEY", KEY.decode())

    # Other options that shape findings: refused, and the checkpoint is kept.
    run = run_cli(capsys, *common, "-o", str(out), "--resume", "--lang", "zh")
    assert run.code == 2 and "lang" in run.stderr and saved.exists()

    run = run_cli(capsys, *common, "-o", str(out), "--resume")
    assert run.code == 1, run.stderr
    assert "resuming after" in run.stderr
    assert not saved.exists()
    assert _report(out) == _report(whole)

    run = run_cli(capsys, *common, "-o", str(out), "--resume")
    assert run.code == 1 and "scanning from the start" in run.stderr


def test_cli_resume_needs_an_output_folder(
    exports: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(
        capsys, "scan", str(exports["single"]), "--no-ner", "--format", "json", "-o", "-", "--resume"
    )
    assert run.code == 2 and "--resume needs" in run.stderr


@pytest.mark.slow
def test_sigint_then_resume_in_a_process(exports: dict[str, Path], tmp_path: Path) -> None:
    """A real Ctrl-C on a scan with worker processes, then ``--resume``."""
    # A checkpoint is written after each input: the signal comes once the first one is read.
    inputs = [_corpus(tmp_path / f"part{i}.jsonl", 1_500, 21 + i, tmp_path) for i in range(4)]
    env = {**os.environ, "PYTHONPATH": str(REPO), "CHATSWEEP_FINGERPRINT_KEY": KEY.decode()}
    cmd = [sys.executable, "-m", "scanner.cli", "scan", *map(str, inputs), "--no-ner", "--format", "json"]
    cmd += ["--workers", "2", "--checkpoint-every", "0.5"]
    (tmp_path / "whole").mkdir()
    whole = subprocess.run([*cmd, "-o", str(tmp_path / "whole")], env=env, capture_output=True, timeout=900)
    assert whole.returncode == 1, whole.stderr

    out = tmp_path / "out"
    out.mkdir()
    saved = out / "chatsweep-report.checkpoint"
    proc = subprocess.Popen([*cmd, "-o", str(out)], env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while not saved.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == cli.EXIT_INTERRUPTED, stderr
    assert saved.exists()
    resumed = subprocess.run([*cmd, "-o", str(out), "--resume"], env=env, capture_output=True, timeout=900)
    assert resumed.returncode == 1, resumed.stderr
    assert b"resuming after" in resumed.stderr
    assert not saved.exists()
    assert _report(out) == _report(tmp_path / "whole")
