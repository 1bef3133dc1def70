"""Permalinks per platform, remediation per entity type, and the deletion list."""

from __future__ import annotations

import csv
import io
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from recognizers.catalogue import CATALOGUE
from reports.deletion_list import COLUMNS, FILE_NAME, render
from scanner import permalinks
from scanner.cli import main
from scanner.model import (
    Author,
    Category,
    Conversation,
    ConversationKind,
    Finding,
    InputSummary,
    Likelihood,
    Message,
    Occurrence,
    ScanResult,
    Severity,
)
from scanner.remediation import ACTIONS, DELETE, REDACT, ROTATE, remedy
from tests.conftest import FIXTURES


def _message(platform: str, conv: str, mid: str, kind: ConversationKind, **kw: object) -> Message:
    return Message(
        platform=platform,
        source="x",
        location="x#/0",
        conversation=Conversation(conv, "c", kind),
        message_id=mid,
        author=Author("u", "u"),
        timestamp=None,
        text="t",
        **kw,  # type: ignore[arg-type]
    )


# --- permalinks -------------------------------------------------------------------------


def test_slack_link_needs_the_workspace() -> None:
    m = _message("slack", "C01GENERAL", "1709546400.000001", ConversationKind.CHANNEL)
    assert permalinks.for_message(m) is None  # "/archives/…" alone opens nothing
    for workspace in ("acme", "acme.slack.com", "https://acme.slack.com/"):
        assert (
            permalinks.for_message(m, workspace)
            == "https://acme.slack.com/archives/C01GENERAL/p1709546400000001"
        )
    reply = _message(
        "slack", "C01GENERAL", "1709546500.000002", ConversationKind.CHANNEL, thread_id="1709546400.000001"
    )
    assert permalinks.for_message(reply, "acme") == (
        "https://acme.slack.com/archives/C01GENERAL/p1709546500000002"
        "?thread_ts=1709546400.000001&cid=C01GENERAL"
    )
    assert permalinks.slack("evil.com/x", "C01GENERAL", "1709546400.000001") is None
    assert permalinks.slack("acme", "general", "1709546400.000001") is None


def test_telegram_links_for_supergroups_channels_and_public_chats() -> None:
    assert permalinks.telegram("-1001987654321", "42") == "https://t.me/c/1987654321/42"
    assert permalinks.telegram("2000001", "7", supergroup=True) == "https://t.me/c/2000001/7"
    assert permalinks.telegram("1000002", "101") is None  # a private chat has no link
    assert permalinks.telegram("1000002", "5", username="example_news") == "https://t.me/example_news/5"
    channel = _message("telegram", "2000001", "7", ConversationKind.CHANNEL)
    assert permalinks.for_message(channel) == "https://t.me/c/2000001/7"
    assert permalinks.for_message(_message("telegram", "1000002", "101", ConversationKind.DM)) is None


def test_discord_links() -> None:
    assert (
        permalinks.discord("900000000000000001", "900000000000000011", "920000000000000001")
        == "https://discord.com/channels/900000000000000001/900000000000000011/920000000000000001"
    )
    dm = _message("discord", "900000000000000033", "920000000000000201", ConversationKind.DM)
    assert (
        permalinks.for_message(dm) == "https://discord.com/channels/@me/900000000000000033/920000000000000201"
    )
    server = _message("discord", "900000000000000011", "920000000000000001", ConversationKind.CHANNEL)
    assert permalinks.for_message(server) is None  # the server's id is not in the message


def test_teams_uses_the_exports_own_link_only_on_teams() -> None:
    url = "https://teams.microsoft.com/l/message/19%3Aabc%40thread.tacv2/1709629200000"
    assert permalinks.teams(url) == url
    assert permalinks.teams("http://teams.microsoft.com/l/message/x") is None
    assert permalinks.teams("https://evil.example/l/message/x") is None
    m = _message("teams", "19:abc@thread.tacv2", "1709629200000", ConversationKind.CHANNEL, permalink=url)
    assert permalinks.for_message(m) == url
    assert permalinks.for_message(_message("teams", "19:a", "1", ConversationKind.CHANNEL)) is None


