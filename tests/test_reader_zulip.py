"""Zulip reader: golden over a synthetic organization export (folder and zip), conversations,
streaming of broken files, sniffing and robustness."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.zulip import ZulipReader, html_to_text
from tests.golden import assert_golden, serialise
from tests.reader_contract import ARBITRARY_BYTES, assert_refuses, read_any, zip_tree

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPORT = FIXTURES / "zulip" / "zulip-export-test"
ROOT = str(FIXTURES) + "/"
READER = ZulipReader()


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def messages(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message)]


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in messages(items)}


@pytest.fixture
def export_zip(tmp_path: Path) -> Path:
    """The export re-packed as a zip, inside its top folder as Zulip's tarball has it."""
    path = tmp_path / "zulip-export-test.zip"
    zip_tree(EXPORT, path, "zulip-export-test/")
    return path


def copy_export(tmp_path: Path) -> Path:
    target = tmp_path / "export"
    shutil.copytree(EXPORT, target)
    return target


# --- goldens ------------------------------------------------------------------------------


def test_golden_export(update_goldens: bool) -> None:
    assert_golden("zulip_export", read(EXPORT), update_goldens, root=ROOT)


def test_zip_reads_like_the_folder(export_zip: Path) -> None:
    source = Source.open(export_zip)
    assert READER.sniff(source)
    from_zip = serialise(READER.read(source), root=f"{export_zip}!zulip-export-test/")
    from_dir = serialise(read(EXPORT), root=f"{EXPORT}/")
    for item in from_zip:
        for att in item.get("attachments", []):
            if att["path"]:
                att["path"] = att["path"].removeprefix("zulip-export-test/")
    assert from_zip == from_dir
    assert source.encodings == {"utf-8"}


# --- behaviour ----------------------------------------------------------------------------


def test_ids_times_topics_and_edits() -> None:
    msgs = by_id(read(EXPORT))
    assert list(msgs) == [str(i) for i in range(1001, 1011)]
    first = msgs["1001"]
    assert first.timestamp == datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC)
    assert first.text == "Welcome! My phone is +1 202 555 0100"  # content, not rendered_content
    assert first.thread_id == "onboarding" and not first.edited
    assert msgs["1002"].edited and msgs["1002"].thread_id == "onboarding"
    assert msgs["1004"].thread_id is None  # direct messages have no topic
    assert first.location.endswith("messages-000001.json#/zerver_message/0")


def test_conversations_from_the_realm() -> None:
    msgs = by_id(read(EXPORT))
    general = msgs["1001"].conversation
    assert (general.id, general.name, general.kind, general.member_count) == (
        "stream:100",
        "general",
        ConversationKind.CHANNEL,
        3,  # Dan's subscription is inactive
    )
    assert general.members == ("Alice Example", "Bob Sample", "Gina Guest")
    assert general.external_members == 1  # Gina is a guest
    secret = msgs["1003"].conversation
    assert (secret.name, secret.member_count, secret.external_members) == ("secret-project", 2, 0)
    dm_a, dm_b = msgs["1004"].conversation, msgs["1005"].conversation
    assert dm_a is dm_b  # both directions are one conversation
    assert (dm_a.id, dm_a.kind, dm_a.member_count, dm_a.members) == (
        "dm:10,11",
        ConversationKind.DM,
        2,
        ("Alice Example", "Bob Sample"),
    )
    group = msgs["1008"].conversation
    assert (group.id, group.kind, group.member_count) == ("group:40", ConversationKind.GROUP, 3)
    assert group.name == "Alice Example, Bob Sample, Dan Demo"
    self_dm = msgs["1009"].conversation
    assert (self_dm.id, self_dm.member_count) == ("dm:13", 1)


def test_authors_system_messages_and_attachments() -> None:
    msgs = by_id(read(EXPORT))
    assert (msgs["1002"].author.id, msgs["1002"].author.name) == ("12", "Gina Guest")
    assert msgs["1006"].kind is MessageKind.SYSTEM  # notification bot, topic resolved
    assert msgs["1010"].author.name == "99"  # a sender the realm does not list
    att = msgs["1003"].attachments[0]
    assert (att.name, att.size, att.mime, att.path) == (
        "keys.txt",
        42,
        "text/plain",
        "uploads/2/ab/AbCdEfTest/keys.txt",
    )


def test_rendered_content_is_converted_only_without_content() -> None:
    msgs = by_id(read(EXPORT))
    assert msgs["1007"].text == "Line one & more\n\nitem"
    assert html_to_text("<p>a<br>b</p><p>c &lt;d&gt;</p>") == "a\nb\nc <d>"


def test_a_lone_message_file_is_read_without_names() -> None:
    source = Source.open(EXPORT / "messages-000002.json")
    assert READER.sniff(source)
    msgs = messages(list(READER.read(source)))
    assert [m.message_id for m in msgs] == ["1008", "1009", "1010"]
    assert msgs[0].conversation.id == "recipient:40" and msgs[0].author.name == "13"


