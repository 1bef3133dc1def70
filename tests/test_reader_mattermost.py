"""Mattermost reader: goldens over a synthetic bulk export (folder, posts only, truncated), sniffing, fuzz."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.generic import JsonlReader
from scanner.readers.mattermost import MattermostReader
from tests.golden import assert_golden, serialise
from tests.reader_contract import (
    ARBITRARY_BYTES,
    assert_refuses,
    assert_refuses_written,
    fixture_id,
    json_like,
    other_fixture_paths,
    sniff_and_read_any,
    zip_tree,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MATTERMOST = FIXTURES / "mattermost"
EXPORT = MATTERMOST / "export"
READER = MattermostReader()


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in items if isinstance(m, Message)}


# --- goldens --------------------------------------------------------------------------


def test_export_golden(update_goldens: bool) -> None:
    assert_golden("mattermost_export", read(EXPORT), update_goldens, root=str(MATTERMOST))


def test_posts_only_golden(update_goldens: bool) -> None:
    path = MATTERMOST / "posts_only.jsonl"
    assert_golden("mattermost_posts_only", read(path), update_goldens, root=str(MATTERMOST))


def test_truncated_golden(update_goldens: bool) -> None:
    path = MATTERMOST / "truncated.jsonl"
    assert_golden("mattermost_truncated", read(path), update_goldens, root=str(MATTERMOST))


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "mattermost_export.zip"
    zip_tree(EXPORT, archive, "export_2024/")
    source = Source.open(archive)
    assert READER.sniff(source)
    from_zip = serialise(READER.read(source), root=f"{archive}!export_2024/")
    from_dir = serialise(read(EXPORT), root=f"{EXPORT}/")
    for item in from_zip:
        for att in item.get("attachments", []):
            if att["path"]:  # paths are inside the input: the zip keeps its wrapping folder
                att["path"] = att["path"].removeprefix("export_2024/")
    assert from_zip == from_dir
    assert source.encodings == {"utf-8"}


# --- behaviour ------------------------------------------------------------------------


def test_ids_are_file_and_line_and_replies_hang_off_their_root() -> None:
    msgs = by_id(read(EXPORT))
    root = msgs["import.jsonl#10"]
    assert root.thread_id == "import.jsonl#10" and root.reply_to is None
    reply = msgs["import.jsonl#10/r1"]
    assert (reply.thread_id, reply.reply_to) == ("import.jsonl#10", "import.jsonl#10")
    # a reply may be older than its root: kept as the export has it
    assert reply.timestamp == datetime(2024, 3, 5, 8, 59, 10, tzinfo=UTC) < root.timestamp  # type: ignore[operator]
    assert reply.edited and not root.edited
    assert reply.location == f"{EXPORT}/import.jsonl:10#/post/replies/1"
    assert msgs["import.jsonl#13"].timestamp == datetime(2024, 3, 5, 9, 5, tzinfo=UTC)


def test_join_and_system_posts_are_system() -> None:
    msgs = by_id(read(EXPORT))
    assert msgs["import.jsonl#9"].kind is MessageKind.SYSTEM  # "jane joined the channel."
    assert msgs["import.jsonl#11"].kind is MessageKind.SYSTEM  # "visitor added to the channel by rob."
    assert msgs["import.jsonl#12"].kind is MessageKind.SYSTEM  # type system_header_change
    assert msgs["import.jsonl#12"].text == "mei updated the channel header to: Q1"
    assert msgs["import.jsonl#15"].kind is MessageKind.USER


def test_channel_audience_from_user_memberships() -> None:
    msgs = by_id(read(EXPORT))
    town = msgs["import.jsonl#10"].conversation
    assert (town.id, town.name, town.kind) == (
        "example-team/town-square",
        "Example Team / Town Square",
        ConversationKind.CHANNEL,
    )
    assert town.member_count == 4 and town.external_members == 1
    assert town.members == ("Jane Placeholder", "Rob Example", "Mei S.", "Guest Tester")
    secret = msgs["import.jsonl#13"].conversation
    assert (secret.member_count, secret.external_members) == (2, 0)


def test_direct_channels_by_member_count() -> None:
    msgs = by_id(read(EXPORT))
    dm = msgs["import.jsonl#18"].conversation
    assert (dm.id, dm.kind, dm.member_count, dm.name) == (
        "direct:jane,rob",
        ConversationKind.DM,
        2,
        "Jane Placeholder, Rob Example",
    )
    assert msgs["import.jsonl#18/r0"].conversation == dm
    group = msgs["import.jsonl#19"].conversation
    assert (group.kind, group.member_count) == (ConversationKind.GROUP, 3)
    assert msgs["import.jsonl#20"].conversation.external_members == 1  # the guest's DM


def test_attachments_point_into_the_export_when_present() -> None:
    msg = by_id(read(EXPORT))["import.jsonl#13"]
    assert [(a.name, a.path) for a in msg.attachments] == [
        (
            "q1 budget.xlsx",
            "data/20240305/teams/noteam/channels/0000chan/users/0000user/0000file/q1 budget.xlsx",
        ),
        ("notes.txt", None),  # not in the export
    ]


def test_broken_lines_are_skipped_with_their_location_and_never_their_text() -> None:
    items = read(EXPORT)
    skipped = [s for s in items if isinstance(s, Skipped)]
    assert [s.location for s in skipped] == [
        f"{EXPORT}/import.jsonl:10#/post/replies/2",
        f"{EXPORT}/import.jsonl:14",
        f"{EXPORT}/import.jsonl:16",
    ]
    assert all("broken" not in s.reason and "rob" not in s.reason for s in skipped)
    # the rest of the file is still read
    assert "import.jsonl#20" in by_id(items)


def test_truncated_file_keeps_what_came_before() -> None:
    items = read(MATTERMOST / "truncated.jsonl")
    assert [m.message_id for m in items if isinstance(m, Message)] == [
        "truncated.jsonl#9",
        "truncated.jsonl#10",
        "truncated.jsonl#10/r0",
        "truncated.jsonl#10/r1",
    ]
    assert items[-1] == Skipped(f"{MATTERMOST}/truncated.jsonl:11", "invalid JSON at column 56")


def test_posts_without_metadata_use_raw_names() -> None:
    msgs = by_id(read(MATTERMOST / "posts_only.jsonl"))
    conv = msgs["posts_only.jsonl#2"].conversation
    assert (conv.name, conv.member_count, conv.external_members) == ("example-team / town-square", None, None)
    assert msgs["posts_only.jsonl#2"].author.name == "jane"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_utf16_and_bom_files_are_decoded(tmp_path: Path, encoding: str) -> None:
    text = (EXPORT / "import.jsonl").read_text(encoding="utf-8")
    path = tmp_path / "import.jsonl"
    path.write_text(text, encoding=encoding)
    source = Source.open(path)
    assert READER.sniff(source)
    msgs = by_id(list(READER.read(source)))
    assert msgs["import.jsonl#10"].text == "Welcome! Reach me at jane.placeholder@example.com"
    assert msgs["import.jsonl#10"].conversation.member_count == 4
    assert source.encodings == {encoding}


def test_folder_without_an_export_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(ReaderError):
        read(tmp_path)


def test_a_folder_of_several_exports_reads_each(tmp_path: Path) -> None:
    shutil.copytree(EXPORT, tmp_path / "a")
    shutil.copy(MATTERMOST / "posts_only.jsonl", tmp_path / "a" / "more.jsonl")
    source = Source.open(tmp_path / "a")
    assert READER.sniff(source)
    msgs = by_id(list(READER.read(source)))
    assert "import.jsonl#10" in msgs and "more.jsonl#2" in msgs


# --- sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        EXPORT,
        EXPORT / "import.jsonl",
        MATTERMOST / "posts_only.jsonl",
        MATTERMOST / "truncated.jsonl",
        MATTERMOST,
    ],
)
def test_sniff_claims_mattermost(path: Path) -> None:
    assert READER.sniff(Source.open(path))


def test_sniff_claims_a_first_line_longer_than_the_json_head(tmp_path: Path) -> None:
    # A posts-only export whose first post holds a pasted log longer than the 1 MiB head.
    text = "log line 0123456789\n" * 60_000
    post = {"team": "acme", "channel": "town-square", "user": "mei", "message": text, "create_at": 1}
    reply = {"type": "post", "post": {**post, "message": "ok"}}
    path = tmp_path / "import.jsonl"
    lines = [json.dumps({"type": "post", "post": post}), json.dumps(reply)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1024 * 1024
    source = Source.open(path)
    assert READER.sniff(source)
    msgs = [m for m in READER.read(source) if isinstance(m, Message)]
    assert [len(m.text) for m in msgs] == [len(text), 2]
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.move(path, folder / "import.jsonl")
    assert READER.sniff(Source.open(folder))


@pytest.mark.parametrize("path", other_fixture_paths("mattermost"), ids=fixture_id)
def test_sniff_refuses_other_formats_fixtures(path: Path) -> None:
    assert_refuses(READER, path)


NOT_MATTERMOST = {
    "generic.jsonl": '{"id": "1", "conversation": "c", "author": "a", "timestamp": 1, "text": "x"}\n',
    "generic_typed.jsonl": '{"id": "1", "type": "message", "author": "a", "text": "x"}\n',
    "post_without_body.jsonl": '{"type": "post", "message": "x"}\n',
    "version_string.jsonl": '{"type": "version", "version": "one"}\n',
    "mixed.jsonl": '{"type": "post", "post": {"message": "x"}}\n{"id": 2, "text": "y"}\n',
    "array.json": '[{"type": "version", "version": 1}]',
    "version.txt": '{"type": "version", "version": 1}\n',
}


@pytest.mark.parametrize("name", sorted(NOT_MATTERMOST))
def test_sniff_refuses_lookalikes(tmp_path: Path, name: str) -> None:
    assert_refuses_written(tmp_path / name, NOT_MATTERMOST[name], READER)


def test_folder_with_other_things_is_left_to_the_caller(tmp_path: Path) -> None:
    shutil.copytree(EXPORT, tmp_path / "export")
    (tmp_path / "export" / "chat.txt").write_text("not part of the export", encoding="utf-8")
    assert not READER.sniff(Source.open(tmp_path / "export"))
    shutil.rmtree(tmp_path / "export" / "exported_emoji")
    (tmp_path / "export" / "chat.txt").unlink()
    (tmp_path / "export" / "other").mkdir()
    (tmp_path / "export" / "other" / "x.json").write_text("[]", encoding="utf-8")
    assert not READER.sniff(Source.open(tmp_path / "export"))


def test_generic_jsonl_refuses_mattermost_files() -> None:
    for path in (EXPORT, EXPORT / "import.jsonl", MATTERMOST / "posts_only.jsonl"):
        assert not JsonlReader().sniff(Source.open(path)), path


# --- fuzzing --------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_skips_or_reader_error(data: bytes) -> None:
    sniff_and_read_any(READER, "import.jsonl", data)


VALUES = json_like(
    [
        *("user", "message", "create_at", "edit_at", "type", "team", "channel", "replies"),
        *(
            "attachments",
            "path",
            "channel_members",
            "members",
            "username",
            "teams",
            "roles",
            "name",
        ),
    ],
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    records=st.lists(
        st.tuples(
            st.sampled_from(["version", "team", "channel", "user", "post", "direct_post", "x"]), VALUES
        ),
        max_size=6,
    ),
    cut=st.integers(min_value=0),
)
def test_any_mattermost_shaped_lines_give_messages_skips_or_reader_error(
    records: list[tuple[str, object]], cut: int
) -> None:
    text = "".join(json.dumps({"type": kind, kind: body}) + "\n" for kind, body in records)
    sniff_and_read_any(READER, "import.jsonl", text[: cut % (len(text) + 1)])
