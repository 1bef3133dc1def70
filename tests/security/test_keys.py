"""Fingerprint keys belong to the user; baselines compare only under one key; hostile baselines.

Every key here is a visibly fake test string. Errors must name files and variables, never
the key.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner import baseline, keys
from scanner.errors import UsageError
from scanner.masking import key_id
from scanner.model import (
    Category,
    Finding,
    Likelihood,
    Occurrence,
    ScanResult,
    Severity,
)
from scanner.settings import Settings, max_workers, resolve
from tests.helpers import REPO, run_cli, write_jsonl

KEY_A = "test-key-A-not-a-secret-0123456789"
KEY_B = "test-key-B-not-a-secret-9876543210"


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh installation: its own config folder, no key in the environment, no cached key."""
    home = tmp_path / "config-home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.delenv(keys.ENV_VAR, raising=False)
    monkeypatch.delenv("CHATSWEEP_KEY_FILE", raising=False)
    keys.clear_cache()
    yield home / "chatsweep" / keys.KEY_FILE_NAME
    keys.clear_cache()


def _key_file(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


# --- the user's own key -------------------------------------------------------------------


def test_first_use_makes_a_private_random_key(install: Path) -> None:
    assert not install.exists()
    key = keys.resolve_key(Settings(ner=False))
    assert install.is_file()
    text = install.read_text(encoding="ascii").strip()
    assert len(text) == 64 and int(text, 16) >= 0  # 32 random bytes as hex
    assert key == text.encode()
    if os.name == "posix":
        assert stat.S_IMODE(install.stat().st_mode) == 0o600
        assert stat.S_IMODE(install.parent.stat().st_mode) == 0o700
    keys.clear_cache()
    assert keys.resolve_key(Settings()) == key  # the same install keeps its key


def test_two_installs_have_different_keys(
    install: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = keys.resolve_key(Settings())
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "other-home"))
    second = keys.resolve_key(Settings())
    assert first != second
    assert key_id(first) != key_id(second)


def test_racing_first_runs_in_threads_end_with_one_key(install: Path) -> None:
    barrier = threading.Barrier(8)
    got: list[bytes] = []

    def run() -> None:
        barrier.wait()
        got.append(keys.load_or_create_user_key(install))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(got) == 8 and len(set(got)) == 1
    assert got[0] == install.read_text(encoding="ascii").strip().encode()
    assert sorted(p.name for p in install.parent.iterdir()) == [keys.KEY_FILE_NAME]  # no temp files left


def test_racing_first_runs_in_processes_end_with_one_key(install: Path) -> None:
    code = (
        "import time, sys; from scanner import keys; from scanner.masking import key_id; "
        "time.sleep(max(0.0, float(sys.argv[1]) - time.time())); "
        "print(key_id(keys.load_or_create_user_key(keys.user_key_path())))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = str(time.time() + 1.5)  # all four try at the same moment, after their imports
    procs = [
        subprocess.Popen([sys.executable, "-c", code, start], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(4)
    ]
    ids = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert len(ids) == 1 and ids != {""}
    assert ids == {key_id(keys.load_or_create_user_key(install))}


# --- key sources and their precedence -----------------------------------------------------


def test_environment_key_beats_the_user_key(install: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys.ENV_VAR, KEY_A)
    assert keys.resolve_key(resolve({})) == KEY_A.encode()
    assert keys.resolve_key(Settings()) == KEY_A.encode()  # settings built directly too
    assert not install.exists()  # no user key was made


def test_key_file_flag_beats_the_environment(install: Path, tmp_path: Path) -> None:
    path = _key_file(tmp_path / "team.key", KEY_B + "\n")
    settings = resolve({"key_file": str(path)}, environ={keys.ENV_VAR: KEY_A})
    assert settings.fingerprint_key is None and settings.key_file == str(path)
    assert keys.resolve_key(settings) == KEY_B.encode()


def test_environment_beats_a_key_file_in_the_config(install: Path, tmp_path: Path) -> None:
    _key_file(tmp_path / "team.key", KEY_B)
    config = tmp_path / "chatsweep.toml"
    config.write_text('key_file = "team.key"\n', encoding="utf-8")
    from_config = resolve({}, config, environ={})
    assert from_config.key_file == str(tmp_path / "team.key")  # relative to the config file
    assert keys.resolve_key(from_config) == KEY_B.encode()
    from_env = resolve({}, config, environ={keys.ENV_VAR: KEY_A})
    assert keys.resolve_key(from_env) == KEY_A.encode()


def test_a_key_file_and_its_environment_form_are_the_same_key(install: Path, tmp_path: Path) -> None:
    path = _key_file(tmp_path / "team.key", KEY_A + "\n")
    assert keys.resolve_key(Settings(key_file=str(path))) == keys.resolve_key(
        resolve({}, environ={keys.ENV_VAR: f"  {KEY_A}\n"})
    )


def test_a_short_environment_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(UsageError) as exc:
        resolve({}, environ={keys.ENV_VAR: "short-key"})
    assert keys.ENV_VAR in str(exc.value) and "short-key" not in str(exc.value)


def test_a_short_key_set_directly_is_refused(install: Path) -> None:
    with pytest.raises(UsageError):
        keys.resolve_key(Settings(fingerprint_key=b"short"))


def test_a_key_in_the_config_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "chatsweep.toml"
    config.write_text(f'fingerprint_key = "{KEY_A}"\n', encoding="utf-8")
    with pytest.raises(UsageError) as exc:
        resolve({}, config, environ={})
    assert "key_file" in str(exc.value) and KEY_A not in str(exc.value)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o620])
