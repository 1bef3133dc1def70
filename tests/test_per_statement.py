"""Special categories of data and scams are findings per message, not per word."""

from __future__ import annotations

import json
from pathlib import Path

from scanner.pipeline import Scanner
from scanner.settings import Settings


def _scan(tmp_path: Path, texts: list[str]) -> dict[str, list[tuple[str, int]]]:
    path = tmp_path / "chat.jsonl"
    rows = [
        {
            "id": f"m{i}",
            "conversation": "clinic",
            "author": "Dr Example",
            "timestamp": 1709543100 + i,
            "text": t,
        }
        for i, t in enumerate(texts)
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = Scanner(Settings(ner=False, workers=1)).scan([path])
    out: dict[str, list[tuple[str, int]]] = {}
    for f in result.findings:
        out.setdefault(f.entity_type, []).extend((o.message_id or "", o.start) for o in f.occurrences)
        out.setdefault(f"{f.entity_type}#findings", []).append(("", len(f.occurrences)))
    return out


def test_the_same_condition_of_two_patients_is_two_findings(tmp_path: Path) -> None:
    found = _scan(
        tmp_path,
        [
            "Patient Ann Example was diagnosed with diabetes last year",
            "Patient Bo Example was diagnosed with diabetes last year",
            "ok",
        ],
    )
    assert len(found["HEALTH_INFO#findings"]) == 2
    assert sorted(m for m, _ in found["HEALTH_INFO"]) == ["m0", "m1"]


def test_one_message_stating_two_things_is_one_finding(tmp_path: Path) -> None:
    found = _scan(tmp_path, ["He was diagnosed with diabetes and is on chemotherapy for cancer"])
    assert len(found["HEALTH_INFO#findings"]) == 1
    assert {m for m, _ in found["HEALTH_INFO"]} == {"m0"}


def test_values_still_make_one_finding_across_messages(tmp_path: Path) -> None:
    found = _scan(tmp_path, ["mail ann@example.com", "again: ann@example.com"])
    assert len(found["EMAIL_ADDRESS#findings"]) == 1
    assert len(found["EMAIL_ADDRESS"]) == 2


def test_a_statement_keeps_its_fingerprint_wherever_the_export_lies(tmp_path: Path) -> None:
    texts = ["Patient Ann Example was diagnosed with diabetes last year"]
    fingerprints = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "chat.jsonl"
        row = {
            "id": "m0",
            "conversation": "clinic",
            "author": "Dr Example",
            "timestamp": 1709543100,
            "text": texts[0],
        }
        path.write_text(json.dumps(row) + "\n", encoding="utf-8")
        result = Scanner(Settings(ner=False, workers=1)).scan([path])
        fingerprints.append({f.fingerprint for f in result.findings if f.entity_type == "HEALTH_INFO"})
    assert fingerprints[0] and fingerprints[0] == fingerprints[1]
