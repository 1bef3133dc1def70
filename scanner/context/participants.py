"""Participants' names mentioned by others: PERSON values known from the export itself.

An export names the people in a conversation (authors of messages, and the member list where
the platform has one). When one of them is written out in someone else's message ("Rob
Example's number is …", "请联系李小明"), that is a person's name in the text, whether or not an
NER model would spot it (lower-case chat, Chinese, ``--no-ner``).

Not reported:
- an @mention (``@Jane``, ``<@U01JANE0P>``, ``<at>Jane</at>``, ``@张伟``): addressing a participant
  is how chat works, not a leak (their phone number next to it is, and other rules find that);
- the author's own name in their own message (a signature, "Jane here");
- names too short to be told from other text (fewer than 2 CJK characters or 3 Latin letters),
  names that are common words (Will, May, Support, 高峰), and names with digits or symbols
  (``jane_doe42``: handles are not names).

Matching: the full name as the export spells it (Latin letters case-insensitively, as whole
words); and, precision first, single parts of a multi-word Latin name only when capitalised in
the text, or in lower case right after a greeting or an addressing verb ("thanks rob", "ask
rob"), and not a common word ("Rob" of "Rob Example", never "May" of "May Chen"), at a lower
score. CJK names match anywhere (Chinese is written without spaces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from recognizers import validators
from scanner.analyzer import Detection
from scanner.context import ConversationState
from scanner.model import Message

SCORE_FULL = 0.7
SCORE_PART = 0.6
EXPLANATION = "name of a conversation participant (from the export)"
EXPLANATION_PART = "part of the name of a conversation participant (from the export)"

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_NAME = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:[ '\-.][A-Za-z\u00c0-\u024f]+)*")
_CJK_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·•]+")
_LATIN_PART = re.compile(r"[A-Z][a-z\u00e0-\u024f]{2,}(?:[-'][A-Z][a-z\u00e0-\u024f]+)?")
MAX_NAMES = 2_000  # a huge channel: the first names seen are matched, the rest ignored


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    words: set[str] = set()
    for lexicon in ("en_name_stopwords.txt", "name_common_words.txt", "password_stopwords.txt"):
        words.update(w.lower() for w in validators.lexicon(lexicon))
    words.update(validators.lexicon("zh_name_stopwords.txt"))
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class _Variant:
    text: str
    full: bool  # the whole name (else one part of a multi-word Latin name)
    owner: str  # the participant's whole name


def variants(name: str) -> tuple[_Variant, ...]:
    """The ways ``name`` is matched in text; empty when it is too short or a common word."""
    name = " ".join(name.split())
    out: list[_Variant] = []
    parts = name.split(" ")
    for part in parts:
        if _CJK.search(part):
            if _CJK_NAME.fullmatch(part) and len(part) >= 2 and part not in _common_words():
                out.append(_Variant(part, True, name))
        elif len(parts) == 1 and _LATIN_NAME.fullmatch(part) and _ok_latin(part):
            out.append(_Variant(part, True, name))
    latin = [p for p in parts if not _CJK.search(p)]
    if len(latin) >= 2 and all(_LATIN_NAME.fullmatch(p) for p in latin):
        whole = " ".join(latin)
        if sum(c.isalpha() for c in whole) >= 5:
            out.append(_Variant(whole, True, name))
        out.extend(_Variant(p, False, name) for p in latin if _LATIN_PART.fullmatch(p) and _ok_latin(p))
    return tuple(dict.fromkeys(out))


def _ok_latin(word: str) -> bool:
    return sum(c.isalpha() for c in word) >= 3 and word.lower() not in _common_words()


# A word after which a lower-case name is someone addressed or talked about ("thanks rob").
_CUE_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:hi|hey|hello|hiya|thanks|thank you|thx|ty|bye|dear|ask|tell|told|ping|pinged|cc"
    r"|call|called|text|email|emailed|message|poor|congrats|sorry)[ ,]+\Z"
)


@lru_cache(maxsize=512)
def _lower_parts(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """The parts of multi-word Latin names in lower case ("rob" of "Rob Example"), as whole words."""
    parts = sorted(
        {v.text.lower() for name in names for v in variants(name) if not v.full},
        key=len,
        reverse=True,
    )
    if not parts:
        return None
    return re.compile("(?<![A-Za-z0-9_@])(?:" + "|".join(map(re.escape, parts)) + ")(?![A-Za-z0-9_])")


@lru_cache(maxsize=512)
def _matcher(names: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, _Variant]]:
    """One alternation over every variant of ``names`` (longest first), and variant by lower-cased text."""
    table: dict[str, _Variant] = {}
    for name in names:
        for v in variants(name):
            key = v.text.lower()
            known = table.get(key)
            if known is None or (v.full and not known.full):
                table[key] = v
    if not table:
        return None, table
    alternatives = []
    for key in sorted(table, key=len, reverse=True):
        v = table[key]
        if _CJK.search(v.text):
            alternatives.append(re.escape(v.text))
        elif v.full:
            alternatives.append(f"(?i:{re.escape(v.text)})")
        else:
            alternatives.append(re.escape(v.text))  # a part: as written (capitalised)
    pattern = "(?<![A-Za-z0-9_@])(?:" + "|".join(alternatives) + ")(?![A-Za-z0-9_])"
    return re.compile(pattern), table


# <@U01JANE0P>, <@U01JANE0P|jane>, <at>Jane</at>, <@!1234> (Discord): inside a mention tag.
_TAG_OPEN = re.compile(r"<(?:@|at>|#)")


def _inside_mention(text: str, start: int) -> bool:
    if start > 0 and text[start - 1] in "@＠":
        return True
    lt = text.rfind("<", 0, start)
    if lt < 0 or not _TAG_OPEN.match(text, lt):
        return False
    gt = text.find(">", lt + 1)
    if text.startswith("<at>", lt):
        return text.find("</at>", lt) >= start
    return gt < 0 or gt >= start


def _mention_spans(text: str, table: dict[str, _Variant]) -> list[tuple[int, int]]:
    """Spans of "@" followed by a participant's whole name (a display name may hold spaces)."""
    spans = []
    lowered = text.lower()
    for at in (i for i, c in enumerate(text) if c in "@＠"):
        longest = max(
            (len(k) for k, v in table.items() if v.full and lowered.startswith(k, at + 1)), default=0
        )
        if longest:
            spans.append((at, at + 1 + longest))
    return spans


