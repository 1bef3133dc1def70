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
    original = pipeline.Scanner._scan_input

    def keep(self, source, reader, state, progress, *resume):  # type: ignore[no-untyped-def]
        states.append(state)
        return original(self, source, reader, state, progress, *resume)

    monkeypatch.setattr(pipeline.Scanner, "_scan_input", keep)
    result = pipeline.Scanner(Settings(ner=False, workers=1)).scan([EXAMPLES / "chat.jsonl"])
    state = states[-1]
    data = pickle.dumps(state)
    assert KEY.encode() not in data
    back = pickle.loads(data)
    assert back.analyzer is None and back.settings is None
    back.settings, back.analyzer = state.settings, state.analyzer
    assert back.findings() == state.findings() == result.findings
    assert result.findings
