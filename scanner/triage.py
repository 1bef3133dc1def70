"""Triage that lasts: reviewers' decisions on findings, kept by fingerprint across scans.

A triage file is TOML (or JSON, by its ``.json`` suffix) naming the fingerprint key it was
made under and, per finding fingerprint, a status, an owner and a note::

    key_id = "5f0c1e2d3a4b5c6d"

    [findings.3f2a9c…]                 # the finding's fingerprint (32 hex digits)
    finding = "CS102-3f2a9c0b1d2e"     # the finding id, for people reading the file
    entity_type = "EMAIL_ADDRESS"
    status = "false_positive"          # confirmed | false_positive | accepted | remediated
    owner = "dpo@team"
    note = "the support desk's public address"

Later scans attach the decision to the finding (``Finding.triage``). False positives and
accepted findings stay in the report but no longer count for ``--fail-on``; a remediated
finding seen again keeps its status and is flagged as reappeared. The file holds no value:
fingerprints are keyed HMACs, and notes that look like they hold one are refused.
Fingerprints are keyed, so a file made under another key is an error, not an empty match.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scanner.errors import UsageError
from scanner.model import Finding, ScanResult, Triage

CONFIRMED, FALSE_POSITIVE, ACCEPTED, REMEDIATED = "confirmed", "false_positive", "accepted", "remediated"
STATUSES = (CONFIRMED, FALSE_POSITIVE, ACCEPTED, REMEDIATED)
# Decisions that take a finding out of the gate: it is not a leak, or its risk is accepted.
SUPPRESSING = frozenset({FALSE_POSITIVE, ACCEPTED})
MAX_OWNER = 120
MAX_NOTE = 500
# A triage file holds a line per decision: far below this even for 100,000 decisions.
MAX_TRIAGE_BYTES = 64 * 1024 * 1024
MAX_REPORT_BYTES = 256 * 1024 * 1024
_FINGERPRINT = re.compile(r"[0-9a-f]{32}")
_INFO = re.compile(r"[A-Za-z0-9_.-]{1,80}")
# What a note must not hold: nine digits or more in a run (an identifier, a phone or card
# number; a date has eight), an e-mail address, or a long token without spaces (a key or
# password). Notes say why, never what.
_VALUE_LIKE = re.compile(
    r"\d(?:[ \-]?\d){8,}|[^\s@]+@[^\s@]+\.[^\s@]+|(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[^\s\u3000-\u9fff]{20,}"
)
_SHARE_HINT = "triage and scan under the same fingerprint key (see 'Fingerprint keys' in the README)"


@dataclass(frozen=True, slots=True)
class Entry:
    """One decision as the file holds it."""

    status: str
    owner: str = ""
    note: str = ""
    finding: str = ""  # the finding id, for people reading the file
    entity_type: str = ""


@dataclass(frozen=True, slots=True)
class TriageFile:
    path: str
    key_id: str
    entries: Mapping[str, Entry]  # by fingerprint


# --- reading ------------------------------------------------------------------------------


def load(path: Path, key_id: str | None = None) -> TriageFile:
    """The triage file at ``path``; with ``key_id``, one made under another key is refused."""
    raw = _read_capped(path, MAX_TRIAGE_BYTES, "triage file")
    data = _parse(path, raw)
    made_with = data.get("key_id")
    if not isinstance(made_with, str) or not made_with.strip():
        raise UsageError(
            f"triage file {path} does not say which fingerprint key it was made with (no key_id): "
            "write it with 'chatsweep triage REPORT.json --set …'"
        )
    made_with = made_with.strip()
    if key_id is not None:
        check_key(str(path), made_with, key_id)
    findings = data.get("findings", {})
    if not isinstance(findings, Mapping):
        raise UsageError(f"triage file {path}: 'findings' must be a table keyed by fingerprint")
    extra = sorted(set(data) - {"key_id", "findings", "tool"})
    if extra:
        raise UsageError(f"triage file {path}: unknown key '{_shown(extra[0])}' (expected key_id, findings)")
    entries: dict[str, Entry] = {}
    for n, (fp, item) in enumerate(findings.items(), 1):
        if not isinstance(fp, str) or not _FINGERPRINT.fullmatch(fp):
            raise UsageError(f"triage file {path}: entry {n} is not keyed by a fingerprint (32 hex digits)")
        entries[fp] = _entry(item, f"triage file {path}: entry {fp[:12]}")
    return TriageFile(str(path), made_with, entries)


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"triage file {path} is not UTF-8 text") from None
    try:
        if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
            data = json.loads(text)
        else:
            data = tomllib.loads(text)
    except RecursionError:
        raise UsageError(f"triage file {path} is nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"triage file {path} is not valid TOML ({exc})") from None
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "invalid JSON"
        raise UsageError(f"triage file {path} is not valid JSON ({reason})") from None
    if not isinstance(data, dict):
        raise UsageError(f"triage file {path} is not a table (a JSON object)")
    return data


def _entry(item: Any, where: str) -> Entry:
    if not isinstance(item, Mapping):
        raise UsageError(f"{where} is not a table")
    unknown = sorted(set(item) - {"status", "owner", "note", "finding", "entity_type"})
    if unknown:
        raise UsageError(f"{where}: unknown key '{_shown(str(unknown[0]))}'")
    status = item.get("status")
    if status not in STATUSES:
        raise UsageError(f"{where}: status must be one of {', '.join(STATUSES)}")
    texts = {}
    for name in ("owner", "note", "finding", "entity_type"):
        value = item.get(name, "")
        if not isinstance(value, str):
            raise UsageError(f"{where}: {name} must be a string")
        texts[name] = value
    for name in ("finding", "entity_type"):
        if texts[name] and not _INFO.fullmatch(texts[name]):
            raise UsageError(f"{where}: {name} is not a finding id or entity type")
    return Entry(
        status=str(status),
        owner=clean(texts["owner"], MAX_OWNER, f"{where}: owner", values=True),
        note=clean(texts["note"], MAX_NOTE, f"{where}: note"),
        finding=texts["finding"],
        entity_type=texts["entity_type"],
    )


def clean(text: str, limit: int, what: str, values: bool = False) -> str:
    """``text`` as one line (control characters removed), at most ``limit`` characters;
    a ``UsageError`` when it is longer or, unless ``values`` (an owner may be an e-mail
    address), looks like it holds a value."""
    line = " ".join("".join(c if unicodedata.category(c)[0] != "C" else " " for c in text).split())
    if len(line) > limit:
        raise UsageError(f"{what} is longer than {limit} characters")
    if not values and _VALUE_LIKE.search(line):
        raise UsageError(
            f"{what} looks like it holds a value (a long number, an e-mail address or a token); "
            "say why, not what: the finding is already named by its fingerprint"
        )
    return line


def check_key(path: str, made_with: str, scan_key_id: str) -> None:
    if made_with != scan_key_id:
        raise UsageError(
            f"triage file {path} was made with key {_shown(made_with)}; this scan uses key {scan_key_id}: "
            f"{_SHARE_HINT}"
        )


def _shown(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")[:80]


# --- applying -----------------------------------------------------------------------------


def apply(result: ScanResult, triage: TriageFile) -> ScanResult:
    """``result`` with each triaged finding's decision attached (``Finding.triage``).

    Refused when the file was made under another key. The notices say how many findings
    triage takes out of the gate and which remediated ones were seen again.
    """
    check_key(triage.path, triage.key_id, result.key_id)
    findings: list[Finding] = []
    suppressed = reappeared = matched = 0
    for f in result.findings:
        entry = triage.entries.get(f.fingerprint)
        if entry is None:
            findings.append(f)
            continue
        matched += 1
        again = entry.status == REMEDIATED
        suppressed += entry.status in SUPPRESSING
        reappeared += again
        findings.append(replace(f, triage=Triage(entry.status, entry.owner, entry.note, reappeared=again)))
    notices = list(result.notices)
    if suppressed:
        notices.append(
            f"{suppressed} findings suppressed by triage (false positive or accepted): "
            "kept in the report, not counted for --fail-on."
        )
    if reappeared:
        notices.append(
            f"{reappeared} finding(s) triaged as remediated reappeared: the value is in the export again."
        )
    options = {
        **result.options,
        "triage": {
            "entries": len(triage.entries),
            "matched": matched,
            "suppressed": suppressed,
            "reappeared": reappeared,
        },
    }
    return replace(result, findings=tuple(findings), notices=tuple(notices), options=options)


def counts_for_gate(f: Finding) -> bool:
    """Whether triage lets ``f`` count for ``--fail-on``: false positives and accepted risks do not."""
    return f.triage is None or f.triage.status not in SUPPRESSING


# --- writing (``chatsweep triage``) -----------------------------------------------------------


def decide(
    report: Path,
    decisions: Iterable[tuple[str, str]],
    out: Path,
    owner: str = "",
    note: str = "",
) -> tuple[TriageFile, list[str]]:
    """Record ``decisions`` (finding id or fingerprint, status) from the JSON ``report`` in
    the triage file ``out`` (created, or updated when it exists). Returns the file as written
    and the ids decided. Owner and note apply to every decision given."""
    owner = clean(owner, MAX_OWNER, "--owner", values=True)
    note = clean(note, MAX_NOTE, "--note")
    key_id, by_id = _report_findings(report)
    current = load(out, key_id) if out.exists() else TriageFile(str(out), key_id, {})
    entries = dict(current.entries)
    done = []
    for wanted, status in decisions:
        if status not in STATUSES:
            raise UsageError(
                f"unknown status '{_shown(status)}' for {_shown(wanted)}; use {', '.join(STATUSES)}"
            )
        found = by_id.get(wanted) or by_id.get(wanted.lower())
        if found is None:
            raise UsageError(f"no finding {_shown(wanted)} in {report} (give a finding id or fingerprint)")
        fp, finding_id, entity = found
        before = entries.get(fp)
        entries[fp] = Entry(
            status=status,
            owner=owner or (before.owner if before else ""),
            note=note or (before.note if before else ""),
            finding=finding_id,
            entity_type=entity,
        )
        done.append(finding_id)
    written = TriageFile(str(out), key_id, dict(sorted(entries.items())))
    _write(out, written)
    return written, done


def _report_findings(report: Path) -> tuple[str, dict[str, tuple[str, str, str]]]:
    """The report's key id, and (fingerprint, id, entity type) by finding id and by fingerprint."""
    raw = _read_capped(report, MAX_REPORT_BYTES, "report")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise UsageError(f"{report} is not a chatsweep JSON report (not valid JSON)") from None
    scan = data.get("scan") if isinstance(data, dict) else None
    key_id = scan.get("key_id") if isinstance(scan, dict) else None
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(key_id, str) or not key_id or not isinstance(findings, list):
        raise UsageError(f"{report} is not a chatsweep JSON report with a scan.key_id and findings")
    by_id: dict[str, tuple[str, str, str]] = {}
    for item in findings:
        if not isinstance(item, dict):
            continue
        fp, fid, entity = item.get("fingerprint"), item.get("id"), item.get("entity_type")
        if not (isinstance(fp, str) and _FINGERPRINT.fullmatch(fp)):
            continue
        fid = fid if isinstance(fid, str) and _INFO.fullmatch(fid) else fp[:12]
        entity = entity if isinstance(entity, str) and _INFO.fullmatch(entity) else ""
        by_id[fid] = by_id[fp] = (fp, fid, entity)
    return key_id, by_id


