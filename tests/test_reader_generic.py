"""Generic JSONL and CSV readers: goldens, timestamps, bad records, sniffing, robustness."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.generic import CsvReader, JsonlReader, parse_timestamp
from tests.golden import assert_golden
from tests.reader_contract import ARBITRARY_BYTES

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GEN = FIXTURES / "generic"
ROOT = str(FIXTURES) + "/"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

JSONL = JsonlReader()
CSV = CsvReader()


def read(reader: JsonlReader | CsvReader, path: Path) -> list[Message | Skipped]:
    return list(reader.read(Source.open(path)))


def messages(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message)]


def skips(items: list[Message | Skipped]) -> list[Skipped]:
    return [s for s in items if isinstance(s, Skipped)]


# --- goldens ----------------------------------------------------------------------------


def test_golden_jsonl(update_goldens: bool) -> None:
    assert_golden("generic_jsonl", read(JSONL, GEN / "messages.jsonl"), update_goldens, root=ROOT)


def test_golden_csv_bom(update_goldens: bool) -> None:
    assert_golden("generic_csv_bom", read(CSV, GEN / "bom.csv"), update_goldens, root=ROOT)


def test_golden_csv_gbk(update_goldens: bool) -> None:
    assert_golden("generic_csv_gbk", read(CSV, GEN / "gbk.csv"), update_goldens, root=ROOT)


# --- JSONL ------------------------------------------------------------------------------


def test_jsonl_fields_and_timestamps() -> None:
    items = read(JSONL, GEN / "messages.jsonl")
    msgs = {m.message_id: m for m in messages(items)}
    ts = {k: m.timestamp for k, m in msgs.items()}
    assert ts["a1"] == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert ts["42"] == datetime(2024, 1, 2, 11, 4, 5, tzinfo=timezone(timedelta(hours=8)))
    assert ts["a3"] == datetime(2024, 1, 2, 3, 4, 5) and msgs["a3"].timestamp_naive
    assert ts["a4"] == ts["a6"] == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert ts["a5"] == ts["a7"] == datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=UTC)
    assert ts["messages.jsonl#12"] is None  # "not a time": kept, without a time
    bob = msgs["42"]
    assert (bob.author.id, bob.author.name) == ("U1", "Bob Example")
    assert (bob.conversation.id, bob.conversation.name) == ("C1", "Project X")
    assert (bob.conversation.kind, bob.conversation.member_count) == (ConversationKind.CHANNEL, 120)
    assert (msgs["a6"].thread_id, msgs["a6"].reply_to) == ("a1", "a1")
    att = msgs["a7"].attachments
    assert [(a.name, a.size, a.mime, a.path) for a in att] == [
        ("plain.txt", None, None, None),
        ("scan.pdf", 2048, "application/pdf", "files/scan.pdf"),
        ("photo.jpg", None, None, "img/photo.jpg"),
    ]
    dm = msgs["a12"]
    assert (dm.conversation.kind, dm.conversation.member_count) == (ConversationKind.DM, 2)
    assert dm.conversation.members == ("alice", "dave")
    assert dm.text == "多行消息\n第二行 with 中文" and dm.edited
    assert msgs["a13"].kind is MessageKind.SYSTEM
    assert msgs["a14"].deleted and msgs["a14"].text == ""
    assert msgs["a1"].location.endswith("messages.jsonl:1")
    assert msgs["a1"].platform == "generic"


def test_jsonl_bad_lines_are_skipped_without_content() -> None:
    items = read(JSONL, GEN / "messages.jsonl")
    got = [(s.location.rsplit(":", 1)[1], s.reason) for s in skips(items)]
    assert got == [
        ("8", "invalid JSON at column 75"),
        ("10", "record has no 'text'"),
        ("11", "not a JSON object"),
        ("16", "'text' is not a string"),
    ]
    assert len(messages(items)) == 11


def test_jsonl_from_folder_and_zip(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "a.jsonl").write_text(
        json.dumps({"id": 1, "text": "hi", "author": "x"}) + "\n", encoding="utf-8"
    )
    (folder / "other.json").write_text('{\n  "not": "ours"\n}\n', encoding="utf-8")
    source = Source.open(folder)
    # a folder with something else in it is not claimed as a whole (detection splits it) ...
    assert not JSONL.sniff(source)
    # ... and read anyway (forced), the other file is reported, not read
    items = list(JSONL.read(source))
    assert [m.message_id for m in messages(items)] == ["1"]
    assert [(Path(s.location).name, s.reason) for s in skips(items)] == [
        ("other.json", "not in the generic contract format; not read")
    ]
    (folder / "other.json").unlink()
    assert JSONL.sniff(Source.open(folder))
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(folder / "a.jsonl", "dir/a.jsonl")
    assert JSONL.sniff(Source.open(archive))
    msgs = messages(list(JSONL.read(Source.open(archive))))
    assert msgs[0].location == f"{archive}!dir/a.jsonl:1"
    assert msgs[0].conversation.name == "a"  # no conversation: the file's name


def test_missing_id_falls_back_to_file_and_index(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        '\n{"text": "a", "author": "p"}\n{"text": "b", "author": "p", "id": null}\n', encoding="utf-8"
    )
    assert [m.message_id for m in messages(read(JSONL, path))] == ["x.jsonl#2", "x.jsonl#3"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (
            "2024-01-02T03:04:05.250+02:00",
            datetime(2024, 1, 2, 3, 4, 5, 250000, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2024-01-02 03:04", datetime(2024, 1, 2, 3, 4)),
        ("2024-01-02", datetime(2024, 1, 2)),
        (1704164645, datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (1704164645.5, datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),
        (1704164645123, datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=UTC)),
        (" 1704164645 ", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("1704164645123", datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=UTC)),
        (0, datetime(1970, 1, 1, tzinfo=UTC)),
        (True, None),
        (None, None),
        ("", None),
        ("yesterday", None),
        (float("nan"), None),
        (float("inf"), None),
        (10**30, None),
        ({"t": 1}, None),
    ],
)
def test_parse_timestamp(value: Any, expected: datetime | None) -> None:
    assert parse_timestamp(value) == expected


# --- CSV --------------------------------------------------------------------------------


def test_csv_with_bom() -> None:
    source = Source.open(GEN / "bom.csv")
    items = list(CSV.read(source))
    assert source.encodings == {"utf-8-sig"}
    msgs = {m.message_id: m for m in messages(items)}
    assert list(msgs) == ["r1", "r2", "bom.csv#3", "r4"]
    r2 = msgs["r2"]
    assert r2.text == 'multi-line\r\nwith "quotes"'
    assert r2.location.endswith("bom.csv:3") and msgs["bom.csv#3"].location.endswith("bom.csv:5")
    assert [a.name for a in r2.attachments] == ["report.pdf", "screenshot.png"]
    assert r2.edited and r2.thread_id == "r1"
    assert r2.conversation.member_count == 7
    assert msgs["bom.csv#3"].timestamp == datetime(2024, 2, 1, 9, 0, tzinfo=UTC)
    assert msgs["r4"].timestamp == datetime(2024, 2, 1, 12, 0)
    assert [(s.location.rsplit(":", 1)[1], s.reason) for s in skips(items)] == [("8", "record has no 'text'")]


def test_csv_gbk_chinese() -> None:
    source = Source.open(GEN / "gbk.csv")
    msgs = messages(list(CSV.read(source)))
    assert source.encodings == {"gb18030"}
    assert [m.author.name for m in msgs] == ["张伟", "李娜", "王芳", "张伟"]
    assert msgs[0].text == "大家早上好，今天下午三点开会，请准时参加。"
    assert msgs[0].conversation.name == "项目群"


def test_csv_with_semicolons_from_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        'id;author;timestamp;text;attachments\n7;Eve;2024-01-01;"a; b";"x.pdf;y.png"\n', encoding="utf-8"
    )
    assert CSV.sniff(Source.open(path))
    (msg,) = messages(read(CSV, path))
    assert (msg.message_id, msg.text, [a.name for a in msg.attachments]) == ("7", "a; b", ["x.pdf", "y.png"])


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,author,timestamp,body\n1,a,2024-01-01,hello\n", encoding="utf-8")
    assert not CSV.sniff(Source.open(path))
    with pytest.raises(ReaderError) as err:
        list(CSV.read(Source.open(path)))
    assert "hello" not in str(err.value)
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "x.csv").write_bytes(path.read_bytes())
    assert not CSV.sniff(Source.open(folder))
    items = list(CSV.read(Source.open(folder)))  # forced on a folder: reported, not read
    assert [s.reason for s in skips(items)] == ["not in the generic contract format; not read"]


# --- sniffing ---------------------------------------------------------------------------


def test_sniff_claims_own() -> None:
    assert JSONL.sniff(Source.open(GEN / "messages.jsonl"))
    assert JSONL.sniff(Source.open(EXAMPLES / "chat.jsonl"))
    assert CSV.sniff(Source.open(GEN / "bom.csv"))
    assert CSV.sniff(Source.open(GEN / "gbk.csv"))
    assert not CSV.sniff(Source.open(GEN / "messages.jsonl"))
    assert not JSONL.sniff(Source.open(GEN / "bom.csv"))


NOT_GENERIC = {
    "slack-day.json": json.dumps([{"type": "message", "user": "U1", "text": "hi", "ts": "1.2"}]),
    "slack-day-pretty.json": '[\n  {\n    "type": "message",\n    "text": "hi"\n  }\n]\n',
    "result.json": '{\n "name": "Jane",\n "type": "personal_chat",\n "id": 1,\n "messages": []\n}\n',
    "result-min.json": json.dumps(
        {"name": "J", "type": "personal_chat", "id": 1, "messages": [{"id": 1, "text": "hi"}]}
    ),
    "mattermost.jsonl": json.dumps({"type": "version", "version": 1})
    + "\n"
    + json.dumps({"type": "post", "post": {"message": "hi"}}),
    "mattermost-text.jsonl": json.dumps({"type": "post", "text": "hi", "id": 1}),
    "text-only.jsonl": json.dumps({"text": "no other contract field"}),
    "WhatsApp Chat with X.txt": "12/31/19, 23:59 - Name: text\n",
    "discord.csv": "AuthorID,Author,Date,Content,Attachments,Reactions\n1,a,2020,hi,,\n",
    "wechat.csv": "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,NickName\n",
    "thin.csv": "text,author\nhi,a\n",
    "chat.txt.jsonl": "not json at all\n",
}


@pytest.mark.parametrize("name", sorted(NOT_GENERIC))
def test_sniff_refuses_others(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(NOT_GENERIC[name], encoding="utf-8")
    source = Source.open(path)
    assert not JSONL.sniff(source)
    assert not CSV.sniff(source)


def test_sniff_leaves_mixed_folders_to_be_split() -> None:
    source = Source.open(EXAMPLES)
    assert not JSONL.sniff(source)
    assert not CSV.sniff(source)


def test_sniff_refuses_real_slack_and_telegram(real_fixtures: Path) -> None:
    for sub in ("slack", "telegram", "mattermost", "discord", "whatsapp"):
        for path in sorted((real_fixtures / sub).rglob("*")):
            if path.is_file():
                source = Source.open(path)
                assert not JSONL.sniff(source), path
                assert not CSV.sniff(source), path


# --- robustness -------------------------------------------------------------------------


def _read_any(reader: JsonlReader | CsvReader, path: Path) -> None:
    try:
        items = list(reader.read(Source.open(path)))
    except ReaderError:
        return
    assert all(isinstance(i, Message | Skipped) for i in items)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ARBITRARY_BYTES)
def test_any_bytes_as_jsonl(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    _read_any(JSONL, path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ARBITRARY_BYTES)
def test_any_bytes_as_csv(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    _read_any(CSV, path)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_KEYS = st.sampled_from(
    [
        *("id", "conversation", "author", "timestamp", "text", "thread", "attachments", "reply_to"),
        *("kind", "edited", "deleted", "conversation_kind", "members", "member_count"),
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.dictionaries(_KEYS, _JSON, max_size=8) | _JSON, max_size=6))
def test_arbitrary_json_records(tmp_path: Path, records: list[Any]) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    _read_any(JSONL, path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12), max_size=6),
        max_size=6,
    )
)
def test_arbitrary_csv_rows(tmp_path: Path, rows: list[list[str]]) -> None:
    path = tmp_path / "x.csv"
    lines = ["id,conversation,author,timestamp,text,attachments,member_count"]
    lines += [",".join('"' + c.replace('"', '""') + '"' for c in row) for row in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    _read_any(CSV, path)
