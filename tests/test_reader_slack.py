"""Slack reader: goldens over a synthetic export (folder, zip, single files), sniffing, fuzzing."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.slack import SlackReader, ts_to_datetime
from tests.golden import assert_golden, serialise
from tests.reader_contract import ARBITRARY_BYTES, json_like, sniff_and_read, sniff_and_read_any, zip_tree

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SLACK = FIXTURES / "slack"
EXPORT = SLACK / "export"
TELEGRAM = FIXTURES / "telegram"


def read(path: Path) -> list[Message | Skipped]:
    return list(SlackReader().read(Source.open(path)))


def messages(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message)]


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in messages(items)}


# --- goldens --------------------------------------------------------------------------


def test_export_folder_golden(update_goldens: bool) -> None:
    assert_golden("slack_export", read(EXPORT), update_goldens, root=str(SLACK))


def test_single_message_object_golden(update_goldens: bool) -> None:
    assert_golden(
        "slack_single_message", read(SLACK / "single_message.json"), update_goldens, root=str(SLACK)
    )


def test_message_list_file_golden(update_goldens: bool) -> None:
    assert_golden("slack_message_list", read(SLACK / "message_list.json"), update_goldens, root=str(SLACK))


def test_zip_wrapped_in_a_top_folder_reads_like_the_folder(tmp_path: Path) -> None:
    top = "Example Slack export Mar 4 2024 - Mar 6 2024/"
    archive = zip_tree(EXPORT, tmp_path / "export.zip", top)
    source = Source.open(archive)
    assert SlackReader().sniff(source)
    from_zip = serialise(SlackReader().read(source), root=f"{archive}!{top}")
    from_dir = serialise(read(EXPORT), root=f"{EXPORT}/")
    for item in from_zip:
        for att in item.get("attachments", []):
            # paths are inside the input, so the zip's wrapping folder is part of them
            if att["path"]:
                assert att["path"].startswith(top)
                att["path"] = att["path"].removeprefix(top)
    assert from_zip == from_dir
    assert "utf-8" in source.encodings


# --- behaviour, spelled out (the goldens hold the full detail) -------------------------


def test_counts_kinds_and_skips() -> None:
    items = read(EXPORT)
    msgs = messages(items)
    user = [m for m in msgs if m.kind is MessageKind.USER]
    system = [m for m in msgs if m.kind is MessageKind.SYSTEM]
    assert len(user) == 20
    assert {m.text for m in system} >= {"This message was deleted."}
    assert sorted(m.message_id for m in system) == [
        "1709546400.000001",  # channel_join
        "1709546820.000600",  # channel_topic
        "1709633040.000005",  # tombstone
        "1709633280.000009",  # channel_leave
        "1709633460.000011",  # channel_purpose
    ]
    skipped = [s for s in items if isinstance(s, Skipped)]
    reasons = {s.location.removeprefix(str(EXPORT)): s.reason for s in skipped}
    assert reasons == {
        "/general/2024-03-05.json#/5": "record has no ts",
        "/general/2024-03-05.json#/6": "record is not an object",
        "/general/2024-03-05.json#/7": "ts is not a string",
        "/general/2024-03-06.json": "invalid JSON at line 9 column 17",
    }


def test_threads_replies_and_the_broadcast_root_copy() -> None:
    msgs = by_id(read(EXPORT))
    root = "1709546460.000100"
    assert msgs[root].thread_id == root and msgs[root].reply_to is None
    assert msgs["1709546520.000200"].thread_id == root and msgs["1709546520.000200"].reply_to == root
    broadcast = msgs["1709546580.000300"]
    assert broadcast.reply_to == root and broadcast.kind is MessageKind.USER
    assert broadcast.text == "Checklist is in the wiki &amp; pinned"  # entities kept as exported
    # the nested "root" copy is not a message of its own
    assert sum(1 for m in messages(read(EXPORT)) if m.message_id == root) == 1
    assert msgs["1709546430.000002"].thread_id is None


def test_edits_deletes_files_and_bots() -> None:
    msgs = by_id(read(EXPORT))
    assert msgs["1709546640.000400"].edited
    tomb = msgs["1709633040.000005"]
    assert tomb.deleted and tomb.kind is MessageKind.SYSTEM
    share = msgs["1709632800.000001"]
    assert share.text.endswith("and commented: first draft")
    assert [(a.name, a.size, a.mime, a.path) for a in share.attachments] == [
        ("notes.txt", 321, "text/plain", None)
    ]
    files = msgs["1709632860.000002"].attachments
    assert [(a.name, a.path) for a in files] == [
        ("runbook.md", "__uploads/F02RUNBOOK/runbook.md"),
        ("F03HIDDEN0", None),
    ]
    bot = msgs["1709632920.000003"]
    assert (bot.author.id, bot.author.name, bot.kind) == ("B09DEPLOY", "Deploy Bot", MessageKind.USER)
    app = msgs["1709632980.000004"]
    assert (app.author.id, app.author.name) == ("B08DIGEST", "Digest App")


def test_conversations_and_names() -> None:
    msgs = by_id(read(EXPORT))
    general = msgs["1709546430.000002"].conversation
    assert (general.id, general.name, general.kind, general.member_count) == (
        "C01GENERAL",
        "general",
        ConversationKind.CHANNEL,
        5,
    )
    dm = msgs["1709633600.000013"].conversation
    assert (dm.id, dm.name, dm.kind, dm.member_count) == (
        "D01JANEROB",
        "Jane, Rob Example",
        ConversationKind.DM,
        2,
    )
    self_dm = msgs["1709633700.000015"].conversation
    assert (self_dm.name, self_dm.member_count) == ("Jane", 1)  # duplicate member listed once
    mpim = msgs["1709633800.000016"].conversation
    assert (mpim.id, mpim.kind, mpim.member_count) == ("G02MPIM000", ConversationKind.GROUP, 3)
    private = msgs["1709633500.000012"].conversation
    assert (private.id, private.kind) == ("G01SECRET0", ConversationKind.CHANNEL)
    unlisted = msgs["1709633900.000017"].conversation
    assert (unlisted.id, unlisted.member_count) == ("unlisted-channel", None)
    # display name order: profile.display_name, real_name, name, id; then the message's own profile
    assert msgs["1709546430.000002"].author.name == "Jane"
    assert msgs["1709546520.000200"].author.name == "Rob Example"
    assert msgs["1709546760.000500"].author.name == "小明"
    assert msgs["1709633160.000007"].author.name == "Priya सैंपल"
    assert msgs["1709633220.000008"].author.name == "ghost.user"
    assert msgs["1709633400.000010"].author.name == "guest-contractor"


def test_timestamps_are_exact_utc() -> None:
    msgs = by_id(read(EXPORT))
    assert msgs["1709546760.000500"].timestamp == datetime(2024, 3, 4, 10, 6, 0, 500, tzinfo=UTC)
    assert ts_to_datetime("1498401071.279035") == datetime(2017, 6, 25, 14, 31, 11, 279035, tzinfo=UTC)
    assert ts_to_datetime("1498401071") == datetime(2017, 6, 25, 14, 31, 11, tzinfo=UTC)
    assert ts_to_datetime("not a ts") is None
    assert ts_to_datetime("999999999999.000001") is None  # beyond year 9999


def test_unicode_text_is_decoded_exactly() -> None:
    msgs = by_id(read(EXPORT))
    assert msgs["1709546760.000500"].text == "李小明说：今天下午开会 👍"


def test_a_lone_day_file_belongs_to_its_folder() -> None:
    items = read(EXPORT / "general" / "2024-03-04.json")
    conv = messages(items)[0].conversation
    assert (conv.id, conv.name, conv.kind) == ("general", "general", ConversationKind.CHANNEL)
    dm = messages(read(EXPORT / "D01JANEROB" / "2024-03-05.json"))[0].conversation
    assert dm.kind is ConversationKind.DM


def test_reading_a_tree_without_day_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "users.json").write_text("[]", encoding="utf-8")
    with pytest.raises(ReaderError):
        list(SlackReader().read(Source.open(tmp_path)))


def test_broken_metadata_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    (export / "users.json").write_text('[{"id": "U01JANE0P", "name": "jane"}, {"id": ', encoding="utf-8")
    items = read(export)
    skipped = [s for s in items if isinstance(s, Skipped)]
    assert Skipped(str(export / "users.json"), "invalid JSON after 1 records") in skipped
    assert by_id(items)["1709546430.000002"].author.name == "jane"


# --- sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        EXPORT,
        EXPORT / "general",  # one conversation folder
        EXPORT / "general" / "2024-03-04.json",
        SLACK / "single_message.json",
        SLACK / "message_list.json",
    ],
)
def test_sniff_claims_slack(path: Path) -> None:
    assert SlackReader().sniff(Source.open(path))


def test_sniff_claims_the_zip(tmp_path: Path) -> None:
    assert SlackReader().sniff(Source.open(zip_tree(EXPORT, tmp_path / "e.zip")))


NOT_SLACK = {
    "telegram.json": (TELEGRAM / "ChatExport_2024-03-05" / "result.json").read_text(encoding="utf-8"),
    "discord.json": json.dumps(
        {
            "guild": {"id": "1", "name": "G"},
            "channel": {"id": "2", "name": "general"},
            "messages": [
                {"id": "3", "type": "Default", "timestamp": "2024-03-05T10:00:00+00:00", "content": "hi"}
            ],
        }
    ),
    "generic.jsonl": '{"id": "1", "conversation": "c", "author": "a", "timestamp": 1709632800, "text": "x"}'
    + "\n",
    "generic.json": '{"id": "1", "conversation": "c", "author": "a", "ts": "1709632800.000001", "text": "x"}',
    "two_lines.json": '{"ts": "1709632800.000001", "text": "a"}\n{"ts": "1709632801.000001", "text": "b"}\n',
    "rocketchat.json": '{"msg": "hello", "username": "rob", "ts": "2024-03-05T10:00:00.000Z"}',
    "users.json": (EXPORT / "users.json").read_text(encoding="utf-8"),
    "channels.json": (EXPORT / "channels.json").read_text(encoding="utf-8"),
    "empty_list.json": "[]",
    "numbers.json": "[1, 2, 3]",
    "epoch_ts.json": '[{"ts": 1709632800, "text": "x", "user": "U1"}]',
    "chat.txt": "[05/03/2024, 10:00:00] Jane: hello\n",
}


@pytest.mark.parametrize("name", sorted(NOT_SLACK))
def test_sniff_refuses_other_formats(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(NOT_SLACK[name], encoding="utf-8")
    assert not SlackReader().sniff(Source.open(path))


def test_sniff_refuses_telegram_exports() -> None:
    for path in (TELEGRAM, *sorted(TELEGRAM.rglob("*.json"))):
        assert not SlackReader().sniff(Source.open(path)), path


def test_sniff_refuses_a_folder_that_only_contains_an_export(tmp_path: Path) -> None:
    """A folder holding an export and other files is split up by detection, not claimed whole."""
    shutil.copytree(EXPORT, tmp_path / "slack-export")
    (tmp_path / "chat.txt").write_text("[05/03/2024, 10:00:00] Jane: hello\n", encoding="utf-8")
    assert not SlackReader().sniff(Source.open(tmp_path))


def test_sniff_refuses_day_files_that_are_not_slack(tmp_path: Path) -> None:
    (tmp_path / "users.json").write_text("[]", encoding="utf-8")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "2024-03-05.json").write_text('[{"time": "10:00", "msg": "x"}]', encoding="utf-8")
    assert not SlackReader().sniff(Source.open(tmp_path))


# --- fuzzing --------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(data=ARBITRARY_BYTES)
def test_any_bytes_as_a_file_give_messages_skips_or_reader_error(data: bytes) -> None:
    sniff_and_read_any(SlackReader(), "2024-03-05.json", data)


SLACKISH = json_like(
    ["ts", "text", "user", "subtype", "thread_ts", "files", "file", "edited", "name"],
    floats=False,
    list_size=4,
    dict_size=5,
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(data=ARBITRARY_BYTES, users=SLACKISH, record=SLACKISH)
def test_any_day_file_in_a_slack_folder_gives_messages_skips_or_reader_error(
    data: bytes, users: object, record: object
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "users.json").write_text(json.dumps(users), encoding="utf-8")
        (root / "channels.json").write_bytes(data)
        (root / "general").mkdir()
        (root / "general" / "2024-03-05.json").write_bytes(data)
        (root / "general" / "2024-03-06.json").write_text(json.dumps([record]), encoding="utf-8")
        sniff_and_read(SlackReader(), root)


# --- the quick-start example ------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "slack-export"
PLANTED = (
    "AKIAMXGEDN73U55XTPLP\naws_secret_access_key = kM+R5Kjp1vRt/1fjORS+6ilI8ihN5KXSc7Tvo+hB",
    "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",
    "the staging db password is Tr0ub4dor&3x!",
    "rob.example@example.com",
    "+44 20 7946 0958",
    "4539 5260 1815 9083",
    "-----BEGIN OPENSSH PRIVATE KEY-----\n",
    "\n-----END OPENSSH PRIVATE KEY-----",
)


def test_the_example_export_reads_cleanly_and_holds_its_planted_leaks() -> None:
    source = Source.open(EXAMPLE)
    assert SlackReader().sniff(source)
    items = list(SlackReader().read(source))
    assert all(isinstance(i, Message) for i in items) and len(items) < 40
    msgs = messages(items)
    text = "\n".join(m.text for m in msgs)
    for leak in PLANTED:
        assert leak in text, leak
    kinds = {m.conversation.name: (m.conversation.kind, m.conversation.member_count) for m in msgs}
    assert kinds["general"] == (ConversationKind.CHANNEL, 40)
    assert kinds["ops"] == (ConversationKind.CHANNEL, 5)
    assert any(m.conversation.kind is ConversationKind.DM for m in msgs)
    assert any(m.reply_to for m in msgs)


def test_day_file_of_nothing_but_brackets_is_refused_quickly(tmp_path: Path) -> None:
    """The sniff reads the first records of a large day file; ijson.items kept a prefix string
    per level for every '[' of a read buffer (minutes and gigabytes for this 2 MB file)."""
    export = tmp_path / "export"
    (export / "general").mkdir(parents=True)
    (export / "channels.json").write_text('[{"id": "C0FAKE", "name": "general"}]', encoding="utf-8")
    day = export / "general" / "2024-03-04.json"
    day.write_text("[" * 2_000_000, encoding="utf-8")
    t0 = time.perf_counter()
    assert not SlackReader().sniff(Source.open(export))
    assert not SlackReader().sniff(Source.open(day))
    assert time.perf_counter() - t0 < 5.0
