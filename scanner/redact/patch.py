"""Patching one file of an export: the redacted values replaced, every other byte kept.

A file is decoded once in its own encoding (BOM, UTF-8, UTF-16, GB18030 …), losslessly:
bytes that do not decode are carried as escapes and written back as they were, and a file
that would not encode back to the same bytes is not patched at all. Each record (a message
or a text part of one) is found by its location, the way the readers wrote it:

- ``file#/json/pointer``: the JSON value at the pointer; inside it, the string token whose
  decoded text is the record's text (offsets map exactly through escapes), else every
  string token holding a redacted value (Telegram's text arrays, Teams' HTML bodies);
- ``file:12`` or ``file:L12`` (with ``#/pointer`` for a JSON Lines record): the lines from
  line 12 up to the next record of the file; the record's text is looked for there as the
  file would hold it (line ends, CSV quote doubling, HTML or JSON escaping), else each
  redacted value is;
- ``file`` alone: the whole file (a JSON document, or text searched as above).

Replacements are written in the container's escaping (JSON, HTML, CSV), so the copy
parses as the original did. What cannot be found is returned, never guessed at.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import html
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from scanner.readers.base import CHINESE_ENCODINGS, HEAD_BYTES, detect_encoding
from scanner.redact.jsonspan import JsonSyntax, decode_token, encode_like, locate, string_tokens

_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_POSITION = re.compile(r":L?(\d+)(?:-\d+)?\Z")
_HTML_TAG = re.compile(r"<[A-Za-z/!]")


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` of a record with ``new`` (plain text, not yet escaped)."""

    start: int
    end: int
    new: str


@dataclass(frozen=True, slots=True)
class Record:
    """One message part to redact. ``keep``: strings that name the record (its id, author)
    and are never changed even when they equal a redacted value; ``markup``: the platform's
    text escapes ``&``, ``<`` and ``>`` as HTML does (Slack), so a replacement must too."""

    location: str
    text: str
    edits: tuple[Edit, ...]
    keep: frozenset[str] = frozenset()
    # The platform's text escapes &, < and > as HTML does (Slack): so must a replacement.
    markup: bool = False
    # For a part, where its message lies: the message's other copies of the part's values
    # (Telegram's text_entities, a file's title beside its name) are patched with it.
    scope: str | None = None


@dataclass(slots=True)
class Patched:
    """A file's new bytes (None when nothing changed), values replaced, records not patched."""

    data: bytes | None
    values: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def split_location(location: str) -> tuple[str, int | None, str | None]:
    """(file, first line, JSON pointer) of a record location; line and pointer may be None."""
    pointer = None
    head, sep, tail = location.rpartition("#")
    if sep and (tail.startswith("/") or tail == ""):
        location, pointer = head, tail
    m = _LINE_POSITION.search(location)
    if m:
        return location[: m.start()], int(m.group(1)), pointer
    return location, None, pointer


def _codec(data: bytes, encoding: str) -> str:
    """The codec that decodes ``data`` keeping its BOM as a character (written back as it was)."""
    name = codecs.lookup(encoding).name
    if name in ("utf-8-sig", "utf-8"):
        return "utf-8"
    if name.startswith("utf-16") or name.startswith("utf-32"):
        width = "32" if name.startswith("utf-32") else "16"
        if data.startswith(codecs.BOM_UTF32_LE if width == "32" else codecs.BOM_UTF16_LE):
            return f"utf-{width}-le"
        if data.startswith(codecs.BOM_UTF32_BE if width == "32" else codecs.BOM_UTF16_BE):
            return f"utf-{width}-be"
        return name if name.endswith(("-le", "-be")) else f"utf-{width}-le"
    return name


