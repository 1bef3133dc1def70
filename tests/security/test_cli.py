"""Hostile and unlucky cases for the command line.

A gate must never pass over unscanned data; outputs are checked before the (slow) scan,
never written over an input and never read back as one; SIGTERM cleans up as Ctrl-C does;
every error is one line and nothing from an export steers the terminal.
"""

from __future__ import annotations

import contextlib
import errno
import inspect
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scanner import cli
from scanner.model import (
    Category,
    Finding,
    InputSummary,
    Likelihood,
    Occurrence,
    ScanResult,
    Severity,
    Skipped,
)
from scanner.settings import Settings
from tests.helpers import REPO, run_cli, write_jsonl

ESC = "\x1b"


def _row(i: int, text: str = "lunch at noon?") -> dict[str, Any]:
    return {"id": str(i), "conversation": "c", "author": "a", "timestamp": 1714554000 + i, "text": text}


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "clean.jsonl", [_row(1), _row(2, "see you at the standup")])


# --- a fake Scanner for the pure decision logic (no analyzers loaded) --------------------


def _finding(severity: Severity) -> Finding:
    occ = Occurrence("in", "c", "c", "1", "a", "a", None, 0, 4, "in:1")
    return Finding(
        id="F1", rule="CS000", entity_type="EMAIL_ADDRESS", category=Category.PERSONAL, severity=severity,
        confidence=0.9, likelihood=Likelihood.LIKELY, preview="j***@example.org", fingerprint="fp",
        explanation="test", occurrences=(occ,),
    )  # fmt: skip


@dataclass
class FakeScanner:
    """Stands in for scanner.pipeline.Scanner; records how it was called."""

    findings: tuple[Severity, ...] = ()
    unread: int = 0
    created: list[Settings] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, settings: Settings) -> FakeScanner:
        self.created.append(settings)
        return self

    def scan(self, paths: Any, progress: Any = None, exclude: Any = (), checkpoint: Any = None) -> ScanResult:
        self.calls.append({"paths": list(paths), "exclude": list(exclude)})
        now = datetime.now(UTC)
        skipped = tuple(Skipped(f"in/{i}.zip", "broken zip archive") for i in range(self.unread))
        return ScanResult(
            tool_name="chatsweep", tool_version="0", inputs=(InputSummary("in", "jsonl", 1, skipped),),
            messages_scanned=1, started_at=now, finished_at=now, languages={}, models={}, options={},
            findings=tuple(_finding(s) for s in self.findings),
        )  # fmt: skip


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeScanner:
    from scanner import pipeline

    scanner = FakeScanner()
    monkeypatch.setattr(pipeline, "Scanner", scanner)
    return scanner


def _lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


# --- 1. exit codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severities", "unread", "fail_on", "expected"),
    [
        ((), 0, "high", 0),
        ((Severity.MEDIUM,), 0, "high", 0),
        ((Severity.HIGH,), 0, "high", 1),
        ((Severity.HIGH,), 2, "high", 1),  # findings win: the gate fails either way
        ((Severity.MEDIUM,), 2, "high", 3),
        ((), 1, "high", 3),
        ((Severity.CRITICAL,), 0, "never", 0),
        ((Severity.CRITICAL,), 1, "never", 3),  # never still refuses to pass over unread data
        ((), 1, "never", 3),
    ],
)
def test_exit_code_matrix(
    capsys: pytest.CaptureFixture[str],
    fake: FakeScanner,
    clean: Path,
    severities: tuple[Severity, ...],
    unread: int,
    fail_on: str,
    expected: int,
) -> None:
    fake.findings, fake.unread = severities, unread
    run = run_cli(capsys, "scan", str(clean), "--no-ner", "--format", "json", "-o", "-", "--fail-on", fail_on)
    assert run.code == expected, run.stderr
    if expected == 3:
        assert "exit 3" in run.stderr and "not read: in/0.zip: broken zip archive" in run.stderr