# --- remediation ------------------------------------------------------------------------


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: e.entity)
def test_every_entity_has_an_action_and_a_checklist_in_both_languages(entry: object) -> None:
    todo = remedy(entry.entity)  # type: ignore[attr-defined]
    assert todo.action in ACTIONS
    assert todo.en and todo.zh and todo.text("zh") == todo.zh
    if entry.category == "secret" and entry.entity != "VERIFICATION_CODE":  # type: ignore[attr-defined]
        assert todo.action == ROTATE and "delete the message" in todo.en


def test_actions_by_kind() -> None:
    assert remedy("AWS_ACCESS_KEY").action == ROTATE and "IAM" in remedy("AWS_ACCESS_KEY").en
    assert remedy("CN_RESIDENT_ID").action == DELETE
    assert remedy("EMAIL_ADDRESS").action == REDACT
    assert remedy("FRAUD_INDICATOR").action == DELETE


# --- the deletion list --------------------------------------------------------------------


def _finding(entity: str, severity: Severity, mid: str, link: str | None = None) -> Finding:
    occ = Occurrence(
        input="export.zip",
        conversation='=HYPERLINK("x")',
        conversation_id="C1",
        message_id=mid,
        author="a",
        author_id="a",
        timestamp="2024-03-05T10:00:00+00:00",
        start=0,
        end=1,
        location="export.zip!c/2024-03-05.json#/0",
        permalink=link,
    )
    return Finding(
        id=f"CS000-{mid}",
        rule="CS000",
        entity_type=entity,
        category=Category.SECRET if entity == "AWS_ACCESS_KEY" else Category.PERSONAL,
        severity=severity,
        confidence=0.9,
        likelihood=Likelihood.LIKELY,
        preview="***",
        fingerprint=f"fp{mid}",
        explanation="",
        occurrences=(occ,),
        action=remedy(entity).action,
    )


def _result(*findings: Finding) -> ScanResult:
    now = datetime.now(UTC)
    return ScanResult(
        tool_name="chatsweep",
        tool_version="0",
        inputs=(InputSummary("export.zip", "slack", 3),),
        messages_scanned=3,
        started_at=now,
        finished_at=now,
        languages={},
        models={},
        options={},
        findings=findings,
    )


def test_rows_put_rotation_first_and_guard_formulas() -> None:
    text = render(
        _result(
            _finding("EMAIL_ADDRESS", Severity.MEDIUM, "1"),
            _finding("AWS_ACCESS_KEY", Severity.CRITICAL, "2", "https://acme.slack.com/archives/C1/p1"),
        )
    )
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert tuple(rows[0]) == COLUMNS
    assert [r["action"] for r in rows] == ["rotate", "redact"]
    assert rows[0]["permalink"] == "https://acme.slack.com/archives/C1/p1" and rows[1]["permalink"] == ""
    assert rows[0]["platform"] == "slack" and rows[0]["conversation"].startswith("'=")


def test_scan_writes_the_deletion_list_beside_a_report_folder(tmp_path: Path) -> None:
    out = tmp_path / "report"
    code = main(
        [
            "scan",
            str(FIXTURES / "slack" / "export"),
            "-o",
            f"{out}/",
            "--format",
            "json",
            "--no-ner",
            "--fail-on",
            "never",
            "--slack-workspace",
            "acme",
        ]
    )
    assert code in (0, 3)
    listed = out / FILE_NAME
    assert listed.is_file()
    assert stat.S_IMODE(os.stat(listed).st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(listed.read_text(encoding="utf-8-sig"))))
    assert rows and all(r["action"] in ACTIONS for r in rows)
    assert any(r["permalink"].startswith("https://acme.slack.com/archives/") for r in rows)
    # Read back as input, the list is our own report, not a chat export.
    again = tmp_path / "again"
    assert main(["scan", str(out), "-o", str(again), "--no-ner", "--format", "json"]) == 3


def test_deletion_list_option_writes_it_anywhere(tmp_path: Path) -> None:
    target = tmp_path / "lists" / "todo.csv"
    target.parent.mkdir()
    code = main(
        [
            "scan",
            str(FIXTURES / "whatsapp" / "WhatsApp Chat with Jane Roe.txt"),
            "-o",
            str(tmp_path / "r.json"),
            "--format",
            "json",
            "--no-ner",
            "--fail-on",
            "never",
            "--deletion-list",
            str(target),
        ]
    )
    assert code == 0
    assert target.read_text(encoding="utf-8-sig").startswith(",".join(COLUMNS))
    assert not (tmp_path / FILE_NAME).exists()
