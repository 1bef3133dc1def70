"""End-to-end tests through the real CLI: exit codes, outputs, errors without tracebacks."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli, run_process, write_jsonl

EXAMPLES = REPO / "examples"

CONTRACT_TOP = {"schema_version", "tool", "scan", "summary", "findings"}
CONTRACT_SCAN = {"inputs", "messages_scanned", "started_at", "finished_at", "languages", "models", "options"}
CONTRACT_FINDING = {
    "id", "rule", "entity_type", "category", "severity", "confidence", "preview", "fingerprint",
    "explanation", "occurrences",
}  # fmt: skip
CONTRACT_OCC = {"input", "conversation", "message_id", "author", "timestamp", "start", "end", "location"}


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "chat.jsonl",
        [
            {"id": "m1", "conversation": "ops", "author": "ana", "timestamp": "2024-05-01T09:00:00Z",
             "text": "prod db password is Xk8#mQ2!zR"},
            {"id": "m2", "conversation": "ops", "author": "bo", "timestamp": 1714554000,
             "text": "身份证号11010519491231002X，电话13812345678"},
            {"id": "m3", "conversation": "ops", "author": "ana", "timestamp": 1714554060000,
             "text": "lunch at noon?"},
        ],
    )  # fmt: skip


@pytest.fixture
def mild(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "mild.jsonl",
        [{"id": "1", "conversation": "c", "author": "a", "timestamp": "2024-05-01T09:00:00Z",
          "text": "write to jane.placeholder@example.org"}],
    )  # fmt: skip


def test_scan_writes_contract_json_and_exits_1(
    capsys: pytest.CaptureFixture[str], leaky: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = run_cli(capsys, "scan", str(leaky), "-o", str(out) + "/", "--no-ner")
    assert run.code == 1, run.stderr
    report = json.loads((out / "chatsweep-report.json").read_text(encoding="utf-8"))
    assert set(report) >= CONTRACT_TOP
    assert report["schema_version"] == 2
    assert set(report["scan"]) >= CONTRACT_SCAN
    assert report["scan"]["messages_scanned"] == 3
    assert report["scan"]["inputs"][0]["format"] == "jsonl"
    by_entity = {f["entity_type"]: f for f in report["findings"]}
    assert {"PASSWORD", "CN_RESIDENT_ID", "PHONE_NUMBER"} <= set(by_entity)
    for f in report["findings"]:
        assert set(f) >= CONTRACT_FINDING
        for occ in f["occurrences"]:
            assert set(occ) >= CONTRACT_OCC
    pw = by_entity["PASSWORD"]["occurrences"][0]
    assert (pw["message_id"], pw["start"], pw["end"]) == ("m1", 20, 30)
    cid = by_entity["CN_RESIDENT_ID"]["occurrences"][0]
    assert (cid["message_id"], cid["start"], cid["end"]) == ("m2", 4, 22)
    assert (out / "chatsweep-report.html").exists()
    for f in out.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600


def test_fail_on_threshold(capsys: pytest.CaptureFixture[str], mild: Path, tmp_path: Path) -> None:
    args = ("scan", str(mild), "--no-ner", "--format", "json", "-o", "-")
    assert run_cli(capsys, *args).code == 0  # medium finding, default threshold high
    assert run_cli(capsys, *args, "--fail-on", "medium").code == 1
    assert run_cli(capsys, *args, "--fail-on", "never").code == 0


def test_stdout_output_is_one_format(capsys: pytest.CaptureFixture[str], mild: Path) -> None:
    run = run_cli(capsys, "scan", str(mild), "--no-ner", "--format", "json", "-o", "-")
    assert json.loads(run.stdout)["summary"]["by_entity"] == {"EMAIL_ADDRESS": 1}
    run = run_cli(capsys, "scan", str(mild), "--no-ner", "--format", "json,html", "-o", "-")
    assert run.code == 2 and "one format" in run.stderr


def test_entities_and_min_confidence_filter(capsys: pytest.CaptureFixture[str], leaky: Path) -> None:
    run = run_cli(
        capsys, "scan", str(leaky), "--no-ner", "--format", "json", "-o", "-", "--entities", "PASSWORD"
    )
    assert {f["entity_type"] for f in json.loads(run.stdout)["findings"]} == {"PASSWORD"}
    run = run_cli(
        capsys, "scan", str(leaky), "--no-ner", "--format", "json", "-o", "-", "--min-confidence", "1"
    )
    assert all(f["confidence"] >= 1 for f in json.loads(run.stdout)["findings"])


def test_show_values(capsys: pytest.CaptureFixture[str], leaky: Path) -> None:
    masked = run_cli(capsys, "scan", str(leaky), "--no-ner", "--format", "json", "-o", "-").stdout
    shown = run_cli(
        capsys, "scan", str(leaky), "--no-ner", "--format", "json", "-o", "-", "--show-values"
    ).stdout
    assert "Xk8#mQ2!zR" not in masked and "11010519491231002X" not in masked
    assert "Xk8#mQ2!zR" in shown


def test_baseline_keeps_known_findings_out_of_the_gate(
    capsys: pytest.CaptureFixture[str], leaky: Path, tmp_path: Path
) -> None:
    base = tmp_path / "base.json"
    assert run_cli(capsys, "scan", str(leaky), "--no-ner", "--format", "json", "-o", str(base)).code == 1
    run = run_cli(
        capsys, "scan", str(leaky), "--no-ner", "--format", "json", "-o", "-", "--baseline", str(base)
    )
    assert run.code == 0
    # Known findings stay in the report (marked still present); they no longer fail the gate.
    assert len(json.loads(run.stdout)["findings"]) == len(json.loads(base.read_text())["findings"])


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "pdf"),
        ("--fail-on", "sometimes"),
        ("--lang", "fr"),
        ("--input-format", "myspace"),
        ("--entities", "NOT_A_TYPE"),
        ("--min-confidence", "2"),
        ("-o", "{input}/x/report.json"),  # a folder that cannot be created: a file is in the way
        ("--model", "/nonexistent/model-dir"),
        ("--no-such-flag",),
    ],
)
def test_usage_errors_exit_2_without_traceback(
    capsys: pytest.CaptureFixture[str], mild: Path, args: tuple[str, ...]
) -> None:
    run = run_cli(capsys, "scan", str(mild), *(a.replace("{input}", str(mild)) for a in args))
    assert run.code == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


def test_missing_model_suggests_no_ner(capsys: pytest.CaptureFixture[str], mild: Path) -> None:
    run = run_cli(capsys, "scan", str(mild), "--model", "en_core_web_missing")
    assert run.code == 2
    assert "--no-ner" in run.stderr


def test_config_file_and_unknown_key(capsys: pytest.CaptureFixture[str], mild: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[scan]\nfail-on = "medium"\nner = false\n', encoding="utf-8")
    assert run_cli(capsys, "scan", str(mild), "--config", str(good), "--format", "json", "-o", "-").code == 1
    bad = tmp_path / "bad.toml"
    bad.write_text('fail_onn = "low"\n', encoding="utf-8")
    run = run_cli(capsys, "scan", str(mild), "--config", str(bad))
    assert run.code == 2 and "fail_onn" in run.stderr


def test_environment_overrides_file(
    capsys: pytest.CaptureFixture[str], mild: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATSWEEP_FAIL_ON", "medium")
    monkeypatch.setenv("CHATSWEEP_NER", "false")
    assert run_cli(capsys, "scan", str(mild), "--format", "json", "-o", "-").code == 1


def test_nothing_readable_exits_3(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = run_cli(capsys, "scan", str(tmp_path / "missing.json"), "--no-ner")
    assert run.code == 3 and "missing.json" in run.stderr
    junk = tmp_path / "notes.bin"
    junk.write_bytes(b"\x00\x01\x02 not a chat")
    run = run_cli(capsys, "scan", str(junk), "--no-ner")
    # The console wraps long lines; the reason is one phrase however it is wrapped.
    assert run.code == 3 and "not a recognised chat export format" in " ".join(run.stderr.split())
    assert "Traceback" not in run.stderr


def test_broken_record_is_skipped_and_listed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "half.jsonl"
    path.write_text(
        '{"id": "1", "conversation": "c", "author": "a", "timestamp": 1, '
        '"text": "mail jane.placeholder@example.org"}\n'
        '{"id": "2", "conversation": "c", "auth\n',
        encoding="utf-8",
    )
    run = run_cli(capsys, "scan", str(path), "--no-ner", "--format", "json", "-o", "-")
    report = json.loads(run.stdout)
    assert run.code == 3  # nothing reaches --fail-on, but a record was not read
    assert report["scan"]["inputs"][0]["messages"] == 1
    skipped = report["scan"]["inputs"][0]["skipped"]
    assert len(skipped) == 1 and skipped[0]["location"].endswith(":2")


def test_internal_error_exits_70_and_hides_details(
    capsys: pytest.CaptureFixture[str], mild: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scanner import pipeline

    def boom(self: object, *a: object, **k: object) -> None:
        raise RuntimeError("SECRET-VALUE-IN-EXCEPTION")

    monkeypatch.setattr(pipeline.Scanner, "scan", boom)
    run = run_cli(capsys, "scan", str(mild), "--no-ner")
    assert run.code == 70
    assert "SECRET-VALUE-IN-EXCEPTION" not in run.stderr and "Traceback" not in run.stderr
    run = run_cli(capsys, "scan", str(mild), "--no-ner", "--debug")
    assert run.code == 70 and "Traceback" in run.stderr


def test_formats_and_rules_commands(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "formats")
    assert run.code == 0
    for name in ("slack", "whatsapp", "telegram", "jsonl", "csv"):
        assert name in run.stdout
    run = run_cli(capsys, "rules")
    assert run.code == 0 and "CN_RESIDENT_ID" in run.stdout and "CS201" in run.stdout


def test_help_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "scan", "--help")
    assert run.code == 0
    assert "--fail-on" in run.stdout and "--show-values" in run.stdout


@pytest.mark.slow
def test_bundled_examples_end_to_end_as_a_process(tmp_path: Path) -> None:
    """The README's quick start: the real console script, NER on, network guarded."""
    run = run_process(
        tmp_path,
        "scan",
        str(EXAMPLES),
        "-o",
        str(tmp_path / "rep") + "/",
        "--format",
        "json,html,csv,sarif,md",
    )
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr
    report = json.loads((tmp_path / "rep" / "chatsweep-report.json").read_text(encoding="utf-8"))
    formats = {i["format"] for i in report["scan"]["inputs"]}
    assert {"slack", "whatsapp", "jsonl"} <= formats
    entities = set(report["summary"]["by_entity"])
    assert {"AWS_ACCESS_KEY", "GITHUB_TOKEN", "PRIVATE_KEY", "PASSWORD", "CN_RESIDENT_ID", "PHONE_NUMBER",
            "EMAIL_ADDRESS", "CREDIT_CARD", "CN_BANK_CARD"} <= entities  # fmt: skip
    assert report["scan"]["languages"]["zh"] > 0 and report["scan"]["languages"]["en"] > 0
    for ext in ("html", "csv", "sarif", "md"):
        assert (tmp_path / "rep" / f"chatsweep-report.{ext}").stat().st_size > 0
