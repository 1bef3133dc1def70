"""Redacted copies: same format, same messages, nothing left to find, only the values changed."""

from __future__ import annotations

import codecs
import difflib
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.model import Message, Severity
from scanner.pipeline import Scanner
from scanner.readers import detect
from scanner.redact import Thresholds, redact
from scanner.redact.operators import mask_layout
from scanner.redact.patch import Edit, Record, decode, patch_file, split_location
from scanner.settings import Settings
from tests.conftest import FIXTURES

KEY = "redaction-test-key-0123456789abcdef0123"


@pytest.fixture(scope="module")
def settings() -> Iterator[Settings]:
    old = os.environ.get("CHATSWEEP_FINGERPRINT_KEY")
    os.environ["CHATSWEEP_FINGERPRINT_KEY"] = KEY
    yield Settings(ner=False, fingerprint_key=KEY.encode())
    if old is None:
        os.environ.pop("CHATSWEEP_FINGERPRINT_KEY", None)
    else:
        os.environ["CHATSWEEP_FINGERPRINT_KEY"] = old


@pytest.fixture(scope="module")
def scanner(settings: Settings) -> Scanner:
    return Scanner(settings)


def _messages(path: Path) -> list[Message]:
    plan, _ = detect(path)
    out = []
    for source, reader in plan:
        out.extend(m for m in reader.read(source) if isinstance(m, Message))
    return out


def _readers(path: Path) -> list[str]:
    return [reader.name for _, reader in detect(path)[0]]


def _files(path: Path) -> dict[str, bytes]:
    """Every file of a file, folder or zip, by name inside it."""
    if path.is_dir():
        return {
            p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
        }
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    return {"": path.read_bytes()}


def _check_only_values_changed(before: bytes, after: bytes) -> int:
    """With ``mask``, every change replaces letters or digits with '*' (an escape such as
    ``&nbsp;`` or ``\\u00e9`` inside a value may shrink to one character); nothing else in
    the file moves. Returns the characters changed."""
    if before == after:
        return 0
    decoded = decode(before, [])
    assert decoded is not None
    text, codec = decoded
    new = after.decode(codec, errors="surrogateescape")
    changed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, text, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        assert "*" in new[j1:j2] and not any(c.isalnum() for c in new[j1:j2]), (text[i1:i2], new[j1:j2])
        assert any(c.isalnum() for c in text[i1:i2])
        changed += i2 - i1
    return changed


def _with_text(src: Path, tmp: Path, old: str, new: str, encoding: str) -> Path:
    raw = src.read_bytes()
    bom = raw.startswith(codecs.BOM_UTF16_LE)
    text = raw.decode(encoding)
    assert old in text
    out = tmp / src.name
    out.write_bytes(
        text.replace(old, new).encode(encoding) if not bom else text.replace(old, new).encode("utf-16")
    )
    return out


def _zip_of(folder: Path, tmp: Path) -> Path:
    out = tmp / f"{folder.name}.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder.parent).as_posix())
    return out


CASES = {
    "slack folder": FIXTURES / "slack" / "export",
    "teams": FIXTURES / "teams" / "export",
    "teams graph": FIXTURES / "teams" / "graph",
    "telegram json": FIXTURES / "telegram" / "ChatExport_2024-03-05",
    "discord json": FIXTURES / "discord" / "export",
    "discord csv": FIXTURES / "discord" / "csv_day_first",
    "whatsapp txt": FIXTURES / "whatsapp" / "WhatsApp Chat with Jane Roe.txt",
    "lanying jsonl": FIXTURES / "lanying" / "saved",
    "mattermost": FIXTURES / "mattermost" / "export",
    "wechat gb18030 csv": FIXTURES / "wechat" / "测试群_utf8.csv",
    "wechat html": FIXTURES / "wechat" / "broken.html",
    "line": FIXTURES / "line" / "[LINE] Chat with Mika Test.txt",
    "matrix": FIXTURES / "matrix" / "matrix-Project Falcon-export-2024-03-05.json",
    "rocketchat": FIXTURES / "rocketchat" / "room_export",
    "googlechat": FIXTURES / "googlechat" / "Takeout",
    "signal": FIXTURES / "signal" / "export",
    "messenger": FIXTURES / "meta" / "facebook-janeplaceholder-2024-03-05",
    "zulip": FIXTURES / "zulip" / "zulip-export-test",
    "imessage": FIXTURES / "imessage" / "export",
}