def dumps(triage: TriageFile, as_json: bool = False) -> str:
    """The file's text: TOML (or JSON), entries sorted by fingerprint."""
    if as_json:
        body = {
            "key_id": triage.key_id,
            "findings": {
                fp: {k: v for k, v in _fields(e).items() if v} for fp, e in sorted(triage.entries.items())
            },
        }
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    lines = [
        "# chatsweep triage: decisions on findings, by keyed fingerprint (no values).",
        "# Statuses: confirmed, false_positive, accepted, remediated.",
        f"key_id = {_toml_string(triage.key_id)}",
    ]
    for fp, entry in sorted(triage.entries.items()):
        lines.append("")
        lines.append(f"[findings.{fp}]")
        for name, value in _fields(entry).items():
            if value or name == "status":
                lines.append(f"{name} = {_toml_string(value)}")
    return "\n".join(lines) + "\n"


def _fields(e: Entry) -> dict[str, str]:
    return {
        "finding": e.finding,
        "entity_type": e.entity_type,
        "status": e.status,
        "owner": e.owner,
        "note": e.note,
    }


def _toml_string(text: str) -> str:
    out = ['"']
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _write(out: Path, triage: TriageFile) -> None:
    text = dumps(triage, as_json=out.suffix.lower() == ".json")
    folder = out.parent if str(out.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write the triage file {out}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write the triage file {out}: {exc.strerror}") from None


def _read_capped(path: Path, limit: int, what: str) -> bytes:
    """At most ``limit`` bytes of ``path`` (a file from anyone: its size is checked first)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "rb") as fh:
            if os.fstat(fh.fileno()).st_size > limit:
                raise UsageError(f"{what} {path} is larger than {limit >> 20} MB; refused")
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror}") from None
    if len(raw) > limit:
        raise UsageError(f"{what} {path} is larger than {limit >> 20} MB; refused")
    return raw