def decode(data: bytes, records: Sequence[Record]) -> tuple[str, str] | None:
    """(text, codec) of a file: the candidate encoding in which the records' texts are found,
    or None when no candidate decodes it losslessly."""
    head = data[:HEAD_BYTES]
    candidates: list[str] = []
    for guess in (detect_encoding(head), detect_encoding(head, CHINESE_ENCODINGS), "utf-8"):
        codec = _codec(data, guess)
        if codec not in candidates:
            candidates.append(codec)
    best: tuple[int, str, str] | None = None
    probes = [r.text[:40] for r in records if r.text.strip()][:50]
    for codec in candidates:
        try:
            text = data.decode(codec, errors="surrogateescape")
            if text.encode(codec, errors="surrogateescape") != data:
                continue
        except (UnicodeError, LookupError):
            continue
        score = sum(1 for p in probes if p in text or p.replace("\n", "\r\n") in text)
        if best is None or score > best[0]:
            best = (score, text, codec)
    return (best[1], best[2]) if best else None


def patch_file(data: bytes, records: Sequence[Record], starts: Iterable[int] = ()) -> Patched:
    """``data`` with the records' edits applied. ``starts``: first lines of every record of the
    file (redacted or not), which bound a line-based record."""
    out = Patched(None)
    decoded = decode(data, records)
    if decoded is None:
        out.failed = [(r.location, "the file's encoding cannot be written back losslessly") for r in records]
        return out
    doc, codec = decoded
    line_starts = [0] + [m.end() for m in _LINE_END.finditer(doc)]
    first_lines = sorted(set(starts) | {line for r in records if (line := split_location(r.location)[1])})
    changes: list[tuple[int, int, str]] = []
    # One pass per JSON document (the file, or one JSON Lines line) for all its pointers.
    by_doc: dict[int | None, list[Record]] = {}
    for r in records:
        by_doc.setdefault(split_location(r.location)[1], []).append(r)
    for line, group in by_doc.items():
        region = _region(doc, line, line_starts, first_lines)
        pointers = {p for r in group if (p := _span_pointer(r)) is not None}
        spans: dict[str, tuple[int, int]] = {}
        if pointers or (line is None and doc[region[0] : region[0] + 8].lstrip("\ufeff \t\r\n")[:1] in "[{"):
            try:
                doc_end = _line_end(doc, line, line_starts) if line is not None else None
                spans = locate(doc, pointers or {""}, region[0], doc_end)
            except (JsonSyntax, ValueError, IndexError, RecursionError):
                spans = {}
        for r in group:
            span = spans.get(_span_pointer(r) or "")
            if span is not None:
                found = _patch_json(doc, span, r)
            else:
                found = _patch_text(doc, region, r, every=line is None)
            if found is None:
                out.failed.append((r.location, "the redacted text was not found where the record lies"))
                continue
            changes.extend(found)
    if not changes:
        return out
    changes.sort()
    pieces: list[str] = []
    at = 0
    for start, end, new in changes:
        if start < at:
            continue  # overlaps a change already made (the same value found twice)
        pieces.append(doc[at:start])
        pieces.append(new)
        at = end
        out.values += 1
    pieces.append(doc[at:])
    out.data = "".join(pieces).encode(codec, errors="surrogateescape")
    return out


def _span_pointer(record: Record) -> str | None:
    """The JSON value a record is patched in: its message for a part (``scope``), else the
    object holding its field (see ``_holder``); None for a record without a pointer."""
    file, line, pointer = split_location(record.location)
    if pointer is None:
        return None
    if record.scope is not None:
        scope_file, scope_line, scope = split_location(record.scope)
        if (scope_file, scope_line) == (file, line):
            if scope is None:
                return ""
            if pointer.startswith(scope + "/"):
                return scope
    return _holder(pointer)


def _holder(pointer: str) -> str:
    """The object holding a field ("/0/files/0" for "/0/files/0/name"): the other fields of a
    file or an attachment repeat its name (Slack ``title``, Rocket.Chat ``title_link``), and
    they are patched with it. A pointer to an array item or to the document stays itself."""
    parent, _, last = pointer.rpartition("/")
    if not last or last.isdigit():
        return pointer
    return parent


