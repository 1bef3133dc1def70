"""WNUT-17 Emerging Entities (Derczynski et al., 2017): English social text with person and place names.

Publisher: https://github.com/leondz/emerging_entities_17 (``wnut17train.conll`` is the train
split, ``emerging.dev.conll`` the dev split; the test files are never read). Tweets, Reddit,
YouTube and StackExchange comments, one token a line with a tab and a BIO tag; a blank line (or a
line holding only a tab) ends a text.

Labels: ``person`` is PERSON, ``location`` is LOCATION; groups, corporations, products and
creative works are not personal data and are not scored. Twitter handles are whole tokens
(``@name``) labelled O, so a detector that reports a bare handle as a name loses precision here.

The text is rebuilt by joining the tokens with single spaces (``You should ' ve stayed``); span
offsets are the tokens' offsets in that text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from benchmarks.datasets import Example, Span, read_file, write_split

NAME = "wnut17"
SPLITS = ("train", "dev")
LICENCE = "CC BY 4.0 (leondz/emerging_entities_17): cached locally, never committed"
SCORING = "spans"
TYPES = ("PERSON", "LOCATION")

REPO = "leondz/emerging_entities_17"
FILES = {"train": "wnut17train.conll", "dev": "emerging.dev.conll"}
RAW = "https://raw.githubusercontent.com/leondz/emerging_entities_17/master/"
LABELS = {"person": "PERSON", "location": "LOCATION"}


def fetch(mirror: Path | None = None) -> None:
    """Write the train and dev splits into the cache (from ``mirror``, a bare git dir, or GitHub)."""
    for split, path in FILES.items():
        write_split(NAME, split, parse_conll(read_file(REPO, RAW, path, mirror), split, LABELS))


def parse_conll(
    conll: str, split: str, labels: Mapping[str, str], glue_at: bool = False
) -> Iterator[Example]:
    """Examples from token-per-line CoNLL text, spans for the labels in ``labels``.

    With ``glue_at`` a lone ``@`` token is joined to the next token (``@ name`` → ``@name``),
    as the text was written; the joined token keeps the label of the ``@``.
    """
    tokens: list[str] = []
    tags: list[str] = []
    n = 0
    for line in [*conll.splitlines(), ""]:
        token, _, tag = line.rstrip("\r").partition("\t")
        if not token.strip():
            if tokens:
                n += 1
                yield _example(f"{split}-{n}", tokens, tags, labels)
                tokens, tags = [], []
            continue
        if glue_at and tokens and tokens[-1] == "@":
            tokens[-1] += token.strip()
            continue
        tokens.append(token.strip())
        tags.append(tag.strip() or "O")


def _example(ex_id: str, tokens: list[str], tags: list[str], labels: Mapping[str, str]) -> Example:
    offsets = []
    pos = 0
    for tok in tokens:
        offsets.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    text = " ".join(tokens)
    spans: list[Span] = []
    open_kind: str | None = None
    start = end = 0
    for (s, e), tag in zip([*offsets, (len(text), len(text))], [*tags, "O"], strict=True):
        prefix, _, kind = tag.partition("-")
        if open_kind is not None and not (prefix == "I" and kind == open_kind):
            label = labels.get(open_kind)
            if label:
                spans.append(Span(start, end, label))
            open_kind = None
        if prefix in ("B", "I") and open_kind is None:
            open_kind, start = kind, s
        end = e
    return Example(ex_id, text, "en", spans)
