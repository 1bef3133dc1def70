"""WeChat reader: goldens over synthetic WeChatMsg / MemoTrace exports (CSV, TXT, HTML), folder
handling, encodings, sniffing and robustness."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.wechat import WeChatReader, chat_format
from tests.golden import assert_golden, serialise
from tests.reader_contract import ARBITRARY_BYTES, assert_refuses, read_any, zip_tree

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WECHAT = FIXTURES / "wechat"
CHAT = WECHAT / "聊天记录" / "张测试"
ROOT = str(FIXTURES) + "/"
READER = WeChatReader()

GOLDEN_FILES = {
    "csv_dm": CHAT / "张测试_utf8.csv",
    "html_wechatmsg": CHAT / "张测试.html",
    "txt_wechatmsg": CHAT / "张测试.txt",
    "csv_gbk_group": WECHAT / "测试群_utf8.csv",
    "csv_memotrace": WECHAT / "陈样例.csv",
    "txt_memotrace": WECHAT / "陈样例.txt",
    "html_memotrace": WECHAT / "测试项目群.html",
    "html_broken": WECHAT / "broken.html",
}


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def messages(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message)]


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in messages(items)}


def write(tmp_path: Path, text: str, name: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- goldens ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_golden_files(name: str, update_goldens: bool) -> None:
    items = read(GOLDEN_FILES[name])
    assert messages(items)
    assert_golden(f"wechat_{name}", items, update_goldens, root=ROOT)


def test_golden_chat_folder(update_goldens: bool) -> None:
    """A chat folder holds the chat as CSV, HTML and TXT: the CSV is read, the others reported."""
    items = read(CHAT)
    assert_golden("wechat_chat_folder", items, update_goldens, root=ROOT)
    skipped = [(Path(s.location).name, s.reason) for s in items if isinstance(s, Skipped)]
    assert skipped == [
        ("张测试.html", "the same chat is read from its csv export"),
        ("张测试.txt", "the same chat is read from its csv export"),
    ]


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "wechat.zip"
    zip_tree(WECHAT / "聊天记录", archive, "data/聊天记录/")
    source = Source.open(archive)
    assert READER.sniff(source)
    from_zip = serialise(READER.read(source), root=f"{archive}!data/")
    from_dir = serialise(read(WECHAT / "聊天记录"), root=f"{WECHAT}/")
    assert from_zip == from_dir


# --- behaviour ----------------------------------------------------------------------------


def test_the_three_formats_agree_on_the_chat() -> None:
    """CSV, HTML and TXT of one chat: same authors and texts for the text messages."""

    def texts(name: str) -> list[tuple[str, str]]:
        return [
            (m.author.name, m.text)
            for m in messages(read(GOLDEN_FILES[name]))
            if m.kind is MessageKind.USER and not m.attachments
        ]

    assert texts("csv_dm") == texts("html_wechatmsg") == texts("txt_wechatmsg")
    assert texts("csv_dm")[-1] == ("张测试", "[微笑]收到，谢谢 <b>加粗</b> & it's")


def test_timestamps_epoch_aware_local_naive() -> None:
    csv_first = messages(read(GOLDEN_FILES["csv_dm"]))[0]
    html_first = messages(read(GOLDEN_FILES["html_wechatmsg"]))[0]
    txt_first = messages(read(GOLDEN_FILES["txt_wechatmsg"]))[0]
    assert csv_first.timestamp == html_first.timestamp == datetime(2023, 1, 5, 2, 23, 45, tzinfo=UTC)
    assert txt_first.timestamp == datetime(2023, 1, 5, 10, 23, 45) and txt_first.timestamp_naive
    memotrace = messages(read(GOLDEN_FILES["csv_memotrace"]))[0]
    assert memotrace.timestamp == datetime(2023, 12, 1, 20, 0) and memotrace.timestamp_naive


def test_authors_conversations_and_kinds() -> None:
    dm = by_id(read(GOLDEN_FILES["csv_dm"]))
    assert (dm["1"].author.id, dm["1"].author.name) == ("wxid_zhangtest01", "张测试")
    conv = dm["1"].conversation
    assert (conv.id, conv.name, conv.kind, conv.member_count) == (
        "wxid_zhangtest01",
        "张测试",
        ConversationKind.DM,
        2,
    )
    assert dm["5"].kind is MessageKind.SYSTEM and dm["5"].deleted and dm["5"].author.name == ""
    assert dm["3"].attachments and dm["6"].attachments and not dm["1"].attachments
    group = by_id(read(GOLDEN_FILES["csv_gbk_group"]))
    conv = group["102"].conversation
    assert (conv.id, conv.kind, conv.member_count) == ("20000000002@chatroom", ConversationKind.GROUP, None)
    assert conv.members == ("李示例", "王测试", "赵样例")
    assert group["101"].kind is MessageKind.SYSTEM
    html_group = messages(read(GOLDEN_FILES["html_memotrace"]))
    assert html_group[0].conversation.kind is ConversationKind.GROUP
    assert html_group[0].conversation.name == "测试项目群"


def test_html_text_is_converted() -> None:
    old = messages(read(GOLDEN_FILES["html_wechatmsg"]))
    assert old[1].text == "好的，我的邮箱是 me.example@example.com\n电话 13800000000"
    assert old[4].text == '"张测试" 撤回了一条消息' and old[4].kind is MessageKind.SYSTEM
    new = by_id(read(GOLDEN_FILES["html_memotrace"]))
    assert new["7301000000000000002"].text == "身份证 110101199003070000，<请核对> 😀"
    assert new["7301000000000000003"].reply_to == "7301000000000000002"
    assert new["7301000000000000006"].text == (
        "测试链接 & 标题\n描述\nhttps://share.example.invalid/s/abc?key=TEST-KEY-0000"
    )
    file_msg = new["7301000000000000004"].attachments[0]
    assert (file_msg.name, file_msg.size) == ("合同草稿.docx", 4096)


def test_html_attachments_found_inside_the_export(tmp_path: Path) -> None:
    chat = tmp_path / "张测试"
    shutil.copytree(CHAT, chat, ignore=shutil.ignore_patterns("*.csv", "*.txt"))
    source = Source.open(chat)
    assert READER.sniff(source)
    msgs = messages(list(READER.read(source)))
    image, pdf = msgs[2].attachments[0], msgs[3].attachments[0]
    assert (image.name, image.path, image.size) == ("a1b2c3.jpg", "image/2023-01/a1b2c3.jpg", 22)
    assert (pdf.name, pdf.path) == ("报价单.pdf", "file/报价单.pdf")
    assert msgs[5].attachments[0].path is None  # a sticker on a CDN is not in the export


def test_txt_layouts() -> None:
    old = by_id(read(GOLDEN_FILES["txt_wechatmsg"]))
    assert old["L14"].kind is MessageKind.SYSTEM and old["L14"].text == '"张测试" 撤回了一条消息'
    assert old["L8"].attachments and old["L8"].text == "[图片]"
    new = by_id(read(GOLDEN_FILES["txt_memotrace"]))
    assert new["L7"].kind is MessageKind.SYSTEM and new["L7"].text == "你撤回了一条消息"
    assert new["L10"].attachments[0].name == "报价 单.xlsx"
    # A blank line inside a message is kept; a body line starting with a time (no blank line
    # before it) continues the message.
    assert new["L13"].text == "第一段\n\n第二段\n2023-12-01 20:05:00 这行是正文里的时间，不是新消息"


def test_gbk_csv_is_decoded_and_recorded() -> None:
    source = Source.open(GOLDEN_FILES["csv_gbk_group"])
    msgs = messages(list(READER.read(source)))
    assert source.encodings == {"gb18030"}
    assert msgs[1].text == "银行卡号 6222000000000000000 请转账"
    assert msgs[4].text == "多行\r\n消息，第二行"  # a quoted CSV field keeps its line break


def test_dm_rows_without_sender_columns_name_the_talker(tmp_path: Path) -> None:
    header = (
        "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n"
    )
    rows = "1,wxid_peer,1,0,0,1672885425,2,hi,2023-01-05 10:23:45,,,\n"
    msg = messages(read(write(tmp_path, header + rows, "peer_utf8.csv")))[0]
    assert (msg.author.id, msg.author.name, msg.conversation.name) == ("wxid_peer", "wxid_peer", "peer")


def test_txt_without_blank_lines_splits_at_every_header(tmp_path: Path) -> None:
    path = write(tmp_path, "2023-01-05 10:00:00 甲\na\n2023-01-05 10:01:00 乙\nb\n", "x.txt")
    assert [(m.author.name, m.text) for m in messages(read(path))] == [("甲", "a"), ("乙", "b")]


# --- malformed input ----------------------------------------------------------------------


def test_broken_html_record_is_skipped_and_reading_resumes() -> None:
    items = read(GOLDEN_FILES["html_broken"])
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(skipped) == 1 and skipped[0].location.endswith("broken.html#/chatMessages/1")
    assert "broken" not in skipped[0].reason
    assert [m.message_id for m in messages(items)] == ["broken.html#0", "broken.html#2", "broken.html#3"]


def test_truncated_html_keeps_earlier_records(tmp_path: Path) -> None:
    data = GOLDEN_FILES["html_memotrace"].read_bytes()
    cut = data.index(b"7301000000000000004")
    path = tmp_path / "cut.html"
    path.write_bytes(data[:cut])
    items = read(path)
    assert [m.message_id for m in messages(items)] == [
        "7301000000000000001",
        "7301000000000000002",
        "7301000000000000003",
    ]
    assert isinstance(items[-1], Skipped) and items[-1].location.endswith("cut.html#/chatMessages/3")


def test_malformed_csv_row_is_skipped(tmp_path: Path) -> None:
    data = GOLDEN_FILES["csv_memotrace"].read_text(encoding="utf-8-sig").splitlines()
    data.insert(2, "broken,row")
    path = write(tmp_path, "\n".join(data) + "\n", "陈样例.csv")
    items = read(path)
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [(Path(s.location).name, s.reason) for s in skipped] == [
        ("陈样例.csv:3", "row has 2 of 8 columns")
    ]
    assert len(messages(items)) == 4


def test_truncated_csv_keeps_earlier_rows(tmp_path: Path) -> None:
    data = GOLDEN_FILES["csv_dm"].read_bytes()
    path = tmp_path / "cut.csv"
    path.write_bytes(data[: data.index(b"2023-01-05 10:27:00")])
    ids = [m.message_id for m in messages(read(path))]
    assert ids[:3] == ["1", "2", "3"]


def test_html_without_the_array_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "<html><body>no data</body></html>", "x.html")
    items = read(path)
    assert len(items) == 1 and isinstance(items[0], Skipped)


def test_forced_csv_with_other_columns_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b\n1,2\n", "x.csv")
    with pytest.raises(ReaderError):
        read(path)


# --- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_sniff_claims_exports(name: str) -> None:
    assert READER.sniff(Source.open(GOLDEN_FILES[name]))


def test_sniff_claims_chat_folders() -> None:
    assert READER.sniff(Source.open(CHAT))
    assert READER.sniff(Source.open(WECHAT / "聊天记录"))


OTHERS = [
    FIXTURES / "whatsapp" / "negatives" / "signal.txt",
    FIXTURES / "whatsapp" / "negatives" / "qq.txt",
    FIXTURES / "whatsapp" / "negatives" / "line.txt",
    FIXTURES / "whatsapp" / "negatives" / "plain-names.txt",
    FIXTURES / "whatsapp" / "WhatsApp Chat with Jane Roe.txt",
    FIXTURES / "whatsapp" / "WhatsApp Chat with 李娜.txt",
    FIXTURES / "whatsapp" / "WhatsApp Chat - Book Club",
    FIXTURES / "qq" / "全部消息记录.txt",
    FIXTURES / "qq" / "headless.txt",
    FIXTURES / "qq" / "陈样例_gb18030.txt",
    FIXTURES / "line" / "[LINE] Chat with Mika Test.txt",
    FIXTURES / "line" / "headless.txt",
    FIXTURES / "generic" / "gbk.csv",
    FIXTURES / "generic" / "bom.csv",
    FIXTURES / "generic" / "messages.jsonl",
    FIXTURES / "slack" / "export",
    FIXTURES / "telegram" / "ChatExport_2024-03-05",
    FIXTURES / "zulip" / "zulip-export-test",
    FIXTURES,
]


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: p.name)
def test_sniff_refuses_other_formats(path: Path) -> None:
    assert_refuses(READER, path)


def test_sniff_refuses_a_page_with_another_chatmessages_array(tmp_path: Path) -> None:
    page = "<script>const chatMessages = [{ role: 'user', content: 'hi' }];</script>"
    assert chat_format(Source.open(write(tmp_path, page, "x.html")).entries()[0]) is None


def test_sniff_refuses_whatsapp_shaped_iso_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "2019-01-01 11:25:03 - Jane: hi\n", "x.txt")
    assert not READER.sniff(Source.open(path))


def test_sniff_refuses_a_log_of_timestamped_lines(tmp_path: Path) -> None:
    log = "".join(f"2023-01-05 10:23:{s:02} INFO worker {s} started\n" for s in range(10))
    assert not READER.sniff(Source.open(write(tmp_path, log, "server.txt")))


def test_js_literal_details(tmp_path: Path) -> None:
    """Escapes, undefined, trailing commas, comments and nested values in WeChatMsg-style records."""
    records = (
        "/* data */ { type:1, text: 'it\\'s \\u4f60\\x41\\\\n', is_send:0, timestamp:1672885425, "
        "displayname:'甲', extra: undefined, list: [1, 'a', {b: null},], },"
        '{"type": 1, "text": "\\ud83d\\ude00 &amp;", "is_send": 1, "timestamp": 1672885426, '
        '"displayname": "乙"}'
    )
    path = write(tmp_path, f"<title>t</title><script>var chatMessages = [{records}];</script>", "t.html")
    msgs = messages(read(path))
    assert [(m.author.name, m.text) for m in msgs] == [("甲", "it's 你A\\n"), ("乙", "😀 &")]


def test_sniff_leaves_folders_with_other_files_to_be_split(tmp_path: Path) -> None:
    shutil.copy(GOLDEN_FILES["csv_memotrace"], tmp_path / "陈样例.csv")
    (tmp_path / "notes.md").write_text("notes\n", encoding="utf-8")
    assert not READER.sniff(Source.open(tmp_path))


# --- robustness ---------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ARBITRARY_BYTES, suffix=st.sampled_from([".txt", ".csv", ".html"]))
def test_any_bytes_give_messages_or_reader_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"chat{suffix}"
    path.write_bytes(data)
    read_any(READER, path)


_JS = st.sampled_from(
    [
        "{ type:1, text: 'a\\'b\\n',is_send:0,timestamp:1672885425,displayname:'甲'},",
        '{"type": "1", "is_send": true, "timestamp": 1e20, "server_id": "1", "text": "&lt;x&gt;"},',
        "{ type:49, sub_type:6, text: './file/../x', file_size: 'big', timestamp:-1},",
        "{ type:3, text: 'https://x.invalid/a.gif', timestamp: 'x'},",
        "{ 'x': [1, [2, {3: 4}]], y: null, z: undefined, },",
        "{ type:1, text: 'unterminated",
        "\\u0000",
        "'",
        "}",
        "]",
        "[",
        ",",
        "/* c */",
        "\n",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(_JS, max_size=12))
def test_array_shaped_html_gives_messages_or_reader_error(tmp_path: Path, parts: list[str]) -> None:
    path = write(tmp_path, "<title>t</title><script>const chatMessages = [" + "".join(parts), "chat.html")
    read_any(READER, path)
