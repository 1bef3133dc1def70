"""Lanying IM reader: goldens over the saved layout and raw API responses, sniffing, robustness."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_FIELD,
    PART_FILE_METADATA,
    ConversationKind,
    Message,
    MessageKind,
    Skipped,
)
from scanner.readers.base import Source
from scanner.readers.imessage import IMessageReader
from scanner.readers.lanying import LanyingReader
from scanner.readers.signal import SignalReader
from scanner.readers.whatsapp import WhatsAppReader
from tests.golden import assert_golden
from tests.reader_contract import ARBITRARY_BYTES, assert_refuses, fixture_id, other_fixture_paths, read_any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LY = FIXTURES / "lanying"
SAVED = LY / "saved"
RESPONSE = LY / "response.json"
ROOT = str(FIXTURES) + "/"
BIG = 9007199254740993  # 2**53 + 1: not representable as a float

READER = LanyingReader()


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def messages(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message)]


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in messages(items)}


# --- goldens ----------------------------------------------------------------------------


def test_golden_saved_layout(update_goldens: bool) -> None:
    items = read(SAVED)
    assert not [i for i in items if isinstance(i, Skipped)]
    assert_golden("lanying_saved", items, update_goldens, root=ROOT)


def test_golden_response(update_goldens: bool) -> None:
    assert_golden("lanying_response", read(RESPONSE), update_goldens, root=ROOT)


def test_golden_zip_with_a_response_inside(tmp_path: Path, update_goldens: bool) -> None:
    path = tmp_path / "lanying.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(SAVED.rglob("*")):
            if file.is_file():
                zf.write(file, f"history/{file.relative_to(SAVED).as_posix()}")
        zf.write(RESPONSE, "history/responses/page-1.json")
    source = Source.open(path)
    assert READER.sniff(source)
    items = list(READER.read(source))
    assert_golden("lanying_zip", items, update_goldens, root=str(tmp_path) + "/")
    raw = by_id(items)[str(BIG + 10)]
    # Inside the layout, users.json names the raw response's authors too.
    assert (raw.author.name, raw.conversation.name) == ("Carol Zoe", "Alice Moe, Carol Zoe")


# --- behaviour --------------------------------------------------------------------------


def test_big_ids_and_times_are_exact() -> None:
    msgs = by_id(read(SAVED))
    first = msgs[str(BIG + 1)]
    assert first.text == "hi Bob, the db password is hunter2 (fake)"
    assert first.timestamp == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert first.author.id == "1001" and first.author.name == "Alice Moe"
    assert msgs["1234567890123456789"].text == "大家好，我的身份证号是 (fake)"
    conv = first.conversation
    assert (conv.id, conv.kind, conv.member_count, conv.members) == (
        "user-1001-1002",
        ConversationKind.DM,
        2,
        ("Alice Moe", "bob.loe"),  # nick_name, else username
    )
    group = msgs["1234567890123456789"].conversation
    assert (group.id, group.name, group.kind, group.member_count) == (
        "group-5001",
        "Ops 运维",
        ConversationKind.GROUP,
        3,
    )


def test_ext_config_and_attachment_are_text_parts() -> None:
    msgs = by_id(read(SAVED))
    assert not any(m.endswith("#ext") for m in msgs)  # parts of the message, not messages
    parts = {(p.name, p.text) for p in msgs[str(BIG + 1)].parts}
    ext = [p for p in msgs[str(BIG + 1)].parts if p.name == PART_FIELD]
    assert [p.location.rpartition("#")[2] for p in ext] == ["/ext", "/config"]
    assert "ORD-0001" in ext[0].text and "+86 138 0000 0000 (fake)" in ext[0].text, parts
    image = msgs[str(BIG + 2)]
    att = image.attachments[0]
    assert (att.name, att.size, att.path) == ("passport_scan.jpg", 52341, None)
    by_name = {p.name: p for p in image.parts}
    assert by_name[PART_ATTACHMENT_NAME].text == "passport_scan.jpg"
    assert by_name[PART_ATTACHMENT_NAME].location.endswith("#/attachment")
    assert "sig=abc" in by_name[PART_FILE_METADATA].text  # URLs can carry tokens
    assert any("示例路1号 (fake)" in p.text for p in msgs[str(BIG + 3)].parts)  # a location's address
    assert msgs[str(BIG + 4)].parts == ()  # nothing to scan besides content
    assert msgs["1234567890123456787"].kind is MessageKind.SYSTEM  # ctype COMMAND (6)


def test_response_without_users_file() -> None:
    msgs = by_id(read(RESPONSE))
    assert list(msgs) == [str(BIG + 10), str(BIG + 9)]
    assert [p.text for p in msgs[str(BIG + 9)].parts] == ['{"note": "ext only text"}']
    assert msgs[str(BIG + 10)].location.endswith("response.json#/data/messages/0")
    assert msgs[str(BIG + 10)].conversation.id == "user-1001-1003"


def test_single_conversation_file(tmp_path: Path) -> None:
    source = Source.open(SAVED / "conversations" / "user-1001-1002.jsonl")
    assert READER.sniff(source)
    msgs = messages(list(READER.read(source)))
    assert {m.conversation.id for m in msgs} == {"user-1001-1002"}
    assert msgs[0].location.endswith("user-1001-1002.jsonl:1")


def test_api_error_response_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"code": 401, "message": "bad token", "data": {"messages": [{"msg_id": 1}]}}))
    items = read(path)
    assert len(items) == 1 and isinstance(items[0], Skipped) and "401" in items[0].reason


# --- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [SAVED, RESPONSE, SAVED / "conversations", SAVED / "conversations" / "group-5001.jsonl"],
    ids=lambda p: p.name,
)
def test_sniff_claims(path: Path) -> None:
    assert READER.sniff(Source.open(path))


@pytest.mark.parametrize("path", other_fixture_paths("lanying", deep=False), ids=fixture_id)
def test_sniff_refuses_other_formats(path: Path) -> None:
    assert_refuses(READER, path)


@pytest.mark.parametrize("path", [SAVED, RESPONSE, LY, SAVED / "users.json"], ids=lambda p: p.name)
def test_other_readers_refuse_lanying(path: Path) -> None:
    source = Source.open(path)
    for reader in (WhatsAppReader(), SignalReader(), IMessageReader()):
        assert not reader.sniff(source), reader.name


def test_sniff_refuses_users_file_alone_and_foreign_folders(tmp_path: Path) -> None:
    assert not READER.sniff(Source.open(SAVED / "users.json"))
    shutil.copytree(SAVED, tmp_path / "saved")
    (tmp_path / "saved" / "notes.txt").write_text("x", "utf-8")
    assert not READER.sniff(Source.open(tmp_path / "saved"))


# --- robustness ---------------------------------------------------------------------------


def test_truncated_response(tmp_path: Path) -> None:
    data = RESPONSE.read_bytes()
    path = tmp_path / "page.json"
    path.write_bytes(data[: data.index(b"ext only text")])
    items = read(path)
    assert [m.message_id for m in messages(items)] == [str(BIG + 10)]
    assert isinstance(items[-1], Skipped)
    assert items[-1].location.endswith("page.json#/data/messages/1")


def test_broken_lines_and_users_file(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    shutil.copytree(SAVED, folder)
    (folder / "users.json").write_text('[{"user_id": 1001, "username": "al', "utf-8")
    conv = folder / "conversations" / "group-5001.jsonl"
    lines = conv.read_text("utf-8").splitlines()
    conv.write_text("\n".join([lines[0], lines[1][:40], "[1, 2]", lines[2]]) + "\n", "utf-8")
    items = read(folder)
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [Path(s.location).name for s in skipped] == [
        "users.json",
        "group-5001.jsonl:2",
        "group-5001.jsonl:3",
    ]
    assert all("salar" not in s.reason for s in skipped)
    ids = [m.message_id for m in messages(items)]
    assert "1234567890123456789" in ids and "1234567890123456787" in ids
    assert by_id(items)[str(BIG + 1)].author.name == "1001"  # no names without users.json


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ARBITRARY_BYTES, suffix=st.sampled_from([".json", ".jsonl"]))
def test_any_bytes_give_messages_or_reader_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"user-1-2{suffix}"
    path.write_bytes(data)
    read_any(READER, path)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
_MESSAGE = st.fixed_dictionaries(
    {},
    optional={
        "msg_id": _JSON | st.integers(min_value=2**60),
        "from_xid": _JSON,
        "to_xid": _JSON,
        "timestamp": _JSON | st.integers(min_value=-(2**70), max_value=2**70),
        "ctype": _JSON,
        "content": _JSON,
        "attachment": _JSON | _JSON.map(json.dumps),
        "config": _JSON | _JSON.map(json.dumps),
        "ext": _JSON | _JSON.map(json.dumps),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_MESSAGE | _JSON, max_size=6))
def test_message_like_records_give_messages_or_reader_error(tmp_path: Path, rows: list[object]) -> None:
    jsonl = tmp_path / "group-1.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    read_any(READER, jsonl)
    response = tmp_path / "page.json"
    response.write_text(json.dumps({"code": 200, "data": {"messages": rows}}), encoding="utf-8")
    read_any(READER, response)


def test_hostile_api_response_nesting_and_huge_integers_are_skipped(tmp_path: Path) -> None:
    """Deep nesting inside a message and an over-long integer give a Skipped, never a crash."""
    from scanner.readers.lanying import LanyingReader

    deep = tmp_path / "deep.json"
    deep.write_text(
        '{"code": 200, "data": {"messages": [' + "[" * 5000 + "]" * 5000 + "]}}", encoding="utf-8"
    )
    huge = tmp_path / "huge.json"
    huge.write_text(
        '{"code": 200, "data": {"messages": [{"msg_id": ' + "9" * 200_001 + "}]}}", encoding="utf-8"
    )
    for path in (deep, huge):
        items = list(LanyingReader().read(Source.open(path)))
        assert items and all(isinstance(i, Skipped) for i in items), path.name
