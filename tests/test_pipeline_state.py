"""The scan state: bounded, picklable for a checkpoint, and never holding the fingerprint key."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from scanner import pipeline
from scanner.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
KEY = "test-key-0123456789abcdef-not-real"


def test_scan_state_pickles_without_key_settings_or_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATSWEEP_FINGERPRINT_KEY", KEY)
    states: list[pipeline._ScanState] = []
    pickled: list[bytes] = []
    original = pipeline.Scanner._scan_input

    def keep(self, source, reader, state, progress, *resume):  # type: ignore[no-untyped-def]
        summary = original(self, source, reader, state, progress, *resume)
        states.append(state)
        pickled.append(pickle.dumps(state))  # as a checkpoint after the input saves it
        return summary

    monkeypatch.setattr(pipeline.Scanner, "_scan_input", keep)
    result = pipeline.Scanner(Settings(ner=False, workers=1)).scan([EXAMPLES / "chat.jsonl"])
    state, data = states[-1], pickled[-1]
    assert KEY.encode() not in data
    back = pickle.loads(data)
    assert back.analyzer is None and back.settings is None
    back.settings, back.analyzer = state.settings, state.analyzer
    assert back.findings() == result.findings
    assert result.findings
