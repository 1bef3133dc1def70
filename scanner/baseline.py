"""Baselines: hide findings an earlier JSON report already listed, under the same key.

A baseline is matched by fingerprint, and fingerprints are keyed: a baseline made under
another key would match nothing and silently report everything as new, so that is an error
naming both key ids. A known value that turns up in a conversation the baseline never saw
it in has spread, and is reported again.

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

from scanner.errors import UsageError
from scanner.model import Finding, ScanResult

# Far above any real report (a finding is about 1 KB), far below what exhausts a laptop.
MAX_BASELINE_BYTES = 256 * 1024 * 1024

_SHARE_HINT = (
    "make the baseline and the scan with the same key "
    "(share one with --key-file or CHATSWEEP_FINGERPRINT_KEY; see 'Fingerprint keys' in the README)"
)

Place = tuple[str, str]  # (input, conversation)


class Baseline(frozenset[str]):
    """The fingerprints of a baseline report, with the key it was made under and where
    each value had been seen (``input``, ``conversation``)."""

    path: str
    key_id: str
    places: Mapping[str, frozenset[Place]]

    def __new__(
        cls, fingerprints: Iterable[str], path: str, key_id: str, places: Mapping[str, frozenset[Place]]
    ) -> Baseline:
        self = super().__new__(cls, fingerprints)
        self.path, self.key_id, self.places = path, key_id, places
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
    for item in findings:
        fp = item.get("fingerprint") if isinstance(item, dict) else None
        if not isinstance(fp, str):
            raise UsageError(f"baseline {path} is not a chatsweep JSON report (a finding has no fingerprint)")
        seen = places.setdefault(fp, set())
        occurrences = item.get("occurrences")
        for occ in occurrences if isinstance(occurrences, list) else ():
            if isinstance(occ, dict):
                seen.add((str(occ.get("input", "")), str(occ.get("conversation", ""))))
    return Baseline(places, str(path), made_with, {fp: frozenset(p) for fp, p in places.items()})


def apply(result: ScanResult, known: frozenset[str]) -> ScanResult:
    """``result`` without the findings already in ``known``, unless they have spread.

    A finding is hidden when its fingerprint is in the baseline and every conversation it
    appears in now (input and conversation) already held it then. The notices say how many
    were hidden and how many known ones were kept because they spread.
    """
    places: Mapping[str, frozenset[Place]] = {}
    if isinstance(known, Baseline):
        _check_key(known.path, known.key_id, result.key_id)
        places = known.places
    kept: list[Finding] = []
    hidden = spread = 0
    for f in result.findings:
        if f.fingerprint not in known:
            kept.append(f)
            continue
        then = places.get(f.fingerprint)
        now = {(o.input, o.conversation) for o in f.occurrences}
        if then is not None and not now <= then:
            spread += 1
            kept.append(f)
        else:
            hidden += 1
    note = f"{hidden} finding(s) already in the baseline were not reported."
    if spread:
        note += (
            f" {spread} finding(s) in the baseline were kept: they appeared in a conversation"
            " the baseline did not have."
        )
    return replace(result, findings=tuple(kept), notices=(*result.notices, note))


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
