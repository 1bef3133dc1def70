"""Messenger/Instagram reader: goldens over synthetic Download-Your-Information packages, the
mojibake repair, Messenger-or-Instagram decision, sniffing, fuzzing."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.meta import InstagramReader, MessengerReader, repair
from tests.golden import assert_golden, serialise
from tests.reader_contract import (
    ARBITRARY_BYTES,
    assert_refuses_written,
    fixture_id,
    json_like,
    other_fixture_paths,
    sniff_and_read,
    zip_tree,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
META = FIXTURES / "meta"
ROOT = str(FIXTURES) + "/"
FB = META / "facebook-janeplaceholder-2024-03-05"
IG = META / "instagram-janeplaceholder-2024-03-05"
FB_INBOX = FB / "your_facebook_activity" / "messages" / "inbox"
DM = FB_INBOX / "reneeexemple_1234567890"
GROUP = FB_INBOX / "falconteam_9876543210"
IG_THREAD = IG / "your_instagram_activity" / "messages" / "inbox" / "meiexample_17841400000000000"
LEGACY = META / "legacy" / "message_1.json"
MESSENGER = MessengerReader()
INSTAGRAM = InstagramReader()


def read(reader: MessengerReader | InstagramReader, path: Path) -> list[Message | Skipped]:
    return list(reader.read(Source.open(path)))


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in items if isinstance(m, Message)}


def mojibake(text: str) -> str:
    """What Meta writes: each UTF-8 byte as its own code point (escaped as \\u00XX)."""
    return text.encode("utf-8").decode("latin-1")


# --- goldens ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reader", "path"),
    [
        ("messenger_package", MESSENGER, FB),
        ("instagram_package", INSTAGRAM, IG),
        ("messenger_legacy_file", MESSENGER, LEGACY),
        ("messenger_truncated", MESSENGER, META / "truncated"),
    ],
)
def test_goldens(
    name: str, reader: MessengerReader | InstagramReader, path: Path, update_goldens: bool
) -> None:
    assert_golden(name, read(reader, path), update_goldens, root=ROOT)


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    # Meta's own zips hold the package folders at the top, no wrapping folder
    archive = tmp_path / "download.zip"
    zip_tree(FB, archive)
    source = Source.open(archive)
    assert MESSENGER.sniff(source) and not INSTAGRAM.sniff(source)
    from_zip = serialise(MESSENGER.read(source), root=f"{archive}!")
    from_dir = serialise(read(MESSENGER, FB), root=f"{FB}/")
    assert from_zip == from_dir


def test_a_wrapping_folder_is_left_out_of_ids(tmp_path: Path) -> None:
    archive = tmp_path / "wrapped.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(FB.rglob("*")):
            if file.is_file():
                zf.write(file, f"{FB.name}/{file.relative_to(FB).as_posix()}")
    ids = [m.message_id for m in MESSENGER.read(Source.open(archive)) if isinstance(m, Message)]
    assert ids == [m.message_id for m in read(MESSENGER, FB) if isinstance(m, Message)]
    photo = by_id(list(MESSENGER.read(Source.open(archive))))[
        "your_facebook_activity/messages/inbox/reneeexemple_1234567890/message_1.json#1"
    ].attachments[0]
    # a path is where the file is inside the input, wrapper included
    assert photo.path == (
        f"{FB.name}/your_facebook_activity/messages/inbox/reneeexemple_1234567890/photos/whiteboard_3141592653.jpg"
    )


# --- mojibake -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "José Ñandú",
        "Renée Exemple",
        "王小明",
        "我的电话13812345678，周五见 🚀",
        "👍🏽 family: 👨‍👩‍👧",
        "plain ascii",
    ],
)
def test_repair_undoes_meta_mojibake(text: str) -> None:
    assert repair(mojibake(text)) == text


@pytest.mark.parametrize("text", ["José", "王小明", "😀", "Ã is a letter", "naïve café"])
def test_repair_keeps_text_that_is_not_mojibake(text: str) -> None:
    # proper Unicode (a fixed export, chat-analytics' sample) is returned unchanged
    assert repair(text) == text


def test_every_string_is_repaired() -> None:
    msgs = by_id(read(MESSENGER, FB))
    group = msgs["your_facebook_activity/messages/inbox/falconteam_9876543210/message_1.json#1"]
    assert group.author.name == "王小明" and group.author.id == "王小明"
    assert group.text == "我的电话13812345678，周五见 🚀"
    assert group.conversation.name == "Falcon Team 🚀"
    assert group.conversation.members == ("José Ñandú", "王小明", "Jane Placeholder")
    dm = msgs["your_facebook_activity/messages/inbox/reneeexemple_1234567890/message_2.json#1"]
    assert dm.text == "Hi Renée, café at 3? My email is jane@example.com"
    assert dm.conversation.name == "Renée Exemple"
    ig = by_id(read(INSTAGRAM, IG))
    mei = ig["your_instagram_activity/messages/inbox/meiexample_17841400000000000/message_1.json#3"]
    assert mei.text == "Ça va, Zoë? 😀 我很好"


def test_unescaped_utf8_export_is_kept(tmp_path: Path) -> None:
    # a BOM and literal UTF-8, as in mlomb/chat-analytics' Messenger sample
    doc = {
        "participants": [{"name": "José"}, {"name": "李雷"}],
        "messages": [{"sender_name": "李雷", "timestamp_ms": 1709632800000, "content": "你好 José 👋"}],
        "title": "José",
        "thread_path": "inbox/jose_1",
    }
    path = tmp_path / "message_1.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8-sig")
    [msg] = read(MESSENGER, path)
    assert isinstance(msg, Message)
    assert (msg.author.name, msg.text, msg.conversation.name) == ("李雷", "你好 José 👋", "José")


# --- behaviour ---------------------------------------------------------------------------


def test_thread_files_are_one_conversation_newest_first() -> None:
    items = [m for m in read(MESSENGER, DM) if isinstance(m, Message)]
    assert [m.message_id for m in items] == [
        "message_1.json#0",
        "message_1.json#1",
        "message_1.json#2",
        "message_1.json#3",
        "message_2.json#0",
        "message_2.json#1",
        "message_2.json#2",
    ]
    assert {m.conversation for m in items} == {items[0].conversation}
    conv = items[0].conversation
    assert (conv.id, conv.kind, conv.member_count) == (
        "inbox/reneeexemple_1234567890",
        ConversationKind.DM,
        2,
    )
    assert [m.timestamp for m in items][:2] == [
        datetime(2024, 3, 5, 10, 6, tzinfo=UTC),
        datetime(2024, 3, 5, 10, 5, tzinfo=UTC),
    ]
    assert items[0].location == f"{DM}/message_1.json#/messages/0"


def test_unsent_calls_and_attachments() -> None:
    msgs = by_id(read(MESSENGER, DM))
    assert msgs["message_1.json#3"].deleted and msgs["message_1.json#3"].text == ""
    assert msgs["message_2.json#2"].kind is MessageKind.SYSTEM  # a call
    assert (
        msgs["message_2.json#0"].text == "https://example.com/article-about-falcon"
    )  # a share keeps its content
    [photo] = msgs["message_1.json#1"].attachments
    assert (photo.name, photo.path) == ("whiteboard_3141592653.jpg", "photos/whiteboard_3141592653.jpg")
    group = by_id(read(MESSENGER, GROUP))
    assert [(a.name, a.path) for a in group["message_1.json#2"].attachments] == [
        ("voice_note_271828.mp4", None),  # not in the package
        ("budget_2024_Q1.xlsx", "files/budget_2024_Q1.xlsx"),
    ]
    assert group["message_1.json#3"].attachments[0].name == "369239263222822.png"  # a sticker
    assert group["message_1.json#4"].kind is MessageKind.SYSTEM  # "Subscribe"
    assert group["message_1.json#0"].conversation.kind is ConversationKind.GROUP


def test_instagram_reaction_notices_are_system() -> None:
    msgs = by_id(read(INSTAGRAM, IG_THREAD))
    notice = msgs["message_1.json#0"]
    assert (notice.kind, notice.text) == (MessageKind.SYSTEM, "Reacted 😀 to your message")
    assert msgs["message_1.json#1"].kind is MessageKind.USER  # "Mei sent an attachment." is a share


def test_legacy_thread_type_decides_the_kind() -> None:
    msgs = by_id(read(MESSENGER, LEGACY))
    assert msgs["message_1.json#0"].conversation.kind is ConversationKind.DM
    assert msgs["message_1.json#1"].kind is MessageKind.SYSTEM  # "type": "Call"


def test_truncated_file_keeps_what_came_before() -> None:
    items = read(MESSENGER, META / "truncated")
    assert [m.message_id for m in items if isinstance(m, Message)] == ["message_1.json#0", "message_1.json#1"]
    assert items[-1] == Skipped(
        f"{META}/truncated/message_1.json", "invalid or truncated JSON after 2 messages"
    )
    # the title comes after the messages and was cut: the participants name the thread
    assert items[0].conversation.name == "José Ñandú, 王小明, Jane Placeholder"  # type: ignore[union-attr]


def test_end_to_end_encrypted_download(tmp_path: Path) -> None:
    doc = {
        "participants": ["Jane Placeholder", "Rob Example"],
        "threadName": "Rob Example",
        "messages": [
            {
                "isUnsent": False,
                "media": [{"uri": "./media/photo_1.jpg"}],
                "reactions": [],
                "senderName": "Rob Example",
                "text": "door code 4711",
                "timestamp": 1709632800000,
                "type": "text",
            },
            {
                "isUnsent": True,
                "media": [],
                "reactions": [],
                "senderName": "Jane Placeholder",
                "text": "",
                "timestamp": 1709632860000,
                "type": "text",
            },
        ],
    }
    path = tmp_path / "facebook_e2ee_rob.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    items = read(MESSENGER, path)
    assert MESSENGER.sniff(Source.open(path))
    first, second = items
    assert isinstance(first, Message) and isinstance(second, Message)
    assert (first.author.name, first.text, first.timestamp) == (
        "Rob Example",
        "door code 4711",
        datetime(2024, 3, 5, 10, 0, tzinfo=UTC),
    )
    assert first.attachments[0].name == "photo_1.jpg"
    assert second.deleted
    assert first.conversation.name == "Rob Example"


def test_folder_without_message_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"x")
    with pytest.raises(ReaderError):
        list(MESSENGER.read(Source.open(tmp_path)))


def test_utf16_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "message_1.json"
    path.write_text(LEGACY.read_text(encoding="utf-8"), encoding="utf-16")
    source = Source.open(path)
    assert MESSENGER.sniff(source)
    assert by_id(list(MESSENGER.read(source)))["message_1.json#0"].text == "Happy new year! 🎉"
    assert source.encodings == {"utf-16"}


def test_deep_nesting_is_refused_not_recursed(tmp_path: Path) -> None:
    path = tmp_path / "message_1.json"
    path.write_text('{"messages": [' + "[" * 100_000, encoding="utf-8")
    items = read(MESSENGER, path)
    assert items == [Skipped(str(path), "JSON nested deeper than 256 levels after 0 messages")]


# --- Messenger or Instagram --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "platform"),
    [
        (FB, "messenger"),
        (FB_INBOX, "messenger"),  # the input's own path still says facebook-…
        (DM / "message_1.json", "messenger"),
        (IG, "instagram"),
        (IG_THREAD, "instagram"),
        (IG_THREAD / "message_1.json", "instagram"),  # your_instagram_activity in the photo uri
        (LEGACY, "messenger"),  # thread_type is Messenger's
        (META / "truncated", "messenger"),
    ],
    ids=lambda p: fixture_id(p) if isinstance(p, Path) else p,
)
def test_exactly_one_reader_claims(path: Path, platform: str) -> None:
    source = Source.open(path)
    assert (MESSENGER.sniff(source), INSTAGRAM.sniff(source)) == (
        platform == "messenger",
        platform == "instagram",
    )
    reader = MESSENGER if platform == "messenger" else INSTAGRAM
    assert {m.platform for m in reader.read(source) if isinstance(m, Message)} == {platform}


def test_decision_without_path_hints(tmp_path: Path) -> None:
    # no participants (chat-miner's Instagram sample): Instagram; with participants: Messenger
    bare = {"messages": [{"sender_name": "A", "timestamp_ms": 1, "content": "x"}]}
    plain = tmp_path / "export" / "a.json"
    plain.parent.mkdir()
    plain.write_text(json.dumps(bare), encoding="utf-8")
    assert INSTAGRAM.sniff(Source.open(plain)) and not MESSENGER.sniff(Source.open(plain))
    full = tmp_path / "export" / "b.json"
    full.write_text(
        json.dumps({"participants": [{"name": "A"}], **bare, "thread_path": "inbox/a_1"}), encoding="utf-8"
    )
    assert MESSENGER.sniff(Source.open(full)) and not INSTAGRAM.sniff(Source.open(full))


def test_a_folder_holding_both_packages_is_left_to_split() -> None:
    source = Source.open(META)
    assert not MESSENGER.sniff(source) and not INSTAGRAM.sniff(source)


# --- sniffing ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", other_fixture_paths("meta"), ids=fixture_id)
def test_sniff_refuses_other_formats_fixtures(path: Path) -> None:
    source = Source.open(path)
    assert not MESSENGER.sniff(source)
    assert not INSTAGRAM.sniff(source)


NOT_META = {
    "telegram.json": json.dumps(
        {"name": "x", "type": "personal_chat", "messages": [{"id": 1, "type": "message"}]}
    ),
    "no_timestamp.json": json.dumps({"messages": [{"sender_name": "A", "content": "x"}]}),
    "empty_messages.json": json.dumps({"messages": []}),
    "participants_only.json": json.dumps({"participants": [{"name": "A"}], "messages": []}),
    "list.json": json.dumps([{"sender_name": "A", "timestamp_ms": 1}]),
    "message_1.html": "<html><body>Messages</body></html>",
    "generic.jsonl": '{"id": "1", "author": "a", "timestamp": 1, "text": "x"}\n',
}


@pytest.mark.parametrize("name", sorted(NOT_META))
def test_sniff_refuses_lookalikes(tmp_path: Path, name: str) -> None:
    assert_refuses_written(tmp_path / name, NOT_META[name], MESSENGER, INSTAGRAM)


def test_sniff_claims_an_empty_thread(tmp_path: Path) -> None:
    path = tmp_path / "message_1.json"
    path.write_text(
        json.dumps(
            {
                "participants": [{"name": "A"}, {"name": "B"}],
                "messages": [],
                "title": "B",
                "is_still_participant": True,
                "thread_path": "inbox/b_1",
            }
        ),
        encoding="utf-8",
    )
    assert MESSENGER.sniff(Source.open(path))
    assert read(MESSENGER, path) == []


def test_sniff_refuses_a_folder_with_other_json(tmp_path: Path) -> None:
    shutil.copytree(DM, tmp_path / "thread")
    (tmp_path / "thread" / "autofill_information.json").write_text('{"autofill": []}', encoding="utf-8")
    assert not MESSENGER.sniff(Source.open(tmp_path / "thread"))


# --- fuzzing -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_skips_or_reader_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "message_1.json"
        path.write_bytes(data)
        for reader in (MESSENGER, INSTAGRAM):
            sniff_and_read(reader, path)


METAISH = json_like(
    [
        *("sender_name", "timestamp_ms", "content", "photos", "uri", "files", "sticker"),
        *("is_unsent", "type", "share", "senderName", "timestamp", "text", "media", "name"),
    ],
    list_size=4,
)


@settings(max_examples=200, deadline=None)
@given(
    messages=st.lists(METAISH, max_size=4),
    participants=METAISH,
    title=METAISH,
    cut=st.integers(min_value=0),
)
def test_any_meta_shaped_json_gives_messages_skips_or_reader_error(
    messages: list[object], participants: object, title: object, cut: int
) -> None:
    text = json.dumps(
        {"participants": participants, "messages": messages, "title": title, "thread_path": title}
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "message_1.json"
        path.write_text(text[: cut % (len(text) + 1)], encoding="utf-8")
        for reader in (MESSENGER, INSTAGRAM):
            sniff_and_read(reader, path)
