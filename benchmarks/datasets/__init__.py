"""Public labelled datasets for the accuracy benchmark, converted into one cached form.

Third-party data is never committed: each dataset module fetches its files from the
publisher's public repository (or from a local git mirror of it), converts them, and writes
them into a cache outside the repository:

    $CHATSWEEP_BENCH_CACHE (default ~/.cache/chatsweep-bench)/<dataset>/<split>.jsonl

One JSON object per line:
    {"id": "...", "text": "...", "lang": "en" | "zh",
     "spans": [{"start": 0, "end": 5, "label": "PERSON"}, ...]}

Optional keys, written only when set (older files read as before):
    "types": ["CREDIT_CARD"]   the types this example is scored on (default: the dataset's TYPES);
                               for a dataset of recognizer cases, the recognizer the case tests
    "skip_reason": "..."       the publisher marks the case as not expected to pass: counted apart
    "conversation": "...", "author": "..."
                               messages that belong together (a question, then its answer);
                               without them every example is a conversation of its own

Spans are character offsets into ``text`` (end exclusive) and labels are chatsweep's entity
names (PERSON, LOCATION, PHONE_NUMBER, SECRET ...). A dataset module defines ``NAME``,
``SPLITS`` (the splits it may write; test splits are never used for tuning), ``LICENCE`` and
``fetch(mirror: Path | None) -> None``, which writes the cache or raises ``Unavailable``.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


class Unavailable(Exception):
    """The dataset cannot be fetched here (offline, or the mirror lacks its files)."""


@dataclass
class Span:
    start: int
    end: int
    label: str


@dataclass
class Example:
    id: str
    text: str
    lang: str
    spans: list[Span] = field(default_factory=list)
    types: tuple[str, ...] | None = None
    skip_reason: str | None = None
    conversation: str | None = None
    author: str | None = None


def cache_dir() -> Path:
    root = os.environ.get("CHATSWEEP_BENCH_CACHE") or "~/.cache/chatsweep-bench"
    return Path(root).expanduser()


def split_path(dataset: str, split: str) -> Path:
    return cache_dir() / dataset / f"{split}.jsonl"


def write_split(dataset: str, split: str, examples: Iterable[Example]) -> int:
    path = split_path(dataset, split)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    tmp = path.with_suffix(".jsonl.part")
    with tmp.open("w", encoding="utf-8") as out:
        for ex in examples:
            for s in ex.spans:
                if not (0 <= s.start < s.end <= len(ex.text)):
                    raise ValueError(f"{dataset}/{split} {ex.id}: span {s.start}-{s.end} outside text")
            record = {
                "id": ex.id,
                "text": ex.text,
                "lang": ex.lang,
                "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in ex.spans],
            }
            if ex.types is not None:
                record["types"] = list(ex.types)
            for key in ("skip_reason", "conversation", "author"):
                if getattr(ex, key) is not None:
                    record[key] = getattr(ex, key)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    tmp.replace(path)
    return count


def read_split(dataset: str, split: str) -> Iterator[Example] | None:
    """The cached split, or None when it has not been fetched."""
    path = split_path(dataset, split)
    if not path.is_file():
        return None

    def _iter() -> Iterator[Example]:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                yield Example(
                    rec["id"],
                    rec["text"],
                    rec["lang"],
                    [Span(s["start"], s["end"], s["label"]) for s in rec["spans"]],
                    tuple(rec["types"]) if rec.get("types") is not None else None,
                    rec.get("skip_reason"),
                    rec.get("conversation"),
                    rec.get("author"),
                )

    return _iter()


def read_file(repo: str, raw: str, path: str, mirror: Path | None) -> str:
    """``path`` of ``repo``: from the bare git dir ``mirror`` when given, else from ``raw`` + path."""
    if mirror is not None:
        try:
            out = subprocess.run(
                ["git", "--git-dir", str(mirror), "show", f"HEAD:{path}"],
                check=True,
                capture_output=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            raise Unavailable(f"{repo} mirror at {mirror} lacks {path}") from exc
        return out.stdout.decode("utf-8", errors="replace")
    try:
        with urllib.request.urlopen(raw + path, timeout=30) as resp:
            data: bytes = resp.read()
    except (OSError, urllib.error.URLError) as exc:
        raise Unavailable(f"cannot download {raw + path}: {exc}") from exc
    return data.decode("utf-8", errors="replace")