class ParticipantNames:
    """PERSON: a conversation participant's name written out by somebody else."""

    name = "participants"

    def detect(self, message: Message, state: ConversationState, found: list[Detection]) -> list[Detection]:
        text = message.text
        if not text or not state.participants:
            return []
        own = " ".join(message.author.name.split()).lower() if message.author.name else ""
        names = tuple(
            sorted(
                {
                    n
                    for pid, n in list(state.participants.items())[:MAX_NAMES]
                    if n and pid != message.author.id and " ".join(n.split()).lower() != own
                }
            )
        )
        if not names:
            return []
        pattern, table = _matcher(names)
        if pattern is None:
            return []
        own_parts = {p for p in own.split(" ") if p}
        mentions = _mention_spans(text, table)
        out: list[Detection] = []
        for m in pattern.finditer(text):
            variant = table.get(m.group(0).lower())
            if variant is None or _inside_mention(text, m.start()):
                continue
            if any(a <= m.start() < b for a, b in mentions):
                continue  # "@Jane Placeholder": the second word is still part of the mention
            if not variant.full and m.group(0).lower() in own_parts:
                continue  # the author's own first name, shared with another participant's
            out.append(
                Detection(
                    entity="PERSON",
                    start=m.start(),
                    end=m.end(),
                    score=SCORE_FULL if variant.full else SCORE_PART,
                    explanation=EXPLANATION if variant.full else EXPLANATION_PART,
                    recognizer="ParticipantNames",
                )
            )
        out.extend(self._after_cue(text, names, own_parts, {(d.start, d.end) for d in out}))
        return out

    @staticmethod
    def _after_cue(
        text: str, names: tuple[str, ...], own_parts: set[str], seen: set[tuple[int, int]]
    ) -> list[Detection]:
        """A lower-case part of a participant's name right after a greeting or an addressing verb."""
        lower = _lower_parts(names)
        if lower is None:
            return []
        out = []
        for m in lower.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in seen) or m.group(0) in own_parts:
                continue
            if not _CUE_BEFORE.search(text[max(0, m.start() - 12) : m.start()].lower()):
                continue
            out.append(
                Detection(
                    entity="PERSON",
                    start=m.start(),
                    end=m.end(),
                    score=SCORE_PART,
                    explanation=EXPLANATION_PART,
                    recognizer="ParticipantNames",
                )
            )
        return out
