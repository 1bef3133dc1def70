"""The helpers every reader shares (scanner/readers/base.py): encodings, streaming JSON,
JSON Lines, CSV, line-oriented text exports, times and ids."""

from __future__ import annotations

import contextlib
import io
import json
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import ijson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Skipped
from scanner.readers.base import (
    CHINESE_ENCODINGS,
    MAX_JSON_DEPTH,
    TOO_DEEP,
    Entry,
    JsonTooDeep,
    JsonTruncated,
    Source,
    build_value,
    csv_rows,
    detect_encoding,
    dm_or_group,
    dominant_headers,
    entry_label,
    epoch_ms,
    epoch_seconds_or_ms,
    first_json_value,
    guarded,
    header_blocks,
    iter_lines,
    json_id,
    json_lines,
    json_object,
    location_name,
    parse_events,
    skip_value,
    split_author,
    stream_values,
    text_lines,
)


def entry_of(data: bytes, name: str = "f.txt") -> Entry:
    return Entry(name, f"/in/{name}", len(data), lambda: io.BytesIO(data))


# --- encodings --------------------------------------------------------------------------


def test_preferred_encoding_wins_over_an_unrelated_guess() -> None:
    """charset-normalizer takes short GBK text for Korean; a Chinese application's file is GB18030."""
    head = "2023-01-05 10:23:45 张三(10000001)\n你好\n".encode("gbk")
    assert detect_encoding(head) == "cp949"
    assert detect_encoding(head, CHINESE_ENCODINGS) == "gb18030"


def test_preferred_encodings_keep_unicode_and_their_own_guesses() -> None:
    big5 = ("這是一個繁體中文的測試訊息，請勿回覆。我們明天早上九點在會議室見面。" * 3).encode("big5")
    assert detect_encoding(big5, CHINESE_ENCODINGS) == "big5"
    assert detect_encoding("中文".encode("utf-16"), CHINESE_ENCODINGS) == "utf-16"
    assert detect_encoding("中文".encode(), CHINESE_ENCODINGS) == "utf-8"


def test_text_lines_drop_line_ends_and_a_leading_bom() -> None:
    entry = entry_of("\ufeffa\r\nb\rc\n\nd".encode())
    assert list(text_lines(entry, "utf-8")) == ["a", "b", "c", "", "d"]


# --- locations and conversations -----------------------------------------------------------


def test_entry_label_leaves_out_a_zips_wrapping_folder(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "wrap").mkdir(parents=True)
    (folder / "wrap" / "a.json").write_text("{}")
    (folder / "wrap" / "b.json").write_text("{}")
    source = Source.open(folder)
    assert [entry_label(source, e) for e in source.entries()] == ["a.json", "b.json"]
    single = Source.open(folder / "wrap" / "a.json")
    assert entry_label(single, single.entries()[0]) == "a.json"


def test_location_name() -> None:
    assert location_name("/x/export.zip!chats/a.txt") == "a.txt"
    assert location_name("C:\\exports\\b.csv") == "b.csv"
    assert location_name("") == ""


def test_dm_or_group() -> None:
    dm = dm_or_group("c", "Chat", group=False, members={"b", "a"})
    assert (dm.kind, dm.member_count, dm.members) == (ConversationKind.DM, 2, ("a", "b"))
    group = dm_or_group("c", "Chat", group=True, members=["x", "y", "z"])
    assert (group.kind, group.member_count) == (ConversationKind.GROUP, None)
    assert dm_or_group("c", "Chat", True, ["x", "y", "z"], 3).member_count == 3


# --- values and times -----------------------------------------------------------------------


def test_json_id() -> None:
    assert [json_id(v) for v in ("a1", 42, True, None, 1.5, {"id": 1})] == ["a1", "42", "", "", "", ""]


def test_epoch_ms_is_exact_and_total() -> None:
    assert epoch_ms(1_700_000_000_123) == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    assert epoch_ms(Decimal("1700000000123.9")) == epoch_ms(1_700_000_000_123)
    assert epoch_ms(-1) == datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
    for bad in (True, "1700000000123", None, 10**30, Decimal("NaN")):
        assert epoch_ms(bad) is None


def test_epoch_seconds_or_ms() -> None:
    assert epoch_seconds_or_ms(1_700_000_000) == epoch_ms(1_700_000_000_000)
    assert epoch_seconds_or_ms(1_700_000_000_000) == epoch_ms(1_700_000_000_000)