def _inputs(name: str, tmp: Path) -> Path:
    if name == "slack zip":
        return _zip_of(FIXTURES / "slack" / "export", tmp)
    if name == "qq utf-16":
        return _with_text(
            FIXTURES / "qq" / "陈样例_utf16.txt", tmp, "身份证号码发你了", "手机 13800138000", "utf-16"
        )
    if name == "qq gb18030":
        return _with_text(
            FIXTURES / "qq" / "陈样例_gb18030.txt",
            tmp,
            "身份证号码发你了",
            "邮箱 chen.test@example.com",
            "gb18030",
        )
    if name == "generic csv":
        return _with_text(
            FIXTURES / "generic" / "bom.csv", tmp, "Hello, world", "mail jo@example.com now", "utf-8"
        )
    if name == "generic jsonl":
        return _with_text(
            FIXTURES / "generic" / "messages.jsonl",
            tmp,
            "ISO with Z",
            "card 4111 1111 1111 1111 \\u00e9",
            "utf-8",
        )
    return CASES[name]


@pytest.mark.parametrize(
    "name", [*CASES, "slack zip", "qq utf-16", "qq gb18030", "generic csv", "generic jsonl"]
)
def test_redacted_copy_rereads_rescans_clean_and_keeps_every_other_byte(
    name: str, tmp_path: Path, settings: Settings, scanner: Scanner
) -> None:
    src = _inputs(name, tmp_path)
    (tmp_path / "copy").mkdir()
    out = tmp_path / "copy" / src.name  # ids of some formats name the file
    result = redact(src, out, settings, "mask", Thresholds(), scanner)
    assert result.not_patched == [], name
    assert _readers(out) == _readers(src)
    before, after = _messages(src), _messages(out)
    assert len(after) == len(before)
    for a, b in zip(before, after, strict=True):
        assert (b.message_id, b.author, b.timestamp, b.conversation.id) == (
            a.message_id,
            a.author,
            a.timestamp,
            a.conversation.id,
        )
    rescan = scanner.scan([out])
    left = [(f.entity_type, o.part) for f in rescan.findings for o in f.occurrences if o.part == "text"]
    assert left == [], name
    files_before, files_after = _files(src), _files(out)
    assert list(files_after) == list(files_before)
    changed = sum(_check_only_values_changed(files_before[k], files_after[k]) for k in files_before)
    if result.values:
        assert changed > 0
    assert src.exists() and _files(src) == files_before  # the original is never written to


def test_a_zip_stays_the_same_zip(tmp_path: Path, settings: Settings, scanner: Scanner) -> None:
    src = _zip_of(FIXTURES / "slack" / "export", tmp_path)
    out = tmp_path / "copy.zip"
    redact(src, out, settings, "mask", Thresholds(), scanner)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert [(i.filename, i.date_time, i.compress_type) for i in a.infolist()] == [
            (i.filename, i.date_time, i.compress_type) for i in b.infolist()
        ]


@pytest.mark.parametrize("operator", ["replace", "hash"])
def test_replace_and_hash_keep_the_format_and_rescan_clean(
    operator: str, tmp_path: Path, settings: Settings, scanner: Scanner
) -> None:
    for name in ("slack folder", "teams", "whatsapp txt", "wechat gb18030 csv", "telegram json"):
        src = CASES[name]
        out = tmp_path / f"{operator}-{name.replace(' ', '_')}{src.suffix if src.is_file() else ''}"
        result = redact(src, out, settings, operator, Thresholds(), scanner)
        assert result.not_patched == []
        before, after = _messages(src), _messages(out)
        assert [m.message_id for m in after] == [m.message_id for m in before]
        rescan = scanner.scan([out])
        assert [f.entity_type for f in rescan.findings for o in f.occurrences if o.part == "text"] == []
        assert any("<" in m.text for m in after)


