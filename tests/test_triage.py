"""Triage files: decisions by fingerprint that later scans honour; the `chatsweep triage` helper."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from scanner import triage
from scanner.cli import exit_code
from scanner.errors import UsageError
from tests.helpers import run_cli, write_jsonl
from tests.synthetic_results import KEY_ID, finding, result

SSN = finding("US_SSN")
MAIL = finding("EMAIL_ADDRESS", 1)


def _file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _toml(path: Path, status: str, fp: str = SSN.fingerprint, key_id: str = KEY_ID, note: str = "") -> Path:
    return _file(
        path, f'key_id = "{key_id}"\n[findings.{fp}]\nstatus = "{status}"\nowner = "dpo"\nnote = "{note}"\n'
    )


@pytest.mark.parametrize("status", ["false_positive", "accepted"])
def test_false_positives_and_accepted_findings_leave_the_gate(tmp_path: Path, status: str) -> None:
    r = triage.apply(result(SSN, MAIL), triage.load(_toml(tmp_path / "t.toml", status)))
    ssn = next(f for f in r.findings if f.entity_type == "US_SSN")
    assert ssn.triage is not None and (ssn.triage.status, ssn.triage.owner) == (status, "dpo")
    assert len(r.findings) == 2  # kept in the report
    assert exit_code(r, "high") == 0 and exit_code(result(SSN, MAIL), "high") == 1
    assert exit_code(r, "medium") == 1  # the e-mail address still counts
    assert any("1 findings suppressed by triage" in n for n in r.notices)
    assert r.options["triage"]["suppressed"] == 1


def test_confirmed_findings_still_fail_the_gate(tmp_path: Path) -> None:
    r = triage.apply(result(SSN), triage.load(_toml(tmp_path / "t.toml", "confirmed")))
    assert r.findings[0].triage is not None and r.findings[0].triage.status == "confirmed"
    assert exit_code(r, "high") == 1
    assert not any("suppressed" in n for n in r.notices)


def test_a_remediated_finding_seen_again_is_flagged_as_reappeared(tmp_path: Path) -> None:
    r = triage.apply(result(SSN), triage.load(_toml(tmp_path / "t.toml", "remediated")))
    decision = r.findings[0].triage
    assert decision is not None and decision.status == "remediated" and decision.reappeared
    assert any("remediated reappeared" in n for n in r.notices)
    assert exit_code(r, "high") == 1


def test_json_triage_files_are_read_too(tmp_path: Path) -> None:
    body = {
        "key_id": KEY_ID,
        "findings": {SSN.fingerprint: {"status": "accepted", "note": "known test data"}},
    }
    loaded = triage.load(_file(tmp_path / "t.json", json.dumps(body)))
    assert loaded.entries[SSN.fingerprint].status == "accepted"


def test_a_triage_file_made_under_another_key_is_an_error(tmp_path: Path) -> None:
    other = triage.load(_toml(tmp_path / "t.toml", "accepted", key_id="ffffffffffffffff"))
    with pytest.raises(UsageError, match="made with key ffffffffffffffff; this scan uses key"):
        triage.apply(result(SSN), other)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[findings]\n", "no key_id"),
        (f'key_id = "{KEY_ID}"\n[findings.nothex]\nstatus = "accepted"\n', "not keyed by a fingerprint"),
        (f'key_id = "{KEY_ID}"\n[findings.{SSN.fingerprint}]\nstatus = "ignored"\n', "status must be one of"),
        (
            f'key_id = "{KEY_ID}"\n[findings.{SSN.fingerprint}]\nstatus = "accepted"\nvalue = "x"\n',
            "unknown key",
        ),
        (
            f'key_id = "{KEY_ID}"\n[findings.{SSN.fingerprint}]\nstatus = "accepted"\nnote = "{"x" * 600}"\n',
            "longer",
        ),
        ("key_id = [", "not valid TOML"),
    ],
)
def test_bad_triage_files_are_usage_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        triage.load(_file(tmp_path / "t.toml", text))


@pytest.mark.parametrize(
    "note", ["card 4111 1111 1111 1111", "mail jane@example.org", "key sk_live_abcdefghij1234567890XY"]
)
def test_notes_that_hold_a_value_are_refused(tmp_path: Path, note: str) -> None:
    with pytest.raises(UsageError, match="looks like it holds a value"):
        triage.load(_toml(tmp_path / "t.toml", "accepted", note=note))


def test_notes_are_one_line() -> None:
    assert triage.clean("test\nfixture\x1b[2J data", 100, "note") == "test fixture [2J data"


def test_cli_triage_writes_and_updates_the_file_and_the_scan_honours_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    chat = write_jsonl(
        tmp_path / "chat.jsonl",
        [{"id": "m1", "conversation": "ops", "author": "ana", "timestamp": "2024-05-01T09:00:00Z",
          "text": "身份证号11010519491231002X，电话13812345678"}],
    )  # fmt: skip
    report = tmp_path / "report.json"
    assert run_cli(capsys, "scan", str(chat), "--no-ner", "--format", "json", "-o", str(report)).code == 1
    findings = {f["entity_type"]: f for f in json.loads(report.read_text())["findings"]}
    rid, phone = findings["CN_RESIDENT_ID"], findings["PHONE_NUMBER"]
    out = tmp_path / "triage.toml"
    run = run_cli(capsys, "triage", str(report), "--set", f"{rid['id']}=false_positive",
                  "--owner", "dpo@example.org", "--note", "a test card from the QA team",
                  "-o", str(out))  # fmt: skip
    assert run.code == 0, run.stderr
    run = run_cli(capsys, "triage", str(report), "--set", f"{phone['fingerprint']}=accepted", "-o", str(out))
    assert run.code == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    assert "11010519491231002X" not in text and "13812345678" not in text
    data = tomllib.loads(text)
    assert data["key_id"] == json.loads(report.read_text())["scan"]["key_id"]
    assert data["findings"][rid["fingerprint"]] == {
        "finding": rid["id"], "entity_type": "CN_RESIDENT_ID", "status": "false_positive",
        "owner": "dpo@example.org", "note": "a test card from the QA team",
    }  # fmt: skip
    assert data["findings"][phone["fingerprint"]]["status"] == "accepted"
    scan = run_cli(capsys, "scan", str(chat), "--no-ner", "--format", "json", "-o", "-", "--triage", str(out))
    assert scan.code == 0, scan.stderr
    assert "2 findings suppressed by triage" in scan.stderr
    assert len(json.loads(scan.stdout)["findings"]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--set", "nope"), "FINDING_ID=STATUS"),
        (("--set", "CS999-000000000000=accepted"), "no finding"),
        (("--set", "{id}=ignored"), "unknown status"),
        (("--set", "{id}=accepted", "--note", "phone 13812345678"), "looks like it holds a value"),
    ],
)
def test_cli_triage_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"scan": {"key_id": KEY_ID}, "findings": [
        {"id": SSN.id, "fingerprint": SSN.fingerprint, "entity_type": "US_SSN"}]}))  # fmt: skip
    run = run_cli(
        capsys,
        "triage",
        str(report),
        *(a.replace("{id}", SSN.id) for a in args),
        "-o",
        str(tmp_path / "t.toml"),
    )
    assert run.code == 2 and message in run.stderr and "Traceback" not in run.stderr
    assert "13812345678" not in run.stderr


def test_cli_triage_refuses_a_file_of_another_key(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"scan": {"key_id": KEY_ID}, "findings": [
        {"id": SSN.id, "fingerprint": SSN.fingerprint, "entity_type": "US_SSN"}]}))  # fmt: skip
    out = _toml(tmp_path / "t.toml", "accepted", key_id="ffffffffffffffff")
    run = run_cli(capsys, "triage", str(report), "--set", f"{SSN.id}=accepted", "-o", str(out))
    assert run.code == 2 and "made with key ffffffffffffffff" in run.stderr


@pytest.mark.parametrize("note", ["remediated on 2024-05-01", "see ticket SEC-1234", "测试数据，已确认"])
def test_ordinary_notes_are_kept(note: str) -> None:
    assert triage.clean(note, 100, "note") == note
