"""LINE reader: goldens over synthetic chat-history exports, quotes, dates, sniffing, robustness."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.line import LineReader
from tests.golden import assert_golden
from tests.reader_contract import ARBITRARY_BYTES, assert_refuses, read_any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LINE = FIXTURES / "line"
ROOT = str(FIXTURES) + "/"
READER = LineReader()

GOLDEN_FILES = {
    "en_dm": "[LINE] Chat with Mika Test.txt",
    "en_group": "[LINE] Chat in Project Test.txt",
    "zh_tw_group": "[LINE] 測試群組的聊天記錄.txt",
    "ja_dm": "[LINE] 山田テストとのトーク履歴.txt",
    "headless": "headless.txt",
}


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def messages(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message)]


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in messages(items)}


def write(tmp_path: Path, text: str, name: str = "chat.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


TITLE = "[LINE] Chat history with Test Person\nSaved on: 2023/01/06 09:00\n\n"


# --- goldens ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_golden_files(name: str, update_goldens: bool) -> None:
    items = read(LINE / GOLDEN_FILES[name])
    assert messages(items)
    assert_golden(f"line_{name}", items, update_goldens, root=ROOT)


def test_golden_zip(tmp_path: Path, update_goldens: bool) -> None:
    path = tmp_path / "line.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(GOLDEN_FILES.values()):
            zf.write(LINE / name, name)
    source = Source.open(path)
    assert READER.sniff(source)
    assert_golden("line_zip", list(READER.read(source)), update_goldens, root=str(tmp_path) + "/")


# --- behaviour ----------------------------------------------------------------------------


def test_titles_decide_name_and_kind() -> None:
    cases = {
        "en_dm": ("Mika Test", ConversationKind.DM, 2),
        "en_group": ("Project Test", ConversationKind.GROUP, None),
        "zh_tw_group": ("測試群組", ConversationKind.GROUP, None),
        "ja_dm": ("山田テスト", ConversationKind.DM, 2),
        "headless": ("headless", ConversationKind.DM, 2),
    }
    for key, expected in cases.items():
        conv = messages(read(LINE / GOLDEN_FILES[key]))[0].conversation
        assert (conv.name, conv.kind, conv.member_count) == expected, key


def test_quoted_multiline_messages() -> None:
    msgs = by_id(read(LINE / GOLDEN_FILES["en_dm"]))
    # Inside the quotes a date line and a time line are message text, not structure.
    assert msgs["L6"].text == (
        "Sure, here are the details:\n2023/01/06(Fri)\n"
        "10:25\tMika Test\tthis line is pasted, not a new message\npassword: Example-Only-123"
    )
    assert "L8" not in msgs
    assert msgs["L10"].text == '"Quoted" she said'  # a quote that does not open a block is text
    assert msgs["L18"].text == 'He said "hello"\nand left'  # doubled quotes inside read as one
    assert msgs["L14"].text == "first line without quotes\nsecond line continues it"


def test_dates_times_and_markers() -> None:
    msgs = by_id(read(LINE / GOLDEN_FILES["en_dm"]))
    assert msgs["L5"].timestamp == datetime(2023, 1, 5, 10, 23) and msgs["L5"].timestamp_naive
    assert msgs["L18"].timestamp == datetime(2023, 1, 6, 9, 5)
    assert msgs["L20"].timestamp == datetime(2023, 1, 6, 0, 10)  # "24:10"
    assert msgs["L11"].attachments[0].name == "" and msgs["L12"].attachments
    assert msgs["L20"].attachments[0].name == "report-test.pdf"
    assert msgs["L13"].kind is MessageKind.SYSTEM and msgs["L13"].deleted
    assert msgs["L13"].author.name == ""
    group = by_id(read(LINE / GOLDEN_FILES["en_group"]))
    assert [m.timestamp for m in group.values()] == [
        datetime(2024, 3, 1, 9, 5),
        datetime(2024, 3, 1, 12, 30),
        datetime(2024, 3, 1, 12, 31),
        datetime(2024, 3, 1, 12, 40),
        datetime(2024, 3, 2, 0, 5),
    ]
    assert group["L7"].kind is MessageKind.SYSTEM
    tw = by_id(read(LINE / GOLDEN_FILES["zh_tw_group"]))
    assert tw["L6"].timestamp == datetime(2023, 1, 5, 14, 5)
    assert tw["L8"].timestamp == datetime(2023, 1, 5, 0, 10)  # 上午12:10
    assert tw["L9"].deleted and tw["L5"].kind is MessageKind.SYSTEM


def test_members_are_the_names_seen() -> None:
    conv = messages(read(LINE / GOLDEN_FILES["zh_tw_group"]))[0].conversation
    assert conv.members == ("林範例", "王小明", "陳測試")


def test_message_before_any_date_line_has_no_time(tmp_path: Path) -> None:
    msgs = messages(read(write(tmp_path, TITLE + "10:00\tA\tearly\n2023/01/05(Thu)\n10:01\tB\tlater\n")))
    assert [m.timestamp for m in msgs] == [None, datetime(2023, 1, 5, 10, 1)]


def test_day_first_weekday_dates(tmp_path: Path) -> None:
    msgs = messages(read(write(tmp_path, TITLE + "Fri, 13/01/2023\n10:00\tA\tx\n")))
    assert msgs[0].timestamp == datetime(2023, 1, 13, 10, 0)


def test_crlf_and_bom() -> None:
    source = Source.open(LINE / GOLDEN_FILES["en_dm"])
    msgs = messages(list(READER.read(source)))
    assert source.encodings == {"utf-8-sig"}
    assert not any("\r" in m.text for m in msgs)


# --- malformed input ----------------------------------------------------------------------


def test_truncated_file_keeps_earlier_messages(tmp_path: Path) -> None:
    data = (LINE / GOLDEN_FILES["zh_tw_group"]).read_bytes()
    cut = data.index("身分證".encode()) + 1  # inside a multi-byte character
    path = tmp_path / "cut.txt"
    path.write_bytes(data[:cut])
    msgs = by_id(read(path))
    assert list(msgs) == ["L5", "L6"]
    assert msgs["L6"].text.endswith("\ufffd")


def test_unclosed_quote_runs_to_the_end_without_losing_text(tmp_path: Path) -> None:
    text = TITLE + '2023/01/05(Thu)\n10:00\tA\t"open quote\nnever closed\n10:01\tB\tinside\n'
    msgs = messages(read(write(tmp_path, text)))
    assert len(msgs) == 1 and msgs[0].text == '"open quote\nnever closed\n10:01\tB\tinside'


def test_stray_lines_are_reported_without_content(tmp_path: Path) -> None:
    text = TITLE + "secret 13900000000\n2023/01/05(Thu)\n10:00\tA\thi\n"
    items = read(write(tmp_path, text))
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(skipped) == 1 and skipped[0].location.endswith("chat.txt:4")
    assert "1390" not in skipped[0].reason
    assert [m.text for m in messages(items)] == ["hi"]


def test_forced_read_of_a_non_export(tmp_path: Path) -> None:
    items = read(write(tmp_path, "just some notes\n"))
    assert len(items) == 1 and isinstance(items[0], Skipped)


# --- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES.values()))
def test_sniff_claims_exports(name: str) -> None:
    assert READER.sniff(Source.open(LINE / name))


def test_sniff_claims_a_folder_of_exports_and_the_whatsapp_negative() -> None:
    assert READER.sniff(Source.open(LINE))
    assert READER.sniff(Source.open(FIXTURES / "whatsapp" / "negatives" / "line.txt"))


OTHERS = [
    FIXTURES / "whatsapp" / "negatives" / "signal.txt",
    FIXTURES / "whatsapp" / "negatives" / "qq.txt",
    FIXTURES / "whatsapp" / "negatives" / "plain-names.txt",
    FIXTURES / "whatsapp" / "WhatsApp Chat with Jane Roe.txt",
    FIXTURES / "whatsapp" / "WhatsApp Chat with Kim Doe.txt",
    FIXTURES / "whatsapp" / "WhatsApp Chat - Book Club",
    FIXTURES / "qq" / "全部消息记录.txt",
    FIXTURES / "qq" / "headless.txt",
    FIXTURES / "wechat" / "聊天记录" / "张测试" / "张测试.txt",
    FIXTURES / "wechat" / "陈样例.txt",
    FIXTURES / "generic" / "messages.jsonl",
    FIXTURES / "slack" / "export",
    FIXTURES / "telegram" / "ChatExport_2024-03-05",
    FIXTURES / "zulip" / "zulip-export-test",
]


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: p.name)
def test_sniff_refuses_other_formats(path: Path) -> None:
    assert_refuses(READER, path)


def test_sniff_refuses_tabbed_text_without_date_line(tmp_path: Path) -> None:
    assert not READER.sniff(Source.open(write(tmp_path, "10:00\tA\thello\n10:01\tB\thi\n")))


# --- robustness ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_or_reader_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(data)
    read_any(READER, path)


_LINES = st.sampled_from(
    [
        "[LINE] Chat history with X",
        "Saved on: 2023/01/06 09:00",
        "2023/01/05(Thu)",
        "Thu, 13/45/2023",
        "2023/02/30(Thu)",
        "10:00\tA\thello",
        '10:01\tB\t"open',
        'closed"',
        "25:00\tC\tbad time",
        "下午13:00\tD\tbad",
        "10:02\t\tsystem",
        "\t",
        "",
        '"',
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_LINES, max_size=20))
def test_export_shaped_text_gives_messages_or_reader_error(tmp_path: Path, lines: list[str]) -> None:
    path = write(tmp_path, "\n".join(lines))
    read_any(READER, path)
