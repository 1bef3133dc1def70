"""Matrix/Element reader: goldens over synthetic exports (file, zip layout, API page, truncated),
event semantics, sniffing, fuzzing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.matrix import MatrixReader
from tests.golden import assert_golden, serialise
from tests.reader_contract import (
    ARBITRARY_BYTES,
    assert_refuses,
    assert_refuses_written,
    fixture_id,
    json_like,
    other_fixture_paths,
    sniff_and_read_any,
    zip_tree,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MX = FIXTURES / "matrix"
ROOT = str(FIXTURES) + "/"
EXPORT = MX / "matrix-Project Falcon-export-2024-03-05.json"
ZIP_LAYOUT = MX / "element_zip"
READER = MatrixReader()


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in items if isinstance(m, Message)}


# --- goldens ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("matrix_export", EXPORT),
        ("matrix_element_zip_layout", ZIP_LAYOUT),
        ("matrix_messages_page", MX / "messages_page.json"),
        ("matrix_truncated", MX / "truncated"),
    ],
)
def test_goldens(name: str, path: Path, update_goldens: bool) -> None:
    assert_golden(name, read(path), update_goldens, root=ROOT)


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "matrix-export-05-03-2024.zip"
    zip_tree(ZIP_LAYOUT, archive)
    source = Source.open(archive)
    assert READER.sniff(source)
    from_zip = serialise(READER.read(source), root=f"{archive}!")
    from_dir = serialise(read(ZIP_LAYOUT), root=f"{ZIP_LAYOUT}/")
    assert from_zip == from_dir
    photo = by_id(list(READER.read(source)))["$ev13-falcon"].attachments[0]
    assert photo.path == "images/whiteboard-05-03-2024 at 10-13-00.png"


# --- behaviour ---------------------------------------------------------------------------


def test_ids_authors_times_and_conversation() -> None:
    msgs = by_id(read(EXPORT))
    welcome = msgs["$ev04-falcon"]
    assert welcome.text == "Welcome! Call me on +44 20 7946 0000"  # body, not formatted_body
    assert welcome.timestamp == datetime(2024, 3, 5, 10, 4, tzinfo=UTC)
    assert (welcome.author.id, welcome.author.name) == ("@jane:example.org", "Jane Placeholder")
    conv = welcome.conversation
    assert (conv.id, conv.name, conv.member_count) == ("!falcon0000:example.org", "Project Falcon", None)
    # display names follow membership events: before her first join, the raw id
    assert msgs["$ev00-falcon"].author.name == "@jane:example.org"
    assert msgs["$ev21-falcon"].author.name == "Jane P."
    # no event_id: <file>#<index>
    assert "matrix-Project Falcon-export-2024-03-05.json#24" in msgs


def test_replies_threads_edits_and_redactions() -> None:
    msgs = by_id(read(EXPORT))
    assert msgs["$ev05-falcon"].reply_to == "$ev04-falcon"
    assert msgs["$ev05-falcon"].thread_id is None
    assert msgs["$ev06-falcon"].thread_id == "$ev06-falcon"  # the thread root
    assert (msgs["$ev07-falcon"].thread_id, msgs["$ev07-falcon"].reply_to) == ("$ev06-falcon", "$ev06-falcon")
    assert (msgs["$ev08-falcon"].thread_id, msgs["$ev08-falcon"].reply_to) == ("$ev06-falcon", "$ev07-falcon")
    original, edit = msgs["$ev09-falcon"], msgs["$ev10-falcon"]
    assert original.edited and original.text == "Budget is 10k"
    # the replacement is its own message: its new text has to be scanned
    assert edit.edited and edit.kind is MessageKind.USER
    assert edit.text == "Budget is 12k, IBAN GB33 BUKB 2020 1555 5555 55"
    redacted = msgs["$ev11-falcon"]
    assert redacted.deleted and redacted.text == "" and redacted.kind is MessageKind.USER
    assert msgs["$ev12-falcon"].kind is MessageKind.SYSTEM  # the redaction event


def test_kinds_texts_and_attachments() -> None:
    msgs = by_id(read(EXPORT))
    system = {mid for mid, m in msgs.items() if m.kind is MessageKind.SYSTEM}
    assert system == {
        "$ev00-falcon",  # m.room.create
        "$ev01-falcon",
        "$ev03-falcon",
        "$ev15-falcon",
        "$ev20-falcon",  # m.room.member
        "$ev02-falcon",  # m.room.topic
        "$ev12-falcon",  # m.room.redaction
        "$ev18-falcon",  # m.reaction
        "$ev22-falcon",  # m.call.invite
        "$ev23-falcon",  # m.room.name
    }
    assert msgs["$ev02-falcon"].text == "Falcon launch; escalations to jane@example.com"
    assert msgs["$ev23-falcon"].text == "Falcon (archived)"
    assert msgs["$ev16-falcon"].text == "Build #42 passed"  # m.notice from a bot is user-authored
    assert msgs["$ev17-falcon"].text == "" and msgs["$ev17-falcon"].kind is MessageKind.USER  # undecryptable
    assert msgs["$ev19-falcon"].text == "waves to 王小明"
    photo = msgs["$ev13-falcon"].attachments
    assert [(a.name, a.size, a.mime, a.path) for a in photo] == [("whiteboard.png", 48213, "image/png", None)]
    scan = msgs["$ev14-falcon"]
    assert scan.text == "Passport scan for the visa"  # a caption: body differs from filename
    assert [(a.name, a.mime) for a in scan.attachments] == [("passport-jane.pdf", "application/pdf")]
    assert [s.reason for s in read(EXPORT) if isinstance(s, Skipped)] == ["event is not an object"]


def test_zip_layout_attachment_paths() -> None:
    msgs = by_id(read(ZIP_LAYOUT))
    assert msgs["$ev13-falcon"].attachments[0].path == "images/whiteboard-05-03-2024 at 10-13-00.png"
    # Element names the file after the body (here a caption), not after ``filename``
    assert (
        msgs["$ev14-falcon"].attachments[0].path == "files/Passport scan for the visa-05-03-2024 at 10-14-00"
    )


def test_truncated_file_keeps_what_came_before() -> None:
    items = read(MX / "truncated")
    assert [m.message_id for m in items if isinstance(m, Message)][-1] == "$ev04-falcon"
    assert items[-1] == Skipped(f"{MX}/truncated/export.json", "invalid or truncated JSON after 5 events")


def test_bom_and_utf16_are_decoded(tmp_path: Path) -> None:
    text = EXPORT.read_text(encoding="utf-8")
    for enc in ("utf-8-sig", "utf-16"):
        path = tmp_path / f"export-{enc}.json"
        path.write_text(text, encoding=enc)
        source = Source.open(path)
        assert READER.sniff(source)
        assert by_id(list(READER.read(source)))["$ev19-falcon"].text == "waves to 王小明"
        assert source.encodings == {enc}


def test_deep_nesting_is_refused_not_recursed(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"room_name": "x", "messages": [' + "[" * 100_000, encoding="utf-8")
    assert read(path) == [Skipped(str(path), "JSON nested deeper than 256 levels after 0 events")]


def test_folder_without_export_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(b"x")
    with pytest.raises(ReaderError):
        list(READER.read(Source.open(tmp_path)))


# --- sniffing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [EXPORT, ZIP_LAYOUT, ZIP_LAYOUT / "export.json", MX / "messages_page.json", MX / "truncated", MX],
    ids=fixture_id,
)
def test_sniff_claims_matrix(path: Path) -> None:
    assert READER.sniff(Source.open(path))


def test_sniff_claims_a_header_only_export_and_a_bare_event_list(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text(
        json.dumps(
            {"room_name": "R", "room_creator": "A", "topic": "", "export_date": "d", "exported_by": "A"}
        )[:-1]
        + ', "messages": []}',
        encoding="utf-8",
    )
    assert READER.sniff(Source.open(empty))
    events = json.loads(EXPORT.read_text(encoding="utf-8"))["messages"][:3]
    bare = tmp_path / "events.json"
    bare.write_text(json.dumps(events), encoding="utf-8")
    assert READER.sniff(Source.open(bare))
    assert [m.message_id for m in read(bare)] == ["$ev00-falcon", "$ev01-falcon", "$ev02-falcon"]


@pytest.mark.parametrize("path", other_fixture_paths("matrix"), ids=fixture_id)
def test_sniff_refuses_other_formats_fixtures(path: Path) -> None:
    assert_refuses(READER, path)


NOT_MATRIX = {
    "room_name_only.json": json.dumps({"room_name": "x", "messages": []}),
    "telegram.json": json.dumps(
        {"name": "x", "type": "personal_chat", "messages": [{"id": 1, "type": "message"}]}
    ),
    "event_without_sender_at.json": json.dumps(
        {"messages": [{"type": "m.room.message", "sender": "jane", "origin_server_ts": 1, "event_id": "$1"}]}
    ),
    "ts_as_string.json": json.dumps(
        [{"type": "m.room.message", "sender": "@a:b", "origin_server_ts": "1", "event_id": "$1"}]
    ),
    "export.txt": "05/03/2024, 10:00:00 - Jane: hello\n",
    "export.html": "<html><body>Exported Matrix chat</body></html>",
}


@pytest.mark.parametrize("name", sorted(NOT_MATRIX))
def test_sniff_refuses_lookalikes(tmp_path: Path, name: str) -> None:
    assert_refuses_written(tmp_path / name, NOT_MATRIX[name], READER)


def test_sniff_refuses_a_folder_with_other_things(tmp_path: Path) -> None:
    (tmp_path / "export.json").write_bytes(EXPORT.read_bytes())
    (tmp_path / "notes.txt").write_text("not part of an Element export", encoding="utf-8")
    assert not READER.sniff(Source.open(tmp_path))


# --- fuzzing -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_skips_or_reader_error(data: bytes) -> None:
    sniff_and_read_any(READER, "export.json", data)


EVENTISH = json_like(
    [
        *("type", "sender", "origin_server_ts", "event_id", "content", "unsigned", "body"),
        *("msgtype", "m.relates_to", "m.new_content", "rel_type", "m.in_reply_to", "info"),
        *("redacted_because", "m.relations", "state_key", "displayname", "decrypted", "size"),
    ],
    list_size=4,
    max_leaves=16,
)


@settings(max_examples=200, deadline=None)
@given(events=st.lists(EVENTISH, max_size=5), name=EVENTISH, cut=st.integers(min_value=0))
def test_any_matrix_shaped_json_gives_messages_skips_or_reader_error(
    events: list[object], name: object, cut: int
) -> None:
    text = json.dumps({"room_name": name, "exported_by": "x", "messages": events})
    sniff_and_read_any(READER, "export.json", text[: cut % (len(text) + 1)])
