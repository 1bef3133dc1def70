"""Broad Twitter Corpus (Derczynski, Bontcheva and Roberts, 2016): tweets with person and place names.

Publisher: https://github.com/GateNLP/broad_twitter_corpus. Its README's recommended split is
in ``train_dev_test_conll/``: ``btc.train`` and ``btc.dev`` (the second half of section H, non-UK
tweets of 2014); section F is the test split and is never read. CoNLL, one token a line.

Labels: ``PER`` is PERSON, ``LOC`` is LOCATION; ``ORG`` is not scored. Unlike WNUT-17, BTC
labels @handles as PER (the tokenizer split them, ``@`` then the name: they are joined back), so
scores here are given with and without gold spans that are handles.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.datasets import read_file, write_split
from benchmarks.datasets.wnut17 import parse_conll

NAME = "btc"
SPLITS = ("train", "dev")
LICENCE = "CC BY 4.0 (GateNLP/broad_twitter_corpus): cached locally, never committed"
SCORING = "spans"
TYPES = ("PERSON", "LOCATION")

REPO = "GateNLP/broad_twitter_corpus"
FILES = {"train": "train_dev_test_conll/btc.train", "dev": "train_dev_test_conll/btc.dev"}
RAW = "https://raw.githubusercontent.com/GateNLP/broad_twitter_corpus/master/"
LABELS = {"PER": "PERSON", "LOC": "LOCATION"}


def fetch(mirror: Path | None = None) -> None:
    """Write the train and dev splits into the cache (from ``mirror``, a bare git dir, or GitHub)."""
    for split, path in FILES.items():
        write_split(NAME, split, parse_conll(read_file(REPO, RAW, path, mirror), split, LABELS, glue_at=True))