def _line_end(doc: str, line: int | None, line_starts: list[int]) -> int:
    if line is None or line >= len(line_starts):
        return len(doc)
    return line_starts[line]


def _region(doc: str, line: int | None, line_starts: list[int], first_lines: list[int]) -> tuple[int, int]:
    """Character span of a record: from its first line to the next record's, or the file."""
    if line is None:
        return 0, len(doc)
    if line - 1 >= len(line_starts):
        return len(doc), len(doc)
    start = line_starts[line - 1]
    at = bisect.bisect_right(first_lines, line)
    following = first_lines[at] if at < len(first_lines) else None
    end = (
        line_starts[following - 1] if following is not None and following - 1 < len(line_starts) else len(doc)
    )
    return start, end


def _is_html(text: str) -> bool:
    return _HTML_TAG.search(text) is not None


_SPACE = r"(?:[ \t\r\n\u00a0\u202f]|&nbsp;|&#160;|&#xa0;|&#xA0;)"
_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def _loose(value: str) -> re.Pattern[str]:
    """``value`` as HTML may write it: any white space as a space, ``&nbsp;`` or U+00A0, the
    five special characters raw or as entities."""
    parts = []
    for ch in value:
        if ch.isspace():
            parts.append(_SPACE)
        elif ch in _ENTITY:
            parts.append(f"(?:{re.escape(ch)}|{re.escape(_ENTITY[ch])}|&#x?[0-9a-fA-F]+;)")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts))


@functools.lru_cache(maxsize=4096)
def _value_pattern(target: str, markup: bool) -> re.Pattern[str]:
    return _bounded(_loose(target).pattern if markup else re.escape(target))


@functools.lru_cache(maxsize=4096)
def _bounded(pattern: str) -> re.Pattern[str]:
    """``pattern`` not glued to an ASCII letter or digit (a value is not patched inside an id,
    a timestamp or a longer token that merely contains it)."""
    return re.compile(rf"(?<![A-Za-z0-9])(?:{pattern})(?![A-Za-z0-9])")


def _patch_json(doc: str, span: tuple[int, int], record: Record) -> list[tuple[int, int, str]] | None:
    """Changes for a record held in the JSON value at ``span``: the edits at their offsets in
    the string that holds the record's text, and each redacted value wherever else the
    record repeats it (Slack blocks, previews, quoted roots, Teams mentions), names that
    identify the record (``keep``) left alone."""
    tokens = []
    for start, end in string_tokens(doc, *span):
        raw = doc[start:end]
        try:
            value, offsets = decode_token(raw)
        except (JsonSyntax, ValueError, IndexError):
            continue
        tokens.append((start, raw, value, offsets))
    if span[1] > span[0] and doc[span[0]] == '"':
        tokens = tokens[:1]
    changes: list[tuple[int, int, str]] = []
    exact = False
    rest = []
    for start, raw, value, offsets in tokens:
        fixed = _unmojibake(value, offsets) if value != record.text else None
        if fixed is not None and fixed[0] == record.text:
            value, offsets = fixed
        if value != record.text:
            rest.append((start, raw, value, offsets))
            continue
        exact = True
        markup = record.markup or _is_html(value)
        changes.extend(
            (
                start + offsets[e.start],
                start + offsets[e.end],
                encode_like(html.escape(e.new, quote=False) if markup else e.new, raw),
            )
            for e in record.edits
        )
    for edit in record.edits:
        target = record.text[edit.start : edit.end]
        hit = False
        for start, raw, value, offsets in rest:
            if value in record.keep:
                continue
            markup = record.markup or _is_html(value)
            if not markup and target not in value:
                continue
            for m in _value_pattern(target, markup).finditer(value):
                new = html.escape(edit.new, quote=False) if markup else edit.new
                changes.append((start + offsets[m.start()], start + offsets[m.end()], encode_like(new, raw)))
                hit = True
        if not hit and not exact:
            tagged = _tagged_value(target, edit.new, rest, record)
            if tagged:
                changes.extend(tagged)
                continue
            split = _split_value(target, edit.new, rest, record.keep)
            if split is None:
                return None
            changes.extend(split)
    return changes


