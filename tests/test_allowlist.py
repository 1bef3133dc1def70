"""Allow-lists in the config file: allowed values, patterns, authors and conversations never
become findings, are counted, and are never echoed into a report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.allowlist import parse
from scanner.errors import UsageError
from scanner.settings import resolve
from tests.helpers import run_cli, write_jsonl

ROWS = [
    {"id": "m1", "conversation": "ops", "author": "ana", "timestamp": "2024-05-01T09:00:00Z",
     "text": "write to jane.placeholder@example.org or call 138 1234 5678"},
    {"id": "m2", "conversation": "ops", "author": "bo", "timestamp": "2024-05-01T09:01:00Z",
     "text": "身份证号11010519491231002X"},
    {"id": "m3", "conversation": "qa-sandbox", "author": "ana", "timestamp": "2024-05-01T09:02:00Z",
     "text": "test user: mark.placeholder@example.com 13900001111"},
    {"id": "m4", "conversation": "ops", "author": "deploy-bot", "timestamp": "2024-05-01T09:03:00Z",
     "text": "deployed by ops.placeholder@example.net"},
]  # fmt: skip


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "chat.jsonl", ROWS)


def _scan(
    capsys: pytest.CaptureFixture[str], chat: Path, config: str, tmp_path: Path
) -> tuple[dict[str, Any], str]:
    cfg = tmp_path / "chatsweep.toml"
    cfg.write_text(config, encoding="utf-8")
    run = run_cli(capsys, "scan", str(chat), "--no-ner", "--format", "json", "-o", "-", "--config", str(cfg))
    assert run.code in (0, 1), run.stderr
    return json.loads(run.stdout), run.stderr


def _entities(report: dict[str, Any]) -> list[str]:
    return sorted(f["entity_type"] for f in report["findings"])


def test_without_an_allow_list_everything_is_found(capsys: pytest.CaptureFixture[str], chat: Path) -> None:
    run = run_cli(capsys, "scan", str(chat), "--no-ner", "--format", "json", "-o", "-")
    report = json.loads(run.stdout)
    assert _entities(report) == ["CN_RESIDENT_ID"] + ["EMAIL_ADDRESS"] * 3 + ["PHONE_NUMBER"] * 2
    assert "allowed" not in report["scan"]["options"] and "allow" not in report["scan"]["options"]


def test_values_are_matched_in_canonical_form_and_never_echoed(
    capsys: pytest.CaptureFixture[str], chat: Path, tmp_path: Path
) -> None:
    report, stderr = _scan(
        capsys, chat, '[allow]\nvalues = ["Jane.Placeholder@example.org", "13812345678"]\n', tmp_path
    )
    assert _entities(report) == ["CN_RESIDENT_ID", "EMAIL_ADDRESS", "EMAIL_ADDRESS", "PHONE_NUMBER"]
    assert report["scan"]["options"]["allowed"] == {"values": 2, "occurrences": 2}
    assert report["scan"]["options"]["allow"]["values"] == 2
    assert "2 values allowed by the config" in stderr
    text = json.dumps(report, ensure_ascii=False)
    assert "Jane.Placeholder" not in text and "13812345678" not in text and "jane.placeholder" not in text


def test_patterns_authors_conversations_and_fingerprints(
    capsys: pytest.CaptureFixture[str], chat: Path, tmp_path: Path
) -> None:
    plain = json.loads(run_cli(capsys, "scan", str(chat), "--no-ner", "--format", "json", "-o", "-").stdout)
    rid = next(f["fingerprint"] for f in plain["findings"] if f["entity_type"] == "CN_RESIDENT_ID")
    config = (
        '[scan]\nfail_on = "medium"\n'
        "[allow]\n"
        f'fingerprints = ["{rid}"]\n'
        'authors = ["Deploy-Bot"]\n'
        'conversations = ["#qa-sandbox"]\n'
        "[allow.PHONE_NUMBER]\n"
        "patterns = ['^138']\n"
    )
    report, stderr = _scan(capsys, chat, config, tmp_path)
    assert _entities(report) == ["EMAIL_ADDRESS"]  # jane's address: ops, posted by ana
    assert report["scan"]["options"]["allowed"] == {"values": 5, "occurrences": 5}
    assert "5 values allowed by the config (5 occurrence(s))" in stderr


def test_per_type_sections_apply_to_their_type_only(
    capsys: pytest.CaptureFixture[str], chat: Path, tmp_path: Path
) -> None:
    report, _ = _scan(capsys, chat, '[allow.EMAIL_ADDRESS]\nconversations = ["qa-sandbox"]\n', tmp_path)
    assert _entities(report) == [
        "CN_RESIDENT_ID",
        "EMAIL_ADDRESS",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "PHONE_NUMBER",
    ]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[allow]\nvalue = ['x']\n", "unknown key 'value'"),
        ("[allow.NOT_A_TYPE]\nvalues = ['x']\n", "unknown entity type 'NOT_A_TYPE'"),
        ("[allow]\npatterns = ['(unclosed']\n", "patterns item 1 is not a valid regular expression"),
        ("[allow]\nfingerprints = ['abc']\n", "not a fingerprint"),
        ("[allow]\nvalues = [1, 2]\n", "must be a list of strings"),
        ("allow = 'x'\n", "must be a table"),
        ("[scan]\nfail_on = 'high'\n[other]\nx = 1\n", "unknown section or setting 'other'"),
    ],
)
def test_bad_allow_lists_are_usage_errors(tmp_path: Path, config: str, message: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(config, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        resolve({}, cfg, environ={})


def test_a_bad_pattern_error_does_not_echo_the_pattern(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[allow]\npatterns = ['13812345678(']\n", encoding="utf-8")
    with pytest.raises(UsageError) as err:
        resolve({}, cfg, environ={})
    assert "13812345678" not in str(err.value)


def test_allow_lists_live_in_the_config_file_only(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="go in the config file"):
        resolve({}, None, environ={"CHATSWEEP_ALLOW": "x"})


def test_top_level_and_scan_section_forms(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        "fail_on = 'low'\ntriage = 'decisions.toml'\n[allow]\nauthors = ['bot']\n", encoding="utf-8"
    )
    settings = resolve({}, cfg, environ={})
    assert (
        settings.fail_on == "low" and settings.allow is not None and settings.allow.common.authors == ("bot",)
    )
    assert settings.triage == str(tmp_path / "decisions.toml")  # relative to the config file
    assert settings.public_options()["allow"]["authors"] == 1


def test_parse_keeps_a_stable_repr() -> None:
    a = parse({"values": ["b", "a", "a"], "authors": ["Y", "x"]})
    assert a.common.values == ("a", "b") and a.common.authors == ("x", "y")
    assert repr(a) == repr(parse({"values": ["a", "b"], "authors": ["x", "y"]}))


def test_a_changed_allow_list_is_a_changed_scan_for_resuming(tmp_path: Path) -> None:
    from scanner.checkpoint import options_identity

    cfg = tmp_path / "c.toml"
    cfg.write_text("[allow]\nauthors = ['bot']\n", encoding="utf-8")
    key = b"k" * 32
    with_allow = options_identity(resolve({}, cfg, environ={}), key)
    assert with_allow != options_identity(resolve({}, None, environ={}), key)
    assert with_allow == options_identity(resolve({}, cfg, environ={}), key)
    assert "bot" not in json.dumps(with_allow)
