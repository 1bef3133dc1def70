"""Helpers for end-to-end tests: write synthetic inputs, run the CLI in-process or as a process."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scanner.analyzer import AnalyzerConfig, ChatAnalyzer
from scanner.cli import main

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    code = main(list(args))
    out, err = capsys.readouterr()
    return Run(code, out, err)


@functools.lru_cache(maxsize=8)
def shared_analyzer(config: AnalyzerConfig) -> ChatAnalyzer:
    """One analyzer per configuration (the last few used) for the whole session: loading the
    models is the slow part.

    The tests' scanners (and the in-process CLI) take theirs from here (see conftest.py). A
    test that changes an analyzer's attributes builds its own with ``ChatAnalyzer``.
    """
    return ChatAnalyzer(config)


def run_process(tmp_path: Path, *args: str) -> Run:
    """The installed console script in a child process, with the network guard loaded."""
    netlog = tmp_path / "netlog.txt"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "tests" / "netguard")
    env["CHATSWEEP_TEST_NETLOG"] = str(netlog)
    exe = Path(sys.executable).with_name("chatsweep")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "scanner.cli"]
    proc = subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    if netlog.exists():
        raise AssertionError(f"network access attempted: {netlog.read_text()}")
    return Run(proc.returncode, proc.stdout, proc.stderr)


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path
