"""The JSON report, schema_version 2 (DESIGN.md, "JSON report"; ``schema/report-2.json``).

The contract keys are written in the order the design lists them; extra keys
(``conversation_id``, ``notices``, an occurrence's ``severity`` …) sit beside them and are
never a replacement for one. Every version-1 key keeps its name and meaning; version 2
adds input ``attachments``, the occurrence's ``part``, ``snippet`` (masked context),
``permalink`` and ``severity`` (raised by audience), the finding's ``triage``, ``detail``,
``action``, ``remediation`` and ``baseline``, the summary's ``subjects`` and
``special_subjects``, and the top-level ``subjects``, ``conversations``, ``duties`` and
``resolved`` lists. Output is deterministic: mappings from the scan (languages, models,
options) are sorted by key, findings keep the pipeline's order, and only ``started_at``
and ``finished_at`` differ between two scans of the same input.

Values appear only when the scan was run with ``--show-values``; otherwise a finding
carries its masked ``preview`` and keyed ``fingerprint`` and nothing else of the value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import PurePath
from typing import Any, BinaryIO

from reports.textsafe import json_escape_invisible
from scanner.model import (
    AttachmentRecord,
    ConversationSummary,
    Duty,
    Finding,
    InputSummary,
    Occurrence,
    ScanResult,
    Subject,
    Triage,
)

SCHEMA_VERSION = 2

# Always present in ``scan.languages`` so consumers can read them without a default.
_CONTRACT_LANGUAGES = ("en", "zh")


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def plain(value: Any) -> Any:
    """A JSON-ready copy of ``value`` with mappings sorted by key, for stable output.

    Enums become their value, paths and dates strings, sets sorted lists; anything else
    that JSON cannot hold becomes ``str(value)`` rather than failing the report.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, default=str))
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return iso_utc(value) if value.tzinfo is not None else value.isoformat()
    if isinstance(value, date | PurePath):
        return str(value)
    return str(value)


def languages(result: ScanResult) -> dict[str, int]:
    """``{"en": n, "zh": n, …}``: the contract languages first, then any others by code."""
    out = {code: int(result.languages.get(code, 0)) for code in _CONTRACT_LANGUAGES}
    for code in sorted(result.languages):
        if code not in out:
            out[code] = int(result.languages[code])
    return out


def _input(item: InputSummary) -> dict[str, Any]:
    return {
        "path": item.path,
        "format": item.format,
        "messages": item.messages,
        "skipped": [{"location": s.location, "reason": s.reason} for s in item.skipped],
        "attachments": [_attachment(a) for a in item.attachments],
        "system_messages": item.system_messages,
        "encoding": item.encoding,
    }


def _attachment(a: AttachmentRecord) -> dict[str, Any]:
    return {
        "name": a.name,
        "mime": a.mime,
        "size": a.size,
        "inspected": a.inspected,
        "message_id": a.message_id,
    }


def _occurrence(o: Occurrence) -> dict[str, Any]:
    return {
        "input": o.input,
        "conversation": o.conversation,
        "message_id": o.message_id,
        "author": o.author,
        "timestamp": o.timestamp,
        "start": o.start,
        "end": o.end,
        "location": o.location,
        "part": o.part,
        "snippet": o.snippet,
        "conversation_kind": o.conversation_kind,
        "audience": o.audience,
        "permalink": o.permalink,
        "conversation_id": o.conversation_id,
        "author_id": o.author_id,
        "severity": o.severity.value if o.severity is not None else None,
    }


def _triage(t: Triage | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"status": t.status, "owner": t.owner, "note": t.note, "reappeared": t.reappeared}


def _finding(f: Finding, show_values: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f.id,
        "rule": f.rule,
        "entity_type": f.entity_type,
        "category": f.category.value,
        "severity": f.severity.value,
        "confidence": f.confidence,
        "likelihood": f.likelihood.value,
        "preview": f.preview,
    }
    # The raw value is kept only when the user opted in; a Finding that carries one in a
    # masked scan (a pipeline bug) still does not leak it into the report.
    if show_values and f.value is not None:
        out["value"] = f.value
    out["fingerprint"] = f.fingerprint
    out["explanation"] = f.explanation
    out["triage"] = _triage(f.triage)
    out["detail"] = f.detail
    out["action"] = f.action
    out["remediation"] = f.remediation
    out["baseline"] = f.baseline
    out["occurrences"] = [_occurrence(o) for o in f.occurrences]
    # Occurrences past the scan's per-finding cap: counted, not stored, so not listed.
    out["omitted_occurrences"] = f.omitted_occurrences
    return out


def _subject(s: Subject) -> dict[str, Any]:
    return {
        "id": s.id,
        "label": s.label,
        "identifiers": list(s.identifiers),
        "categories": list(s.categories),
        "special": s.special,
        "conversations": list(s.conversations),
        "first_seen": s.first_seen,
        "last_seen": s.last_seen,
        "audience": s.audience,
        "fingerprints": list(s.fingerprints),
    }


