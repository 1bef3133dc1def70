"""Allow-lists: values, patterns, authors and conversations that never become findings.

Written in the config file under ``[allow]`` (for every entity type) and ``[allow.TYPE]``
(for one type only)::

    [allow]
    values = ["jane.placeholder@example.org"]      # plain values, matched in canonical form
    fingerprints = ["3f2a…"]                       # keyed fingerprints copied from a report
    patterns = ['@example\\.(com|org)$']           # regular expressions searched in the value
    authors = ["deploy-bot"]                       # author ids or display names
    conversations = ["C0123", "random"]            # conversation ids or names

    [allow.PHONE_NUMBER]
    values = ["+86 138 0013 8000"]

Plain values are the user's own words: they are compared through their keyed fingerprints
and never written into a report, a log or a checkpoint; the report counts what was allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.masking import fingerprint
from scanner.model import Author, Conversation

# What an allow-list section may hold. ``fingerprints`` are the 32 hex digits a report shows.
_LISTS = ("values", "fingerprints", "patterns", "authors", "conversations")
_FINGERPRINT = re.compile(r"[0-9a-f]{32}")
# A pattern is the user's own, but one that cannot compile, or that takes a whole line of
# regex syntax to say, is more likely a mistake than an intent.
MAX_PATTERN = 500
MAX_ITEMS = 10_000


@dataclass(frozen=True, slots=True)
class Rules:
    """One section of the allow-list: for every entity type, or for one.

    Sorted tuples, not sets, so that the settings' ``repr`` is the same in every process
    (a resumed scan compares digests of it).
    """

    values: tuple[str, ...] = ()
    fingerprints: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    authors: tuple[str, ...] = ()  # casefolded
    conversations: tuple[str, ...] = ()  # casefolded, without a leading "#"

    def __bool__(self) -> bool:
        return bool(self.values or self.fingerprints or self.patterns or self.authors or self.conversations)


@dataclass(frozen=True, slots=True)
class AllowList:
    """The whole allow-list: ``common`` for every type, ``by_entity`` per type (pairs, sorted)."""

    common: Rules = Rules()
    by_entity: tuple[tuple[str, Rules], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.common) or any(self.by_entity)

    def rules_for(self, entity: str) -> tuple[Rules, ...]:
        own = [r for e, r in self.by_entity if e == entity]
        return (self.common, *own)

    def counts(self) -> dict[str, int]:
        """How many items of each kind (the report records counts, never the items)."""
        sections = (self.common, *(r for _, r in self.by_entity))
        return {
            "values": sum(len(r.values) for r in sections),
            "fingerprints": sum(len(r.fingerprints) for r in sections),
            "patterns": sum(len(r.patterns) for r in sections),
            "authors": sum(len(r.authors) for r in sections),
            "conversations": sum(len(r.conversations) for r in sections),
            "entity_types": len(self.by_entity),
        }


def parse(table: Any, known_entities: Iterable[str] = ()) -> AllowList:
    """The ``[allow]`` table of a config file; ``ValueError`` naming what is wrong."""
    if not isinstance(table, Mapping):
        raise ValueError("must be a table in the config file ([allow])")
    known = set(known_entities)
    common: dict[str, Any] = {}
    per: list[tuple[str, Rules]] = []
    for key, value in table.items():
        if key in _LISTS:
            common[key] = value
        elif isinstance(value, Mapping):
            if known and key not in known:
                raise ValueError(f"unknown entity type '{key}' in [allow.{key}] (see 'chatsweep rules')")
            per.append((str(key), _rules(value, f"allow.{key}")))
        else:
            raise ValueError(
                f"unknown key '{key}' in [allow]; use {', '.join(_LISTS)} or [allow.ENTITY_TYPE]"
            )
    return AllowList(_rules(common, "allow"), tuple(sorted(per, key=lambda p: p[0])))


def _rules(table: Mapping[str, Any], where: str) -> Rules:
    lists: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        if key not in _LISTS:
            raise ValueError(f"unknown key '{key}' in [{where}]; use {', '.join(_LISTS)}")
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"[{where}] {key} must be a list of strings")
        if len(items) > MAX_ITEMS:
            raise ValueError(f"[{where}] {key} has more than {MAX_ITEMS} items")
        lists[key] = tuple(i.strip() for i in items if i.strip())
    fingerprints = tuple(f.lower() for f in lists.get("fingerprints", ()))
    bad = [n for n, f in enumerate(fingerprints, 1) if not _FINGERPRINT.fullmatch(f)]
    if bad:
        raise ValueError(
            f"[{where}] fingerprints item {bad[0]} is not a fingerprint (32 hex digits, as a report shows)"
        )
    patterns = []
    for n, text in enumerate(lists.get("patterns", ()), 1):
        # The message names the item's position, not the pattern: it may spell a value.
        if len(text) > MAX_PATTERN:
            raise ValueError(f"[{where}] patterns item {n} is longer than {MAX_PATTERN} characters")
        try:
            patterns.append(re.compile(text))
        except re.error as exc:
            raise ValueError(
                f"[{where}] patterns item {n} is not a valid regular expression ({exc.msg})"
            ) from None
    return Rules(
        values=tuple(sorted(set(lists.get("values", ())))),
        fingerprints=tuple(sorted(set(fingerprints))),
        patterns=tuple(patterns),
        authors=tuple(sorted({a.casefold() for a in lists.get("authors", ())})),
        conversations=tuple(sorted({c.casefold().removeprefix("#") for c in lists.get("conversations", ())})),
    )


@dataclass(frozen=True, slots=True)
class _Sets:
    """A section's lists as sets, for lookups during a scan."""

    fingerprints: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    authors: frozenset[str]
    conversations: frozenset[str]