def test_hash_is_the_same_token_for_the_same_value(
    tmp_path: Path, settings: Settings, scanner: Scanner
) -> None:
    src = tmp_path / "chat.jsonl"
    src.write_text(
        '{"id": "1", "author": "a", "ts": "2024-01-01T00:00:00Z", "text": "mail jo@example.com"}\n'
        '{"id": "2", "author": "b", "ts": "2024-01-01T00:01:00Z", "text": "again: jo@example.com!"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "copy.jsonl"
    redact(src, out, settings, "hash", Thresholds(), scanner)
    texts = [m.text for m in _messages(out)]
    token1 = texts[0].removeprefix("mail ")
    assert token1.startswith("<EMAIL_ADDRESS:") and texts[1] == f"again: {token1}!"
    assert "jo@" not in out.read_text()


def test_thresholds_leave_what_is_below_them(tmp_path: Path, settings: Settings, scanner: Scanner) -> None:
    src = CASES["teams"]
    out = tmp_path / "only-critical"
    redact(src, out, settings, "mask", Thresholds(min_severity=Severity.CRITICAL), scanner)
    rescan = scanner.scan([out])
    kept = {f.entity_type for f in rescan.findings if any(o.part == "text" for o in f.occurrences)}
    assert kept and all(
        not f.severity.at_least(Severity.CRITICAL) for f in rescan.findings if f.entity_type in kept
    )
    out2 = tmp_path / "only-email"
    redact(src, out2, settings, "mask", Thresholds(entities=frozenset({"EMAIL_ADDRESS"})), scanner)
    left = {f.entity_type for f in scanner.scan([out2]).findings}
    assert "EMAIL_ADDRESS" not in left and left


def test_output_inside_or_equal_to_the_input_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(CASES["slack folder"], folder)
    assert main(["redact", str(folder), "-o", str(folder / "copy"), "--no-ner"]) == 2
    assert main(["redact", str(folder), "-o", str(folder), "--no-ner"]) == 2
    assert main(["redact", str(folder), "-o", str(tmp_path / "x"), "--operator", "shred"]) == 2
    assert not (folder / "copy").exists() and not (tmp_path / "x").exists()


def test_cli_writes_the_copy_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "copy.txt"
    src = CASES["whatsapp txt"]
    assert main(["redact", str(src), "-o", str(out), "--no-ner", "--operator", "replace"]) == 0
    err = capsys.readouterr().err
    assert "redacted copy" in err and "value(s) replaced" in err
    assert len(_messages(out)) == len(_messages(src))
    assert not list(tmp_path.glob(".*tmp"))


def test_what_cannot_be_patched_is_listed_and_exit_is_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A record whose text is not in the file as read (the reader joined it from pieces the
    # patcher cannot find): listed, the copy still written with it unchanged.
    src = tmp_path / "chat.jsonl"
    src.write_text(
        '{"id": "1", "author": "a", "ts": "2024-01-01T00:00:00Z", "text": "x"}\n', encoding="utf-8"
    )
    records = [Record(f"{src}:1", "call +44 20 7946 0000", (Edit(5, 21, "+** ** **** ****"),))]
    done = patch_file(src.read_bytes(), records)
    assert done.data is None and [r for r, _ in done.failed] == [f"{src}:1"]


def test_locations_split_into_file_line_and_pointer() -> None:
    assert split_location("a/b.json#/messages/3") == ("a/b.json", None, "/messages/3")
    assert split_location("x.zip!c/2024.json#/0") == ("x.zip!c/2024.json", None, "/0")
    assert split_location("chat.txt:12") == ("chat.txt", 12, None)
    assert split_location("chat.txt:L12") == ("chat.txt", 12, None)
    assert split_location("i.jsonl:10#/post/replies/0") == ("i.jsonl", 10, "/post/replies/0")
    assert split_location("message_1.json") == ("message_1.json", None, None)


def test_mask_keeps_the_layout() -> None:
    assert mask_layout("+44 20 7946-0000") == "+** ** ****-****"
    assert mask_layout("张三\n李四") == "**\n**"


def test_a_value_the_record_repeats_is_redacted_everywhere_in_it(
    tmp_path: Path, settings: Settings, scanner: Scanner
) -> None:
    # Slack keeps a message's text twice (``text`` and the rich-text ``blocks``) and escapes
    # &, < and > in it: both copies go, the replacement escaped as Slack escapes, the user
    # and the ts (which hold digits) untouched.
    src = tmp_path / "messages.json"
    block = {"type": "rich_text_section", "elements": [{"type": "text", "text": "write to jo@example.com"}]}
    src.write_text(
        json.dumps(
            [
                {
                    "type": "message",
                    "user": "U01JANE0P",
                    "ts": "1434139102.000002",
                    "text": "write to jo@example.com &amp; done",
                    "blocks": [{"type": "rich_text", "elements": [block]}],
                }
            ],
            indent=4,
        ),
        encoding="utf-8",
    )
    (tmp_path / "copy").mkdir()
    out = tmp_path / "copy" / src.name
    result = redact(src, out, settings, "replace", Thresholds(), scanner)
    assert result.not_patched == [] and result.values == 2
    raw = out.read_text(encoding="utf-8")
    assert "jo@example.com" not in raw
    assert raw.count("&lt;EMAIL_ADDRESS&gt;") == 2
    assert json.loads(raw)[0]["ts"] == "1434139102.000002"
    assert [m.message_id for m in _messages(out)] == ["1434139102.000002"]


def test_identical_texts_in_a_file_without_line_positions_are_all_patched() -> None:
    doc = b"<p>mail jo@example.com</p><p>mail jo@example.com</p>"
    record = Record("page.html", "mail jo@example.com", (Edit(5, 19, "**@*******.***"),))
    done = patch_file(doc, [record, record])
    assert done.data == b"<p>mail **@*******.***</p><p>mail **@*******.***</p>"


def test_cli_lists_what_it_could_not_patch_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from scanner.redact import engine
    from scanner.redact.patch import Patched

    def refuse(data: bytes, records: list[Record], starts: object = ()) -> Patched:
        return Patched(
            None, 0, [(r.location, "the redacted text was not found where the record lies") for r in records]
        )

    monkeypatch.setattr(engine, "patch_file", refuse)
    src = CASES["whatsapp txt"]
    out = tmp_path / src.name
    assert main(["redact", str(src), "-o", str(out), "--no-ner"]) == 3
    err = capsys.readouterr().err
    assert "NOT PATCHED" in err and "UNCHANGED" in err and src.name in err
    assert out.read_bytes() == src.read_bytes()  # written, with those parts unchanged


def test_text_parts_are_patched_at_their_own_locations(tmp_path: Path) -> None:
    # A file link holding an access token, given to the hook as a text part of its message.
    from scanner.analyzer import Detection
    from scanner.model import PART_FILE_METADATA, Author, Conversation, TextPart
    from scanner.redact.engine import _Collector
    from scanner.redact.operators import Operator

    link = "https://files.example.invalid/f/1?t=xoxe-0000000000-fake"
    doc = {"ts": "1.000001", "text": "see file", "files": [{"name": "a.pdf", "url_private": link}]}
    path = tmp_path / "day.json"
    path.write_text(json.dumps([doc], indent=2).replace("/", "\\/"), encoding="utf-8")
    part = TextPart(PART_FILE_METADATA, link, f"{path}#/0/files/0/url_private")
    message = Message(
        "slack", str(path), f"{path}#/0", Conversation("C1", "c"), "1.000001", Author("U1", "u"), None,
        "see file", parts=(part,),
    )  # fmt: skip
    collect = _Collector(Thresholds(), Operator("mask", b"k" * 32))
    collect(message, "text", message.location, [])
    start = link.index("xoxe")
    collect(message, part.name, part.location, [Detection("SLACK_TOKEN", start, len(link), 0.9, "", "t")])
    done = patch_file(path.read_bytes(), collect.records[str(path)])
    assert done.failed == [] and done.values == 1
    out = json.loads(done.data or b"")
    assert out[0]["files"][0]["url_private"] == link[:start] + "****-**********-****"
    assert out[0]["text"] == "see file" and (done.data or b"").count(b"\\/") == path.read_bytes().count(
        b"\\/"
    )