def test_a_key_file_others_can_access_is_refused(install: Path, tmp_path: Path, mode: int) -> None:
    path = _key_file(tmp_path / "team.key", KEY_A, mode)
    with pytest.raises(UsageError) as exc:
        keys.resolve_key(Settings(key_file=str(path)))
    message = str(exc.value)
    assert str(path) in message and "chmod 600" in message and "\n" not in message
    assert KEY_A not in message


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_user_key_others_can_read_is_refused(install: Path) -> None:
    keys.resolve_key(Settings())
    install.chmod(0o644)
    keys.clear_cache()
    with pytest.raises(UsageError, match="chmod 600"):
        keys.resolve_key(Settings())


@pytest.mark.parametrize(
    ("content", "reason"),
    [("", "is empty"), ("   \n", "is empty"), ("too-short", "at least 16"), ("k" * 5000, "larger than")],
)
def test_bad_key_file_contents_are_refused(install: Path, tmp_path: Path, content: str, reason: str) -> None:
    path = _key_file(tmp_path / "team.key", content)
    with pytest.raises(UsageError, match=reason):
        keys.resolve_key(Settings(key_file=str(path)))


def test_missing_or_special_key_files_are_refused_quickly(install: Path, tmp_path: Path) -> None:
    for path in (tmp_path / "absent.key", tmp_path):
        with pytest.raises(UsageError):
            keys.resolve_key(Settings(key_file=str(path)))
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "key.fifo"
        os.mkfifo(fifo, 0o600)
        t0 = time.monotonic()
        with pytest.raises(UsageError, match="not a regular file"):  # no writer: must not block
            keys.resolve_key(Settings(key_file=str(fifo)))
        assert time.monotonic() - t0 < 5
    if Path("/dev/zero").exists():
        with pytest.raises(UsageError, match="not a regular file"):
            keys.resolve_key(Settings(key_file="/dev/zero"))


def test_public_options_do_not_describe_the_key(tmp_path: Path) -> None:
    path = _key_file(tmp_path / "team.key", KEY_A)
    for settings in (Settings(), Settings(key_file=str(path)), Settings(fingerprint_key=KEY_A.encode())):
        options = json.dumps(settings.public_options())
        assert "fingerprint" not in options and "key" not in options
        assert "default" not in options and 'custom"' not in options and KEY_A not in options


def test_masking_has_no_built_in_key() -> None:
    import scanner.masking as masking

    assert not hasattr(masking, "DEFAULT_KEY")
    with pytest.raises(TypeError):
        masking.fingerprint("PHONE_NUMBER", "13800000000")  # type: ignore[call-arg]


# --- settings: did-you-mean and bounded workers -------------------------------------------


def test_unknown_setting_suggests_the_close_one(tmp_path: Path) -> None:
    config = tmp_path / "chatsweep.toml"
    config.write_text('fial_on = "high"\n', encoding="utf-8")
    with pytest.raises(UsageError) as exc:
        resolve({}, config, environ={})
    assert str(exc.value) == f"unknown setting 'fial_on' in {config} (did you mean 'fail_on'?)"


def test_unknown_setting_without_a_close_one_has_no_hint(tmp_path: Path) -> None:
    config = tmp_path / "chatsweep.toml"
    config.write_text("zzzzqqqq = 1\n", encoding="utf-8")
    with pytest.raises(UsageError) as exc:
        resolve({}, config, environ={})
    assert "did you mean" not in str(exc.value)


def test_workers_are_bounded() -> None:
    limit = max_workers()
    assert limit == max(64, 4 * (os.cpu_count() or 1))
    assert resolve({"workers": limit}, environ={}).workers == limit
    with pytest.raises(UsageError, match=f"at most {limit}"):
        resolve({"workers": limit + 1}, environ={})