_TAG = re.compile(r"<[^<>]*>")


@functools.lru_cache(maxsize=1024)
def _tagged_pattern(target: str) -> re.Pattern[str]:
    """``target`` in HTML with formatting tags anywhere between its characters."""
    loose = [_loose(ch).pattern for ch in target]
    return _bounded("(?:<[^<>]*>)*".join(loose))


def _tagged_value(
    target: str, new: str, tokens: list[tuple[int, str, str, list[int]]], record: Record
) -> list[tuple[int, int, str]]:
    """Changes for a value an HTML body splits with tags ("139<em>1234</em>5678"): only the
    text between the tags is replaced, the tags stay."""
    changes: list[tuple[int, int, str]] = []
    for start, raw, value, offsets in tokens:
        if value in record.keep or "<" not in value or not (record.markup or _is_html(value)):
            continue
        for m in _tagged_pattern(target).finditer(value):
            at = 0
            segments = [(a, b) for a, b in _text_segments(m.start(), m.end(), value) if b > a]
            for n, (a, b) in enumerate(segments):
                size = len(html.unescape(value[a:b]))
                piece = new[at : at + size] if len(new) == len(target) else new if n == 0 else ""
                at += size
                escaped = html.escape(piece, quote=False)
                changes.append((start + offsets[a], start + offsets[b], encode_like(escaped, raw)))
    return changes


def _text_segments(start: int, end: int, value: str) -> Iterable[tuple[int, int]]:
    at = start
    for tag in _TAG.finditer(value, start, end):
        yield at, tag.start()
        at = tag.end()
    yield at, end


def _split_value(
    target: str, new: str, tokens: list[tuple[int, str, str, list[int]]], keep: frozenset[str]
) -> list[tuple[int, int, str]] | None:
    """Changes for a value the export splits over several strings (a Telegram message whose
    text mixes plain strings and formatted entities, "card " + bold "4305 1150" + " 4042…"):
    the end of one string, then whole strings, then the start of one, in document order,
    with at most ``_GAP`` strings between two pieces (the entity's ``type``). Every such
    chain is patched (the text and its ``text_entities`` copy); None when there is none."""
    found: list[tuple[int, int, str]] = []
    for i, (_, _, value, _) in enumerate(tokens):
        if value in keep:
            continue
        for cut in range(max(0, len(value) - len(target) + 1), len(value)):
            if target.startswith(value[cut:]):
                chain = _chain(target, cut, i, tokens)
                if chain is not None:
                    found.extend(_pieces(chain, new, len(target), tokens))
                break
    return found or None


_GAP = 2


def _chain(
    target: str, cut: int, first: int, tokens: list[tuple[int, str, str, list[int]]]
) -> list[tuple[int, int, int]] | None:
    """(token, start, end) pieces that spell ``target`` from ``tokens[first][cut:]`` on."""
    pieces = [(first, cut, len(tokens[first][2]))]
    at = len(tokens[first][2]) - cut
    i = first + 1
    while at < len(target):
        for j in range(i, min(i + _GAP + 1, len(tokens))):
            value = tokens[j][2]
            rest = target[at:]
            if value and rest.startswith(value):
                pieces.append((j, 0, len(value)))
                at += len(value)
                i = j + 1
                break
            if value and value.startswith(rest):
                pieces.append((j, 0, len(rest)))
                at += len(rest)
                i = j + 1
                break
        else:
            return None
    return pieces


def _pieces(
    chain: list[tuple[int, int, int]], new: str, length: int, tokens: list[tuple[int, str, str, list[int]]]
) -> Iterable[tuple[int, int, str]]:
    at = 0
    for n, (j, a, b) in enumerate(chain):
        start, raw, _, offsets = tokens[j]
        piece = new[at : at + b - a] if len(new) == length else new if n == 0 else ""
        at += b - a
        yield start + offsets[a], start + offsets[b], encode_like(piece, raw)