class AllowMatcher:
    """Decides, during one scan, whether a detection is allowed.

    Plain values are compared by their keyed fingerprints (computed once per entity type),
    so two spellings of one value ('138 1234 5678', '13812345678') are both allowed.
    """

    def __init__(self, allow: AllowList, key: bytes) -> None:
        self.allow = allow
        self._key = key
        self._values: dict[str, frozenset[str]] = {}
        self._sets: dict[str, tuple[_Sets, ...]] = {}

    def _sections(self, entity: str) -> tuple[_Sets, ...]:
        found = self._sets.get(entity)
        if found is None:
            found = tuple(
                _Sets(frozenset(r.fingerprints), r.patterns, frozenset(r.authors), frozenset(r.conversations))
                for r in self.allow.rules_for(entity)
                if r
            )
            self._sets[entity] = found
        return found

    def _value_fingerprints(self, entity: str) -> frozenset[str]:
        found = self._values.get(entity)
        if found is None:
            found = frozenset(
                fingerprint(entity, v, self._key)
                for rules in self.allow.rules_for(entity)
                for v in rules.values
            )
            self._values[entity] = found
        return found

    def allows(
        self,
        entity: str,
        value: str,
        finding_fp: str,
        value_fp: str,
        author: Author,
        conversation: Conversation,
    ) -> bool:
        """True when the allow-list covers this occurrence.

        ``finding_fp`` is the finding's fingerprint (a statement's, for per-statement types);
        ``value_fp`` the fingerprint of the value's words.
        """
        who = (author.id.casefold(), author.name.casefold())
        where = (conversation.id.casefold().removeprefix("#"), conversation.name.casefold().removeprefix("#"))
        for rules in self._sections(entity):
            if rules.authors and any(w in rules.authors for w in who if w):
                return True
            if rules.conversations and any(w in rules.conversations for w in where if w):
                return True
            if finding_fp in rules.fingerprints or value_fp in rules.fingerprints:
                return True
            if any(p.search(value) for p in rules.patterns):
                return True
        return value_fp in self._value_fingerprints(entity)


def notice(values: int, occurrences: int) -> str:
    """The report's line on what the allow-list kept out (counts only)."""
    return f"{values} values allowed by the config ({occurrences} occurrence(s)) were not reported."