def test_clean_input_plus_two_unreadable_archives_exits_3(
    capsys: pytest.CaptureFixture[str], clean: Path, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    a.write_bytes(b"PK\x03\x04 cut short")
    b.write_bytes(b"not a zip at all")
    run = run_cli(capsys, "scan", str(clean), str(a), str(b), "--no-ner", "-o", str(tmp_path / "out") + "/")
    assert run.code == 3, run.stderr
    listed = [line for line in _lines(run.stderr) if line.startswith("not read: ")]
    assert any(str(a) in line for line in listed) and any(str(b) in line for line in listed)
    report = json.loads((tmp_path / "out" / "chatsweep-report.json").read_text(encoding="utf-8"))
    assert report["scan"]["messages_scanned"] == 2


# --- 2. outputs checked before the scan ----------------------------------------------------


def test_missing_folders_of_a_report_file_are_created(
    capsys: pytest.CaptureFixture[str], fake: FakeScanner, clean: Path, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "dir" / "report.html"
    run = run_cli(capsys, "scan", str(clean), "--format", "html", "-o", str(target))
    assert run.code == 0, run.stderr
    assert target.is_file() and oct(target.stat().st_mode & 0o777) == oct(0o600)


def test_folder_that_cannot_be_written_is_refused_before_the_scan(
    capsys: pytest.CaptureFixture[str],
    fake: FakeScanner,
    clean: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Root ignores directory modes, so the refusal of the probe file is simulated.
    def denied(*a: object, **k: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    run = run_cli(capsys, "scan", str(clean), "-o", str(tmp_path / "ro") + "/")
    assert run.code == 2
    assert _lines(run.stderr) == [
        f"chatsweep: error: cannot write to output folder {tmp_path / 'ro'}: Permission denied"
    ]
    assert fake.created == []  # the analyzers were never loaded


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_refused_before_the_scan(
    capsys: pytest.CaptureFixture[str], fake: FakeScanner, clean: Path, tmp_path: Path
) -> None:
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    run = run_cli(capsys, "scan", str(clean), "-o", str(ro) + "/")
    assert run.code == 2 and len(_lines(run.stderr)) == 1 and fake.created == []


def test_folder_that_cannot_be_created_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], fake: FakeScanner, clean: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    run = run_cli(capsys, "scan", str(clean), "-o", str(blocker / "sub" / "report.json"))
    assert run.code == 2
    assert _lines(run.stderr) == [
        f"chatsweep: error: cannot create output folder {blocker / 'sub'}: a file is in the way"
    ]
    assert fake.created == []


def test_full_disk_while_writing_is_one_line_exit_2_and_no_temporary(
    capsys: pytest.CaptureFixture[str],
    fake: FakeScanner,
    clean: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "out"
    fake.findings = (Severity.CRITICAL,)
    run = run_cli(capsys, "scan", str(clean), "--format", "json,csv", "-o", str(out) + "/")
    assert run.code == 2
    lines = _lines(run.stderr)
    assert len(lines) == 1 and "Traceback" not in run.stderr
    assert lines[0].startswith(f"chatsweep: error: cannot write the report {out / 'chatsweep-report.json'}: ")
    assert "No space left on device" in lines[0]
    assert list(out.iterdir()) == []  # no temporary, no half report


# --- 3. outputs never over an input, never read as one -----------------------------------


def test_report_never_overwrites_an_input_file(
    capsys: pytest.CaptureFixture[str], fake: FakeScanner, tmp_path: Path
) -> None:
    messages = tmp_path / "messages.csv"
    original = "id,conversation,author,timestamp,text\n1,c,a,1,lunch?\n"
    messages.write_text(original, encoding="utf-8")
    run = run_cli(
        capsys, "scan", str(messages), "-o", str(tmp_path / "messages.json"), "--format", "json,csv"
    )
    assert run.code == 2
    assert _lines(run.stderr) == [
        f"chatsweep: error: the report {messages} would overwrite the input {messages}; "
        "choose another path with -o"
    ]
    assert messages.read_text(encoding="utf-8") == original and fake.created == []
    assert not (tmp_path / "messages.json").exists()


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "inside"])
def test_report_paths_that_are_or_lie_inside_an_input_file_are_refused(
    capsys: pytest.CaptureFixture[str], fake: FakeScanner, clean: Path, tmp_path: Path, how: str
) -> None:
    if how == "same":
        target = clean
    elif how == "symlink":
        target = tmp_path / "link.json"
        target.symlink_to(clean)
    elif how == "hardlink":
        target = tmp_path / "hard.json"
        os.link(clean, target)
    else:
        target = clean / "report.json"
    before = clean.read_bytes()
    run = run_cli(capsys, "scan", str(clean), "--format", "json", "-o", str(target))
    assert run.code == 2 and len(_lines(run.stderr)) == 1, run.stderr
    assert clean.read_bytes() == before and fake.created == []


def test_reports_inside_an_input_folder_given_with_o_are_written_and_never_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    export = tmp_path / "export"
    export.mkdir()
    write_jsonl(export / "chat.jsonl", [_row(1, "write to jane.placeholder@example.org")])
    args = ("scan", str(export), "--no-ner", "--format", "json,csv,md", "-o", str(export) + "/")
    first = run_cli(capsys, *args)
    second = run_cli(capsys, *args)
    assert first.code == second.code == 0, second.stderr
    report = json.loads((export / "chatsweep-report.json").read_text(encoding="utf-8"))
    # Read back, the reports would be unrecognised files (exit 3) or more messages.
    assert all(i["skipped"] == [] for i in report["scan"]["inputs"])
    assert report["scan"]["messages_scanned"] == 1 and report["summary"]["findings"] == 1


def test_every_target_and_its_folder_are_excluded_from_the_scan(
    capsys: pytest.CaptureFixture[str], fake: FakeScanner, tmp_path: Path
) -> None:
    export = tmp_path / "export"
    export.mkdir()
    run = run_cli(capsys, "scan", str(export), "--format", "json,sarif", "-o", str(export / "rep" / "r.json"))
    assert run.code == 0, run.stderr
    excluded = set(fake.calls[0]["exclude"])
    assert {export / "rep", export / "rep" / "r.json", export / "rep" / "r.sarif"} <= excluded
    assert all(p.is_absolute() for p in excluded)


def test_default_folder_inside_the_input_folder_is_refused(
    capsys: pytest.CaptureFixture[str], fake: FakeScanner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "export"
    export.mkdir()
    write_jsonl(export / "chat.jsonl", [_row(1)])
    monkeypatch.chdir(export)
    run = run_cli(capsys, "scan", ".")
    assert run.code == 2
    lines = _lines(run.stderr)
    assert len(lines) == 1 and "-o DIR" in lines[0] and "inside the input folder" in lines[0]
    assert not (export / cli.DEFAULT_OUTPUT_DIR).exists() and fake.created == []


def test_default_folder_outside_the_inputs_is_used(
    capsys: pytest.CaptureFixture[str],
    fake: FakeScanner,
    clean: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert run_cli(capsys, "scan", str(clean)).code == 0
    assert (work / cli.DEFAULT_OUTPUT_DIR / "chatsweep-report.json").is_file()
    assert (work / cli.DEFAULT_OUTPUT_DIR).resolve() in set(fake.calls[0]["exclude"])


# --- 4. signals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "code", "word"), [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")]
)
def test_signal_while_writing_a_report_removes_the_temporary(
    capsys: pytest.CaptureFixture[str],
    fake: FakeScanner,
    clean: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    signum: int,
    code: int,
    word: str,
) -> None:

    real_fsync = os.fsync
    seen: list[list[str]] = []

    def fsync_then_signal(fd: int) -> None:
        real_fsync(fd)
        seen.append(sorted(p.name for p in out.iterdir()))  # the temporary is there now
        os.kill(os.getpid(), signum)
        time.sleep(5)  # the handler raises before this ends

    out = tmp_path / "out"
    monkeypatch.setattr(os, "fsync", fsync_then_signal)
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    started = time.monotonic()
    run = run_cli(capsys, "scan", str(clean), "--show-values", "--format", "json", "-o", str(out) + "/")
    assert time.monotonic() - started < 4
    assert run.code == code
    assert _lines(run.stderr) == [f"chatsweep: {word}"]
    assert seen and seen[0][0].startswith(".chatsweep-report.json.") and seen[0][0].endswith(".tmp")
    assert list(out.iterdir()) == []
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_keyboard_interrupt_is_never_silent(
    capsys: pytest.CaptureFixture[str], fake: FakeScanner, clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def ctrl_c(*a: object, **k: object) -> ScanResult:
        raise KeyboardInterrupt

    monkeypatch.setattr(fake, "scan", ctrl_c)
    run = run_cli(capsys, "scan", str(clean), "-o", "-", "--format", "json")
    assert run.code == 130 and _lines(run.stderr) == ["chatsweep: interrupted"]


@pytest.mark.parametrize("reports_progress", [True, False])
def test_a_signal_whose_exception_python_dropped_still_stops_the_scan(
    capsys: pytest.CaptureFixture[str],
    fake: FakeScanner,
    clean: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    reports_progress: bool,
) -> None:
    """A signal landing in an at-fork callback (a pool starting a worker): Python reports the
    handler's exception as unraisable and goes on. The scan still ends as interrupted, no report."""
    real_scan = fake.scan

    def swallowed(paths: Any, progress: Any = None, exclude: Any = (), checkpoint: Any = None) -> ScanResult:
        with contextlib.suppress(BaseException):  # what PyOS_AfterFork_Parent does with it
            signal.raise_signal(signal.SIGINT)
        if reports_progress:
            assert progress is not None
            progress(1, "clean.jsonl", 1, 1)
        return real_scan(paths, progress, exclude)

    monkeypatch.setattr(fake, "scan", swallowed)
    out = tmp_path / "out"
    run = run_cli(capsys, "scan", str(clean), "-o", str(out) + "/")
    assert run.code == 130 and _lines(run.stderr) == ["chatsweep: interrupted"]
    assert len(fake.calls) == (0 if reports_progress else 1)  # stopped at the progress report
    assert not list(out.glob("*")) and not list(out.glob(".*"))


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.update(int(c) for c in task.read_text().split())
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to see the worker processes")
@pytest.mark.parametrize(
    ("to_group", "signum", "expected_code", "word"),
    [
        (False, signal.SIGTERM, 143, "terminated"),  # `kill PID`, a scheduler's timeout
        (True, signal.SIGINT, 130, "interrupted"),  # Ctrl-C: the terminal signals every process
    ],
)
def test_signal_during_a_real_scan_exits_cleanly_and_leaves_nothing(
    tmp_path: Path, to_group: bool, signum: int, expected_code: int, word: str
) -> None:
    """A real child process scanning a 2 MB export on a process pool, stopped mid-scan."""
    big = tmp_path / "big.jsonl"
    text = "standup notes: nothing to report today, see the wiki page for details " * 3
    with big.open("w", encoding="utf-8") as f:
        for i in range(8000):
            f.write(json.dumps(_row(i, text)) + "\n")
    assert big.stat().st_size > 1_500_000  # over the 1 MB line: a local process pool
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scanner.cli", "scan", str(big), "--no-ner", "--workers", "2", "-v",
         "--show-values", "--format", "json", "-o", str(out) + "/"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path,
        start_new_session=True,
    )  # fmt: skip
    assert proc.stderr is not None
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            if "reading" in line:  # the pool is up and messages are being analysed
                break
        assert proc.poll() is None, "".join(seen)
        workers: set[int] = set()
        wait_until = time.monotonic() + 20
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < wait_until:
            time.sleep(0.1)
            workers = _children(proc.pid)
        assert workers and proc.poll() is None, "".join(seen)  # terminated mid-scan, with a live pool
        if to_group:
            os.killpg(proc.pid, signum)
        else:
            proc.send_signal(signum)
        rest = proc.stderr.read()
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = "".join(seen) + rest
    assert code == expected_code, stderr
    assert stderr.rstrip().endswith(f"chatsweep: {word}") and "Traceback" not in stderr
    assert not list(out.glob("*")) and not list(out.glob(".*"))  # no report, no temporary
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)


# --- 5. one line per error, nothing from the input steers the terminal ---------------------


def test_zip_member_names_cannot_steer_the_terminal(
    capsys: pytest.CaptureFixture[str], clean: Path, tmp_path: Path
) -> None:
    fake_line = "chatsweep: Scan complete: 0 findings"
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"{ESC}[2J{ESC}[H{fake_line}\nnotes.bin", b"\x00\x01 not a chat")
        z.writestr(f"{ESC}]0;owned{chr(7)}x\u202etxt.exe", b"\x00\x02 not a chat")
        z.writestr("chat.jsonl", clean.read_text(encoding="utf-8"))
    run = run_cli(capsys, "scan", str(clean), str(archive), "--no-ner", "-o", str(tmp_path / "out") + "/")
    assert run.code == 3, run.stderr
    assert ESC not in run.stderr and "\x07" not in run.stderr and "\u202e" not in run.stderr
    assert "\\x1b[2J" in run.stderr
    assert not any(line.startswith(fake_line) for line in run.stderr.splitlines())


def test_markup_and_controls_in_a_path_are_printed_literally(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / f"[bold red]x[/] {ESC}[31mred.zip"
    run = run_cli(capsys, "scan", str(missing), "--no-ner")
    assert run.code == 3
    assert ESC not in run.stderr  # the pipeline's own log line is escaped too
    assert "[bold red]x[/] \\x1b[31mred.zip" in run.stderr


def test_long_paths_are_never_wrapped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*(["a-rather-long-folder-name"] * 8)) / "missing.zip"
    assert len(str(deep)) > 200
    run = run_cli(capsys, "scan", str(deep), "--no-ner")
    assert run.code == 3
    errors = [line for line in run.stderr.splitlines() if line.startswith("chatsweep: error:")]
    assert len(errors) == 1 and str(deep) in errors[0]


@pytest.mark.skipif(
    'log.warning("input %s not read' in inspect.getsource(__import__("scanner.pipeline").pipeline),
    reason="the pipeline still logs a warning for an unreadable input (being demoted to info)",
)
def test_missing_zip_is_reported_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "gone.zip"
    run = run_cli(capsys, "scan", str(missing), "--no-ner")
    assert run.code == 3
    assert len(_lines(run.stderr)) == 1 and run.stderr.count("gone.zip") == 1


def test_click_errors_are_one_line(capsys: pytest.CaptureFixture[str], clean: Path) -> None:
    run = run_cli(capsys, "scan", str(clean), "--workers", "many")
    assert run.code == 2
    lines = _lines(run.stderr)
    assert len(lines) == 1 and lines[0].startswith("chatsweep: error: ") and "--workers" in lines[0]
    assert "chatsweep scan --help" in lines[0]


# --- 6. did you mean ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "suggestion"),
    [
        ("--entities", "CN_RESIDENT_ld", "CN_RESIDENT_ID"),
        ("--entities", "PASSWORD,EMAIL_ADRESS", "EMAIL_ADDRESS"),
        ("--input-format", "slak", "slack"),
        ("--input-format", "Telegram", "telegram"),
        ("--format", "html,jsn", "json"),
    ],
)
def test_unknown_values_suggest_the_closest_name(
    capsys: pytest.CaptureFixture[str],
    fake: FakeScanner,
    clean: Path,
    option: str,
    value: str,
    suggestion: str,
) -> None:
    run = run_cli(capsys, "scan", str(clean), option, value)
    assert run.code == 2
    lines = _lines(run.stderr)
    assert len(lines) == 1 and f"did you mean '{suggestion}'?" in lines[0], run.stderr
    assert fake.created == []


