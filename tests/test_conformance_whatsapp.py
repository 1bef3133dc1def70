"""The WhatsApp reader against the third-party sample exports in ../shared (EXPECTED.md, "WhatsApp").

Counts are user-authored messages (kind user), distinct author names, and WhatsApp's own
notices (kind system). Skipped when the samples are absent.

chat-miner's ``John Doe:.`` row (2019-01-20 11:23) has no ": " after the name. We read it as a
notice (kind system, 6 user messages per file), as the source's ``target.json`` (6) and
whatsapp-chat-parser's author rule (a name ends at ": ") do: WhatsApp itself always writes
"Name: " with a space, so the row is not a message it would have written for a person. Its
text, ``John Doe:.``, is still yielded and scanned.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.whatsapp import WhatsAppReader

READER = WhatsAppReader()
CHAT_MINER_FILES = (
    "test_[mmddyy]_24hrs.txt",
    "test_ddmmyy_24hrs.txt",
    "test_mmddyy_24hrs.txt",
    "test_mmddyyyy_12hrs.txt",
    "test_yyyymmdd_24hrs.txt",
)
CHAT_MINER_TIMES = [
    datetime(2019, 1, 1, 11, 25),
    datetime(2019, 1, 20, 11, 23),
    datetime(2019, 1, 30, 20, 49),
    datetime(2020, 6, 10, 15, 55),
    datetime(2020, 6, 20, 0, 8),
    datetime(2020, 6, 30, 9, 10),
    datetime(2021, 12, 10, 10, 10),
    datetime(2021, 12, 20, 12, 10),
    datetime(2021, 12, 30, 22, 1),
]


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def users(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message) and m.kind is MessageKind.USER]


def systems(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message) and m.kind is MessageKind.SYSTEM]


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in items if isinstance(m, Message)}


@pytest.fixture
def wa(real_fixtures: Path) -> Path:
    path = real_fixtures / "whatsapp"
    if not path.is_dir():
        pytest.skip("no WhatsApp samples")
    return path


@pytest.mark.parametrize("name", CHAT_MINER_FILES)
def test_chat_miner(wa: Path, name: str) -> None:
    path = wa / "chat-miner" / name
    assert READER.sniff(Source.open(path))
    items = read(path)
    assert not [i for i in items if isinstance(i, Skipped)]
    user = users(items)
    assert len(user) == 6
    assert {m.author.name for m in user} == {"John Doe", "Jahn Doe", "John-John Doe", "John Doe 🤓", "🤓"}
    assert [m.timestamp for m in items if isinstance(m, Message)] == CHAT_MINER_TIMES
    msgs = by_id(items)
    assert list(msgs) == ["L1", "L2", "L3", "L5", "L6", "L7", "L8", "L9", "L10"]
    # the ambiguous row, the group creation by a phone number, "You were added"
    assert [m.message_id for m in systems(items)] == ["L2", "L6", "L7"]
    assert msgs["L2"].text == "John Doe:."
    assert msgs["L3"].text == "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero."
    assert msgs["L5"].author.name == "John-John Doe" and msgs["L5"].text == "Lorem ipsum : dolor sit amet."
    # the last line has no final newline
    assert msgs["L10"].text.endswith("\nconsectetur adipiscing elit. Duis libero.")
    conv = msgs["L1"].conversation
    assert (conv.kind, conv.member_count) == (ConversationKind.GROUP, 5)


def test_chatistics_chat(wa: Path) -> None:
    items = read(wa / "Chatistics" / "_chat.txt")
    user = users(items)
    assert len(user) == 20
    assert sorted(m.author.name for m in user).count("Alice Placeholder") == 10
    assert {m.author.name for m in user} == {"Alice Placeholder", "John Doe"}
    assert [m.message_id for m in systems(items)] == ["L3"]
    msgs = by_id(items)
    # lines 19 and 22 are continuations (another header shape), as in the source's test
    assert "L19" not in msgs and "L22" not in msgs
    assert msgs["L18"].text.endswith("\n[1.2.2019, 00:00:00] John Doe: this line is not a message on its own")
    assert msgs["L21"].text == (
        "What is that?\n2/11/19, 14:48 Alice Placeholder: this is a message from another chat!"
    )
    assert msgs["L4"].author.name == "John Doe"  # U+200E before '['
    assert msgs["L20"].text == "¯\\_(ツ)_/¯"
    body18 = msgs["L18"].text.split("\n", 1)[0]
    assert len(body18) == 31 and "\x85" not in body18
    assert msgs["L1"].timestamp == datetime(2018, 1, 4, 11, 53, 57)
    assert msgs["L23"].timestamp == datetime(2019, 4, 19, 16, 18, 33)
    assert msgs["L1"].conversation.kind is ConversationKind.DM


def test_chatistics_chat_2(wa: Path) -> None:
    items = read(wa / "Chatistics" / "_chat 2.txt")
    user = users(items)
    assert len(user) == 4 and not systems(items)
    assert {m.author.name for m in user} == {"Peter Doe", "John Doe"}
    assert [m.message_id for m in user] == ["L1", "L3", "L4", "L5"]
    assert [m.timestamp for m in user] == [
        datetime(2019, 9, 17, 16, 37, 47),
        datetime(2019, 9, 17, 16, 38, 6),
        datetime(2019, 9, 17, 16, 38, 59),
        datetime(2019, 9, 17, 16, 39, 52),
    ]
    assert user[0].text.endswith(
        "\n[1.9.19, 00:00:00] Peter Doe: this is the second line of the first message"
    )


def test_chatistics_chat_3(wa: Path) -> None:
    items = read(wa / "Chatistics" / "_chat 3.txt")
    user = users(items)
    assert len(user) == 9
    assert {m.author.name for m in user} == {
        "n",
        "Very long username",
        "Even longer username with emoticons! 🙈 🙈",
        "The final test",
        "John Doe",
    }
    assert [m.message_id for m in systems(items)] == ["L1", "L7"]
    assert [m.timestamp for m in user] == [
        datetime(2019, 2, 11, 14, 18),
        datetime(2019, 2, 11, 14, 21),
        datetime(2019, 2, 11, 14, 21),
        datetime(2019, 2, 11, 14, 21),
        datetime(2019, 2, 11, 14, 22),
        datetime(2019, 10, 11, 14, 25),
        datetime(2019, 2, 11, 14, 33),
        datetime(2019, 2, 11, 14, 48),
        datetime(2019, 2, 11, 14, 51),
    ]
    msgs = by_id(items)
    assert (msgs["L5"].author.name, msgs["L5"].text) == (
        "The final test",
        "Does it work with colons?: Hallelujah!",
    )
    assert msgs["L6"].text == "Ok - so it seems to work?"
    assert msgs["L10"].text == "\n\n\n\n\n👍👍👍👍👍👍!"
    assert msgs["L16"].text.endswith("\n\n\n2/11/19: Arrival\n12/12/19: Departure")
    assert msgs["L2"].conversation.kind is ConversationKind.GROUP


def test_chatistics_chat_4(wa: Path) -> None:
    items = read(wa / "Chatistics" / "_chat 4.txt")
    user = users(items)
    assert [m.author.name for m in user] == ["John Doe"] * 3
    assert [m.timestamp for m in user] == [
        datetime(2019, 9, 17, 8, 30, 52),
        datetime(2019, 9, 17, 16, 30, 10),
        datetime(2019, 9, 18, 16, 50, 32),
    ]


def test_short_chat(wa: Path) -> None:
    items = read(wa / "whatsapp-chat-parser" / "short-chat.txt")
    user = users(items)
    assert [m.author.name for m in user] == ["Sample User", "TestBot", "+410123456789"]
    assert len(systems(items)) == 2
    # month first: the second field decreases (05 -> 04), as whatsapp-chat-parser decides
    assert [m.timestamp for m in user] == [
        datetime(2017, 6, 3, 0, 45),
        datetime(2017, 8, 5, 1, 48),
        datetime(2017, 9, 4, 1, 50),
    ]
    assert user[2].message_id == "L5" and user[2].text == "How are you?\n\nIs everything alright?"
    conv = user[0].conversation
    assert (conv.kind, conv.member_count) == (ConversationKind.GROUP, 3)


def test_empty(wa: Path) -> None:
    source = Source.open(wa / "whatsapp-chat-parser" / "empty.txt")
    assert not READER.sniff(source)
    assert list(READER.read(source)) == []


def test_not_a_whatsapp_chat(wa: Path) -> None:
    path = wa / "whatsapp-chat-parser" / "not-a-whatsapp-chat.txt"
    assert not READER.sniff(Source.open(path))
    items = read(path)  # forced: no messages, one skip without content
    assert not [i for i in items if isinstance(i, Message)]
    assert all("+41" not in i.reason for i in items if isinstance(i, Skipped))


def test_signal_text_is_not_claimed(real_fixtures: Path) -> None:
    path = real_fixtures / "signal" / "chat-miner" / "test_export.txt"
    if not path.exists():
        pytest.skip("no Signal sample")
    assert not READER.sniff(Source.open(path))


def test_folder_and_total(wa: Path) -> None:
    """Each folder read as one input; 69 user messages across the corpus (EXPECTED.md)."""
    total = 0
    for folder, expected in (("chat-miner", 30), ("Chatistics", 36), ("whatsapp-chat-parser", 3)):
        source = Source.open(wa / folder)
        assert READER.sniff(source)
        items = list(READER.read(source))
        count = len(users(items))
        assert count == expected, folder
        if folder == "whatsapp-chat-parser":  # the negative sample is reported, empty.txt is not
            assert [Path(s.location).name for s in items if isinstance(s, Skipped)] == [
                "not-a-whatsapp-chat.txt"
            ]
        total += count
    assert total == 69


def test_zip_of_a_sample(wa: Path, tmp_path: Path) -> None:
    """The iOS form, built at test time: the chat's name comes from the zip."""
    path = tmp_path / "WhatsApp Chat - Alice Placeholder.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(wa / "Chatistics" / "_chat.txt", "_chat.txt")
    source = Source.open(path)
    assert READER.sniff(source)
    user = users(list(READER.read(source)))
    assert len(user) == 20
    assert {m.conversation.name for m in user} == {"Alice Placeholder"}
    assert user[0].location == f"{path}!_chat.txt:1"
