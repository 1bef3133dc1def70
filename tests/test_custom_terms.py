"""CUSTOM: user-defined terms and patterns from the configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recognizers.custom import ChatCustomRecognizer, CustomTermsError
from tests.helpers import run_cli, write_jsonl


def _spans(rec: ChatCustomRecognizer, text: str) -> list[str]:
    return [text[r.start : r.end] for r in rec.analyze(text, entities=["CUSTOM"])]


def test_terms_are_whole_words_in_latin_and_found_glued_in_chinese() -> None:
    rec = ChatCustomRecognizer(["Project Bluebird", "蓝鸟计划"], [], "en")
    assert _spans(rec, "status of project bluebird?") == ["project bluebird"]
    assert _spans(rec, "Project Bluebirds are nice") == []
    assert _spans(rec, "关于蓝鸟计划的进展") == ["蓝鸟计划"]


def test_patterns_and_explanations_without_values() -> None:
    rec = ChatCustomRecognizer([], [r"ACME-\d{6}"], "zh")
    results = rec.analyze("客户编号ACME-123456已建档", entities=["CUSTOM"])
    assert [(r.start, r.end) for r in results] == [(4, 15)]
    assert "ACME" not in results[0].analysis_explanation.textual_explanation


def test_bad_pattern_names_its_position() -> None:
    with pytest.raises(CustomTermsError, match="#2"):
        ChatCustomRecognizer([], ["ok", "(unclosed"], "en")


def test_custom_terms_from_config_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chat = write_jsonl(
        tmp_path / "c.jsonl",
        [
            {
                "id": "1",
                "conversation": "c",
                "author": "a",
                "timestamp": 1,
                "text": "Bluebird launch moved, 蓝鸟计划延期",
            }
        ],
    )
    config = tmp_path / "chatsweep.toml"
    config.write_text('[scan]\ncustom_terms = ["Bluebird", "蓝鸟计划"]\nner = false\n', encoding="utf-8")
    run = run_cli(capsys, "scan", str(chat), "--config", str(config), "--format", "json", "-o", "-")
    report = json.loads(run.stdout)
    spans = sorted((o["start"], o["end"]) for f in report["findings"] for o in f["occurrences"])
    assert spans == [(0, 8), (23, 27)]
    assert {f["entity_type"] for f in report["findings"]} == {"CUSTOM"}
    assert report["scan"]["options"]["custom_terms"] == 2  # counted, never listed
    bad = tmp_path / "bad.toml"
    bad.write_text('custom_patterns = ["(x"]\n', encoding="utf-8")
    assert run_cli(capsys, "scan", str(chat), "--config", str(bad), "--no-ner").code == 2
