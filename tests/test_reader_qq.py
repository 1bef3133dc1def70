"""QQ reader: goldens over synthetic message-manager exports, encodings, sniffing, robustness."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers import qq
from scanner.readers.base import Source
from scanner.readers.qq import QQReader
from tests.golden import assert_golden
from tests.reader_contract import ARBITRARY_BYTES, assert_refuses, read_any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
QQ = FIXTURES / "qq"
ROOT = str(FIXTURES) + "/"
READER = QQReader()

GOLDEN_FILES = {
    "all": "全部消息记录.txt",
    "gb18030": "陈样例_gb18030.txt",
    "utf16": "陈样例_utf16.txt",
    "headless": "headless.txt",
}


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def messages(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message)]


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in messages(items)}


def write(tmp_path: Path, text: str, name: str = "chat.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


HEAD = (
    "消息记录（此消息记录为文本格式，不支持重新导入）\n\n"
    + "=" * 64
    + "\n消息分组:我的好友\n"
    + "=" * 64
    + "\n消息对象:甲测试\n"
    + "=" * 64
    + "\n\n"
)


# --- goldens ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_golden_files(name: str, update_goldens: bool) -> None:
    items = read(QQ / GOLDEN_FILES[name])
    assert messages(items)
    assert_golden(f"qq_{name}", items, update_goldens, root=ROOT)


def test_golden_zip(tmp_path: Path, update_goldens: bool) -> None:
    path = tmp_path / "qq-export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(GOLDEN_FILES.values()):
            zf.write(QQ / name, f"导出/{name}")
    source = Source.open(path)
    assert READER.sniff(source)
    items = list(READER.read(source))
    assert_golden("qq_zip", items, update_goldens, root=str(tmp_path) + "/")
    assert source.encodings == {"utf-8-sig", "gb18030", "utf-16", "utf-8"}


# --- behaviour ----------------------------------------------------------------------------


def test_sections_are_conversations() -> None:
    msgs = by_id(read(QQ / GOLDEN_FILES["all"]))
    friend, group = msgs["L9"].conversation, msgs["L29"].conversation
    assert (friend.id, friend.name, friend.kind, friend.member_count) == (
        "我的好友/李示例",
        "李示例",
        ConversationKind.DM,
        2,
    )
    assert friend.members == ("李示例", "王测试")
    assert (group.id, group.kind, group.member_count) == ("我的QQ群/测试项目群", ConversationKind.GROUP, None)
    assert group.members == ("张测试", "王测试", "赵示例")  # the system sender is not a member


def test_headers_ids_roles_and_times() -> None:
    msgs = by_id(read(QQ / GOLDEN_FILES["all"]))
    assert msgs["L9"].timestamp == datetime(2019, 3, 5, 9, 41, 32)  # unpadded hour
    assert msgs["L9"].timestamp_naive
    assert msgs["L29"].author.id == "10000001" and msgs["L29"].author.name == "张测试"  # 【管理员】 dropped
    assert msgs["L35"].author.id == "zhao.example@example.com"
    assert msgs["L43"].text == "你好(销售部)"
    assert msgs["L40"].kind is MessageKind.SYSTEM and msgs["L40"].author.id == "10000"
    assert msgs["L17"].attachments and msgs["L17"].text == "[图片]"
    assert msgs["L20"].deleted
    assert msgs["L9"].location.endswith("全部消息记录.txt:9")


def test_body_lines_that_look_like_headers_stay_in_the_message() -> None:
    msgs = by_id(read(QQ / GOLDEN_FILES["all"]))
    # No blank line before it: a body line, not a header (every real header follows one).
    assert (
        msgs["L13"].text == "好的，收到。我的手机是 13800000000\n2019-03-05 09:46:00 这一行是正文，不是新消息"
    )
    # Blank lines inside a message are kept, the ones between messages are not.
    assert msgs["L29"].text == "大家好，测试账号密码是 Passw0rd-Example\n\n\n还有一段"
    # A separator line is layout; the line after it continues the message.
    assert msgs["L35"].text == "收到\n这一行分隔符是版式，不是消息文本"


def test_files_without_blank_lines_split_at_every_header(tmp_path: Path) -> None:
    text = (
        HEAD + "2020-01-01 10:00:00 甲测试\na\n2020-01-01 10:01:00 乙测试\nb\n2020-01-01 10:02:00 甲测试\nc\n"
    )
    msgs = messages(read(write(tmp_path, text)))
    assert [(m.author.name, m.text) for m in msgs] == [("甲测试", "a"), ("乙测试", "b"), ("甲测试", "c")]


def test_encodings_are_detected_and_recorded() -> None:
    for name, enc in (("gb18030", "gb18030"), ("utf16", "utf-16"), ("all", "utf-8-sig")):
        source = Source.open(QQ / GOLDEN_FILES[name])
        msgs = messages(list(READER.read(source)))
        assert source.encodings == {enc}
        assert msgs[0].text in ("早上好，身份证号码发你了", "明天的会议改到下午三点\n地点：测试大厦 12 楼")


def test_short_gbk_file_is_not_taken_for_korean(tmp_path: Path) -> None:
    """charset-normalizer guesses cp949 for short GBK text; QQ files get GB18030."""
    path = write(tmp_path, "2023-01-05 10:23:45 张三(10000001)\n你好\n", encoding="gbk")
    source = Source.open(path)
    assert READER.sniff(source)
    msgs = messages(list(READER.read(source)))
    assert source.encodings == {"gb18030"}
    assert (msgs[0].author.name, msgs[0].text) == ("张三", "你好")


def test_oversized_message_is_cut_at_line_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qq, "MAX_MESSAGE_CHARS", 20)
    text = HEAD + "2020-01-01 10:00:00 甲测试\n" + "".join(f"line {i:04}\n" for i in range(6))
    msgs = messages(read(write(tmp_path, text)))
    assert len(msgs) > 1
    assert "\n".join(m.text for m in msgs) == "\n".join(f"line {i:04}" for i in range(6))
    assert {m.author.name for m in msgs} == {"甲测试"}


# --- malformed input ----------------------------------------------------------------------


def test_truncated_file_keeps_earlier_messages(tmp_path: Path) -> None:
    data = (QQ / GOLDEN_FILES["all"]).read_bytes()
    cut = data.index("还有一段".encode()) + 4  # inside a multi-byte character
    path = tmp_path / "cut.txt"
    path.write_bytes(data[:cut])
    items = read(path)
    msgs = by_id(items)
    assert list(msgs) == ["L9", "L13", "L17", "L20", "L29"]
    assert msgs["L29"].text.endswith("\ufffd")


def test_lines_before_the_first_header_are_reported_without_content(tmp_path: Path) -> None:
    text = HEAD.replace("\n\n", "\n", 1) + "一行多余的内容 13900000000\n\n2020-01-01 10:00:00 甲测试\nok\n"
    items = read(write(tmp_path, text))
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(skipped) == 1 and skipped[0].location.endswith("chat.txt:8")
    assert "1390" not in skipped[0].reason
    assert [m.text for m in messages(items)] == ["ok"]


def test_forced_read_of_a_non_export(tmp_path: Path) -> None:
    items = read(write(tmp_path, "just notes\nno headers here 13900000000\n"))
    assert len(items) == 1 and isinstance(items[0], Skipped)
    assert items[0].reason == "no QQ message header found; file not read"


def test_empty_file(tmp_path: Path) -> None:
    source = Source.open(write(tmp_path, ""))
    assert not READER.sniff(source)
    assert list(READER.read(source)) == []


# --- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES.values()))
def test_sniff_claims_exports(name: str) -> None:
    assert READER.sniff(Source.open(QQ / name))


def test_sniff_claims_a_folder_of_exports() -> None:
    assert READER.sniff(Source.open(QQ))


OTHERS = [
    FIXTURES / "whatsapp" / "negatives" / "signal.txt",
    FIXTURES / "whatsapp" / "negatives" / "line.txt",
    FIXTURES / "whatsapp" / "negatives" / "plain-names.txt",
    FIXTURES / "whatsapp" / "WhatsApp Chat with Jane Roe.txt",
    FIXTURES / "whatsapp" / "WhatsApp Chat with 李娜.txt",
    FIXTURES / "whatsapp" / "WhatsApp Chat - Book Club",
    FIXTURES / "line" / "[LINE] Chat with Mika Test.txt",
    FIXTURES / "line" / "headless.txt",
    FIXTURES / "wechat" / "聊天记录" / "张测试" / "张测试.txt",
    FIXTURES / "wechat" / "陈样例.txt",
    FIXTURES / "generic" / "gbk.csv",
    FIXTURES / "generic" / "messages.jsonl",
    FIXTURES / "slack" / "export",
    FIXTURES / "telegram" / "ChatExport_2024-03-05",
    FIXTURES / "zulip" / "zulip-export-test",
]


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: p.name)
def test_sniff_refuses_other_formats(path: Path) -> None:
    assert_refuses(READER, path)


def test_sniff_refuses_a_header_in_a_non_txt(tmp_path: Path) -> None:
    assert not READER.sniff(Source.open(write(tmp_path, HEAD + "2020-01-01 10:00:00 甲测试\nok\n", "a.log")))


def test_sniff_refuses_mixed_folders(tmp_path: Path) -> None:
    write(tmp_path, HEAD + "2020-01-01 10:00:00 甲测试\nok\n", "qq.txt")
    write(tmp_path, "notes\n", "notes.txt")
    assert not READER.sniff(Source.open(tmp_path))
    items = list(READER.read(Source.open(tmp_path)))  # forced: the other file is reported
    assert [Path(s.location).name for s in items if isinstance(s, Skipped)] == ["notes.txt"]


# --- robustness ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_or_reader_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(data)
    read_any(READER, path)


_LINES = st.sampled_from(
    [
        "消息记录（此消息记录为文本格式，不支持重新导入）",
        "=" * 64,
        "消息分组:我的QQ群",
        "消息对象:测试",
        "2019-07-16 18:15:05 甲(123456789)",
        "2019-07-16 8:15:05 【群主】乙<a@example.com>",
        "2019-13-45 25:61:61 丙",
        "2019/07/16 18:15:05 丁",
        "",
        "  ",
        "正文 [图片]",
        "撤回了一条消息",
        "\r",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_LINES, max_size=20), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_export_shaped_text_gives_messages_or_reader_error(
    tmp_path: Path, lines: list[str], encoding: str
) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes("\n".join(lines).encode(encoding))
    read_any(READER, path)