def test_unknown_value_far_from_any_name_lists_where_to_look(
    capsys: pytest.CaptureFixture[str], fake: FakeScanner, clean: Path
) -> None:
    run = run_cli(capsys, "scan", str(clean), "--entities", "ZZZZZZZZ")
    assert run.code == 2
    assert _lines(run.stderr) == ["chatsweep: error: unknown entity type 'ZZZZZZZZ' (see 'chatsweep rules')"]


# --- 7. --key-file ----------------------------------------------------------------------------


def test_key_file_is_passed_to_settings(
    capsys: pytest.CaptureFixture[str], clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scanner import settings
    from scanner.errors import UsageError

    captured: list[dict[str, Any]] = []

    def resolve(flags: dict[str, Any], config: object = None) -> Settings:
        captured.append(dict(flags))
        raise UsageError("stop here")

    monkeypatch.setattr(settings, "resolve", resolve)
    key = tmp_path / "fingerprint.key"
    assert run_cli(capsys, "scan", str(clean), "--key-file", str(key)).code == 2
    assert captured[0]["key_file"] == str(key)
    run_cli(capsys, "scan", str(clean))
    assert captured[1]["key_file"] is None  # not set: the file, environment or default decides


@pytest.mark.skipif(
    "key_file" not in Settings.__dataclass_fields__,
    reason="the key_file setting is not in scanner.settings yet (added on the keys branch)",
)
def test_key_file_changes_the_key_id(capsys: pytest.CaptureFixture[str], clean: Path, tmp_path: Path) -> None:
    key = tmp_path / "fingerprint.key"
    key.write_text("0f" * 32 + "\n", encoding="utf-8")
    key.chmod(0o600)
    base = ("scan", str(clean), "--no-ner", "--format", "json", "-o", "-")
    with_key = run_cli(capsys, *base, "--key-file", str(key))
    assert with_key.code == 0, with_key.stderr
    without = run_cli(capsys, *base)
    assert json.loads(with_key.stdout)["scan"]["key_id"] != json.loads(without.stdout)["scan"]["key_id"]


def test_closed_stdout_is_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str], fake: FakeScanner, clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class ClosedPipe:
        def write(self, text: str) -> int:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    code = cli.main(["scan", str(clean), "--format", "json", "-o", "-"])
    stderr = capsys.readouterr().err
    assert code == 2
    assert _lines(stderr) == [
        "chatsweep: error: standard output was closed before the whole report was written"
    ]
