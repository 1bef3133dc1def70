"""Baselines: compare a scan with an earlier JSON report made under the same key.

Every finding stays in the report, marked ``new``, ``still_present`` (known, in the places
the baseline knew: not counted for ``--fail-on``) or ``new_place`` (a known value that has
spread to a conversation the baseline never saw it in, or to a larger audience: counted as
new); baseline findings no longer seen are listed as resolved.

A baseline is matched by fingerprint, and fingerprints are keyed: a baseline made under
another key would match nothing and silently report everything as new, so that is an error
naming both key ids.

The file is untrusted input (it may come from anyone): its size is capped before it is
read, and any malformed content is one ``UsageError`` line, never a traceback.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from recognizers.catalogue import info
from reports.textsafe import one_line
from scanner.errors import UsageError
from scanner.model import Category, Finding, Likelihood, ScanResult, Severity

# Far above any real report (a finding is about 1 KB), far below what exhausts a laptop.
MAX_BASELINE_BYTES = 256 * 1024 * 1024

_SHARE_HINT = (
    "make the baseline and the scan with the same key "
    "(share one with --key-file or CHATSWEEP_FINGERPRINT_KEY; see 'Fingerprint keys' in the README)"
)

# A conversation, by its id (its name when a report has no id), wherever the export lies:
# a re-export scanned from another folder still matches its baseline.
Place = str


class Baseline(frozenset[str]):
    """The fingerprints of a baseline report, with the key it was made under, where each
    value had been seen (conversations), the largest audience it had there,
    and the baseline's findings themselves (masked, without occurrences) to list as resolved."""

    path: str
    key_id: str
    places: Mapping[str, frozenset[Place]]
    audiences: Mapping[str, Mapping[Place, int]]
    findings: Mapping[str, Finding]

    def __new__(
        cls,
        fingerprints: Iterable[str],
        path: str,
        key_id: str,
        places: Mapping[str, frozenset[Place]],
        audiences: Mapping[str, Mapping[Place, int]] | None = None,
        findings: Mapping[str, Finding] | None = None,
    ) -> Baseline:
        self = super().__new__(cls, fingerprints)
        self.path, self.key_id, self.places = path, key_id, places
        self.audiences = audiences or {}
        self.findings = findings or {}
        return self

    def __bool__(self) -> bool:
        # A baseline that was given is always applied, even an empty one: applying it is
        # what checks that it was made under this scan's key.
        return True


def load(path: Path, key_id: str | None = None) -> Baseline:
    """The baseline in the JSON report at ``path``.

    With ``key_id`` (this scan's key id), a report made under another key is refused now;
    without it, ``apply`` refuses it once the scan's key id is known.
    """
    data = _read_json(path)
    if not isinstance(data, dict):
        raise UsageError(f"baseline {path} is not a chatsweep JSON report (not a JSON object)")
    scan = data.get("scan")
    made_with = scan.get("key_id") if isinstance(scan, dict) else None
    if not isinstance(made_with, str) or not made_with:
        raise UsageError(
            f"baseline {path} does not say which fingerprint key it was made with (no scan.key_id; "
            "reports from chatsweep before per-user keys cannot be compared): "
            "scan again to make a new baseline"
        )
    if key_id is not None:
        _check_key(str(path), made_with, key_id)
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise UsageError(f"baseline {path} is not a chatsweep JSON report (findings is not a list)")
    places: dict[str, set[Place]] = {}
    audiences: dict[str, dict[Place, int]] = {}
    previous: dict[str, Finding] = {}
    for item in findings:
        fp = item.get("fingerprint") if isinstance(item, dict) else None
        if not isinstance(fp, str):
            raise UsageError(f"baseline {path} is not a chatsweep JSON report (a finding has no fingerprint)")
        seen = places.setdefault(fp, set())
        widest = audiences.setdefault(fp, {})
        occurrences = item.get("occurrences")
        for occ in occurrences if isinstance(occurrences, list) else ():
            if isinstance(occ, dict):
                place = str(occ.get("conversation_id") or occ.get("conversation") or "")
                seen.add(place)
                audience = occ.get("audience")
                if isinstance(audience, int) and not isinstance(audience, bool):
                    widest[place] = max(audience, widest.get(place, 0))
        previous.setdefault(fp, _resolved_finding(item, fp))
    return Baseline(
        places,
        str(path),
        made_with,
        {fp: frozenset(p) for fp, p in places.items()},
        {fp: a for fp, a in audiences.items() if a},
        previous,
    )


def _text(item: Mapping[str, Any], name: str, limit: int = 200) -> str:
    value = item.get(name)
    return one_line(value, limit) if isinstance(value, str) else ""


