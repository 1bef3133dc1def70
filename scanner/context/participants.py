"""Participants' names mentioned by others: PERSON values known from the export itself.

An export names the people in a conversation (authors of messages, and the member list where
the platform has one). When one of them is written out in someone else's message ("Rob
Example's number is …", "请联系李小明"), that is a person's name in the text, whether or not an
NER model would spot it (lower-case chat, Chinese, ``--no-ner``).

Not reported here:
- an @mention (``@Jane``, ``<@U01JANE0P>``, ``<at>Jane</at>``, ``@张伟``): addressing a participant
  is how chat works, not a leak (their phone number next to it is, and other rules find that);
  ``MemberMentions`` below reports a mention only when the export's member list resolves its
  handle to a person's real name the text does not show;
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
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

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


@lru_cache(maxsize=65_536)
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


def _table(names: tuple[str, ...]) -> dict[str, _Variant]:
    """Variant by lower-cased text over ``names`` (a whole name wins over a part of another)."""
    table: dict[str, _Variant] = {}
    for name in names:
        for v in variants(name):
            key = v.text.lower()
            known = table.get(key)
            if known is None or (v.full and not known.full):
                table[key] = v
    return table


@lru_cache(maxsize=256)
def _full_table(names: tuple[str, ...]) -> dict[str, _Variant]:
    return _table(names)


# re's case-insensitive matching pairs these with "i" and "s" where str.lower() does not (the
# only such letters in the Latin ranges names are matched in): folded alike, a name matched
# case-insensitively is exactly a span whose folded form is the folded name.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
_BEFORE_NAME = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@")
_AFTER_NAME = _BEFORE_NAME - {"@"}


def fold(text: str) -> str:
    """``text`` case-folded as names are compared, one character for one."""
    return text.translate(_FOLD).lower()


def _spans(text: str, folded: str, table: dict[str, _Variant]) -> list[tuple[int, int]]:
    """Where the variants in ``table`` are written as whole words, leftmost first, no overlaps.

    What one alternation of them, longest first, would find: a CJK name or a part of a
    Latin name as written, a whole Latin name in any case; not right after a letter, digit,
    "_" or "@", nor right before a letter, digit or "_".
    """
    order = sorted(table, key=len, reverse=True)
    starts: dict[int, list[int]] = {}
    for rank, key in enumerate(order):
        wanted = fold(table[key].text)
        at = folded.find(wanted)
        while at >= 0:
            starts.setdefault(at, []).append(rank)
            at = folded.find(wanted, at + 1)
    out: list[tuple[int, int]] = []
    done = 0
    for at in sorted(starts):
        if at < done or (at > 0 and text[at - 1] in _BEFORE_NAME):
            continue
        for rank in starts[at]:
            v = table[order[rank]]
            end = at + len(v.text)
            if end < len(text) and text[end] in _AFTER_NAME:
                continue
            if (not v.full or _CJK.search(v.text)) and not text.startswith(v.text, at):
                continue  # CJK names and parts of Latin names match as written
            out.append((at, end))
            done = end
            break
    return out


def _lower_spans(text: str, parts: set[str]) -> list[tuple[int, int]]:
    """Where the lower-case ``parts`` are written as whole words, leftmost first, no overlaps."""
    starts: dict[int, int] = {}
    for part in parts:
        at = text.find(part)
        while at >= 0:
            starts[at] = max(starts.get(at, 0), len(part))
            at = text.find(part, at + 1)
    out: list[tuple[int, int]] = []
    done = 0
    for at in sorted(starts):
        if at < done or (at > 0 and text[at - 1] in _BEFORE_NAME):
            continue
        for length in sorted({len(p) for p in parts if text.startswith(p, at)}, reverse=True):
            end = at + length
            if end < len(text) and text[end] in _AFTER_NAME:
                continue
            out.append((at, end))
            done = end
            break
    return out


# Past this many folded variants a conversation's names are looked up by their first two characters.
_SCAN_ALL = 24


@dataclass(slots=True)
class NameIndex:
    """Every way a conversation's participants can be written, folded, with who they are.

    Most messages name nobody: one look-up says so. A message that does is matched against the
    few participants whose names are in it, never against every member of a big channel.
    Follows ``ConversationState.participants`` as it grows (participants are only added).
    """

    indexed: int = 0
    # folded variant -> (position in participants, participant id, display name)
    entries: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    by_head: dict[str, list[str]] = field(default_factory=dict)

    def sync(self, participants: dict[str, str]) -> None:
        if self.indexed == len(participants):
            return
        for position, (pid, name) in enumerate(
            islice(participants.items(), self.indexed, None), start=self.indexed
        ):
            if not name:
                continue
            # the lower-cased form too: a part is also matched as lower-cased ("thanks rob")
            texts = {fold(t) for v in variants(name) for t in (v.text, v.text.lower())}
            for text in texts:
                known = self.entries.get(text)
                if known is None:
                    known = self.entries[text] = []
                    self.by_head.setdefault(text[:2], []).append(text)
                known.append((position, pid, name))
        self.indexed = len(participants)

    def present(self, folded: str) -> list[str]:
        """The folded variants written in ``folded`` (a ``fold``-ed text), anywhere."""
        if len(self.entries) <= _SCAN_ALL:
            return [t for t in self.entries if t in folded]
        heads = self.by_head
        return [
            t
            for head in set(map(str.__add__, folded, folded[1:])).intersection(heads)
            for t in heads[head]
            if t in folded
        ]


def name_index(state: ConversationState) -> NameIndex:
    """The state's ``NameIndex``, brought up to date."""
    index = state.memo.get("names")
    if not isinstance(index, NameIndex):
        index = state.memo["names"] = NameIndex()
    index.sync(state.participants)
    return index


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
        index = name_index(state)
        folded = fold(text)
        present = index.present(folded)
        if not present:
            return []  # nobody's name is written here
        own = " ".join(message.author.name.split()).lower() if message.author.name else ""

        def other(position: int, pid: str, name: str) -> bool:
            return position < MAX_NAMES and pid != message.author.id and " ".join(name.split()).lower() != own

        # Only the participants whose names are written here: the others cannot match.
        names = tuple(sorted({n for t in present for p, pid, n in index.entries[t] if other(p, pid, n)}))
        if not names:
            return []
        table = _table(names)
        own_parts = {p for p in own.split(" ") if p}
        mentions: list[tuple[int, int]] = []
        if "@" in text or "＠" in text:
            everyone = tuple(
                sorted({n for p, (pid, n) in enumerate(state.participants.items()) if n and other(p, pid, n)})
            )
            mentions = _mention_spans(text, _full_table(everyone))
        out: list[Detection] = []
        for start, end in _spans(text, folded, table):
            written = text[start:end]
            variant = table.get(written.lower())
            if variant is None or _inside_mention(text, start):
                continue
            if any(a <= start < b for a, b in mentions):
                continue  # "@Jane Placeholder": the second word is still part of the mention
            if not variant.full and written.lower() in own_parts:
                continue  # the author's own first name, shared with another participant's
            out.append(
                Detection(
                    entity="PERSON",
                    start=start,
                    end=end,
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
        parts = {v.text.lower() for name in names for v in variants(name) if not v.full}
        out = []
        for start, end in _lower_spans(text, parts) if parts else ():
            if any(a < end and start < b for a, b in seen) or text[start:end] in own_parts:
                continue
            if not _CUE_BEFORE.search(text[max(0, start - 12) : start].lower()):
                continue
            out.append(
                Detection(
                    entity="PERSON",
                    start=start,
                    end=end,
                    score=SCORE_PART,
                    explanation=EXPLANATION_PART,
                    recognizer="ParticipantNames",
                )
            )
        return out


# --- mentions resolved through the export's member directory ---------------------------

EXPLANATION_MENTION = "mention of a member whose real name is in the export's member list"
SCORE_MENTION = 0.7

# Mentions that address a group, never one person, whatever the member list says.
_ROLE_HANDLES = frozenset(
    ["channel", "here", "everyone", "all", "group", "room", "team", "所有人", "全体成员", "全体"]
)
# Words that make a "real name" an account of a service or a team, not a person.
_NOT_A_PERSON = frozenset(
    [
        *("bot", "robot", "team", "support", "admin", "administrator", "service", "system"),
        *("notifications", "notification", "alerts", "alert", "integration", "app", "helpdesk"),
        *("noreply", "no-reply", "webhook", "ops", "devops", "hr", "it", "sales", "info"),
        *("机器人", "助手", "客服", "管理员", "团队", "小组", "系统", "通知", "服务"),
    ]
)
_CJK_PERSON = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff]{2,4}|[\u3400-\u4dbf\u4e00-\u9fff]{2,8}[·•][\u3400-\u4dbf\u4e00-\u9fff]{2,8}"
)
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'\-.]*")
# Slack <@U01JANE0P> or <@U01JANE0P|jane>; Discord's raw <@123> and <@!123>.
_ID_MENTION = re.compile(r"<@!?([A-Za-z0-9][A-Za-z0-9_.\-]{0,63})(?:\|([^<>|\n]{1,80}))?>")
# Zulip @**Jane Placeholder**, @**Jane Placeholder|123**, silent @_**…**.
_ZULIP_MENTION = re.compile(r"@_?\*\*([^*|\n]{1,80})(?:\|(\d{1,12}))?\*\*")
# Teams <at>Jane</at> (the label is the member's display name).
_AT_TAG = re.compile(r"<at(?:\s[^<>]{0,80})?>([^<>\n]{1,80})</at>")
# "@" that starts a mention: not glued to a word before it (an email's local part).
_AT_SIGN = re.compile(r"(?<![A-Za-z0-9_.+\-])[@＠]")
_HANDLE_CHAR = re.compile(r"[A-Za-z0-9_\-]")
MAX_HANDLE = 64


