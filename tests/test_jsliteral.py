"""The JavaScript-literal parser: WeChatMsg's records, JSON, broken elements and limits."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.readers.jsliteral import (
    MAX_DEPTH,
    Broken,
    CharStream,
    JsLiteralParser,
    JsSyntaxError,
    array_items,
    unescape_js,
)


def value(text: str) -> Any:
    return JsLiteralParser(CharStream(io.StringIO(text))).value()


def items(text: str) -> list[Any]:
    """The elements of an array literal; the text starts just after its ``[``."""
    return list(array_items(CharStream(io.StringIO(text))))


def test_javascript_shapes_json_does_not_allow() -> None:
    got = value("{ type:1, text: 'it\\'s', is_send:0, extra: undefined, list: [1, 2,], /* c */ ok: true, }")
    assert got == {"type": 1, "text": "it's", "is_send": 0, "extra": None, "list": [1, 2], "ok": True}


def test_escapes() -> None:
    assert unescape_js(r"a\nb\tc") == "a\nb\tc"
    assert unescape_js(r"\x41\u00e9\u{1F600}") == "Aé😀"
    assert unescape_js("line\\\ncontinued") == "linecontinued"
    assert unescape_js(r"\ud83d\ude00") == "😀"  # a surrogate pair joined
    assert unescape_js(r"\ud83d") == "\ufffd"  # a lone surrogate replaced
    assert unescape_js(r"\q") == "q"  # an unknown escape is the character


def test_numbers_and_literals() -> None:
    assert value("[1, -2, 3.5, 1e3, true, false, null]") == [1, -2, 3.5, 1000.0, True, False, None]


@pytest.mark.parametrize(
    "text",
    ["{a: }", "[1, 2", "{a: nope}", "]", "{a: 'unterminated", "{a: 1 ]", "[1: 2]"],
)
def test_broken_literals_raise_without_quoting_the_input(text: str) -> None:
    with pytest.raises(JsSyntaxError) as info:
        value(text)
    assert "unterminated" not in str(info.value) and "nope" not in str(info.value)


def test_separators_are_not_enforced_between_machine_written_members() -> None:
    assert value("{a: 1 b: 2}") == {"a": 1, "b": 2}
    assert value("{'a' 1}") == {"a": 1}


def test_nesting_is_capped() -> None:
    with pytest.raises(JsSyntaxError, match="nested deeper"):
        value("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


def test_json_records_and_literal_records_in_one_array() -> None:
    assert items('{"a": 1}, {"b": "x"}]') == [(0, {"a": 1}), (1, {"b": "x"})]
    assert items("{a: 1}, {b: 'x'}]") == [(0, {"a": 1}), (1, {"b": "x"})]


def test_a_broken_element_is_reported_and_reading_resumes_at_the_next_record() -> None:
    got = items("{a: 1}, {b: oops}, {c: 3}]")
    assert got[0] == (0, {"a": 1})
    assert isinstance(got[1], Broken) and got[1].index == 1
    assert got[2] == (2, {"c": 3})


def test_an_array_that_ends_early_says_so() -> None:
    assert items("{a: 1}, ") == [(0, {"a": 1}), Broken(1, "array ends early after 1 records")]


def test_a_record_longer_than_a_chunk_streams() -> None:
    long = "x" * (3 * CharStream.CHUNK)
    assert items(f"{{text: '{long}'}}]") == [(0, {"text": long})]


def test_the_stream_stops_at_its_limit() -> None:
    chars = CharStream(io.StringIO("{a: 1}, {b: 2}]"), limit=8)
    got = list(array_items(chars))
    assert got[0] == (0, {"a": 1}) and isinstance(got[-1], Broken)


_keys = st.text(alphabet="abcdefghij_", min_size=1, max_size=6)
_scalars = st.one_of(st.integers(-(10**9), 10**9), st.booleans(), st.none(), st.text(max_size=20))
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=12,
)


def _js(v: Any) -> str:
    """``v`` written as WeChatMsg writes literals: bare keys, single-quoted strings."""
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_js(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_js(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, str):
        return (
            "'" + v.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r") + "'"
        )
    return str(v)


@settings(max_examples=200, deadline=None)
@given(_values)
def test_any_value_round_trips(v: Any) -> None:
    assert value(_js(v)) == v