# --- reading guard -----------------------------------------------------------------------------


def test_guarded_turns_a_read_failure_into_a_reader_error() -> None:
    def items() -> Any:
        yield Skipped("x", "first")
        raise OSError("disk")

    got = guarded("/in/f.txt", items())
    assert next(got) == Skipped("x", "first")
    with pytest.raises(ReaderError) as exc:
        next(got)
    assert (exc.value.location, exc.value.reason) == ("/in/f.txt", "read failed: OSError")


# --- streaming JSON --------------------------------------------------------------------------


def stream(text: str) -> IO[bytes]:
    return io.BytesIO(text.encode())


def test_stream_values_gives_pointers_and_ignores_a_key_named_item() -> None:
    doc = '{"item": {"x": 1}, "messages": [{"a": 1}, 2, [3]], "title": "t"}'
    got = list(stream_values(stream(doc), frozenset({"messages.item", "title", "item"})))
    assert got == [
        ("messages.item", (0,), {"a": 1}),
        ("messages.item", (1,), 2),
        ("messages.item", (2,), [3]),
        ("title", (), "t"),
    ]


def test_stream_values_refuses_deep_nesting() -> None:
    doc = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(JsonTooDeep):
        list(stream_values(stream(doc), frozenset({"x"})))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet="ab.", max_size=3),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(alphabet="ab.", max_size=3), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES)
def test_parse_events_gives_ijsons_events(value: object) -> None:
    """The same (prefix, event, value) triples as ijson.parse, empty and dotted keys included."""
    doc = json.dumps(value)
    assert list(parse_events(stream(doc))) == list(ijson.parse(stream(doc)))


