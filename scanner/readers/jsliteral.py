"""JavaScript object and array literals, and JSON, parsed as a stream of records.

Web pages embed data as ``const chatMessages = [ {type:1, text:'…'}, … ]``: JavaScript, not
JSON (single quotes, bare keys, ``undefined``, trailing commas, comments). ``array_items``
reads such an array element by element from a ``CharStream``, so a page of any size holds
one record in memory; a broken element is reported as ``Broken`` and reading resumes at the
next ``}, {`` boundary. Each element is decoded by the fastest route that parses it: the json
module (JSON records), a flat literal rewritten to JSON and decoded in C, else a token parser
with an explicit stack (no recursion, bounded depth and string length).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

MAX_STRING_CHARS = 16 * 1024 * 1024
MAX_DEPTH = 64


class JsSyntaxError(Exception):
    """The literal is not what WeChatMsg writes here. Messages never quote the input."""


_WS = re.compile(r"(?:\s+|//[^\n]*\n|/\*.*?\*/)*", re.DOTALL)
# One token of a JavaScript object literal (JSON is a subset), after whitespace and comments.
_TOKEN = re.compile(
    r"""(?:\s+|//[^\n]*\n|/\*.*?\*/)*
    (?:(?P<p>[{}\[\],:])
      |'(?P<sq>(?:[^'\\]++|\\.)*+)'
      |"(?P<dq>(?:[^"\\]++|\\.)*+)"
      |(?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
      |(?P<id>[A-Za-z_$][\w$]*))""",
    re.DOTALL | re.VERBOSE,
)
_INTEGER = re.compile(r"[-+]?\d+")
_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|\r\n|[\s\S])")
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None, "undefined": None}
# After a broken record: the next "}, {" boundary between two records.
_RESYNC = re.compile(r"\}\s*,\s*(?=\{)")
_JSON = json.JSONDecoder()
# A JSON record larger than this is parsed by the token parser instead (which streams).
MAX_JSON_RECORD = 1024 * 1024


_SURROGATE = re.compile("[\ud800-\udfff]")
# A flat object literal (WeChatMsg's records never nest) up to its closing brace, strings whole.
# Possessive quantifiers: a record that does not close is given up on at once, never backtracked.
_FLAT_PREFIX = re.compile(r"""\{(?:[^{}'"]++|'(?:[^'\\]|\\.)*+'|"(?:[^"\\]|\\.)*+")*+""", re.DOTALL)
# The pieces of a JavaScript literal JSON writes differently: quoted strings (re-encoded), bare
# keys (quoted), ``undefined`` (null) and trailing commas (dropped).
_JS_TO_JSON = re.compile(
    r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([A-Za-z_$][\w$]*)(?=\s*:)|\bundefined\b|,(?=\s*[}\]])""",
    re.DOTALL,
)


def _js_to_json(m: re.Match[str]) -> str:
    sq, dq, key = m.group(1), m.group(2), m.group(3)
    if sq is not None:
        return json.encoder.encode_basestring(unescape_js(sq))
    if dq is not None:
        return json.encoder.encode_basestring(unescape_js(dq))
    if key is not None:
        return f'"{key}"'
    return "null" if m.group() == "undefined" else ""


def clean_surrogates(text: str) -> str:
    """Join surrogate pairs left by escapes (JSON writes astral characters so) and replace lone ones."""
    if _SURROGATE.search(text):
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def unescape_js(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "u" and len(e) > 1:
            code = int(e[2:-1] if e[1] == "{" else e[1:], 16)
            return chr(code) if code <= 0x10FFFF else "\ufffd"
        if e[0] == "x" and len(e) == 3:
            return chr(int(e[1:], 16))
        if e in ("\n", "\r\n", "\r", "\u2028", "\u2029"):
            return ""  # a line continuation
        return _SIMPLE_ESCAPES.get(e, e)

    return clean_surrogates(_ESCAPE.sub(one, body) if "\\" in body else body)


class CharStream:
    """A text stream read in chunks, with a cursor; only what is not yet parsed is kept."""

    CHUNK = 64 * 1024

    def __init__(self, fh: IO[str], limit: int | None = None) -> None:
        self._fh = fh
        self._left = limit  # characters still to read (sniffing); None: the whole stream
        self.buf = ""
        self.pos = 0
        self.eof = False

    def fill(self, need: int) -> bool:
        """At least ``need`` characters from the cursor, unless the stream ends first."""
        while len(self.buf) - self.pos < need and not self.eof:
            size = max(self.CHUNK, need)
            if self._left is not None:
                size = min(size, self._left)
                self._left -= size
            chunk = self._fh.read(size) if size > 0 else ""
            if not chunk:
                self.eof = True
                break
            if self.pos:
                self.buf, self.pos = self.buf[self.pos :], 0
            self.buf += chunk
        return len(self.buf) - self.pos >= need

    def skip_space(self) -> None:
        while True:
            self.fill(2)
            m = _WS.match(self.buf, self.pos)
            end = m.end() if m else self.pos
            if end < len(self.buf) or self.eof:
                self.pos = end
                return
            self.pos = end  # all whitespace so far: read on

    def peek(self) -> str:
        self.skip_space()
        return self.buf[self.pos] if self.pos < len(self.buf) else ""

    def find(self, pattern: re.Pattern[str], keep: int = 64) -> re.Match[str] | None:
        """Advance to the first match of ``pattern`` (which must be shorter than ``keep``)."""
        while True:
            m = pattern.search(self.buf, self.pos)
            if m is not None and (m.end() < len(self.buf) or self.eof):
                return m
            if self.eof:
                return None
            self.pos = max(self.pos, len(self.buf) - keep)
            self.fill(len(self.buf) - self.pos + self.CHUNK)


class JsLiteralParser:
    """JavaScript object/array literals as WeChatMsg writes them, and JSON (a subset).

    One regex match per token and an explicit stack: no recursion, bounded depth. Bare
    identifiers are keys or the literals true/false/null/undefined, nothing else, so a quote
    an old exporter forgot to escape is found rather than read past.
    """

    def __init__(self, chars: CharStream) -> None:
        self.c = chars
        self.as_json: bool | None = None  # MemoTrace writes JSON; decided by the first record

    def record(self) -> Any:
        """The array element at the cursor, by the fastest route that parses it."""
        if self.as_json is not False:
            parsed, value = self.json_value()
            if self.as_json is None:
                self.as_json = parsed
            if parsed:
                return value
        parsed, value = self.flat_value()
        return value if parsed else self.value()

    def flat_value(self) -> tuple[bool, Any]:
        """A flat object literal, converted to JSON and decoded in C (WeChatMsg's records)."""
        c = self.c
        need = 4 * 1024
        while True:
            c.fill(need)
            end = _FLAT_PREFIX.match(c.buf, c.pos)
            stop = end.end() if end else c.pos
            if stop < len(c.buf):
                if c.buf[stop] != "}":
                    if c.buf[stop] == "{" or c.eof:
                        return False, None  # nested, or a broken string: the token parser decides
                else:
                    text = _JS_TO_JSON.sub(_js_to_json, c.buf[c.pos : stop + 1])
                    try:
                        value = json.loads(text)
                    except (ValueError, RecursionError):
                        return False, None
                    c.pos = stop + 1
                    return True, value
            if c.eof or need >= MAX_JSON_RECORD:
                return False, None
            need *= 4

    def json_value(self) -> tuple[bool, Any]:
        """Try the record at the cursor as JSON (MemoTrace writes JSON): (parsed?, value)."""
        c = self.c
        need = 4 * 1024
        while True:
            c.fill(need)
            try:
                value, end = _JSON.raw_decode(c.buf, c.pos)
            except (json.JSONDecodeError, RecursionError):
                if c.eof or need >= MAX_JSON_RECORD:
                    return False, None
                need *= 4  # maybe cut by the end of the buffer
                continue
            if end >= len(c.buf) and not c.eof:
                need *= 4  # a number at the end of the buffer may go on
                continue
            c.pos = end
            return True, value

    def _token(self) -> re.Match[str]:
        c = self.c
        need = 1024
        while True:
            if len(c.buf) - c.pos < need:
                c.fill(need)
            m = _TOKEN.match(c.buf, c.pos)
            if m is not None and (m.end() < len(c.buf) or c.eof):
                c.pos = m.end()
                return m
            if m is None:
                ws = _WS.match(c.buf, c.pos)
                at = ws.end() if ws else c.pos
                if at < len(c.buf) and c.buf[at] not in "'\"/":
                    raise JsSyntaxError("unexpected character")
            if c.eof:
                raise JsSyntaxError("unexpected end of data")
            if need > MAX_STRING_CHARS:
                raise JsSyntaxError("string or token too long")
            need *= 4

    def value(self) -> Any:
        stack: list[dict[str, Any] | list[Any]] = []
        keys: list[str | None] = []  # per open object: the key read, awaiting its value
        while True:
            m = self._token()
            kind = m.lastgroup
            if kind == "p":
                ch = m.group("p")
                if ch in "{[":
                    if len(stack) >= MAX_DEPTH:
                        raise JsSyntaxError(f"nested deeper than {MAX_DEPTH} levels")
                    if stack and isinstance(stack[-1], dict) and keys[-1] is None:
                        raise JsSyntaxError("bad object key")
                    stack.append({} if ch == "{" else [])
                    keys.append(None)
                elif ch in "}]":
                    if not stack or isinstance(stack[-1], dict) != (ch == "}") or keys[-1] is not None:
                        raise JsSyntaxError("unbalanced brackets or missing value")
                    done = stack.pop()
                    keys.pop()
                    if not stack:
                        return done
                    self._put(stack, keys, done)
                elif not stack or (ch == ":" and (not isinstance(stack[-1], dict) or keys[-1] is None)):
                    raise JsSyntaxError(f"misplaced '{ch}'")
                continue  # "," and ":" only separate
            text = m.group(kind or "")
            if stack and isinstance(stack[-1], dict) and keys[-1] is None:
                keys[-1] = unescape_js(text) if kind in ("sq", "dq") else text
                continue
            scalar = self._scalar(kind, text)
            if not stack:
                return scalar
            self._put(stack, keys, scalar)

    @staticmethod
    def _put(stack: list[dict[str, Any] | list[Any]], keys: list[str | None], value: Any) -> None:
        top = stack[-1]
        if isinstance(top, dict):
            top[keys[-1] or ""] = value
            keys[-1] = None
        else:
            top.append(value)

    @staticmethod
    def _scalar(kind: str | None, text: str) -> Any:
        if kind in ("sq", "dq"):
            return unescape_js(text)
        if kind == "num":
            try:
                return int(text) if _INTEGER.fullmatch(text) else float(text)
            except ValueError:
                raise JsSyntaxError("bad number") from None
        if text in _LITERALS:
            return _LITERALS[text]
        raise JsSyntaxError("unexpected identifier")


@dataclass(frozen=True, slots=True)
class Broken:
    """An array element that could not be parsed: its index and why (never its content)."""

    index: int
    reason: str


def array_items(chars: CharStream) -> Iterator[tuple[int, Any] | Broken]:
    """``(index, value)`` for each element of the array whose ``[`` the cursor is just past;
    a broken element is a ``Broken`` and reading resumes at the next record boundary."""
    parser = JsLiteralParser(chars)
    index = 0
    while True:
        try:
            ch = chars.peek()
            if ch == "]":
                return
            if ch == ",":
                chars.pos += 1
                continue
            if not ch:
                yield Broken(index, f"array ends early after {index} records")
                return
            value = parser.record()
            yield index, value
            index += 1
            ch = chars.peek()
            if ch == ",":
                chars.pos += 1
            elif ch != "]":
                raise JsSyntaxError("missing ',' between records")
        except JsSyntaxError as exc:
            yield Broken(index, f"invalid record ({exc})")
            index += 1
            r = chars.find(_RESYNC)
            if r is None:
                return
            chars.pos = r.end()
