"""Baselines as a diff: new, still present, known value in a new place, resolved; the gate."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scanner import baseline
from scanner.cli import exit_code
from scanner.errors import UsageError
from scanner.model import Finding, Occurrence
from tests.helpers import run_cli, write_jsonl
from tests.synthetic_results import KEY_ID, finding, occurrence, result


def _report(path: Path, *findings: Finding, key_id: str = KEY_ID) -> Path:
    def occ(o: Occurrence) -> dict[str, Any]:
        return {"input": o.input, "conversation": o.conversation, "conversation_id": o.conversation_id,
                "audience": o.audience, "message_id": o.message_id}  # fmt: skip

    body = {
        "schema_version": 2,
        "scan": {"key_id": key_id},
        "findings": [
            {"id": f.id, "entity_type": f.entity_type, "fingerprint": f.fingerprint, "preview": f.preview,
             "confidence": f.confidence, "explanation": f.explanation,
             "occurrences": [occ(o) for o in f.occurrences]}
            for f in findings
        ],
    }  # fmt: skip
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def _states(r: Any) -> dict[str, str | None]:
    return {f.entity_type: f.baseline for f in r.findings}


def test_each_finding_is_marked_and_none_is_hidden(tmp_path: Path) -> None:
    known = finding("EMAIL_ADDRESS")
    base = baseline.load(_report(tmp_path / "b.json", known))
    now = result(known, finding("PHONE_NUMBER", 1))
    diff = baseline.apply(now, base)
    assert len(diff.findings) == 2
    assert _states(diff) == {"EMAIL_ADDRESS": "still_present", "PHONE_NUMBER": "new"}
    assert diff.resolved == ()
    assert "1 new" in diff.notices[-1] and "1 still present" in diff.notices[-1]
    assert diff.options["baseline"] == {"new": 1, "still_present": 1, "new_place": 0, "resolved": 0}


def test_still_present_does_not_fail_the_gate(tmp_path: Path) -> None:
    known = finding("US_SSN")
    diff = baseline.apply(result(known), baseline.load(_report(tmp_path / "b.json", known)))
    assert _states(diff) == {"US_SSN": "still_present"}
    assert exit_code(result(known), "high") == 1
    assert exit_code(diff, "high") == 0


def test_a_known_value_reposted_in_a_new_larger_channel_fails_the_gate(tmp_path: Path) -> None:
    dm = occurrence("dm-ana-bo", audience=2, kind="dm")
    base = baseline.load(_report(tmp_path / "b.json", finding("US_SSN", occurrences=(dm,))))
    channel = occurrence("all-hands", audience=1200, kind="channel", message_id="m9")
    diff = baseline.apply(result(finding("US_SSN", occurrences=(dm, channel))), base)
    assert _states(diff) == {"US_SSN": "new_place"}
    assert exit_code(diff, "high") == 1


def test_a_known_conversation_grown_larger_is_a_new_place(tmp_path: Path) -> None:
    small = occurrence("project", audience=8)
    base = baseline.load(_report(tmp_path / "b.json", finding("US_SSN", occurrences=(small,))))
    grown = replace(small, audience=900)
    assert _states(baseline.apply(result(finding("US_SSN", occurrences=(grown,))), base)) == {
        "US_SSN": "new_place"
    }
    same = baseline.apply(result(finding("US_SSN", occurrences=(small,))), base)
    assert _states(same) == {"US_SSN": "still_present"}


def test_a_re_export_scanned_from_another_folder_still_matches(tmp_path: Path) -> None:
    then = occurrence("ops", input="export-2024-05/")
    base = baseline.load(_report(tmp_path / "b.json", finding("EMAIL_ADDRESS", occurrences=(then,))))
    now = finding("EMAIL_ADDRESS", occurrences=(replace(then, input="/tmp/ci-123/export-2024-06/"),))
    assert _states(baseline.apply(result(now), base)) == {"EMAIL_ADDRESS": "still_present"}


def test_findings_no_longer_seen_are_resolved(tmp_path: Path) -> None:
    gone, kept = finding("CREDIT_CARD"), finding("EMAIL_ADDRESS", 1)
    base = baseline.load(_report(tmp_path / "b.json", gone, kept))
    diff = baseline.apply(result(kept), base)
    assert [f.fingerprint for f in diff.resolved] == [gone.fingerprint]
    shown = diff.resolved[0]
    assert (shown.id, shown.entity_type, shown.preview, shown.baseline) == (
        gone.id,
        "CREDIT_CARD",
        "****",
        "resolved",
    )
    assert shown.occurrences == () and shown.value is None
    assert "1 resolved" in diff.notices[-1]


def test_a_narrower_scan_does_not_resolve_what_it_did_not_look_for(tmp_path: Path) -> None:
    base = baseline.load(_report(tmp_path / "b.json", finding("CREDIT_CARD"), finding("EMAIL_ADDRESS", 1)))
    narrow = replace(result(finding("EMAIL_ADDRESS", 1)), options={"entities": ["EMAIL_ADDRESS"]})
    assert baseline.apply(narrow, base).resolved == ()


def test_a_baseline_made_under_another_key_is_an_error(tmp_path: Path) -> None:
    base = baseline.load(_report(tmp_path / "b.json", finding("EMAIL_ADDRESS"), key_id="ffffffffffffffff"))
    with pytest.raises(UsageError, match="made with key ffffffffffffffff"):
        baseline.apply(result(finding("EMAIL_ADDRESS")), base)
    with pytest.raises(UsageError, match="this scan uses key"):
        baseline.load(tmp_path / "b.json", KEY_ID)


def test_cli_baseline_keeps_known_findings_and_gates_on_spread(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    row = {"id": "m1", "conversation": "dm-ana-bo", "conversation_kind": "dm", "member_count": 2,
           "author": "ana", "timestamp": "2024-05-01T09:00:00Z",
           "text": "身份证号11010519491231002X"}  # fmt: skip
    first = write_jsonl(tmp_path / "may.jsonl", [row])
    base = tmp_path / "base.json"
    assert run_cli(capsys, "scan", str(first), "--no-ner", "--format", "json", "-o", str(base)).code == 1
    again = run_cli(
        capsys, "scan", str(first), "--no-ner", "--format", "json", "-o", "-", "--baseline", str(base)
    )
    assert again.code == 0, again.stderr
    assert len(json.loads(again.stdout)["findings"]) == len(json.loads(base.read_text())["findings"])
    assert "still present" in again.stderr
    repost = {
        **row,
        "id": "m9",
        "conversation": "all-hands",
        "conversation_kind": "channel",
        "member_count": 1200,
    }
    spread = write_jsonl(tmp_path / "june.jsonl", [row, repost])
    run = run_cli(
        capsys, "scan", str(spread), "--no-ner", "--format", "json", "-o", "-", "--baseline", str(base)
    )
    assert run.code == 1, run.stderr
    assert "1 known value(s) in a new place" in run.stderr