def test_parse_events_refuses_hostile_nesting_in_linear_time_and_memory() -> None:
    """ijson.parse made a prefix string of the whole path for every '[' of a read buffer, all
    held at once: 100 KB of '[' took minutes and gigabytes before any check could stop it."""
    doc = "[" * 1_000_000
    t0 = time.perf_counter()
    tracemalloc.start()
    try:
        with pytest.raises(JsonTooDeep):
            list(parse_events(stream(doc)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - t0 < 5.0
    assert peak < 200 * 1024 * 1024, peak
    with pytest.raises(JsonTooDeep):
        list(parse_events(stream("[" * MAX_JSON_DEPTH + "{" + "]" * MAX_JSON_DEPTH)))
    deepest_allowed = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert list(parse_events(stream(deepest_allowed)))[-1] == ("", "end_array", None)


def test_build_and_skip_values() -> None:
    events = ijson.basic_parse(stream('[{"a": [1, {"b": null}]}, "s", {"skip": [1, 2]}, 3]'))
    assert next(events)[0] == "start_array"
    ev, val = next(events)
    assert build_value(ev, val, events, 10) == {"a": [1, {"b": None}]}
    ev, val = next(events)
    assert build_value(ev, val, events, 10) == "s"
    ev, _ = next(events)
    skip_value(ev, events)
    assert next(events) == ("number", 3)


def test_build_value_caps_depth_and_reports_truncation() -> None:
    events = iter([("start_array", None), ("start_array", None), ("start_array", None)])
    assert build_value("start_array", None, events, 2) is TOO_DEEP
    with pytest.raises(JsonTruncated):
        build_value("start_map", None, iter([("map_key", "a"), ("number", 1)]), 10)
    with pytest.raises(JsonTruncated):
        skip_value("start_array", iter([("start_map", None)]))


def test_first_json_value_reads_as_far_as_the_limit() -> None:
    assert first_json_value(entry_of(b'{"a": [1, 2]} {"b": 1}', "f.json"), 1024) == {"a": [1, 2]}
    # Cut after '{"a": [1, ': what was read so far.
    assert first_json_value(entry_of(b'{"a": [1, 2, 3, 4, 5]}', "f.json"), 10) == {"a": [1]}
    deep = b"[" * (MAX_JSON_DEPTH + 1)
    assert first_json_value(entry_of(deep, "f.json"), 1024) is None


# --- JSON Lines and CSV --------------------------------------------------------------------------


def test_json_lines_skip_blank_lines_and_report_broken_ones() -> None:
    entry = entry_of('\ufeff{"a": 1}\n\n{"b" 1}\n[1]\n'.encode(), "f.jsonl")
    lines, _ = iter_lines(entry)
    assert list(json_lines(entry, lines)) == [
        (1, "/in/f.jsonl:1", {"a": 1}),
        Skipped("/in/f.jsonl:3", "invalid JSON at column 6"),
        (4, "/in/f.jsonl:4", [1]),
    ]


def test_json_object() -> None:
    assert json_object('{"a": 1}') == {"a": 1}
    assert [json_object(x) for x in (None, "[1]", '{"a": ', " {}")] == [None, None, None, None]


def test_csv_rows_give_the_line_a_row_starts_on() -> None:
    entry = entry_of(b'h1,h2\n\n"multi\nline",x\ny,z\n', "f.csv")
    lines, _ = iter_lines(entry)
    assert list(csv_rows(entry, lines)) == [(1, ["h1", "h2"]), (3, ["multi\nline", "x"]), (5, ["y", "z"])]


# --- line-oriented text exports ------------------------------------------------------------------


@dataclass(frozen=True)
class _H:
    shape: str
    rest: str


def parse(line: str) -> _H | None:
    shape, sep, rest = line.partition("|")
    return _H(shape, rest) if sep else None


def test_dominant_headers_keep_the_most_common_shape() -> None:
    lines = ["A|1\n", "text\n", "B|2\n", "A|3\n", "B|4\n", "A|5\n", "B|6\n"]
    # Decided on the first three headers (A twice), then only A headers follow.
    assert [h.rest for h in dominant_headers(lines, parse, window=3)] == ["1", "3", "5"]
    # A tie goes to the shape seen first.
    assert [h.rest for h in dominant_headers(["B|1", "A|2"], parse, window=10)] == ["1"]
    assert list(dominant_headers(["no header"], parse, window=10)) == []


def test_header_blocks_join_continuations_and_cut_long_messages() -> None:
    lines = ["junk\n", "A|one\n", "more\n", "A|two\n", "x" * 8 + "\n", "y" * 8 + "\n"]
    got = list(header_blocks(entry_of(b""), lines, parse, lambda h: h.rest, max_chars=12))
    assert got[0] == Skipped("/in/f.txt:1", "1 non-empty line(s) before the first header")
    blocks = [(b.line, b.parts) for b in got[1:] if not isinstance(b, Skipped)]
    assert blocks == [(2, ["one", "more"]), (4, ["two", "x" * 8]), (6, ["y" * 8])]


def test_split_author() -> None:
    assert split_author("Ann: hi: there") == ("Ann", "hi: there")
    assert split_author("Ann:") == ("Ann", "")
    assert split_author("Ann added Bob") == (None, "Ann added Bob")
    assert split_author("a:b:") == (None, "a:b:")


def test_every_reader_survives_numbers_too_long_for_int(tmp_path: Path) -> None:
    """ijson's C backend segfaults on over-long integers; the input stream refuses them first."""
    from scanner.errors import ReaderError
    from scanner.readers import READERS
    from scanner.readers.base import MAX_DIGIT_RUN

    digits = "7" * (MAX_DIGIT_RUN + 5)
    bodies = {
        "result.json": '{"name": "x", "type": "personal_chat", "id": 1, "messages": [{"id": '
        + digits
        + "}]}",
        "export.json": '{"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": [{"id": ' + digits + "}]}",
        "2024-01-01.json": '[{"type": "message", "ts": "1.2", "user": "U1", "n": ' + digits + "}]",
        "chat.jsonl": '{"id": ' + digits + ', "text": "x", "author": "a"}\n',
    }
    for name, body in bodies.items():
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        source = Source.open(path)
        for reader in READERS:
            with contextlib.suppress(ReaderError):
                list(reader.read(source))


def test_digit_runs_are_counted_across_chunks() -> None:
    import io

    from scanner.readers.base import MAX_DIGIT_RUN, DigitRunTooLong, Utf8Stream

    ok = io.BufferedReader(Utf8Stream(io.BytesIO(b"[" + b"1" * MAX_DIGIT_RUN + b"]"), "utf-8"))
    assert len(ok.read()) == MAX_DIGIT_RUN + 2
    bad = io.BufferedReader(Utf8Stream(io.BytesIO(b"[" + b"1" * (MAX_DIGIT_RUN + 1) + b"]"), "utf-8"))
    with pytest.raises(DigitRunTooLong):
        bad.read()