def _normal(value: str) -> str:
    """Lower case, separators (``.``, ``_``, ``-``, spaces) as one space; none between CJK."""
    value = re.sub(r"[\s._\-·•]+", " ", value.strip().lower()).strip()
    return re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", value)


def person_like(name: str) -> bool:
    """True for a name that looks like a person's: two or more words, or a Chinese name.

    Not a service or team account ("Build Bot", "IT Support", "值班机器人"), not a name with
    digits, not a single word ("Jane": a first name alone does not say who).
    """
    name = " ".join(name.split())
    if not name or any(c.isdigit() for c in name):
        return False
    words = name.split(" ")
    if any(w.lower().strip(".") in _NOT_A_PERSON for w in words) or any(
        t in name for t in _NOT_A_PERSON if _CJK.search(t)
    ):
        return False
    if any(_CJK_PERSON.fullmatch(w) and w not in _common_words() for w in words):
        return True
    latin = [w for w in words if _LATIN_WORD.fullmatch(w)]
    if len(latin) != len(words) or len(latin) < 2:
        return False
    substantial = [w for w in latin if sum(c.isalpha() for c in w) >= 2]
    return len(substantial) >= 2 and not all(w.lower() in _common_words() for w in substantial)


@dataclass(frozen=True, slots=True)
class _Directory:
    names: dict[str, str]  # normalised handle or id -> real name
    longest: int  # the longest handle, in characters