def _conversation(c: ConversationSummary) -> dict[str, Any]:
    return {
        "input": c.input,
        "conversation": c.conversation,
        "kind": c.kind,
        "members": c.members,
        "external_members": c.external_members,
        "findings_by_severity": {str(k): int(v) for k, v in c.findings_by_severity.items()},
        "subjects": c.subjects,
        "oldest": c.oldest,
        "risk": c.risk,
        "conversation_id": c.conversation_id,
    }


def _duty(d: Duty) -> dict[str, Any]:
    return {
        "law": d.law,
        "triggered": d.triggered,
        "why": d.why,
        "asks": d.asks,
        "subjects": d.subjects,
        "records": d.records,
        "categories": list(d.categories),
        "consequences": d.consequences,
        "key": d.key,
        "disclaimer": d.disclaimer,
        "zh": plain(d.zh),
    }


def _resolved(f: Finding) -> dict[str, Any]:
    """A baseline finding no longer seen: what it was, never where (it is gone)."""
    return {
        "id": f.id,
        "rule": f.rule,
        "entity_type": f.entity_type,
        "category": f.category.value,
        "severity": f.severity.value,
        "preview": f.preview,
        "fingerprint": f.fingerprint,
        "detail": f.detail,
    }


def _after_findings(result: ScanResult) -> dict[str, Any]:
    """The keys that follow ``findings``, in contract order."""
    return {
        "subjects": [_subject(s) for s in result.subjects],
        "conversations": [_conversation(c) for c in result.conversations],
        "duties": [_duty(d) for d in result.duties],
        "resolved": [_resolved(f) for f in result.resolved],
    }


def report_dict(result: ScanResult, findings: bool = True) -> dict[str, Any]:
    """The report as plain data, in contract key order (``findings=False``: their list empty)."""
    return {
        **_head(result),
        "findings": [_finding(f, result.show_values) for f in result.findings] if findings else [],
        **_after_findings(result),
    }


def _head(result: ScanResult) -> dict[str, Any]:
    """The keys before ``findings``."""
    summary = result.summary
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": result.tool_name, "version": result.tool_version},
        "scan": {
            "inputs": [_input(i) for i in result.inputs],
            "messages_scanned": result.messages_scanned,
            "started_at": iso_utc(result.started_at),
            "finished_at": iso_utc(result.finished_at),
            "languages": languages(result),
            "models": plain(result.models),
            "options": plain(result.options),
            "show_values": result.show_values,
            "notices": list(result.notices),
            # Names the fingerprint key (a keyed hash of a fixed label), never the key itself.
            "key_id": result.key_id,
        },
        "summary": {
            "findings": summary.findings,
            "occurrences": summary.occurrences,
            "subjects": summary.subjects,
            "by_severity": dict(summary.by_severity),
            "by_category": dict(summary.by_category),
            "by_entity": dict(summary.by_entity),
            "special_subjects": summary.special_subjects,
        },
    }


def chunks(result: ScanResult) -> Iterator[str]:
    """The report's text in pieces, a list item at a time: what ``render`` returns, joined.

    A scan of millions of messages has hundreds of thousands of findings and subjects;
    written this way the whole report never sits in memory, as data or as text. The text
    is exactly ``json.dumps(report_dict(result), ensure_ascii=False, indent=2)``.
    """
    head = json.dumps(_head(result), ensure_ascii=False, indent=2).removesuffix("\n}")
    yield json_escape_invisible(head) + ",\n"
    lists: list[tuple[str, Sequence[Any], Callable[[Any], dict[str, Any]]]] = [
        ("findings", result.findings, lambda f: _finding(f, result.show_values)),
        ("subjects", result.subjects, _subject),
        ("conversations", result.conversations, _conversation),
        ("duties", result.duties, _duty),
        ("resolved", result.resolved, _resolved),
    ]
    for n, (name, items, render) in enumerate(lists):
        end = ",\n" if n < len(lists) - 1 else "\n"
        if not items:
            yield f'  "{name}": []{end}'
            continue
        yield f'  "{name}": [\n'
        last = len(items) - 1
        for i, item in enumerate(items):
            text = json.dumps(render(item), ensure_ascii=False, indent=2)
            # Nested two levels deep, as json.dumps would indent it in place (strings hold no
            # raw newline, so every newline here is the layout's).
            yield json_escape_invisible("    " + text.replace("\n", "\n    ")) + (",\n" if i < last else "\n")
        yield f"  ]{end}"
    yield "}\n"


class JsonRenderer:
    """Pretty-printed UTF-8 JSON (``ensure_ascii=False``: Chinese stays readable), one trailing newline.

    Control, bidi and zero-width characters are written as ``\\uXXXX`` escapes: the data is
    the same, but a person paging the file sees them instead of text they reorder.
    """

    name = "json"
    extension = "json"

    def render(self, result: ScanResult) -> str:
        return "".join(chunks(result))

    def write(self, result: ScanResult, out: BinaryIO) -> None:
        """The report written to ``out`` a finding at a time (the same bytes ``render`` gives)."""
        for piece in chunks(result):
            out.write(piece.encode("utf-8"))
