"""Where values lie in raw JSON text: spans of JSON pointers, string tokens and their escapes.

A redacted copy must keep every byte it does not redact, so it cannot parse and dump the
document. These helpers scan the raw text instead: ``locate`` finds the character span of
the value at each of many JSON pointers in one pass; ``string_tokens`` lists the string
values (not keys) inside a span; ``decode_token`` decodes one string token and says where
each decoded character came from, so an offset into the decoded text maps back to the raw
text; ``encode_like`` writes a replacement with the escaping a document already uses.
Lenient where exports are (``NaN``, a BOM): a document they cannot follow raises
``JsonSyntax``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator

_WS = re.compile(r"[ \t\n\r\ufeff]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?(?:\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|NaN|-?Infinity")
_STRUCT = re.compile(r'["\[\]{}]')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class JsonSyntax(ValueError):
    """The text is not JSON where a value was expected (the offset, never the content)."""


def _ws(text: str, i: int) -> int:
    m = _WS.match(text, i)
    return m.end() if m else i


def value_end(text: str, i: int) -> int:
    """End of the JSON value that starts at ``i`` (no white space before it)."""
    if i >= len(text):
        raise JsonSyntax(f"value expected at {i}")
    ch = text[i]
    if ch == '"':
        m = _STRING.match(text, i)
        if m is None:
            raise JsonSyntax(f"unterminated string at {i}")
        return m.end()
    if ch in "[{":
        depth, j = 0, i
        while True:
            m = _STRUCT.search(text, j)
            if m is None:
                raise JsonSyntax(f"unterminated container at {i}")
            c = m.group()
            if c == '"':
                s = _STRING.match(text, m.start())
                if s is None:
                    raise JsonSyntax(f"unterminated string at {m.start()}")
                j = s.end()
                continue
            depth += 1 if c in "[{" else -1
            j = m.end()
            if depth == 0:
                return j
    m = _SCALAR.match(text, i)
    if m is None or m.end() == i:
        raise JsonSyntax(f"value expected at {i}")
    return m.end()


def pointer_tokens(pointer: str) -> list[str]:
    """RFC 6901 reference tokens of ``pointer`` ('' is the whole document)."""
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise JsonSyntax("a JSON pointer starts with '/'")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _child(prefix: str, token: str) -> str:
    return f"{prefix}/{token.replace('~', '~0').replace('/', '~1')}"


def locate(
    text: str, pointers: Collection[str], start: int = 0, end: int | None = None
) -> dict[str, tuple[int, int]]:
    """Character spans ``[start, end)`` of the values at ``pointers`` in the JSON document
    that starts at ``start`` (one pass; pointers not in the document are left out).

    ``end`` bounds the document (a JSON Lines line); text after the document is ignored.
    """
    wanted = set(pointers)
    prefixes = {""}
    for p in wanted:
        tokens = pointer_tokens(p)
        for n in range(1, len(tokens)):
            prefixes.add("/" + "/".join(t.replace("~", "~0").replace("/", "~1") for t in tokens[:n]))
    found: dict[str, tuple[int, int]] = {}
    limit = len(text) if end is None else end
    i = _ws(text, start)
    if i >= limit:
        raise JsonSyntax(f"no document at {start}")
    if "" in wanted:
        found[""] = (i, value_end(text, i))
    _descend(text, i, "", wanted, prefixes, found)
    return found


def _descend(
    text: str, i: int, here: str, wanted: set[str], prefixes: set[str], found: dict[str, tuple[int, int]]
) -> int:
    """Walks the container at ``i`` (whose pointer is ``here``), recording wanted children;
    returns the container's end."""
    ch = text[i] if i < len(text) else ""
    if ch not in "[{":
        return value_end(text, i)
    close = "]" if ch == "[" else "}"
    j = _ws(text, i + 1)
    index = 0
    if j < len(text) and text[j] == close:
        return j + 1
    while True:
        if ch == "{":
            m = _STRING.match(text, j)
            if m is None:
                raise JsonSyntax(f"object key expected at {j}")
            key = decode_token(text[m.start() : m.end()])[0]
            j = _ws(text, m.end())
            if j >= len(text) or text[j] != ":":
                raise JsonSyntax(f"':' expected at {j}")
            j = _ws(text, j + 1)
            pointer = _child(here, key)
        else:
            pointer = _child(here, str(index))
            index += 1
        k = _descend(text, j, pointer, wanted, prefixes, found) if pointer in prefixes else value_end(text, j)
        if pointer in wanted:
            found[pointer] = (j, k)
        j = _ws(text, k)
        if j >= len(text):
            raise JsonSyntax(f"unterminated container at {i}")
        if text[j] == ",":
            j = _ws(text, j + 1)
            continue
        if text[j] == close:
            return j + 1
        raise JsonSyntax(f"',' or '{close}' expected at {j}")


def string_tokens(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of the string tokens in ``text[start:end]`` that are values (object keys left out)."""
    j = start
    while True:
        m = _STRUCT.search(text, j, end)
        if m is None:
            return
        if m.group() != '"':
            j = m.end()
            continue
        s = _STRING.match(text, m.start(), end)
        if s is None:
            return
        after = _ws(text, s.end())
        if not (after < end and text[after] == ":"):
            yield s.start(), s.end()
        j = s.end()


def decode_token(token: str) -> tuple[str, list[int]]:
    """A string token (with its quotes) decoded, and where each decoded character starts in
    the token, plus one entry for the closing quote: ``offsets[k]`` .. ``offsets[k + 1]`` is
    the raw text of decoded character ``k``. A surrogate pair escape is one character."""
    out: list[str] = []
    offsets: list[int] = []
    i, n = 1, len(token) - 1
    while i < n:
        ch = token[i]
        offsets.append(i)
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        esc = token[i + 1] if i + 1 < n else ""
        if esc == "u":
            code = int(token[i + 2 : i + 6], 16)
            i += 6
            if 0xD800 <= code < 0xDC00 and token.startswith("\\u", i) and i + 6 <= n:
                low = int(token[i + 2 : i + 6], 16)
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
            out.append(chr(code))
        elif esc in _ESCAPES:
            out.append(_ESCAPES[esc])
            i += 2
        else:
            raise JsonSyntax("bad escape in a string")
    offsets.append(n)
    return "".join(out), offsets


def encode_like(value: str, sample: str) -> str:
    """``value`` as JSON string content (no quotes) escaped the way ``sample`` (the document
    or the token it goes into) escapes: ``\\uXXXX`` for every non-ASCII character when the
    sample holds such escapes and no raw non-ASCII text, ``\\/`` when it escapes slashes."""
    ascii_only = "\\u" in sample and sample.isascii()
    encoded = json.dumps(value, ensure_ascii=ascii_only)[1:-1]
    if "\\/" in sample:
        encoded = encoded.replace("/", "\\/")
    return encoded
