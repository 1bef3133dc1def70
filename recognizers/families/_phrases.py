"""Phrase lexicons: grouped, marked terms compiled into one matcher (a helper, not a family).

The business and fraud families read lexicons of phrases rather than tokens ("internal use
only", "把验证码发给我"). Their data files share one format:

- ``# category: NAME`` or ``# cue: NAME`` starts a group; every term belongs to the group above it.
- A term may start with a mark: ``! term`` or ``? term`` (what a mark means is the family's
  business: "strong on its own", "only in marker form" …); no mark is the plain kind.
- ``…`` inside a term stands for a few words of anything in the same clause ("buy … gift
  cards" matches "buy 3 Apple gift cards"): up to four words in Latin script, up to twelve
  characters in Chinese, never across sentence punctuation.
- Latin terms match case-insensitively as whole words, never inside identifiers
  (CONFIDENTIAL_LEVEL); a space also matches runs of blanks and a hyphen ("do-not-forward"),
  and an apostrophe is optional ("Im in a meeting"). Chinese terms match anywhere, as Chinese
  is written without spaces.

Matching runs left to right without overlaps, and the longest term that matches at a place
wins ("strictly confidential" over "confidential"). Every quantifier is bounded, so matching
is linear in the length of the message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9\s]")
_GAP_LATIN = r"(?:[ \t]+[^\s.!?;,:。！？；，]{1,24}){0,4}[ \t]+"
_GAP_HAN = r"[^\n.!?;,。！？；，]{0,12}?"
_APOSTROPHES = ("'", "’")


@dataclass(frozen=True, slots=True)
class Term:
    """One lexicon line: its text (without the mark), group kind and name, and mark."""

    text: str
    kind: str  # "category" | "cue"
    group: str
    mark: str  # "!" | "?" | ""
    source: str  # the lexicon file, for error messages


@dataclass(frozen=True, slots=True)
class Hit:
    term: Term
    start: int
    end: int


def load(*names: str) -> tuple[Term, ...]:
    """Terms of ``recognizers/lexicons/<name>`` files, in file order; a malformed file raises."""
    terms: list[Term] = []
    for name in names:
        text = resources.files("recognizers").joinpath("lexicons", name).read_text("utf-8")
        kind = group = ""
        for raw in text.splitlines():
            line = raw.strip()
            header = re.fullmatch(r"#[ ]*(category|cue):[ ]*([a-z_]+)", line)
            if header:
                kind, group = header.group(1), header.group(2)
                continue
            if not line or line.startswith("#"):
                continue
            if not group:  # a malformed lexicon is a bug in the package, not in the input
                raise ValueError(f"{name}: term before the first '# category:' or '# cue:' line")
            mark = line[0] if line[:2] in ("! ", "? ") else ""
            body = line[2:].strip() if mark else line
            terms.append(Term(body, kind, group, mark, name))
    return tuple(terms)


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def first_piece(text: str) -> str:
    """A term up to its first ``…``: every match of the term starts with a match of this."""
    return text.split("…", 1)[0].strip()


def term_pattern(text: str) -> str:
    """The regular expression for one lexicon term (see the module docstring)."""
    pieces = [p.strip() for p in text.split("…")]
    if any(not p for p in pieces):
        raise ValueError(f"empty piece around '…' in lexicon term {text!r}")
    han = has_han(text)
    parts: list[str] = []
    for i, piece in enumerate(pieces):
        if i:
            parts.append(_GAP_HAN if han else _GAP_LATIN)
        parts.append(_piece_pattern(piece))
    # Identifiers are not words: CONFIDENTIAL_LEVEL and safe_account_id hold no marker or phrase.
    left = "(?<![A-Za-z0-9_])" if text[:1].isascii() and text[:1].isalnum() else ""
    right = "(?![A-Za-z0-9_])" if text[-1:].isascii() and text[-1:].isalnum() else ""
    return left + "".join(parts) + right


def _piece_pattern(piece: str) -> str:
    """One piece of a term: Chinese literally; Latin words joined by blanks or hyphens."""
    if not re.search(r"[A-Za-z0-9]", piece):
        return re.escape(piece)
    out: list[str] = []
    prev: re.Match[str] | None = None
    for tok in _TOKEN.finditer(piece.replace("-", " ")):
        value = tok.group(0)
        apostrophe = value in _APOSTROPHES
        if prev is not None and not apostrophe and prev.group(0) not in _APOSTROPHES:
            if not (prev.group(0)[-1].isalnum() and value[0].isalnum()):
                out.append(r"[ \t]*")  # around a symbol: "privileged & confidential", "TLP:RED"
            elif prev.end() < tok.start():
                out.append(r"[ \t\-–]+")  # between words: blanks or a hyphen
            # else: Latin glued to Chinese inside a term (ETC卡): nothing between
        out.append("['’]?" if apostrophe else re.escape(value))
        prev = tok
    return "".join(out)


class Matcher:
    """All terms of a lexicon, matched left to right without overlaps; longer terms win.

    One alternation of hundreds of terms costs Python's regex engine a try of every term at
    every position. Instead a cheap finder yields the places where a term can start (a Latin
    word that some term starts with, a Chinese character that some term starts with), and only
    the few terms keyed on that word or character are tried there.
    """

    def __init__(self, terms: tuple[Term, ...]) -> None:
        ordered = sorted(terms, key=lambda t: len(t.text.replace("…", "")), reverse=True)
        self.terms = tuple(ordered)
        by_key: dict[str, list[tuple[Term, re.Pattern[str]]]] = {}
        for term in ordered:
            compiled = (term, re.compile(term_pattern(term.text), re.IGNORECASE))
            for key in _keys(term.text):
                by_key.setdefault(key, []).append(compiled)
        self._by_key = {k: tuple(v) for k, v in by_key.items()}
        han_first = sorted(k for k in by_key if _HAN.match(k))
        self._finder = re.compile(
            "[A-Za-z0-9]+" + ("|[" + "".join(re.escape(c) for c in han_first) + "]" if han_first else "")
        )

    def hits(self, text: str) -> Iterator[Hit]:
        done = 0
        for found in self._finder.finditer(text):
            start = found.start()
            if start < done:
                continue
            for term, pattern in self._by_key.get(found.group(0).lower(), ()):
                m = pattern.match(text, start)
                if m is not None:
                    yield Hit(term, start, m.end())
                    done = m.end()
                    break


def _keys(text: str) -> tuple[str, ...]:
    """What a term starts with: its first Latin word (lower case) or its first Chinese character.

    A first word with an apostrophe has two keys, as the apostrophe is optional: "I'm" is
    found from "I" (I'm, I’m) and from "Im".
    """
    first = re.match(r"([A-Za-z0-9]+)(?:['’]([A-Za-z]+))?|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", text)
    if first is None:
        raise ValueError(f"lexicon term must start with a letter, digit or Chinese character: {text!r}")
    if first.group(2):
        return first.group(1).lower(), (first.group(1) + first.group(2)).lower()
    return (first.group(0).lower(),)
