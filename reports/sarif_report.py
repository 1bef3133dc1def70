"""SARIF 2.1.0 report, for code-scanning dashboards and security tooling.

One run; ``tool.driver.rules`` lists every rule that produced a finding; each finding is
one result with one location per occurrence. The artifact is the input file (a chat
export, not source code), the line comes from the occurrence's ``file:line`` location
when it has one, and the conversation and message id go in ``logicalLocations``.
``partialFingerprints["chatsweep/v1"]`` is the keyed fingerprint, so dashboards track a
leaked value across scans without ever seeing it. Messages carry the masked preview;
the raw value appears only with ``--show-values``.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from reports.json_report import iso_utc
from scanner.model import Finding, Occurrence, ScanResult, Severity

SARIF_VERSION = "2.1.0"
# An identifier for validators; nothing fetches it.
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "chatsweep/v1"

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}

# "chat.txt:12", "export.zip:WhatsApp Chat.txt:12" - a trailing 1-based line number.
_LINE = re.compile(r":([1-9][0-9]*)$")
_WINDOWS_PATH = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def artifact_uri(path: str) -> str:
    """A URI reference for an input path: ``file:///…`` when absolute, else a relative one.

    Relative paths stay relative (SARIF viewers resolve them against the scan's working
    directory); backslashes become slashes; characters outside a URI are %-encoded.
    """
    if _WINDOWS_PATH.match(path):
        win = PureWindowsPath(path)
        return win.as_uri() if win.is_absolute() else quote(win.as_posix(), safe="/")
    if "\\" in path and "/" not in path:
        path = path.replace("\\", "/")
    posix = PurePosixPath(path)
    if posix.is_absolute():
        return posix.as_uri()
    return quote(posix.as_posix(), safe="/")


def _rule(f: Finding) -> dict[str, Any]:
    return {
        "id": f.rule,
        "name": f.entity_type,
        "shortDescription": {"text": f"{f.entity_type} ({f.category.value}, {f.severity.value})"},
        "defaultConfiguration": {"level": LEVELS[f.severity]},
        "properties": {
            "category": f.category.value,
            "severity": f.severity.value,
            "tags": [f.category.value, f.entity_type],
        },
    }


def _location(index: int, o: Occurrence) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(o.input)}}
    line = _LINE.search(o.location)
    if line:
        physical["region"] = {"startLine": int(line.group(1))}
    when = f" at {o.timestamp}" if o.timestamp else ""
    return {
        "id": index,
        "physicalLocation": physical,
        "logicalLocations": [
            {
                "name": o.conversation or o.conversation_id,
                "fullyQualifiedName": o.conversation_id or o.conversation,
                "kind": "namespace",
            },
            {
                "name": o.message_id,
                "fullyQualifiedName": f"{o.conversation_id or o.conversation}/{o.message_id}",
                "kind": "member",
            },
        ],
        "message": {"text": f"Message {o.message_id} by {o.author} in {o.conversation}{when} ({o.location})"},
        "properties": {
            "location": o.location,
            "author": o.author,
            "timestamp": o.timestamp,
            "start": o.start,
            "end": o.end,
        },
    }


def _result(f: Finding, rule_index: int, show_values: bool) -> dict[str, Any]:
    shown = f.value if show_values and f.value is not None else f.preview
    properties: dict[str, Any] = {
        "id": f.id,
        "entity_type": f.entity_type,
        "category": f.category.value,
        "severity": f.severity.value,
        "confidence": f.confidence,
        "likelihood": f.likelihood.value,
        "preview": f.preview,
        "occurrences": len(f.occurrences),
    }
    if show_values and f.value is not None:
        properties["value"] = f.value
    return {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": f"{f.entity_type} {shown}: {f.explanation}"},
        "locations": [_location(i, o) for i, o in enumerate(f.occurrences)],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "rank": round(max(0.0, min(1.0, f.confidence)) * 100, 1),
        "properties": properties,
    }


def sarif_dict(result: ScanResult) -> dict[str, Any]:
    """The SARIF log as plain data."""
    rules: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    # Rules in first-seen order of the (already sorted) findings: most severe first.
    for f in result.findings:
        if f.rule not in rule_index:
            rule_index[f.rule] = len(rules)
            rules.append(_rule(f))

    notifications = [
        {
            "level": "warning",
            "message": {"text": f"Skipped: {s.reason}"},
            "locations": [
                {
                    "physicalLocation": {"artifactLocation": {"uri": artifact_uri(i.path)}},
                    "message": {"text": s.location},
                }
            ],
        }
        for i in result.inputs
        for s in i.skipped
    ]
    notifications.extend({"level": "note", "message": {"text": n}} for n in result.notices)

    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": result.tool_name,
                        "version": result.tool_version,
                        "rules": rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "startTimeUtc": iso_utc(result.started_at),
                        "endTimeUtc": iso_utc(result.finished_at),
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "artifacts": [
                    {
                        "location": {"uri": artifact_uri(i.path)},
                        **({"encoding": i.encoding} if i.encoding else {}),
                        "properties": {"format": i.format, "messages": i.messages},
                    }
                    for i in result.inputs
                ],
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, rule_index[f.rule], result.show_values) for f in result.findings],
                "properties": {
                    "messages_scanned": result.messages_scanned,
                    "show_values": result.show_values,
                },
            }
        ],
    }


class SarifRenderer:
    """SARIF 2.1.0 JSON, one run."""

    name = "sarif"
    extension = "sarif"

    def render(self, result: ScanResult) -> str:
        return json.dumps(sarif_dict(result), ensure_ascii=False, indent=2) + "\n"
