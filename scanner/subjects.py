"""Data subjects: the people whose data leaked, built from the findings.

A person is what ties findings together, message by message. In each text part of a
message with personal data:

- every PERSON found is a person (the same name twice is the same finding, so the same person);
- every other personal finding (an e-mail, a phone number, an ID number, a diagnosis …)
  belongs to the PERSON named nearest to it in that part; with no name there, to the
  participant who posted the message (what people post about themselves: "my number is …");
- a system message ("李强 joined the group") has no author to give it to, and the names of
  its member events are not findings: an identifier there stands alone (its own person),
  other data there belongs to nobody.

The links are kept in a union-find over keyed fingerprints (a finding's own, or the keyed
fingerprint of an author's name as a PERSON, so a participant named in another message is
the same person): memory grows with distinct findings and authors, not with messages.
Secrets, business markers and fraud are not people. A subject's id is keyed and stable
under the same fingerprint key; its label is masked.

Heuristic, stated: a message about a third person that does not name them is given to its
author, and two people sharing a name are one subject.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scanner.model import Category, Finding, Subject

PERSON = "PERSON"
# GDPR Art. 9 special categories, PIPL Art. 28 sensitive personal information (health,
# religion, specific identity documents, financial accounts) and HIPAA PHI.
SPECIAL = frozenset(
    {
        "HEALTH_INFO", "SPECIAL_CATEGORY", "MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_ID",
        "CN_RESIDENT_ID", "CN_PASSPORT", "CN_TRAVEL_PERMIT", "HK_ID", "TW_ID", "MO_ID",
        "CN_BANK_CARD", "CREDIT_CARD", "IBAN_CODE",
    }
)  # fmt: skip
# Personal data that does not by itself single someone out: it belongs to a person, or to nobody.
ABOUT_ONLY = frozenset(
    {"HEALTH_INFO", "SPECIAL_CATEGORY", "LOCATION", "DATE_OF_BIRTH", "IP_ADDRESS", "CN_LICENSE_PLATE"}
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A personal finding in one text part: its fingerprint, entity and where it starts."""

    fingerprint: str
    entity: str
    start: int


class Linker:
    """Union-find over fingerprints; authors' labels (masked) kept by their key."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self.labels: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._parent)

    def find(self, key: str) -> str:
        parent = self._parent.setdefault(key, key)
        root = key
        while parent != root:
            root, parent = parent, self._parent[parent]
        while key != root:  # path compression
            key, self._parent[key] = self._parent[key], root
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller key becomes the root: the result does not depend on message order.
            low, high = sorted((ra, rb))
            self._parent[high] = low

    def known(self, key: str) -> bool:
        return key in self._parent

    def part(self, mentions: Sequence[Mention], author: str | None, author_label: str = "") -> None:
        """Link one text part's personal findings (see the module docstring).

        ``author`` is the key of the participant who posted it, None for a system message
        or a name that is not a message's text."""
        if not mentions:
            return
        names = [m for m in mentions if m.entity == PERSON]
        for m in names:
            self.find(m.fingerprint)
        for m in mentions:
            if m.entity == PERSON:
                continue
            if names:
                nearest = min(names, key=lambda n: (abs(n.start - m.start), n.start))
                self.union(m.fingerprint, nearest.fingerprint)
            elif author is not None:
                if author not in self.labels:
                    self.labels[author] = author_label
                self.union(m.fingerprint, author)
            elif m.entity not in ABOUT_ONLY:
                self.find(m.fingerprint)


def subject_id(key: str) -> str:
    """A short stable id for a subject from the smallest keyed fingerprint in it."""
    return "S-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def build(findings: Iterable[Finding], linker: Linker) -> tuple[Subject, ...]:
    """The subjects of ``findings`` (those the linker knows), most findings first."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.category is not Category.PERSONAL or not linker.known(f.fingerprint):
            continue
        groups.setdefault(linker.find(f.fingerprint), []).append(f)
    # Authors' labels and keys by the root of their person (an author is no finding).
    authors: dict[str, str] = {}
    keys: dict[str, list[str]] = {}
    for key in sorted(linker.labels):
        root = linker.find(key)
        authors.setdefault(root, linker.labels[key])
        keys.setdefault(root, []).append(key)
    out = [
        _subject(root, members, authors.get(root), tuple(keys.get(root, ())))
        for root, members in groups.items()
    ]
    out.sort(key=lambda s: (not s.special, -len(s.identifiers), s.id))
    return tuple(out)


def _subject(root: str, members: list[Finding], author: str | None, keys: tuple[str, ...]) -> Subject:
    names = [f for f in members if f.entity_type == PERSON]
    if names:
        label = max(names, key=lambda f: (f.occurrence_count, f.preview)).preview
    elif author:
        label = author
    else:
        label = next((f.preview for f in members if f.entity_type not in ABOUT_ONLY), members[0].preview)
    stamps = sorted(o.timestamp for f in members for o in f.occurrences if o.timestamp)
    audiences = [o.audience for f in members for o in f.occurrences if o.audience is not None]
    conversations = sorted({o.conversation or o.conversation_id for f in members for o in f.occurrences})
    return Subject(
        id=subject_id(root),
        label=label,
        identifiers=tuple(f.id for f in members),
        categories=tuple(sorted({f.entity_type for f in members})),
        special=any(f.entity_type in SPECIAL for f in members),
        conversations=tuple(conversations),
        first_seen=stamps[0] if stamps else None,
        last_seen=stamps[-1] if stamps else None,
        audience=max(audiences) if audiences else None,
        fingerprints=keys,
    )
