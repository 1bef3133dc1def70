"""Exposure: how far a leak reached, per occurrence and per conversation.

Occurrence severity. A finding's severity is the catalogue's (exit codes and ``--fail-on``
read it). Each occurrence also carries the severity of that one place: the finding's,
raised one level (never above critical) when the conversation reached a wide or outside
audience, i.e. ``LARGE_AUDIENCE`` (50) members or more, or any external or guest member.
A direct message is never raised.

Risk of a conversation (a number for sorting, higher is worse)::

    risk = Σ over findings seen there of  WEIGHT[severity] × audience × externals × age

- ``WEIGHT``: critical 10, high 5, medium 2, low 1 (the finding's catalogue severity);
- ``audience`` = 1 + log10(members), members as the export says (unknown: 2 in a direct
  message, 10 elsewhere);
- ``externals`` = 2 when any external or guest member could read it, else 1;
- ``age`` = 1 + d / 365 with d the days (at most 365) from the conversation's oldest leak to
  the newest leak of the scan (the latest occurrence of any finding): a value exposed for a
  year weighs twice a new one. The scan's own times, not the clock, so a report is
  reproducible.

Rounded to one decimal; conversations are listed by risk, highest first. When findings are
taken out of a result after the scan (a baseline, a triage file), ``refresh`` recounts the
subjects and conversations from those left, against the same reference time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from scanner.model import ConversationKind, ConversationSummary, Finding, ScanResult, Severity, Subject
from scanner.subjects import SPECIAL

LARGE_AUDIENCE = 50
WEIGHT = {Severity.CRITICAL: 10.0, Severity.HIGH: 5.0, Severity.MEDIUM: 2.0, Severity.LOW: 1.0}
_UNKNOWN_DM = 2
_UNKNOWN_GROUP = 10
_YEAR = 365.0


def occurrence_severity(
    base: Severity, kind: str, members: int | None, external_members: int | None
) -> Severity:
    """``base`` raised one level for a wide or outside audience (see the module docstring)."""
    if kind == ConversationKind.DM.value:
        return base
    wide = (members is not None and members >= LARGE_AUDIENCE) or bool(external_members)
    if not wide or base.rank == 0:
        return base
    order = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
    return order[base.rank - 1]


@dataclass(frozen=True, slots=True)
class Room:
    """What the scan knew of a conversation with findings (names as reports show them)."""

    input: str
    conversation: str
    conversation_id: str
    kind: str
    members: int | None
    external_members: int | None


@dataclass(slots=True)
class _Tally:
    findings: dict[str, Severity] = field(default_factory=dict)  # finding id -> severity
    oldest: datetime | None = None
    oldest_text: str | None = None


def _when(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return None


def _naive(moment: datetime) -> datetime:
    """Compared as UTC wall time: exports mix aware and naive timestamps."""
    offset = moment.utcoffset()
    return (moment - offset).replace(tzinfo=None) if offset is not None else moment


def risk(
    severities: Iterable[Severity], kind: str, members: int | None, externals: int | None, age_days: float
) -> float:
    """The risk of one conversation (module docstring)."""
    known = members if members and members > 0 else (_UNKNOWN_DM if kind == "dm" else _UNKNOWN_GROUP)
    audience = 1.0 + math.log10(max(known, 1))
    outside = 2.0 if externals else 1.0
    age = 1.0 + min(max(age_days, 0.0), _YEAR) / _YEAR
    return round(sum(WEIGHT[s] for s in severities) * audience * outside * age, 1)


def conversations(
    findings: Iterable[Finding],
    rooms: Mapping[tuple[str, str], Room],
    subjects: Iterable[Subject] = (),
    newest: datetime | None = None,
) -> tuple[ConversationSummary, ...]:
    """One summary per conversation holding a finding, riskiest first.

    ``rooms`` is keyed by (input, conversation id) as occurrences show them; ``newest`` is
    the reference for the age of a leak (default: the newest occurrence of ``findings``).
    """
    findings = list(findings)
    if newest is None:
        newest = newest_leak(findings)
    tallies: dict[tuple[str, str], _Tally] = {}
    for f in findings:
        for o in f.occurrences:
            tally = tallies.setdefault((o.input, o.conversation_id), _Tally())
            tally.findings[f.id] = f.severity
            moment = _when(o.timestamp)
            if moment is not None and (tally.oldest is None or _naive(moment) < tally.oldest):
                tally.oldest, tally.oldest_text = _naive(moment), o.timestamp
    people: dict[tuple[str, str], int] = {}
    by_finding: dict[str, list[str]] = {}
    for s in subjects:
        for fid in s.identifiers:
            by_finding.setdefault(fid, []).append(s.id)
    for key, tally in tallies.items():
        ids = {sid for fid in tally.findings for sid in by_finding.get(fid, ())}
        people[key] = len(ids)
    reference = _naive(newest) if newest is not None else None
    out = []
    for key, tally in tallies.items():
        room = rooms.get(key) or Room(key[0], key[1], key[1], "group", None, None)
        by_sev = {s.value: 0 for s in Severity}
        for sev in tally.findings.values():
            by_sev[sev.value] += 1
        age = 0.0
        if reference is not None and tally.oldest is not None:
            age = (reference - tally.oldest).total_seconds() / 86400
        out.append(
            ConversationSummary(
                input=room.input,
                conversation=room.conversation,
                conversation_id=room.conversation_id,
                kind=room.kind,
                members=room.members,
                external_members=room.external_members,
                findings_by_severity=by_sev,
                subjects=people[key],
                oldest=tally.oldest_text,
                risk=risk(tally.findings.values(), room.kind, room.members, room.external_members, age),
            )
        )
    out.sort(key=lambda c: (-c.risk, c.input, c.conversation_id))
    return tuple(out)


def newest_leak(findings: Iterable[Finding]) -> datetime | None:
    """The latest occurrence time of ``findings`` (UTC wall time), the reference for ages."""
    latest: datetime | None = None
    for f in findings:
        for o in f.occurrences:
            moment = _when(o.timestamp)
            if moment is not None and (latest is None or _naive(moment) > latest):
                latest = _naive(moment)
    return latest


def refresh(result: ScanResult, scanned: ScanResult) -> ScanResult:
    """``result`` (``scanned`` with findings taken out) with its subjects and conversations
    recounted from the findings left; ages are measured against the scan's newest leak."""
    if [f.id for f in result.findings] == [f.id for f in scanned.findings]:
        return result  # the same findings (marked, perhaps): the same people and places
    kept = {f.id: f for f in result.findings}
    subjects = []
    for s in result.subjects:
        members = [kept[i] for i in s.identifiers if i in kept]
        if members:
            subjects.append(_recount(s, members))
    rooms = {
        (c.input, c.conversation_id): Room(
            c.input, c.conversation, c.conversation_id, c.kind, c.members, c.external_members
        )
        for c in result.conversations
    }
    summaries = conversations(result.findings, rooms, subjects, newest_leak(scanned.findings))
    return replace(result, subjects=tuple(subjects), conversations=summaries)


def _recount(s: Subject, members: list[Finding]) -> Subject:
    stamps = sorted(o.timestamp for f in members for o in f.occurrences if o.timestamp)
    audiences = [o.audience for f in members for o in f.occurrences if o.audience is not None]
    return replace(
        s,
        identifiers=tuple(f.id for f in members),
        categories=tuple(sorted({f.entity_type for f in members})),
        special=any(f.entity_type in SPECIAL for f in members),
        conversations=tuple(
            sorted({o.conversation or o.conversation_id for f in members for o in f.occurrences})
        ),
        first_seen=stamps[0] if stamps else None,
        last_seen=stamps[-1] if stamps else None,
        audience=max(audiences) if audiences else None,
    )
