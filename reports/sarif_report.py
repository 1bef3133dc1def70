"""SARIF 2.1.0 report, for code-scanning dashboards and security tooling.

One run; ``tool.driver.rules`` lists every rule that produced a finding. Each stored
occurrence is one result with one location (GitHub code scanning reads at most 1,000
locations per result and about 5,000 results per run, and shows one alert per result).
At most ``MAX_RESULTS`` results are written, shared out so every finding keeps at least
one while the cap allows (most severe first); the run's ``properties.results_omitted``
and a notification say how many occurrences have no result, counting those the scan
counted but never stored.

The artifact is the file inside the export that holds the message (a zip member is
written ``archive.zip!/member``, as in a ``jar:`` URL), not the export folder: ``artifacts``
lists those files, and each result points at its file by index (the inputs as given are in
the run's ``properties.inputs``). The region is a ``startLine`` when the location is
line-based (``file:12``, or a ``L<n>`` message id). In a structured export (a JSON pointer
location, ``file#/messages/3``) it is the value's ``charOffset``/``charLength`` in the text
part that holds it (the message text, an edit, an attachment name …, named by the result's
``properties.part``), which is where the pointer leads, not offsets into the file. Either
way the region's ``snippet`` is the occurrence's masked context. The conversation and
message id go in ``logicalLocations``.
``partialFingerprints["chatsweep/v1"]`` is the finding's keyed fingerprint, so dashboards
track a leaked value across scans without ever seeing it. Messages carry the masked
preview; the raw value appears only with ``--show-values``. Every string from the export
has its control, bidi and zero-width characters shown as visible escapes.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from reports.json_report import iso_utc
from reports.textsafe import json_escape_invisible, visible_controls
from scanner.model import Finding, Occurrence, ScanResult, Severity

SARIF_VERSION = "2.1.0"
# An identifier for validators; nothing fetches it.
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "chatsweep/v1"
OCCURRENCE_FINGERPRINT_KEY = "chatsweep/occurrence/v1"
# GitHub code scanning reads about 5,000 results per run; more are dropped without a word.
MAX_RESULTS = 5000

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}

# "chat.txt:12", "export.zip!WhatsApp Chat.txt:12", "chat.txt:L12": a trailing 1-based line.
_LINE = re.compile(r":L?([1-9][0-9]*)$")
# Line-based text exports name a message by its first line: "L12".
_LINE_ID = re.compile(r"^L([1-9][0-9]*)$")
# Readers write a zip member as "archive.zip!member" (nested: "a.zip!b.zip!c.txt").
_ZIP_MEMBER = re.compile(r"(?<=\.zip)!", re.IGNORECASE)
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


def split_location(location: str) -> tuple[str, int | None]:
    """The file part of an occurrence's location and its 1-based line, if it has one.

    ``file:12`` → (file, 12); ``file#/messages/3`` (a JSON pointer) → (file, None);
    anything else is the file itself.
    """
    member_at = location.rfind("!") + 1  # a pointer or a line follows the innermost member
    pointer = location.find("#/", member_at)
    if pointer >= 0:
        return location[:pointer], None
    line = _LINE.search(location, member_at)
    if line:
        return location[: line.start()], int(line.group(1))
    return location, None


def file_uri(path: str) -> str:
    """The artifact URI of a file, with zip members as ``archive.zip!/member``."""
    archive, *members = _ZIP_MEMBER.split(path)
    return artifact_uri(archive) + "".join("!/" + quote(m.lstrip("/"), safe="/") for m in members)


def occurrence_file(o: Occurrence) -> tuple[str, int | None]:
    """The artifact URI of the file holding an occurrence, and its line when line-based."""
    path, line = split_location(o.location) if o.location else (o.input, None)
    if line is None:
        by_id = _LINE_ID.match(o.message_id)
        line = int(by_id.group(1)) if by_id else None
    return file_uri(path or o.input), line


def _region(o: Occurrence, line: int | None) -> dict[str, Any]:
    region: dict[str, Any] = (
        {"startLine": line} if line is not None else {"charOffset": o.start, "charLength": o.end - o.start}
    )
    if o.snippet:
        region["snippet"] = {"text": visible_controls(o.snippet)}
    return region


def _location(o: Occurrence, artifacts: dict[str, int]) -> dict[str, Any]:
    uri, line = occurrence_file(o)
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": uri, "index": artifacts.setdefault(uri, len(artifacts))},
        "region": _region(o, line),
    }
    conversation = visible_controls(o.conversation or o.conversation_id)
    conversation_id = visible_controls(o.conversation_id or o.conversation)
    message_id = visible_controls(o.message_id)
    return {
        "id": 0,
        "physicalLocation": physical,
        "logicalLocations": [
            {"name": conversation, "fullyQualifiedName": conversation_id, "kind": "namespace"},
            {"name": message_id, "fullyQualifiedName": f"{conversation_id}/{message_id}", "kind": "member"},
        ],
    }


def _occurrence_fingerprint(f: Finding, o: Occurrence) -> str:
    """Names one occurrence of one value: the keyed fingerprint and the place, hashed again."""
    place = json.dumps([f.fingerprint, o.input, o.location, o.message_id, o.start, o.end], ensure_ascii=True)
    return hashlib.sha256(place.encode("utf-8")).hexdigest()


def _by(o: Occurrence) -> str:
    """Who posted it; a system message (a member event, a notice) was posted by nobody."""
    return f"by {visible_controls(o.author)}" if o.author else "in a system message"


def _result(
    f: Finding, o: Occurrence, index: int, rule_index: int, show_values: bool, artifacts: dict[str, int]
) -> dict[str, Any]:
    value_shown = show_values and f.value is not None
    shown = visible_controls(f.value if value_shown and f.value is not None else f.preview)
    when = f" at {visible_controls(o.timestamp)}" if o.timestamp else ""
    properties: dict[str, Any] = {
        "id": f.id,
        "entity_type": f.entity_type,
        "category": f.category.value,
        "severity": f.severity.value,
        "confidence": f.confidence,
        "likelihood": f.likelihood.value,
        "preview": visible_controls(f.preview),
        "occurrences": f.occurrence_count,
        "occurrence": index + 1,
        "location": visible_controls(o.location),
        "author": visible_controls(o.author),
        "timestamp": o.timestamp and visible_controls(o.timestamp),
        "start": o.start,
        "end": o.end,
        "part": visible_controls(o.part),
        "snippet": o.snippet and visible_controls(o.snippet),
        "occurrence_severity": o.severity.value if o.severity is not None else None,
        "audience": o.audience,
        "permalink": o.permalink and visible_controls(o.permalink),
        "detail": f.detail and visible_controls(f.detail),
        "triage": f.triage.status if f.triage is not None else None,
    }
    if value_shown:
        properties["value"] = shown
    return {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {
            "text": f"{visible_controls(f.entity_type)} {shown} in message {visible_controls(o.message_id)} "
            f"{_by(o)} in {visible_controls(o.conversation)}{when}: "
            f"{visible_controls(f.explanation)}"
        },
        "locations": [_location(o, artifacts)],
        "partialFingerprints": {
            FINGERPRINT_KEY: f.fingerprint,
            OCCURRENCE_FINGERPRINT_KEY: _occurrence_fingerprint(f, o),
        },
        "rank": round(max(0.0, min(1.0, f.confidence)) * 100, 1),
        "properties": properties,
    }


def result_quota(sizes: list[int], cap: int) -> list[int]:
    """How many results each finding gets: all of them when the total fits under ``cap``,
    else shared out evenly so a finding pasted 40,000 times does not crowd out the rest
    (a remainder goes to the earlier, more severe findings)."""
    quota = [0] * len(sizes)
    left = cap
    active = [i for i, n in enumerate(sizes) if n]
    while left > 0 and active:
        share = max(1, left // len(active))
        still = []
        for i in active:
            take = min(share, sizes[i] - quota[i], left)
            quota[i] += take
            left -= take
            if quota[i] < sizes[i]:
                still.append(i)
            if left == 0:
                break
        active = still
    return quota


def sarif_dict(result: ScanResult) -> dict[str, Any]:
    """The SARIF log as plain data."""
    rules: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    # Rules in first-seen order of the (already sorted) findings: most severe first.
    for f in result.findings:
        if f.rule not in rule_index:
            rule_index[f.rule] = len(rules)
            rules.append(_rule(f))

    quota = result_quota([len(f.occurrences) for f in result.findings], MAX_RESULTS)
    artifacts: dict[str, int] = {}  # file URI -> index in run.artifacts, in first-use order
    results = [
        _result(f, o, n, rule_index[f.rule], result.show_values, artifacts)
        for f, take in zip(result.findings, quota, strict=True)
        for n, o in enumerate(f.occurrences[:take])
    ]
    beyond_cap = sum(len(f.occurrences) for f in result.findings) - len(results)
    not_stored = sum(f.omitted_occurrences for f in result.findings)

    notifications = [
        {
            "level": "warning",
            "message": {"text": f"Skipped: {visible_controls(s.reason)}"},
            "locations": [
                {
                    "physicalLocation": {"artifactLocation": {"uri": artifact_uri(i.path)}},
                    "message": {"text": visible_controls(s.location)},
                }
            ],
        }
        for i in result.inputs
        for s in i.skipped
    ]
    notifications.extend({"level": "note", "message": {"text": visible_controls(n)}} for n in result.notices)
    if beyond_cap or not_stored:
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{beyond_cap + not_stored} occurrences have no result here: {beyond_cap} "
                    f"beyond the cap of {MAX_RESULTS} results per run, {not_stored} counted but not "
                    "stored by the scan; the JSON and CSV reports list every stored occurrence"
                },
            }
        )

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
                "artifacts": [{"location": {"uri": uri}} for uri in artifacts],
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {
                    "messages_scanned": result.messages_scanned,
                    "show_values": result.show_values,
                    "results_omitted": beyond_cap + not_stored,
                    "results_cap": MAX_RESULTS,
                    "inputs": [
                        {
                            "uri": artifact_uri(i.path),
                            "format": visible_controls(i.format),
                            "messages": i.messages,
                            "system_messages": i.system_messages,
                            **({"encoding": visible_controls(i.encoding)} if i.encoding else {}),
                        }
                        for i in result.inputs
                    ],
                },
            }
        ],
    }


class SarifRenderer:
    """SARIF 2.1.0 JSON, one run."""

    name = "sarif"
    extension = "sarif"

    def render(self, result: ScanResult) -> str:
        return json_escape_invisible(json.dumps(sarif_dict(result), ensure_ascii=False, indent=2)) + "\n"