def _resolved_finding(item: Mapping[str, Any], fp: str) -> Finding:
    """A baseline finding as ``ScanResult.resolved`` lists it: masked preview and ids only.

    The file is untrusted: names come from our catalogue where the entity type is known,
    strings are cut to one short line, and the value (``--show-values``) is never copied.
    """
    entity = _text(item, "entity_type", 60) or "CUSTOM"
    entry = info(entity)
    confidence = item.get("confidence")
    score = float(confidence) if isinstance(confidence, int | float) and 0 <= confidence <= 1 else 0.0
    return Finding(
        id=_text(item, "id", 80) or f"{entry.rule}-{fp[:12]}",
        rule=entry.rule,
        entity_type=entity,
        category=Category(entry.category),
        severity=Severity(entry.severity),
        confidence=score,
        likelihood=Likelihood.from_score(score),
        preview=_text(item, "preview", 200),
        fingerprint=one_line(fp, 80),
        explanation=_text(item, "explanation", 500),
        occurrences=(),
        baseline="resolved",
    )


# What a finding is against the baseline (``Finding.baseline``).
NEW = "new"
STILL_PRESENT = "still_present"
NEW_PLACE = "new_place"  # a known value in a conversation, or before an audience, the baseline did not have


def apply(result: ScanResult, known: frozenset[str]) -> ScanResult:
    """``result`` compared with the baseline ``known``: every finding marked, none hidden.

    A finding whose fingerprint the baseline lacks is ``new``. A known one is
    ``still_present`` when every conversation it appears in now already held it then, and
    no occurrence reaches a larger audience there than the baseline saw; otherwise it has
    spread and is ``new_place``, which counts as new for ``--fail-on``. Baseline findings
    not seen again are listed in ``resolved``.
    """
    places: Mapping[str, frozenset[Place]] = {}
    audiences: Mapping[str, Mapping[Place, int]] = {}
    previous: Mapping[str, Finding] = {}
    if isinstance(known, Baseline):
        _check_key(known.path, known.key_id, result.key_id)
        places, audiences, previous = known.places, known.audiences, known.findings
    marked: list[Finding] = []
    counts = {NEW: 0, STILL_PRESENT: 0, NEW_PLACE: 0}
    for f in result.findings:
        state = _compare(f, known, places.get(f.fingerprint), audiences.get(f.fingerprint))
        counts[state] += 1
        marked.append(replace(f, baseline=state))
    seen = {f.fingerprint for f in result.findings}
    wanted = result.options.get("entities") if isinstance(result.options, Mapping) else None
    resolved = tuple(
        f
        for fp, f in previous.items()
        if fp not in seen and (not wanted or f.entity_type in wanted)  # a narrower scan did not look
    )
    note = (
        f"Against the baseline: {counts[NEW]} new, {counts[NEW_PLACE]} known value(s) in a new place "
        f"(counted as new), {counts[STILL_PRESENT]} still present (kept in the report, not counted for "
        f"--fail-on), {len(resolved)} resolved (no longer seen)."
    )
    options = {**result.options, "baseline": {**counts, "resolved": len(resolved)}}
    return replace(
        result, findings=tuple(marked), resolved=resolved, notices=(*result.notices, note), options=options
    )


def _compare(
    f: Finding, known: frozenset[str], then: frozenset[Place] | None, audience: Mapping[Place, int] | None
) -> str:
    if f.fingerprint not in known:
        return NEW
    if then is None:
        return STILL_PRESENT  # a bare set of fingerprints: no places to compare
    for o in f.occurrences:
        place = o.conversation_id or o.conversation
        if place not in then:
            return NEW_PLACE
        # The conversation grew (a private group made public, guests let in): more people
        # read it now. Compared only where the baseline knew the audience.
        before = audience.get(place) if audience else None
        if o.audience is not None and before is not None and o.audience > before:
            return NEW_PLACE
    return STILL_PRESENT


def counts_for_gate(f: Finding) -> bool:
    """Whether the baseline lets ``f`` count for ``--fail-on``: known values in known places do not."""
    return f.baseline != STILL_PRESENT


def _check_key(path: str, made_with: str, scan_key_id: str) -> None:
    if made_with != scan_key_id:
        raise UsageError(
            f"baseline {path} was made with key {made_with}; this scan uses key {scan_key_id}: {_SHARE_HINT}"
        )


def _read_json(path: Path) -> Any:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_BASELINE_BYTES:
                raise UsageError(f"baseline {path} is larger than {MAX_BASELINE_BYTES >> 20} MB; refused")
            # A pipe or device has no size to check: read at most the cap and one byte more.
            raw = fh.read(MAX_BASELINE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path}: {exc.strerror}") from None
    if len(raw) > MAX_BASELINE_BYTES:
        raise UsageError(f"baseline {path} is larger than {MAX_BASELINE_BYTES >> 20} MB; refused")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UsageError(f"baseline {path} is not UTF-8 text") from None
    except RecursionError:
        raise UsageError(f"baseline {path} is nested too deeply to be a chatsweep JSON report") from None
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "invalid JSON"
        raise UsageError(f"baseline {path} is not valid JSON ({reason})") from None
