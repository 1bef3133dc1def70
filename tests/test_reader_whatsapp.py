"""WhatsApp reader: goldens over synthetic exports, sniffing, date order, zip form, robustness."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers import whatsapp
from scanner.readers.base import Source
from scanner.readers.whatsapp import WhatsAppReader
from tests.golden import assert_golden
from tests.reader_contract import ARBITRARY_BYTES, read_any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WA = FIXTURES / "whatsapp"
ROOT = str(FIXTURES) + "/"
GENERIC = FIXTURES / "generic"

READER = WhatsAppReader()

GOLDEN_FILES = {
    "android_24h": "WhatsApp Chat with Jane Roe.txt",
    "us_12h_nnbsp": "WhatsApp Chat with Kim Doe.txt",
    "es_ampm_crlf": "Chat de WhatsApp con Ana Ruiz.txt",
    "endash": "WhatsApp Chat with Max Roe.txt",
    "ambiguous_order": "WhatsApp Chat with Picnic.txt",
    "utf16": "WhatsApp Chat with 李娜.txt",
}
IOS_FOLDER = WA / "WhatsApp Chat - Book Club"
PHOTO = "00000012-PHOTO-2021-01-02-10-02-13.jpg"
PHOTO_BYTES = b"\xff\xd8\xff\xe0 not really a jpeg"


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def messages(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message)]


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in messages(items)}


# --- goldens ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_golden_files(name: str, update_goldens: bool) -> None:
    items = read(WA / GOLDEN_FILES[name])
    assert items
    assert_golden(f"whatsapp_{name}", items, update_goldens, root=ROOT)


def test_golden_ios_folder(update_goldens: bool) -> None:
    assert_golden("whatsapp_ios_folder", read(IOS_FOLDER), update_goldens, root=ROOT)


@pytest.fixture
def ios_zip(tmp_path: Path) -> Path:
    """The iOS form: 'WhatsApp Chat - <name>.zip' with _chat.txt and the media files."""
    path = tmp_path / "WhatsApp Chat - Book Club.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(IOS_FOLDER / "_chat.txt", "_chat.txt")
        zf.writestr(PHOTO, PHOTO_BYTES)
        zf.writestr("notes.pdf", b"%PDF-1.4 placeholder")
    return path


def test_golden_ios_zip(ios_zip: Path, tmp_path: Path, update_goldens: bool) -> None:
    items = read(ios_zip)
    assert_golden("whatsapp_ios_zip", items, update_goldens, root=str(tmp_path) + "/")
    photo = by_id(items)["L5"].attachments[0]
    assert (photo.name, photo.path, photo.size, photo.mime) == (PHOTO, PHOTO, len(PHOTO_BYTES), "image/jpeg")


# --- behaviour --------------------------------------------------------------------------


def test_android_continuations_and_markers() -> None:
    items = read(WA / GOLDEN_FILES["android_24h"])
    msgs = by_id(items)
    assert list(msgs) == ["L1", "L2", "L3", "L4", "L11", "L12", "L14", "L15", "L16", "L17"]
    itinerary = msgs["L4"].text
    # Lines that start with dates, or are a whole header of another shape, are continuations.
    assert "\n15/03/2020: fly out 07:40\n16/03/2020, 10:00 museum\n[16.03.20, 18:00:00] Sam Poe:" in itinerary
    assert itinerary.endswith("22/03/2020: fly back\n\nThat's it.")
    assert msgs["L1"].kind is MessageKind.SYSTEM and msgs["L1"].author.name == ""
    assert msgs["L3"].author.name == "Sam Poe"
    assert msgs["L3"].text == "Almost: need the itinerary: can you send it?"
    assert msgs["L11"].attachments[0].name == "" and msgs["L11"].text == "<Media omitted>"
    assert msgs["L12"].attachments[0].name == "IMG-20200314-WA0001.jpg"
    assert msgs["L14"].deleted and msgs["L15"].deleted and not msgs["L2"].deleted
    assert msgs["L16"].edited and msgs["L16"].text.endswith("<This message was edited>")
    assert msgs["L17"].text == "\n\n\n\n👍"
    assert msgs["L2"].timestamp == datetime(2020, 3, 14, 9, 0)
    assert msgs["L2"].timestamp_naive
    assert msgs["L2"].location.endswith("WhatsApp Chat with Jane Roe.txt:2")
    conv = msgs["L2"].conversation
    assert (conv.id, conv.name, conv.kind, conv.member_count) == (
        "Jane Roe",
        "Jane Roe",
        ConversationKind.DM,
        2,
    )


def test_twelve_hour_clocks() -> None:
    us = by_id(read(WA / GOLDEN_FILES["us_12h_nnbsp"]))
    assert [m.timestamp for m in us.values()] == [
        datetime(2023, 1, 15, 9, 5),
        datetime(2023, 1, 15, 12, 0),
        datetime(2023, 1, 15, 0, 30),
        datetime(2023, 1, 16, 23, 59),
    ]
    es = by_id(read(WA / GOLDEN_FILES["es_ampm_crlf"]))
    assert [m.timestamp for m in es.values()] == [
        datetime(2022, 2, 13, 10, 15),
        datetime(2022, 2, 13, 12, 1),
        datetime(2022, 2, 13, 20, 45),
    ]
    assert es["L2"].text == "Bien:\ntodo listo"  # CRLF stripped, lines joined with \n
    assert es["L1"].conversation.name == "Ana Ruiz"


def test_endash_separator_is_the_dominant_shape() -> None:
    msgs = by_id(read(WA / GOLDEN_FILES["endash"]))
    assert list(msgs) == ["L1", "L2", "L4"]
    assert msgs["L2"].text == "second\n09/17/19, 4:31:00 PM - Max Roe: hyphen line is a continuation here"
    assert msgs["L4"].timestamp == datetime(2019, 9, 18, 16, 50, 32)


def test_utf16_is_decoded_and_recorded() -> None:
    source = Source.open(WA / GOLDEN_FILES["utf16"])
    msgs = messages(list(READER.read(source)))
    assert source.encodings == {"utf-16"}
    assert [m.author.name for m in msgs] == ["王伟", "李娜", "王伟"]
    assert msgs[2].text == "上午十点\n在公司楼下"
    assert msgs[0].timestamp == datetime(2021, 3, 4, 21, 0)


def test_ios_group_notices_are_system_lines() -> None:
    items = read(IOS_FOLDER)
    msgs = by_id(items)
    assert [msgs[i].kind for i in ("L1", "L2", "L3")] == [MessageKind.SYSTEM] * 3
    users = [m for m in msgs.values() if m.kind is MessageKind.USER]
    assert {m.author.name for m in users} == {"Alice Moe", "Bob Loe", "Carol Zoe"}
    conv = users[0].conversation
    assert (conv.name, conv.kind, conv.member_count) == ("Book Club", ConversationKind.GROUP, 3)
    assert msgs["L6"].attachments[0].name == ""  # "image omitted": no file name given
    assert msgs["L7"].attachments[0].name == "notes.pdf"
    assert msgs["L11"].deleted and msgs["L12"].edited
    assert "L10" not in msgs and "2/1/21, 10:06 - Bob Loe:" in msgs["L9"].text


def test_zip_member_split_out_keeps_the_chat_name(ios_zip: Path) -> None:
    """Format detection may hand the reader one member of a zip as a single-file source."""
    parent = Source.open(ios_zip)
    entry = parent.get("_chat.txt")
    assert entry is not None
    single = Source.single(entry, Path(f"{ios_zip}!_chat.txt"))
    assert READER.sniff(single)
    msgs = messages(list(READER.read(single)))
    assert {m.conversation.name for m in msgs} == {"Book Club"}
    assert msgs[4].attachments[0].path is None  # the media are not in this single-file source


def test_android_zip_with_media(tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Jane Roe.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(WA / GOLDEN_FILES["android_24h"], "WhatsApp Chat with Jane Roe.txt")
        zf.writestr("IMG-20200314-WA0001.jpg", b"0123456789")
    source = Source.open(path)
    assert READER.sniff(source)
    msgs = by_id(list(READER.read(source)))
    assert msgs["L12"].attachments[0].path == "IMG-20200314-WA0001.jpg"
    assert msgs["L12"].attachments[0].size == 10
    assert msgs["L12"].location == f"{path}!WhatsApp Chat with Jane Roe.txt:12"


def write(tmp_path: Path, text: str, name: str = "WhatsApp Chat with T.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a value above 12 in the first part: day first
        (["01/02/20, 10:00 - A: x", "13/02/20, 10:00 - A: y"], [(2020, 2, 1), (2020, 2, 13)]),
        # a value above 12 in the second part: month first
        (["01/02/20, 10:00 - A: x", "01/13/20, 10:00 - A: y"], [(2020, 1, 2), (2020, 1, 13)]),
        # all <= 12, the first part decreases within a year: it is the day
        (["05/03/20, 10:00 - A: x", "02/04/20, 10:00 - A: y"], [(2020, 3, 5), (2020, 4, 2)]),
        # all <= 12, the second part decreases within a year: it is the day
        (["03/05/20, 10:00 - A: x", "04/02/20, 10:00 - A: y"], [(2020, 3, 5), (2020, 4, 2)]),
        # no signal at all: '/' reads month first (US Android default)
        (["02/11/19, 10:00 - A: x", "10/11/19, 10:00 - A: y"], [(2019, 2, 11), (2019, 10, 11)]),
        # no signal at all: '.' reads day first
        (["[02.11.19, 10:00:00] A: x", "[10.11.19, 10:00:00] A: y"], [(2019, 11, 2), (2019, 11, 10)]),
        # year first is Y/M/D
        (["2019/02/11, 10:00 - A: x", "2019/10/11, 10:00 - A: y"], [(2019, 2, 11), (2019, 10, 11)]),
        # Finnish iOS: a word between date and time, dots in the time
        (["[12.3.2022 klo 14.08.18] A: x", "[13.3.2022 klo 9.00.00] A: y"], [(2022, 3, 12), (2022, 3, 13)]),
    ],
)
def test_day_month_order(tmp_path: Path, lines: list[str], expected: list[tuple[int, int, int]]) -> None:
    msgs = messages(read(write(tmp_path, "\n".join(lines) + "\n")))
    assert [m.timestamp.date().timetuple()[:3] for m in msgs if m.timestamp] == expected


def test_dominant_shape_outvotes_a_foreign_first_line(tmp_path: Path) -> None:
    text = "[1.9.19, 00:00:00] A: pasted\n" + "".join(
        f"[17.9.2019, 16:{i:02}:00] A: m{i}\n" for i in range(5)
    )
    items = read(write(tmp_path, text))
    assert isinstance(items[0], Skipped) and items[0].reason == "1 non-empty line(s) before the first header"
    assert [m.message_id for m in messages(items)] == ["L2", "L3", "L4", "L5", "L6"]


def test_oversized_message_is_cut_at_line_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(whatsapp, "MAX_MESSAGE_CHARS", 20)
    text = "01/13/20, 10:00 - A: start\n" + "".join(f"line {i:04}\n" for i in range(6))
    msgs = messages(read(write(tmp_path, text)))
    assert len(msgs) > 1
    assert "\n".join(m.text for m in msgs) == "start\n" + "\n".join(f"line {i:04}" for i in range(6))
    assert {m.author.name for m in msgs} == {"A"}
    assert msgs[1].message_id.startswith("L") and msgs[1].message_id != "L1"


def test_conversation_kind_from_a_group_notice(tmp_path: Path) -> None:
    text = (
        '13/01/20, 10:00 - Ann created group "Trip"\n13/01/20, 10:01 - Ann: hi\n13/01/20, 10:02 - Ben: yo\n'
    )
    msgs = messages(read(write(tmp_path, text)))
    conv = msgs[0].conversation
    assert (conv.kind, conv.member_count, conv.members) == (ConversationKind.GROUP, 2, ("Ann", "Ben"))


def test_conversation_names(tmp_path: Path) -> None:
    cases = {
        "WhatsApp Chat with Jane Doe.txt": "Jane Doe",
        "WhatsApp_Chat_with_Jane_Doe.txt": "Jane Doe",
        "WhatsApp Chat mit Oma.txt": "Oma",
        "something else.txt": "something else",
    }
    for name, expected in cases.items():
        path = write(tmp_path, "13/01/20, 10:00 - A: x\n", name)
        assert messages(read(path))[0].conversation.name == expected
    folder = tmp_path / "WhatsApp Chat - Family"
    folder.mkdir()
    write(folder, "13/01/20, 10:00 - A: x\n", "_chat.txt")
    assert messages(read(folder))[0].conversation.name == "Family"
    assert messages(read(folder / "_chat.txt"))[0].conversation.name == "Family"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    source = Source.open(path)
    assert not READER.sniff(source)
    assert list(READER.read(source)) == []


def test_forced_read_of_a_non_chat_reports_without_content() -> None:
    items = read(WA / "negatives" / "plain-names.txt")
    assert len(items) == 1 and isinstance(items[0], Skipped)
    assert "Sample" not in items[0].reason and "whatsapp" not in items[0].reason
    assert items[0].location.endswith("plain-names.txt:1")


# --- sniffing ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES.values()))
def test_sniff_claims_exports(name: str) -> None:
    assert READER.sniff(Source.open(WA / name))


def test_sniff_claims_ios_folder_and_zip(ios_zip: Path) -> None:
    assert READER.sniff(Source.open(IOS_FOLDER))
    assert READER.sniff(Source.open(ios_zip))


@pytest.mark.parametrize(
    "path",
    [
        WA / "negatives" / "plain-names.txt",
        WA / "negatives" / "signal.txt",
        WA / "negatives" / "qq.txt",
        WA / "negatives" / "line.txt",
        WA / "negatives" / "chat.json",
        WA / "negatives" / "preamble.txt",
        GENERIC / "messages.jsonl",
        GENERIC / "bom.csv",
        GENERIC / "gbk.csv",
    ],
    ids=lambda p: p.name,
)
def test_sniff_refuses_others(path: Path) -> None:
    assert not READER.sniff(Source.open(path))


def test_sniff_leaves_mixed_folders_to_be_split() -> None:
    """A folder holding more than one export's files is not claimed as a whole."""
    examples = Path(__file__).resolve().parent.parent / "examples"
    assert not READER.sniff(Source.open(examples))  # chat.jsonl beside whatsapp/
    assert READER.sniff(Source.open(examples / "whatsapp"))
    assert not READER.sniff(Source.open(WA))  # sub-folders


