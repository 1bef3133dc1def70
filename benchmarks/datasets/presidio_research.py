"""presidio-research's synthetic sentences (``data/synth_dataset_v2.json``), with Presidio's labels.

Source: microsoft/presidio-research (MIT licence, Copyright (c) Microsoft Corporation): 1,500
English sentences generated from templates with fake values, each span labelled.

Their labels map to chatsweep's: STREET_ADDRESS and GPE are LOCATION; PERSON, CREDIT_CARD,
PHONE_NUMBER, EMAIL_ADDRESS, IBAN_CODE, US_SSN, IP_ADDRESS and US_DRIVER_LICENSE keep their
names. The rest (ORGANIZATION, DATE_TIME, TITLE, AGE, NRP, ZIP_CODE, DOMAIN_NAME) keep their
own labels, which are not in ``TYPES``: a scorer treats them as "don't care" (a detection on
such a span is neither right nor wrong).

Sentences are split by template, so no template is in both splits: even template ids are
``dev``, odd ones ``test``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.datasets import Example, Span, read_file, write_split

NAME = "presidio_research"
REPO = "microsoft/presidio-research"
SPLITS = ("dev", "test")
LICENCE = "MIT (microsoft/presidio-research)"
SCORING = "spans"

LABELS: dict[str, str] = {
    "PERSON": "PERSON",
    "STREET_ADDRESS": "LOCATION",
    "GPE": "LOCATION",
    "CREDIT_CARD": "CREDIT_CARD",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "IBAN_CODE": "IBAN_CODE",
    "US_SSN": "US_SSN",
    "IP_ADDRESS": "IP_ADDRESS",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE",
}
TYPES = tuple(dict.fromkeys(LABELS.values()))

_PATH = "data/synth_dataset_v2.json"
_RAW = "https://raw.githubusercontent.com/microsoft/presidio-research/master/"


def _load(mirror: Path | None) -> Any:
    return json.loads(read_file(REPO, _RAW, _PATH, mirror))


def convert(records: list[dict[str, Any]]) -> dict[str, list[Example]]:
    out: dict[str, list[Example]] = {s: [] for s in SPLITS}
    for i, rec in enumerate(records):
        text = rec["full_text"]
        spans = [
            Span(s["start_position"], s["end_position"], LABELS.get(s["entity_type"], s["entity_type"]))
            for s in rec["spans"]
            if 0 <= s["start_position"] < s["end_position"] <= len(text)
        ]
        spans.sort(key=lambda s: (s.start, s.end))
        template = int(rec.get("template_id") or 0)
        out[SPLITS[template % 2]].append(Example(f"synth_v2/{i}", text, "en", spans))
    return out


def fetch(mirror: Path | None) -> None:
    """Read the dataset (from the mirror's git directory or GitHub) and write both splits."""
    for split, examples in convert(_load(mirror)).items():
        write_split(NAME, split, examples)


if __name__ == "__main__":
    import sys

    fetch(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
