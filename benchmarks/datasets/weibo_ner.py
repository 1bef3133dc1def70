"""Weibo NER (Peng and Dredze, 2015/2016): Chinese social-media posts with person and place names.

Publisher: https://github.com/hltcoe/golden-horse (``data/weiboNER_2nd_conll.{train,dev}``, the
revised annotation). One character a line, written with its position in its word (``张0``), a
tab and a BIO tag; a blank line ends a post.

Labels: named mentions only. ``PER.NAM`` is PERSON; ``LOC.NAM`` (landmarks, regions) and
``GPE.NAM`` (countries, provinces, cities) are LOCATION. Nominal mentions (``*.NOM``: 男友,
老师, 城市) are not names and are not scored; organisations (``ORG``) are not personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from benchmarks.datasets import Example, Span, read_file, write_split

NAME = "weibo_ner"
SPLITS = ("train", "dev")
LICENCE = (
    "annotations CC BY-SA 3.0 (hltcoe/golden-horse); the posts are from Weibo under its terms "
    "of service: cached locally, never committed"
)
SCORING = "spans"
TYPES = ("PERSON", "LOCATION")

REPO = "hltcoe/golden-horse"
FILES = {"train": "data/weiboNER_2nd_conll.train", "dev": "data/weiboNER_2nd_conll.dev"}
RAW = "https://raw.githubusercontent.com/hltcoe/golden-horse/master/"
LABELS = {"PER.NAM": "PERSON", "LOC.NAM": "LOCATION", "GPE.NAM": "LOCATION"}

# A token is the character followed by its position in its word (one or more digits).
_TOKEN = re.compile(r"(.+?)([0-9]+)\Z")


def fetch(mirror: Path | None = None) -> None:
    """Write the train and dev splits into the cache (from ``mirror``, a bare git dir, or GitHub)."""
    for split, path in FILES.items():
        write_split(NAME, split, parse(read_file(REPO, RAW, path, mirror), split))


def parse(conll: str, split: str) -> Iterator[Example]:
    """Examples from the CoNLL text: one post each, spans for the scored labels."""
    chars: list[str] = []
    tags: list[str] = []
    n = 0
    for line in [*conll.splitlines(), ""]:
        line = line.rstrip("\r")
        if not line.strip():
            if chars:
                n += 1
                yield _example(f"{split}-{n}", chars, tags)
                chars, tags = [], []
            continue
        token, _, tag = line.rpartition("\t")
        m = _TOKEN.match(token)
        chars.append(m.group(1) if m else token)
        tags.append(tag.strip())


def _example(ex_id: str, chars: list[str], tags: list[str]) -> Example:
    text = ""
    offsets = []
    for ch in chars:
        offsets.append(len(text))
        text += ch
    spans: list[Span] = []
    open_label: str | None = None
    start = 0
    for i, tag in enumerate([*tags, "O"]):
        pos = offsets[i] if i < len(offsets) else len(text)
        prefix, _, kind = tag.partition("-")
        continues = prefix == "I" and kind == open_label
        if open_label is not None and not continues:
            label = LABELS.get(open_label)
            if label:
                spans.append(Span(start, pos, label))
            open_label = None
        if prefix == "B" or (prefix == "I" and open_label is None):
            open_label, start = kind, pos
    return Example(ex_id, text, "zh", spans)