def test_forced_folder_read_reports_other_text_files(tmp_path: Path) -> None:
    write(tmp_path, "13/01/20, 10:00 - A: x\n")
    write(tmp_path, "just some notes\n", "notes.txt")
    write(tmp_path, "", "empty.txt")
    items = list(READER.read(Source.open(tmp_path)))
    assert [m.text for m in messages(items)] == ["x"]
    assert [(Path(s.location).name, s.reason) for s in items if isinstance(s, Skipped)] == [
        ("notes.txt", "not a WhatsApp chat; not read")
    ]


def test_sniff_refuses_a_header_in_a_non_txt(tmp_path: Path) -> None:
    assert not READER.sniff(Source.open(write(tmp_path, "13/01/20, 10:00 - A: x\n", "chat.log")))


# --- robustness -------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_or_reader_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(data)
    read_any(READER, path)


_HEADERISH = st.sampled_from(
    [
        "12/31/19, 23:59 - ",
        "[31.12.19, 23:59:59] ",
        "\u200e[1.2.2019, 00:00:00] ",
        "1/1/20, 9:05\u202fPM \u2013 ",
        "01/20/2019, 11:23 a. m. - ",
        "2019/13/45, 25:61 - ",
        "00/00/00, 00:00 - ",
        "[2019-12-24, 12:23] ",
        "",
    ]
)
_BODY = st.lists(
    st.sampled_from([*"ab :\n\r<>.-\u200e", "Name: ", "<Media omitted>", "This message was deleted"]),
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(_HEADERISH, _BODY), max_size=12))
def test_header_like_text_gives_messages_or_reader_error(
    tmp_path: Path, lines: list[tuple[str, str]]
) -> None:
    path = tmp_path / "WhatsApp Chat with X.txt"
    path.write_text("\n".join(h + b for h, b in lines), encoding="utf-8")
    read_any(READER, path)