def directory(handles: tuple[tuple[str, str], ...]) -> _Directory:
    """Handles that resolve to a person's name, and say more than the name itself.

    A handle that is the name spelled as a handle (``@john.smith`` for John Smith, ``@张小娴``)
    adds nothing to what the text shows: a mention written as the name stays an ordinary
    mention. A handle given for two different names is ambiguous and dropped.
    """
    names: dict[str, str] = {}
    ambiguous: set[str] = set()
    for handle, name in handles:
        key = _normal(handle)
        if not key or key in _ROLE_HANDLES or key == _normal(name) or not person_like(name):
            continue
        name = " ".join(name.split())
        if names.get(key, name) != name:
            ambiguous.add(key)
        names[key] = name
    for key in ambiguous:
        del names[key]
    return _Directory(names, max((len(k) for k in names), default=0))


@lru_cache(maxsize=256)
def _small_directory(handles: tuple[tuple[str, str], ...]) -> _Directory:
    return directory(handles)


class MemberMentions:
    """PERSON: a mention the export's member list resolves to a member's real name.

    ``@jdoe`` alone is a nickname; when the export's own directory says jdoe is Jane Doe
    (Slack ``users.json``, Mattermost users, a generic member object), the mention points at
    a named person as plainly as writing "Jane Doe" would. The value is the mention as
    written (``@jdoe``, ``<@U01JANE0P>``); the name is never put in the explanation.

    Not reported: handles the directory does not know, group mentions (@channel, @here,
    @所有人 …), service and bot accounts, names that are not a person's (one word, team
    names), handles that are the name itself (see ``directory``), and the author mentioning
    themselves (join notices, "assigned to <@me>": their name is the author field already).
    """

    name = "member-mentions"

    def __init__(self) -> None:
        # Directories of big shared tuples (a Slack workspace), by identity; the tuple is
        # kept so its id cannot be reused while cached.
        self._by_id: dict[int, tuple[tuple[tuple[str, str], ...], _Directory]] = {}

    def _directory(self, handles: tuple[tuple[str, str], ...]) -> _Directory:
        if len(handles) <= 64:
            return _small_directory(handles)
        hit = self._by_id.get(id(handles))
        if hit is not None and hit[0] is handles:
            return hit[1]
        if len(self._by_id) >= 8:
            self._by_id.pop(next(iter(self._by_id)))
        built = directory(handles)
        self._by_id[id(handles)] = (handles, built)
        return built

    def detect(self, message: Message, state: ConversationState, found: list[Detection]) -> list[Detection]:
        text = message.text
        handles = message.conversation.handles
        if not text or not handles or not any(c in text for c in "@＠<"):
            return []
        book = self._directory(handles)
        if not book.names:
            return []
        own = {
            book.names.get(_normal(v), " ".join(v.split()))
            for v in (message.author.id, message.author.name)
            if v
        }
        out: list[Detection] = []
        for start, end, name in self._mentions(text, book):
            if name in own:
                continue
            out.append(
                Detection(
                    entity="PERSON",
                    start=start,
                    end=end,
                    score=SCORE_MENTION,
                    explanation=EXPLANATION_MENTION,
                    recognizer="MemberMentions",
                )
            )
        return out

    @staticmethod
    def _mentions(text: str, book: _Directory) -> list[tuple[int, int, str]]:
        """(start, end, real name) of every resolvable mention, tags first, no overlaps."""
        out: list[tuple[int, int, str]] = []
        taken: list[tuple[int, int]] = []

        def add(start: int, end: int, name: str | None, label: str | None = None) -> None:
            if name is None or (label is not None and _normal(label) in (_normal(name), *_ROLE_HANDLES)):
                return
            out.append((start, end, name))

        for m in _ID_MENTION.finditer(text):
            taken.append(m.span())
            add(m.start(), m.end(), book.names.get(_normal(m.group(1))), m.group(2))
        for m in _ZULIP_MENTION.finditer(text):
            taken.append(m.span())
            key = m.group(2) or m.group(1)
            add(m.start(), m.end(), book.names.get(_normal(key)), m.group(1))
        for m in _AT_TAG.finditer(text):
            taken.append(m.span())
            add(m.start(), m.end(), book.names.get(_normal(m.group(1))))
        for m in _AT_SIGN.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            hit = _longest_handle(text, m.end(), book)
            if hit is not None:
                add(m.start(), hit[0], hit[1])
        return sorted(out)


def _longest_handle(text: str, begin: int, book: _Directory) -> tuple[int, str] | None:
    """(end, real name) of the longest known handle written from ``begin``, as a whole handle.

    A Latin handle must end where the handle does ("@jane" is not the start of
    "@janet" or "@jane.doe"); a CJK one may run into the text after it.
    """
    limit = min(len(text), begin + min(book.longest + 2, MAX_HANDLE))
    for end in range(limit, begin, -1):
        last = text[end - 1]
        if last.isspace() or (not last.isalnum() and last != "_"):
            continue
        if not _CJK.match(last) and end < len(text):
            after = text[end]
            if _HANDLE_CHAR.match(after) or (
                after == "." and end + 1 < len(text) and _HANDLE_CHAR.match(text[end + 1])
            ):
                continue
        if "\n" in text[begin:end]:
            continue
        key = _normal(text[begin:end])
        name = book.names.get(key)
        if name is not None and key not in _ROLE_HANDLES:
            return end, name
    return None
