"""The JSON span finder: on any document, the span at a pointer decodes to the value there."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.redact.jsonspan import JsonSyntax, decode_token, encode_like, locate, string_tokens

_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from('"\\/\b\f\n\r\t\u2028😀é张'),
    max_size=20,
)
_scalar = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _text
_json = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=25,
)


def _pointers(value: Any, here: str = "") -> list[tuple[str, Any]]:
    out = [(here, value)]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _pointers(v, f"{here}/{k.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _pointers(v, f"{here}/{i}")
    return out


def _dump(value: Any, ascii_only: bool, indent: int | None, slash: bool) -> str:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    # Escaping "/" as "\/" is legal JSON (PHP writes it); only inside strings, where a "/"
    # can occur in a JSON text at all.
    return text.replace("/", "\\/") if slash else text


@settings(max_examples=300, deadline=None)
@given(_json, st.booleans(), st.sampled_from([None, 0, 2]), st.booleans())
def test_every_pointer_spans_its_value(value: Any, ascii_only: bool, indent: int | None, slash: bool) -> None:
    doc = _dump(value, ascii_only, indent, slash)
    pointers = dict(_pointers(value))
    spans = locate(doc, pointers)
    assert set(spans) == set(pointers)
    for pointer, expected in pointers.items():
        start, end = spans[pointer]
        assert json.loads(doc[start:end]) == expected
        if isinstance(expected, str):
            decoded, offsets = decode_token(doc[start:end])
            assert decoded == expected
            token = doc[start:end]
            for k, ch in enumerate(decoded):
                assert json.loads(f'"{token[offsets[k] : offsets[k + 1]]}"') == ch


@settings(max_examples=200, deadline=None)
@given(_json, st.booleans(), st.booleans())
def test_string_tokens_are_the_string_values(value: Any, ascii_only: bool, slash: bool) -> None:
    doc = _dump(value, ascii_only, 1, slash)
    found = [decode_token(doc[s:e])[0] for s, e in string_tokens(doc, 0, len(doc))]
    expected = [v for _, v in _pointers(value) if isinstance(v, str)]
    assert sorted(found) == sorted(expected)


@given(_text, st.booleans(), st.booleans())
def test_a_replacement_is_escaped_like_its_document(value: str, ascii_only: bool, slash: bool) -> None:
    sample = _dump({"a": "é/x"}, ascii_only, None, slash)
    encoded = encode_like(value, sample)
    assert json.loads(f'"{encoded}"') == value
    if ascii_only:
        assert encoded.isascii()
    if slash:
        assert "/" not in encoded.replace("\\/", "")


def test_not_json_raises() -> None:
    with pytest.raises(JsonSyntax):
        locate("<html>var chatMessages = [", {"/0"})
