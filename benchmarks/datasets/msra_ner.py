"""MSRA NER (SIGHAN 2006 bakeoff): People's Daily style news sentences with person and place names.

Publisher: Microsoft Research Asia, distributed with the third SIGHAN bakeoff (Levow, 2006); no
licence is stated. The original has a train and a test split only. Public copies that split a
validation set off the training data (3,000 sentences; lemonhu/NER-BERT-pytorch's layout,
``data/msra/{train,val}/{sentences,tags}.txt``, one sentence a line, characters and BIO tags
separated by spaces) are read from a local git mirror; ``val`` is written as ``dev``, and
``train`` when the mirror holds it. The test split is never read.

Labels: ``PER`` is PERSON, ``LOC`` (countries, provinces, cities, districts, landmarks) is
LOCATION; ``ORG`` is not scored.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

from benchmarks.datasets import Example, Span, Unavailable, write_split

NAME = "msra_ner"
#: A public copy that holds the data unchanged (the harness passes its local mirror).
REPO = "StanleySun233/ChineseNER"
SPLITS = ("train", "dev")
LICENCE = "MSRA / SIGHAN 2006 bakeoff, no licence stated: cached locally, never committed"
SCORING = "spans"
TYPES = ("PERSON", "LOCATION")

LABELS = {"PER": "PERSON", "LOC": "LOCATION"}
MIRROR_DIRS = {"train": "data/msra/train", "dev": "data/msra/val"}


def fetch(mirror: Path | None = None) -> None:
    """Write the dev split (and train when present) from ``mirror``, a bare git dir of a copy."""
    if mirror is None:
        raise Unavailable("MSRA NER has no publisher download: give a local git mirror of a copy")
    written = 0
    for split, folder in MIRROR_DIRS.items():
        sentences = _show(mirror, f"{folder}/sentences.txt")
        tags = _show(mirror, f"{folder}/tags.txt")
        if sentences is None or tags is None:
            continue
        write_split(NAME, split, parse(sentences, tags, split))
        written += 1
    if not written:
        raise Unavailable(f"mirror at {mirror} holds no MSRA train or validation files")


def _show(mirror: Path, path: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "--git-dir", str(mirror), "show", f"HEAD:{path}"],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.decode("utf-8")


def parse(sentences: str, tags: str, split: str) -> Iterator[Example]:
    """Examples from parallel files of space-separated characters and BIO tags."""
    for n, (line, tag_line) in enumerate(zip(sentences.splitlines(), tags.splitlines(), strict=True), 1):
        chars = line.split()
        labels = tag_line.split()
        if len(chars) != len(labels):
            raise ValueError(f"msra_ner/{split} line {n}: {len(chars)} characters, {len(labels)} tags")
        text = "".join(chars)
        offsets = []
        pos = 0
        for ch in chars:
            offsets.append(pos)
            pos += len(ch)
        spans: list[Span] = []
        kind: str | None = None
        start = 0
        for i, tag in enumerate([*labels, "O"]):
            at = offsets[i] if i < len(offsets) else len(text)
            prefix, _, name = tag.partition("-")
            if kind is not None and not (prefix == "I" and name == kind):
                label = LABELS.get(kind)
                if label:
                    spans.append(Span(start, at, label))
                kind = None
            if prefix == "B" or (prefix == "I" and kind is None):
                kind, start = name, at
        yield Example(f"{split}-{n}", text, "zh", spans)