def test_cli_refuses_a_huge_worker_count_at_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chat = write_jsonl(tmp_path / "c.jsonl", [_row("m1", "general", "lunch?")])
    t0 = time.monotonic()
    run = run_cli(
        capsys, "scan", str(chat), "--no-ner", "--workers", "100000", "-o", str(tmp_path / "o") + "/"
    )
    assert run.code == 2 and "at most" in run.stderr
    assert time.monotonic() - t0 < 30


# --- baselines -----------------------------------------------------------------------------


def _row(mid: str, conversation: str, text: str) -> dict[str, str]:
    return {
        "id": mid,
        "conversation": conversation,
        "author": "test-author",
        "timestamp": "2024-05-01T09:00:00Z",
        "text": text,
    }


LEAK = "ssh login password is Xk8#mQ2!zR-fake"


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "chat.jsonl", [_row("m1", "ops", LEAK)])


def _scan_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    run = run_cli(capsys, "scan", *args, "--no-ner", "--format", "json", "-o", "-")
    # The console wraps long error lines at its width: compare the words, not the wrapping.
    return run.code, run.stdout, " ".join(run.stderr.split())


def _make_baseline(capsys: pytest.CaptureFixture[str], chat: Path, out: Path) -> Path:
    code, stdout, _ = _scan_json(capsys, str(chat))
    assert code == 1
    out.write_text(stdout, encoding="utf-8")
    return out


def test_baseline_under_the_same_key_matches_known_findings(
    install: Path, capsys: pytest.CaptureFixture[str], chat: Path, tmp_path: Path
) -> None:
    base = _make_baseline(capsys, chat, tmp_path / "base.json")
    code, stdout, _ = _scan_json(capsys, str(chat), "--baseline", str(base))
    report = json.loads(stdout)
    # Known findings stay in the report, marked, and no longer fail the gate.
    assert code == 0 and report["findings"]
    assert {f["baseline"] for f in report["findings"]} == {"still_present"}
    assert report["scan"]["key_id"] == json.loads(base.read_text(encoding="utf-8"))["scan"]["key_id"]


