"""Which recognizers can match a text: one multi-pattern scan instead of one regex per recognizer.

Every family recognizer declares a ``PREFILTER``: a regular expression that occurs in every text
it can report anything in, derived from its rules (token prefixes, key ids, keywords, the digits
a number needs). All of them compile into one database. Scanning a text once gives the set of
recognizers worth calling; the others are skipped, which is what their own ``analyze`` would
have decided after running their prefilter. A recognizer without a prefilter is called for every
text.

Engines:
- Hyperscan (the ``hyperscan`` package, where its wheel exists): the prefilters compile in
  prefilter mode (a construct it cannot match exactly, such as a lookbehind, is widened, never
  narrowed), UTF-8 with Unicode properties, one match per pattern reported. Its automata do
  not backtrack, so a scan is linear in the length of the text.
- ``re`` (the fallback, and for any pattern Hyperscan refuses): each prefilter is searched in
  turn, as the recognizers themselves would.

Either engine may report a recognizer that then finds nothing (Hyperscan's widened patterns, a
recognizer's own further gates); neither may leave out one whose prefilter matches the text.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)

_hyperscan: Any
try:  # pragma: no cover - depends on the platform's wheels
    import hyperscan as _hyperscan
except ImportError:  # pragma: no cover
    _hyperscan = None

ENGINES = ("hyperscan", "re")


def hyperscan_available() -> bool:
    """Whether the Hyperscan engine can be used on this platform."""
    return _hyperscan is not None


def patterns_of(recognizer: Any) -> tuple[re.Pattern[str], ...] | None:
    """What a text must contain for ``recognizer`` to find anything in it (any one of the patterns),
    or ``None``: it is called on every text.

    Family recognizers say it (``candidate_patterns``: their ``PREFILTER``, their rules, or what
    their own ``analyze`` reads); other recognizers by a ``PREFILTER`` attribute, if any.
    """
    derive = getattr(recognizer, "candidate_patterns", None)
    if callable(derive):
        found = derive()
        return tuple(found) if found is not None else None
    pattern = getattr(recognizer, "PREFILTER", None)
    return (pattern,) if isinstance(pattern, re.Pattern) else None


# Python spells code points \uXXXX and \UXXXXXXXX; Hyperscan (PCRE syntax) \x{...}. An escaped
# backslash before them is left alone.
_PY_CODEPOINT = re.compile(r"(?<!\\)((?:\\\\)*)\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")


# A bounded gap of any characters ("[\\s\\S]{0,80}?") costs Hyperscan a state per position (half a
# second to compile one such pattern); widened to an unbounded gap it costs nothing, and a prefilter
# may be wider than its pattern.
_BOUNDED_GAP = re.compile(r"\[\\s\\S\]\{0,[0-9]+\}\??")


def _hs_syntax(pattern: re.Pattern[str]) -> str:
    text = _PY_CODEPOINT.sub(lambda m: f"{m.group(1)}\\x{{{m.group(2) or m.group(3)}}}", pattern.pattern)
    text = _BOUNDED_GAP.sub(lambda m: "[\\s\\S]*", text)
    return "(?x)" + text if pattern.flags & re.VERBOSE else text


def _alternatives(expression: str) -> list[str]:
    """``expression`` cut at its top-level ``|`` (outside groups and character classes).

    Hyperscan compiles a long list of words written as one alternation several times slower
    than the same words as separate expressions (0.65 s against 0.11 s for 545 terms).
    Patterns that set inline flags for the whole expression, or are verbose, stay whole.
    """
    if expression.startswith("(?x)") or re.match(r"\(\?[aiLmsux]+\)", expression):
        return [expression]
    parts: list[str] = []
    depth = 0
    in_class = False
    start = 0
    i = 0
    while i < len(expression):
        ch = expression[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if expression[i + 1 : i + 2] == "]" or expression[i + 1 : i + 3] == "^]":
                i += 2 if expression[i + 1] == "]" else 3
                continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(expression[start:i])
            start = i + 1
        i += 1
    parts.append(expression[start:])
    return parts if all(parts) else [expression]


def _hs_flags(pattern: re.Pattern[str]) -> int:
    hs = _hyperscan
    assert hs is not None
    flags = int(hs.HS_FLAG_UTF8 | hs.HS_FLAG_UCP | hs.HS_FLAG_PREFILTER | hs.HS_FLAG_SINGLEMATCH)
    if pattern.flags & re.IGNORECASE:
        flags |= int(hs.HS_FLAG_CASELESS)
    if pattern.flags & re.DOTALL:
        flags |= int(hs.HS_FLAG_DOTALL)
    if pattern.flags & re.MULTILINE:
        flags |= int(hs.HS_FLAG_MULTILINE)
    return flags


# Compiled databases by their patterns: the analyzer's languages share their recognizers' patterns,
# and compiling costs a few tenths of a second.
_DATABASES: dict[tuple[tuple[str, int], ...], tuple[Any, tuple[int, ...]] | None] = {}


def _hs_database(patterns: list[tuple[int, re.Pattern[str]]]) -> Any:
    """A Hyperscan block-mode database of ``patterns`` with, for each of its expression ids, the
    position in ``patterns`` it stands for; or None if Hyperscan refuses one of them."""
    key = tuple((p.pattern, p.flags) for _, p in patterns)
    if key not in _DATABASES:
        _DATABASES[key] = _hs_compile(patterns)
    return _DATABASES[key]


def _hs_compile(patterns: list[tuple[int, re.Pattern[str]]]) -> tuple[Any, tuple[int, ...]] | None:
    hs = _hyperscan
    assert hs is not None
    # Each expression has an id of its own, and ``owners`` maps it to its pattern's position: ids
    # shared by many single-match expressions compile several times slower.
    expressions: list[bytes] = []
    owners: list[int] = []
    flags: list[int] = []
    for k, (_, p) in enumerate(patterns):
        for part in _alternatives(_hs_syntax(p)):
            expressions.append(part.encode("utf-8"))
            owners.append(k)
            flags.append(_hs_flags(p))
    db = hs.Database(mode=hs.HS_MODE_BLOCK)
    try:
        db.compile(expressions=expressions, ids=list(range(len(expressions))), flags=flags)
    except hs.error:
        return None
    return db, tuple(owners)


# Python's case-insensitive matching folds a few non-ASCII characters onto ASCII letters (the
# Kelvin sign onto k, the long s onto s, the dotted capital I onto i); Hyperscan does not. A text
# holding one of them is checked with ``re`` for the case-insensitive prefilters as well.
_FOLDS_TO_ASCII = re.compile("[\u212a\u017f\u0130\u0131\u212b]")


class Candidates:
    """The recognizers worth calling on a text, from one scan of all their prefilters.

    ``recognizers`` keep their order: ``scan`` returns a sub-sequence of them.
    """

    def __init__(
        self, recognizers: Sequence[Any], engine: str | None = None, others: Sequence[Any] = ()
    ) -> None:
        """``others``: recognizers another instance will scan for (another language's): one
        Hyperscan database of all their prefilters serves both, compiled once."""
        if engine is None:
            engine = "hyperscan" if hyperscan_available() else "re"
        if engine not in ENGINES:
            raise ValueError(f"unknown candidate engine {engine!r}; expected one of {', '.join(ENGINES)}")
        if engine == "hyperscan" and not hyperscan_available():
            raise ValueError("the hyperscan engine is not available on this platform")
        self.engine = engine
        self.recognizers: tuple[Any, ...] = tuple(recognizers)
        declared = [patterns_of(r) for r in self.recognizers]
        self.always: tuple[int, ...] = tuple(i for i, ps in enumerate(declared) if ps is None)
        gated = [(i, p) for i, ps in enumerate(declared) for p in ps or ()]
        self._db: Any = None
        # Hyperscan's scratch space serves one scan at a time, and scans release the GIL: each
        # thread (Dask runs several in a worker) scans with its own.
        self._scratch = threading.local()
        self._ok: list[tuple[int, re.Pattern[str]]] = []
        # Prefilters searched with re: all of them in the fallback, else those Hyperscan refused.
        self._re: list[tuple[int, re.Pattern[str]]] = []
        # Case-insensitive prefilters, re-checked with re when a text holds a folding character.
        self._caseless: list[tuple[int, re.Pattern[str]]] = []
        self._hs_owners: tuple[tuple[int, ...], ...] = ()
        if engine == "hyperscan":
            if not self._share(gated, [p for r in others for p in patterns_of(r) or ()]):
                self._compile(gated)
        else:
            self._re = gated

    def _share(self, gated: list[tuple[int, re.Pattern[str]]], extra: list[re.Pattern[str]]) -> bool:
        """Scan with one Hyperscan database of ``gated`` and ``extra``, each distinct prefilter
        once, in an order that does not depend on the instance: the instances made with each
        other as ``others`` share one database, compiled once. False if Hyperscan refuses one."""
        if not gated or not extra:
            return False
        mine: dict[tuple[str, int], list[int]] = {}
        for i, p in gated:
            mine.setdefault((p.pattern, p.flags), []).append(i)
        every = {(p.pattern, p.flags): p for _, p in gated}
        for p in extra:
            every.setdefault((p.pattern, p.flags), p)
        keys = sorted(every)
        made = _hs_database([(k, every[key]) for k, key in enumerate(keys)])
        if made is None:
            return False
        self._db, owners = made
        self._hs_owners = tuple(tuple(mine.get(keys[k], ())) for k in owners)
        self._ok = gated
        self._caseless = [(i, p) for i, p in gated if p.flags & re.IGNORECASE or "(?i" in p.pattern]
        return True

    def _compile(self, gated: list[tuple[int, re.Pattern[str]]]) -> None:
        hs = _hyperscan
        assert hs is not None
        ok = (
            gated if _hs_database(gated) is not None else [(i, p) for i, p in gated if _hs_database([(i, p)])]
        )
        refused = [(i, p) for i, p in gated if not any(p is q for _, q in ok)]
        for i, _ in refused:
            log.debug("prefilter of %s runs with re", getattr(self.recognizers[i], "name", i))
        self._re = refused
        self._caseless = [(i, p) for i, p in ok if p.flags & re.IGNORECASE or "(?i" in p.pattern]
        self._ok = ok
        if ok:
            self._db, owners = _hs_database(ok)
            self._hs_owners = tuple((ok[k][0],) for k in owners)

    def indices(self, text: str) -> list[int]:
        """Positions (in ``recognizers``) of the recognizers to call on ``text``, in order."""
        found = set(self.always)
        if self._db is not None:
            hits: list[int] = []

            def on_match(pid: int, start: int, end: int, flags: int, context: Any) -> None:
                hits.append(pid)

            scratch = getattr(self._scratch, "space", None)
            if scratch is None:
                scratch = self._scratch.space = _hyperscan.Scratch(self._db)
            # Surrogates never reach here (the analyzer scrubs them); "replace" keeps this total.
            self._db.scan(text.encode("utf-8", "replace"), match_event_handler=on_match, scratch=scratch)
            owners = self._hs_owners
            for h in hits:
                found.update(owners[h])
            if self._caseless and _FOLDS_TO_ASCII.search(text):
                found.update(i for i, p in self._caseless if i not in found and p.search(text))
        found.update(i for i, p in self._re if i not in found and p.search(text))
        return sorted(found)

    def scan(self, text: str) -> list[Any]:
        """The recognizers to call on ``text``, in their given order."""
        return [self.recognizers[i] for i in self.indices(text)]
