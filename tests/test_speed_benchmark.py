"""The speed benchmark's corpus and scoring (nothing is timed: the figures come from running
``benchmarks/speed.py``)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "speed.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("speed_benchmark", PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["speed_benchmark"] = module
    spec.loader.exec_module(module)
    return module


speed = _load()


def test_generator_writes_a_labelled_generic_export(tmp_path: Path) -> None:
    corpus, labels = tmp_path / "corpus.jsonl", tmp_path / "labels.jsonl"
    chinese, values = speed.generate(200, 7, corpus, labels)
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    spans = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(spans) == 200
    assert [r["id"] for r in records] == [s[0] for s in spans] == [str(n) for n in range(1, 201)]
    assert 0.25 <= chinese / 200 <= 0.55
    assert values == sum(len(s[1]) for s in spans) > 0
    for record, (_, found) in zip(records, spans, strict=True):
        assert {"id", "conversation", "author", "timestamp", "text"} <= record.keys()
        assert record["author"] in record["conversation"]["members"]
        for start, end, entity in found:
            assert 0 <= start < end <= len(record["text"])
            assert record["text"][start:end].strip() == record["text"][start:end]
            assert entity in speed.LABELLED_TYPES
    # The same seed gives the same bytes.
    again_corpus, again_labels = tmp_path / "again.jsonl", tmp_path / "again-labels.jsonl"
    speed.generate(200, 7, again_corpus, again_labels)
    assert again_corpus.read_bytes() == corpus.read_bytes()
    assert again_labels.read_bytes() == labels.read_bytes()


LABELS = [
    json.dumps(["1", [[0, 5, "PERSON"], [10, 20, "EMAIL_ADDRESS"]]]),
    json.dumps(["2", [[3, 21, "CN_RESIDENT_ID"]]]),
    json.dumps(["3", [[20, 30, "DATE_OF_BIRTH"]]]),
    json.dumps(["4", []]),
]


def _occ(mid: str, start: int, end: int, **extra: str) -> dict[str, object]:
    return {"message_id": mid, "start": start, "end": end, **extra}


REPORT = {
    "findings": [
        {"entity_type": "PERSON", "occurrences": [_occ("1", 0, 5), _occ("1", 0, 5, part="author")]},
        {"entity_type": "EMAIL_ADDRESS", "occurrences": [_occ("2", 10, 20)]},  # wrong message
        {"entity_type": "CN_RESIDENT_ID", "occurrences": [_occ("2", 5, 10)]},  # overlaps
        {"entity_type": "PHONE_NUMBER", "occurrences": [_occ("4", 0, 11)]},  # nothing there
        {"entity_type": "DATE_OF_BIRTH", "occurrences": [_occ("3", 25, 28)]},
        {"entity_type": "ORGANIZATION", "occurrences": [_occ("4", 0, 3)]},  # not a labelled type
    ]
}


def test_report_scoring_exact_figures() -> None:
    preds = list(speed.report_predictions(REPORT))
    assert ("1", 0, 5, "PERSON") in preds and len(preds) == 6  # the author-name occurrence is left out
    scored = speed.score_stream(LABELS, preds)
    a, c = scored.all_types, scored.common
    assert (a.gold, a.predicted, a.correct, a.found) == (4, 5, 3, 3)
    assert a.f1 == pytest.approx(2 / 3)
    # CN_RESIDENT_ID is not one of Presidio's types.
    assert (c.gold, c.predicted, c.correct, c.found) == (3, 4, 2, 2)
    assert c.f1 == pytest.approx(4 / 7)
    assert scored.labelled == 4


def test_presidio_scoring_exact_figures() -> None:
    output = [
        json.dumps(["1", [[0, 5, "PERSON"], [10, 20, "EMAIL_ADDRESS"]]]),
        json.dumps(["2", [[0, 2, "DATE_TIME"]]]),  # scored as DATE_OF_BIRTH: a false alarm
        json.dumps(["3", [[0, 4, "NRP"], [20, 30, "DATE_TIME"]]]),  # NRP has no counterpart
        "",
    ]
    scored = speed.score_stream(LABELS, speed.presidio_predictions(output))
    a, c = scored.all_types, scored.common
    assert (a.gold, a.predicted, a.correct, a.found) == (4, 4, 3, 3)
    assert a.f1 == pytest.approx(0.75)
    assert (c.gold, c.predicted, c.correct, c.found) == (3, 4, 3, 3)
    assert c.f1 == pytest.approx(6 / 7)


def test_table_rows_and_ratio() -> None:
    runs = [speed.Run("presidio", 10.0, 200.0), speed.Run("no-ner", 5.0, 300.0, 12.5)]
    lines = speed.table(runs, 1000).splitlines()
    assert lines[2].split()[:5] == ["presidio", "1,000", "10.0", "100", "1.00x"]
    assert lines[3].split()[:7] == ["no-ner", "1,000", "5.0", "200", "2.00x", "12.5", "300"]