def test_baseline_under_another_key_is_an_error_naming_both_ids(
    install: Path,
    capsys: pytest.CaptureFixture[str],
    chat: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(keys.ENV_VAR, KEY_A)
    base = _make_baseline(capsys, chat, tmp_path / "base.json")
    monkeypatch.setenv(keys.ENV_VAR, KEY_B)
    code, stdout, stderr = _scan_json(capsys, str(chat), "--baseline", str(base))
    assert code == 2 and stdout == ""
    id_a, id_b = key_id(KEY_A.encode()), key_id(KEY_B.encode())
    assert f"was made with key {id_a}; this scan uses key {id_b}" in stderr
    assert "--key-file" in stderr and KEY_A not in stderr and KEY_B not in stderr
    assert "Traceback" not in stderr


def test_an_empty_baseline_under_another_key_is_still_an_error(
    install: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(keys.ENV_VAR, KEY_A)
    clean = write_jsonl(tmp_path / "clean.jsonl", [_row("m1", "ops", "lunch at noon?")])
    code, stdout, _ = _scan_json(capsys, str(clean))
    assert code == 0 and json.loads(stdout)["findings"] == []
    base = tmp_path / "empty-base.json"
    base.write_text(stdout, encoding="utf-8")
    monkeypatch.setenv(keys.ENV_VAR, KEY_B)
    code, _, stderr = _scan_json(capsys, str(clean), "--baseline", str(base))
    assert code == 2 and "was made with key" in stderr


def test_load_with_the_scan_key_id_refuses_before_scanning(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"scan": {"key_id": "aaaa"}, "findings": []}), encoding="utf-8")
    with pytest.raises(UsageError, match="made with key aaaa; this scan uses key bbbb"):
        baseline.load(path, "bbbb")
    assert baseline.load(path, "aaaa") == frozenset()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a": ' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
        ("[1, 2, 3]", "not a JSON object"),
        ('"a string"', "not a JSON object"),
        ('{"scan": {"key_id": "k"}, "findings": {"not": "a list"}}', "findings is not a list"),
        ('{"scan": {"key_id": "k"}, "findings": [1]}', "has no fingerprint"),
        ('{"scan": {"key_id": "k"}, "findings": [{"fingerprint": 7}]}', "has no fingerprint"),
        ('{"schema_version": 1, "findings": []}', "no scan.key_id"),
        ('{"scan": "nope", "findings": []}', "no scan.key_id"),
        ("{not json", "not valid JSON"),
        ("", "not valid JSON"),
    ],
)
def test_hostile_baselines_are_one_line_usage_errors(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as exc:
        baseline.load(path, "k")
    assert reason in str(exc.value) and "\n" not in str(exc.value)


def test_invalid_utf8_baseline_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(b'{"a": "\xff\xfe"}')
    with pytest.raises(UsageError, match="not UTF-8"):
        baseline.load(path, "k")


def test_deeply_nested_baseline_through_the_cli_exits_2_without_traceback(
    install: Path, capsys: pytest.CaptureFixture[str], chat: Path, tmp_path: Path
) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, stdout, stderr = _scan_json(capsys, str(chat), "--baseline", str(path))
    assert code == 2 and stdout == ""
    assert "nested too deeply" in stderr and "Traceback" not in stderr


def test_a_2gb_baseline_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:  # sparse: takes no disk space
        fh.truncate(2 * 1024**3)
    tracemalloc.start()
    try:
        with pytest.raises(UsageError, match="larger than 256 MB"):
            baseline.load(path, "k")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


def test_an_unreadable_baseline_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read baseline"):
        baseline.load(tmp_path / "absent.json", "k")


def _finding(fp: str, *places: tuple[str, str]) -> Finding:
    return Finding(
        id=f"CS-{fp}",
        rule="CS000",
        entity_type="PASSWORD",
        category=Category.SECRET,
        severity=Severity.CRITICAL,
        confidence=0.9,
        likelihood=Likelihood.LIKELY,
        preview="*** [3 chars]",
        fingerprint=fp,
        explanation="test",
        occurrences=tuple(
            Occurrence(
                input=i, conversation=c, conversation_id=c, message_id="m", author="test-author",
                author_id="u", timestamp=None, start=0, end=3, location=i,
            )
            for i, c in places
        ),
    )  # fmt: skip


def _result(*findings: Finding, kid: str = "k") -> ScanResult:
    now = datetime(2024, 5, 1, tzinfo=UTC)
    return ScanResult(
        tool_name="chatsweep", tool_version="0", inputs=(), messages_scanned=1, started_at=now,
        finished_at=now, languages={}, models={}, options={}, findings=findings, key_id=kid,
    )  # fmt: skip


def test_a_known_value_that_spread_to_a_new_conversation_is_kept(tmp_path: Path) -> None:
    from reports.json_report import JsonRenderer

    old = _result(_finding("f1", ("chat.jsonl", "ops")), _finding("f2", ("chat.jsonl", "ops")))
    path = tmp_path / "base.json"
    path.write_text(JsonRenderer().render(old), encoding="utf-8")
    known = baseline.load(path, "k")
    now = _result(
        _finding("f1", ("chat.jsonl", "ops")),  # still only where it was: hidden
        _finding("f2", ("chat.jsonl", "ops"), ("chat.jsonl", "general")),  # reposted elsewhere: kept
        _finding("f3", ("chat.jsonl", "ops")),  # new value: kept
    )
    out = baseline.apply(now, known)
    assert [(f.fingerprint, f.baseline) for f in out.findings] == [
        ("f1", "still_present"),
        ("f2", "new_place"),
        ("f3", "new"),
    ]
    assert "1 new, 1 known value(s) in a new place" in out.notices[-1]
    assert "1 still present" in out.notices[-1]


def test_the_same_value_in_another_input_counts_as_spread(tmp_path: Path) -> None:
    known = baseline.Baseline({"f1"}, "b.json", "k", {"f1": frozenset({("a.jsonl", "ops")})})
    out = baseline.apply(_result(_finding("f1", ("b.jsonl", "ops"))), known)
    assert [f.fingerprint for f in out.findings] == ["f1"]


def test_apply_checks_the_key(tmp_path: Path) -> None:
    known = baseline.Baseline({"f1"}, "b.json", "aaaa", {"f1": frozenset()})
    with pytest.raises(UsageError, match="made with key aaaa; this scan uses key bbbb"):
        baseline.apply(_result(_finding("f1", ("a", "b")), kid="bbbb"), known)
    # A plain set of fingerprints (a library caller) still works: it carries no key to check.
    out = baseline.apply(_result(_finding("f1", ("a", "b")), kid="bbbb"), frozenset({"f1"}))
    assert [f.baseline for f in out.findings] == ["still_present"]


def test_cli_reports_a_known_value_reposted_in_a_new_conversation(
    install: Path, capsys: pytest.CaptureFixture[str], chat: Path, tmp_path: Path
) -> None:
    base = _make_baseline(capsys, chat, tmp_path / "base.json")
    write_jsonl(chat, [_row("m1", "ops", LEAK), _row("m2", "all-hands", LEAK)])
    code, stdout, _ = _scan_json(capsys, str(chat), "--baseline", str(base))
    report = json.loads(stdout)
    assert code == 1
    assert [f["entity_type"] for f in report["findings"]] == ["PASSWORD"]
    assert {o["conversation"] for o in report["findings"][0]["occurrences"]} == {"ops", "all-hands"}
    assert report["findings"][0]["baseline"] == "new_place"
    assert any("1 known value(s) in a new place" in n for n in report["scan"]["notices"])
