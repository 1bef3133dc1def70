"""Everything a JSON report holds about one person, found by a value that identifies them.

For an access request ("what do you hold about me?"): the value (an e-mail address, a phone
number, an ID number, a name) is fingerprinted under the user's key for every entity type,
exactly as a scan fingerprints it, so it is never compared in the clear and never needs to
be in the report. The matching findings lead to the subjects they belong to; the answer
lists those subjects, their findings (masked previews) and where and when each was seen,
and nothing of anyone else: no snippets (their context names other people) and no values.
A report made under another fingerprint key is refused (its fingerprints cannot match).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recognizers.catalogue import CATALOGUE
from scanner.errors import UsageError
from scanner.masking import fingerprint, key_id

# As for baselines: far above any real report, far below what exhausts a laptop.
MAX_REPORT_BYTES = 256 * 1024 * 1024
_OCCURRENCE_KEYS = ("input", "conversation", "message_id", "timestamp", "location", "part", "audience")
_FINDING_KEYS = ("id", "rule", "entity_type", "category", "severity", "preview", "detail")
_SUBJECT_KEYS = (
    "id",
    "label",
    "categories",
    "special",
    "conversations",
    "first_seen",
    "last_seen",
    "audience",
)


@dataclass(slots=True)
class Answer:
    """The subjects matched and their findings (masked), as plain data."""

    subjects: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.findings or self.subjects)

    def as_dict(self) -> dict[str, Any]:
        return {"subjects": self.subjects, "findings": self.findings}


def load_report(path: Path) -> dict[str, Any]:
    """The JSON report at ``path``, or a UsageError saying why it cannot be used."""
    try:
        size = os.stat(path).st_size
        if size > MAX_REPORT_BYTES:
            raise UsageError(f"report {path} is larger than {MAX_REPORT_BYTES // (1024 * 1024)} MB")
        with open(path, "rb") as handle:
            data = json.loads(handle.read(MAX_REPORT_BYTES + 1))
    except OSError as exc:
        raise UsageError(f"cannot read report {path}: {exc.strerror or type(exc).__name__}") from None
    except (ValueError, UnicodeDecodeError):
        raise UsageError(f"report {path} is not a chatsweep JSON report (not valid JSON)") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UsageError(f"report {path} is not a chatsweep JSON report")
    version = data.get("schema_version")
    if not isinstance(version, int) or version < 2:
        raise UsageError(f"report {path} has no subjects (schema_version {version}); scan again")
    return data


def check_key(data: dict[str, Any], key: bytes, path: Path) -> None:
    scan = data.get("scan")
    made_with = scan.get("key_id") if isinstance(scan, dict) else None
    ours = key_id(key)
    if made_with != ours:
        raise UsageError(
            f"report {path} was made under fingerprint key {made_with!s}, not this one ({ours}): "
            "use the same key (--key-file or CHATSWEEP_FINGERPRINT_KEY)"
        )


def lookup(data: dict[str, Any], value: str, key: bytes) -> Answer:
    """Findings whose fingerprint is ``value``'s under ``key`` (any entity type), their subjects,
    and every finding of those subjects."""
    wanted = {fingerprint(e.entity, value, key) for e in CATALOGUE}
    findings = [f for f in data["findings"] if isinstance(f, dict)]
    matched = {f.get("id") for f in findings if f.get("fingerprint") in wanted}
    # A participant is found by their name too, when they are no finding themselves.
    subjects = [
        s
        for s in data.get("subjects") or ()
        if isinstance(s, dict)
        and (matched & set(s.get("identifiers") or ()) or wanted & set(s.get("fingerprints") or ()))
    ]
    if not matched and not subjects:
        return Answer()
    ids = set(matched)
    for s in subjects:
        ids.update(s.get("identifiers") or ())
    answer = Answer()
    answer.subjects = [
        {k: s.get(k) for k in _SUBJECT_KEYS} | {"findings": s.get("identifiers")} for s in subjects
    ]
    for f in findings:
        if f.get("id") not in ids:
            continue
        item = {k: f.get(k) for k in _FINDING_KEYS}
        item["matched"] = f.get("id") in matched
        raw = f.get("occurrences")
        occurrences: list[Any] = raw if isinstance(raw, list) else []
        item["occurrences"] = [
            {k: o.get(k) for k in _OCCURRENCE_KEYS} for o in occurrences if isinstance(o, dict)
        ]
        answer.findings.append(item)
    return answer


def render_text(answer: Answer) -> list[str]:
    """The answer as lines for a terminal (strings from the report made safe by the caller)."""
    lines: list[str] = []
    for s in answer.subjects:
        special = " · special-category or sensitive data" if s.get("special") else ""
        lines.append(f"Subject {s['id']}: {s['label']}{special}")
        lines.append(f"  data exposed: {', '.join(s.get('categories') or ())}")
        lines.append(f"  conversations: {', '.join(s.get('conversations') or ())}")
        lines.append(f"  first seen {s.get('first_seen') or '?'}, last seen {s.get('last_seen') or '?'}")
        if s.get("audience") is not None:
            lines.append(f"  largest audience: {s['audience']} members")
    if not answer.subjects:
        lines.append("No subject: the value matched findings that belong to no person.")
    lines.append("")
    for f in answer.findings:
        detail = f" ({f['detail']})" if f.get("detail") else ""
        mark = " [the value asked about]" if f.get("matched") else ""
        lines.append(f"{f['id']} {f['entity_type']} {f['severity']} {f['preview']}{detail}{mark}")
        for o in f["occurrences"]:
            audience = f", {o['audience']} members" if o.get("audience") is not None else ""
            when = o.get("timestamp") or "no time"
            lines.append(
                f"  - {o.get('conversation')}, message {o.get('message_id')}, {when}"
                f"{audience}: {o.get('location')} ({o.get('part') or 'text'})"
            )
    return lines
