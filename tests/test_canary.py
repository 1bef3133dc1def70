"""A planted canary must be found, yet appear in no log, no stderr and no default report."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_jsonl

CANARY_PASSWORD = "Canary7731!Zq"
CANARY_TOKEN = "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"
CANARY_ID = "11010519491231002X"
CANARY_MAIL = "canary.person@example.com"
CANARY_TEXT = "zebra-quokka-canary-sentence"
CANARY_AUTHOR = "Canarius Authorby"
CANARIES = (CANARY_PASSWORD, CANARY_TOKEN, CANARY_ID, CANARY_MAIL, CANARY_TEXT)


@pytest.fixture
def canary_export(tmp_path: Path) -> Path:
    rows = [
        {"id": "c1", "conversation": "general", "author": CANARY_AUTHOR, "timestamp": "2024-01-02T03:04:05Z",
         "text": f"{CANARY_TEXT}: the vpn password is {CANARY_PASSWORD}"},
        {"id": "c2", "conversation": "general", "author": CANARY_AUTHOR, "timestamp": "2024-01-02T03:05:05Z",
         "text": f"ci token {CANARY_TOKEN} and mail {CANARY_MAIL}"},
        {"id": "c3", "conversation": "general", "author": "other", "timestamp": "2024-01-02T03:06:05Z",
         "text": f"身份证{CANARY_ID}"},
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "canary.jsonl", rows)
    # and a broken line, so that error paths are exercised too
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"id": "c4", "text": "' + CANARY_PASSWORD + '"\n')
    return path


def test_canary_in_no_log_stderr_or_default_report(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, canary_export: Path, tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    caplog.set_level(logging.DEBUG)
    run = run_cli(
        capsys,
        "scan",
        str(canary_export),
        "-o",
        str(out) + "/",
        "--format",
        "html,json,csv,sarif,md",
        "--debug",
    )
    assert run.code == 1, run.stderr
    reports = {p.suffix: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert set(reports) == {".html", ".json", ".csv", ".sarif", ".md"}
    # found: the JSON report lists each canary's entity
    for entity in ("PASSWORD", "GITHUB_TOKEN", "CN_RESIDENT_ID", "EMAIL_ADDRESS"):
        assert f'"{entity}"' in reports[".json"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for canary in CANARIES:
        assert canary not in run.stderr, canary
        assert canary not in run.stdout, canary
        assert canary not in logged, canary
        for suffix, text in reports.items():
            assert canary not in text, (canary, suffix)
    assert CANARY_AUTHOR not in logged and CANARY_AUTHOR not in run.stderr