def test_pub_date_of_old_exports(tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    path = export / "messages-000001.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for rec in data["zerver_message"]:
        rec["pub_date"] = rec.pop("date_sent")
    path.write_text(json.dumps(data), encoding="utf-8")
    assert messages(read(export))[0].timestamp == datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC)


# --- malformed input ----------------------------------------------------------------------


def test_truncated_message_file_keeps_earlier_messages(tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    path = export / "messages-000001.json"
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b'"id": 1004')])
    items = read(export)
    skipped = [(i.location.removeprefix(f"{export}/"), i.reason) for i in items if isinstance(i, Skipped)]
    assert skipped == [
        ("messages-000001.json", "invalid or truncated JSON after 3 messages"),
        ("messages-000002.json#/zerver_message/2", "record is not an object"),
    ]
    assert [m.message_id for m in messages(items)] == ["1001", "1002", "1003", "1008", "1009", "1010"]


def test_broken_realm_keeps_what_was_read(tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    realm = export / "realm.json"
    data = realm.read_bytes()
    realm.write_bytes(data[: data.index(b'"zerver_stream"')])
    items = read(export)
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert skipped[0].location.endswith("realm.json") and "invalid or truncated JSON" in skipped[0].reason
    msgs = by_id(items)
    assert msgs["1001"].author.name == "Alice Example"  # users came before the break
    assert msgs["1001"].conversation.id == "recipient:30"  # recipients did not


def test_missing_realm_is_reported(tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    (export / "realm.json").unlink()
    items = list(READER.read(Source.open(export)))  # forced: sniff refuses without realm.json
    assert isinstance(items[0], Skipped) and "realm.json missing" in items[0].reason
    assert len(messages(items)) == 10


def test_folder_without_export_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ReaderError):
        read(tmp_path)


# --- sniffing -----------------------------------------------------------------------------


def test_sniff_claims_the_export(export_zip: Path) -> None:
    assert READER.sniff(Source.open(EXPORT))
    assert READER.sniff(Source.open(EXPORT.parent))  # the folder holding the export folder
    assert READER.sniff(Source.open(export_zip))


OTHERS = [
    EXPORT / "realm.json",
    EXPORT / "attachment.json",
    FIXTURES / "slack" / "export",
    FIXTURES / "slack" / "message_list.json",
    FIXTURES / "telegram" / "ChatExport_2024-03-05",
    FIXTURES / "generic" / "messages.jsonl",
    FIXTURES / "whatsapp" / "negatives" / "chat.json",
    FIXTURES / "wechat" / "测试项目群.html",
    FIXTURES / "qq",
    FIXTURES / "line",
    FIXTURES,
]


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: p.name)
def test_sniff_refuses_other_formats(path: Path) -> None:
    assert_refuses(READER, path)


def test_sniff_needs_message_files(tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    for f in export.glob("messages-*.json"):
        f.unlink()
    assert not READER.sniff(Source.open(export))


# --- robustness ---------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ARBITRARY_BYTES, name=st.sampled_from(["realm.json", "messages-000001.json"]))
def test_any_bytes_give_messages_or_reader_error(tmp_path: Path, data: bytes, name: str) -> None:
    export = tmp_path / "export"
    if not export.exists():
        shutil.copytree(EXPORT, export)
    original = (EXPORT / name).read_bytes()
    (export / name).write_bytes(data)
    try:
        read_any(READER, export)
        read_any(READER, export / name)
    finally:
        (export / name).write_bytes(original)


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=8,
)
_MESSAGE = st.fixed_dictionaries(
    {},
    optional={
        k: _VALUES
        for k in ("id", "sender", "recipient", "subject", "content", "rendered_content", "date_sent", "type")
    },
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(_MESSAGE, max_size=5), cut=st.integers(min_value=0))
def test_zulip_shaped_json_gives_messages_or_reader_error(
    tmp_path: Path, batch: list[dict[str, object]], cut: int
) -> None:
    path = tmp_path / "messages-000001.json"
    data = json.dumps({"zerver_message": batch}).encode()
    path.write_bytes(data[: cut % (len(data) + 1)] if cut % 3 == 0 else data)
    read_any(READER, path)


def test_hostile_nesting_is_skipped_not_built(tmp_path: Path) -> None:
    """A message nested thousands deep is refused by the depth cap, not built in memory."""
    from scanner.model import Skipped
    from scanner.readers.zulip import ZulipReader

    export = tmp_path / "export"
    export.mkdir()
    (export / "realm.json").write_text('{"zerver_userprofile": [], "zerver_recipient": []}', encoding="utf-8")
    deep = "[" * 20_000 + "]" * 20_000
    (export / "messages-000001.json").write_text('{"zerver_message": [' + deep + "]}", encoding="utf-8")
    items = list(ZulipReader().read(Source.open(export)))
    assert any(isinstance(i, Skipped) and "too deep" in i.reason for i in items)
