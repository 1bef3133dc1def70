"""CLUENER2020: Chinese news sentences (THUCNews) with fine-grained entities.

Publisher: CLUEbenchmark (https://github.com/CLUEbenchmark/CLUENER2020, arXiv:2001.04351). The
repository holds code only; the data ship as ``cluener_public.zip`` (``train.json``,
``dev.json``; the test split has no labels) from the publisher's storage. A local git mirror
of a repository that carries the unchanged files (``data/cluener/{train,dev}.json``, e.g.
StanleySun233/ChineseNER) may be given instead.

Each record is ``{"text": ..., "label": {type: {mention: [[start, end_inclusive], ...]}}}``
(one a line in the publisher's files; some copies pretty-print them). ``name`` is PERSON and
``address`` (from a country or city down to a street address) is LOCATION; ``scene`` (scenic
spots), organisations, companies, governments, positions and titles of works are not scored.
"""

from __future__ import annotations

import io
import json
import subprocess
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.datasets import Example, Span, Unavailable, write_split

NAME = "cluener"
#: A public copy that holds the data unchanged (the harness passes its local mirror).
REPO = "StanleySun233/ChineseNER"
SPLITS = ("train", "dev")
LICENCE = (
    "CLUEbenchmark CLUENER2020 (no licence file; published for research, cite arXiv:2001.04351); "
    "text from THUCNews: cached locally, never committed"
)
SCORING = "spans"
TYPES = ("PERSON", "LOCATION")

ZIP_URL = "https://storage.googleapis.com/cluebenchmark/tasks/cluener_public.zip"
MIRROR_PATHS = ("data/cluener/{split}.json", "datasets/cluener/{split}.json", "{split}.json")
LABELS = {"name": "PERSON", "address": "LOCATION"}


def fetch(mirror: Path | None = None) -> None:
    """Write the train and dev splits into the cache (from ``mirror``, a bare git dir, or the zip)."""
    files = _from_mirror(mirror) if mirror is not None else _from_zip()
    for split in SPLITS:
        write_split(NAME, split, parse(files[split], split))


def _from_mirror(mirror: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for split in SPLITS:
        for pattern in MIRROR_PATHS:
            path = pattern.format(split=split)
            try:
                out = subprocess.run(
                    ["git", "--git-dir", str(mirror), "show", f"HEAD:{path}"],
                    check=True,
                    capture_output=True,
                )
            except (OSError, subprocess.CalledProcessError):
                continue
            files[split] = out.stdout.decode("utf-8")
            break
        else:
            raise Unavailable(f"mirror at {mirror} has no CLUENER {split}.json")
    return files


def _from_zip() -> dict[str, str]:
    try:
        with urllib.request.urlopen(ZIP_URL, timeout=60) as resp:
            data: bytes = resp.read()
    except (OSError, urllib.error.URLError) as exc:
        raise Unavailable(f"cannot download {ZIP_URL}: {exc}") from exc
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = {Path(n).name: n for n in zf.namelist()}
        return {split: zf.read(names[f"{split}.json"]).decode("utf-8") for split in SPLITS}


def _records(text: str) -> Iterator[dict[str, Any]]:
    """JSON objects one after another (one a line, or pretty-printed)."""
    decoder = json.JSONDecoder()
    pos = 0
    n = len(text)
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            return
        obj, pos = decoder.raw_decode(text, pos)
        yield obj


def parse(text: str, split: str) -> Iterator[Example]:
    for i, rec in enumerate(_records(text), 1):
        sentence = rec["text"]
        spans: list[Span] = []
        for kind, mentions in (rec.get("label") or {}).items():
            label = LABELS.get(kind)
            if label is None:
                continue
            for mention, places in mentions.items():
                for start, end in places:
                    if sentence[start : end + 1] != mention:
                        raise ValueError(f"cluener/{split} record {i}: span does not match its mention")
                    spans.append(Span(start, end + 1, label))
        spans.sort(key=lambda s: (s.start, s.end))
        yield Example(f"{split}-{i}", sentence, "zh", spans)