def _unmojibake(value: str, offsets: list[int]) -> tuple[str, list[int]] | None:
    """Meta's exports write UTF-8 bytes as one escaped character each ("\\u00c3\\u00a9" for
    "é"): the text as read, and where each of its characters starts in the token."""
    if value.isascii():
        return None
    try:
        fixed = value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None
    out: list[int] = []
    at = 0
    for ch in fixed:
        out.append(offsets[at])
        at += len(ch.encode("utf-8"))
    out.append(offsets[at])
    return fixed, out


# How a text may be written in a non-JSON container: each maps one character to its form.
_Encoder = Callable[[str], str]


def _plain(ch: str) -> str:
    return ch


def _csv(ch: str) -> str:
    return '""' if ch == '"' else ch


def _html(ch: str) -> str:
    return html.escape(ch, quote=True)


def _html_quot(ch: str) -> str:
    return {"'": "&#39;"}.get(ch) or html.escape(ch, quote=True)


def _js(ch: str) -> str:
    return json.dumps(ch)[1:-1]


def _js_ascii(ch: str) -> str:
    return json.dumps(ch, ensure_ascii=True)[1:-1]


_ENCODERS: tuple[tuple[_Encoder, str], ...] = (
    (_plain, "plain"),
    (_csv, "csv"),
    (_html, "html"),
    (_html_quot, "html"),
    (_js, "js"),
    (_js_ascii, "js"),
)


def _forms(text: str, newline: str) -> Iterable[tuple[str, list[int], str]]:
    """Each way ``text`` may be written: (written form, where each character starts, kind)."""
    seen: set[str] = set()
    for encoder, kind in _ENCODERS:
        for nl in dict.fromkeys((newline, "\n")):
            pieces = [nl if ch == "\n" and kind != "js" else encoder(ch) for ch in text]
            form = "".join(pieces)
            if form in seen:
                continue
            seen.add(form)
            offsets = [0]
            for p in pieces:
                offsets.append(offsets[-1] + len(p))
            yield form, offsets, kind


def _escape(new: str, kind: str, sample: str) -> str:
    if kind == "html":
        return html.escape(new, quote=True)
    if kind == "js":
        return encode_like(new, sample)
    if kind == "csv":
        return new.replace('"', '""')
    return new


def _patch_text(
    doc: str, region: tuple[int, int], record: Record, every: bool = False
) -> list[tuple[int, int, str]] | None:
    """Changes for a record in a line range of text, CSV, HTML or JS: where the record's text
    is (its last occurrence in the range, which is where a record's text lies after its
    header; with ``every``, for a record whose range is the whole file, each occurrence,
    as identical texts carry identical values), else each redacted value in the range."""
    start, end = region
    area = doc[start:end]
    newline = "\r\n" if "\r\n" in area else "\n"
    if record.text:
        for form, offsets, kind in _forms(record.text, newline):
            places = [m.start() for m in re.finditer(re.escape(form), area)] if every else [area.rfind(form)]
            places = [p for p in places if p >= 0]
            if not places:
                continue
            return [
                (start + p + offsets[e.start], start + p + offsets[e.end], _escape(e.new, kind, area))
                for p in places
                for e in record.edits
            ]
    changes: list[tuple[int, int, str]] = []
    for edit in record.edits:
        target = record.text[edit.start : edit.end]
        hit = False
        for form, _offsets, kind in _forms(target, newline):
            if not form or form in record.keep:
                continue
            for m in _bounded(re.escape(form)).finditer(area):
                changes.append((start + m.start(), start + m.end(), _escape(edit.new, kind, area)))
                hit = True
            if hit:
                break
        if not hit and _is_html(area):
            for m in _bounded(_loose(target).pattern).finditer(area):
                changes.append((start + m.start(), start + m.end(), html.escape(edit.new, quote=True)))
                hit = True
        if not hit:
            return None
    return changes
