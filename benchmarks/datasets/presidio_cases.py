"""Presidio's own unit-test cases for its predefined recognizers, for the types chatsweep claims.

Source: microsoft/presidio, ``presidio-analyzer/tests/test_<type>_recognizer.py`` (MIT licence,
Copyright (c) Microsoft Corporation). Each test file holds ``pytest.mark.parametrize`` lists of
(text, expected count, expected spans, expected scores); they are read with ``ast`` (never
imported or run) and each case becomes one example whose spans are the expected ones.

Each case is scored on the type its test file is about (``types``), so a case that expects
nothing ("an invalid IBAN") is judged on that type alone: it passes when the detections of that
type are exactly its spans (same count, same offsets). Three kinds of case carry a
``skip_reason`` and are counted apart (their ids are marked too):
- ``#weak``: Presidio expects a score of at most 0.3 (a bare 9-digit "passport", any digit run
  as a driver licence), a "possible" match on its own scale, below any reporting threshold;
  chatsweep reports such a number only next to a keyword;
- ``#leniency``: phone cases written for a phonenumbers leniency other than PhoneRecognizer's
  default;
- ``#testcard``: a published processor test card number (4111 1111 1111 1111), which chatsweep
  deliberately does not report.

Expected spans are trimmed of surrounding whitespace. Cases are split by their position in
each file, alternately into ``dev`` and ``test``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.datasets import Example, Span, read_file, write_split
from recognizers import validators

NAME = "presidio_cases"
SPLITS = ("dev", "test")
REPO = "microsoft/presidio"
LICENCE = "MIT (microsoft/presidio)"
SCORING = "cases"

#: Presidio test file stem -> chatsweep entity type.
FILES: dict[str, str] = {
    "credit_card": "CREDIT_CARD",
    "email": "EMAIL_ADDRESS",
    "iban": "IBAN_CODE",
    "ip": "IP_ADDRESS",
    "phone": "PHONE_NUMBER",
    "ph_mobile_number": "PHONE_NUMBER",
    "tr_phone_number": "PHONE_NUMBER",
    "uk_nhs": "UK_NHS",
    "uk_nino": "UK_NINO",
    "us_driver_license": "US_DRIVER_LICENSE",
    "us_passport": "US_PASSPORT",
    "us_ssn": "US_SSN",
}
TYPES = tuple(dict.fromkeys(FILES.values()))

_RAW = "https://raw.githubusercontent.com/microsoft/presidio/main/"
_PATH = "presidio-analyzer/tests/test_{}_recognizer.py"
_TEXT_FIELDS = ("text", "iban")
_POSITION_FIELDS = ("expected_positions", "expected_res")
_WEAK = 0.3
_DEFAULT_LENIENCY = 1  # phonenumbers' Leniency.VALID, PhoneRecognizer's default
_SKIP_REASONS = {
    "#weak": "Presidio expects a score of at most 0.3 (a possible match by its own scale); "
    "chatsweep reports such a bare number only next to a keyword",
    "#leniency": "written for a phonenumbers leniency other than PhoneRecognizer's default",
    "#testcard": "a published processor test card number, which chatsweep deliberately does not report",
}


def _source(stem: str, mirror: Path | None) -> str:
    return read_file(REPO, _RAW, _PATH.format(stem), mirror)


def _parametrize_lists(source: str) -> Iterator[tuple[list[str], list[Any]]]:
    """(argument names, literal rows) of every ``pytest.mark.parametrize`` in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            if not (isinstance(deco, ast.Call) and getattr(deco.func, "attr", "") == "parametrize"):
                continue
            if len(deco.args) < 2 or not isinstance(deco.args[0], ast.Constant):
                continue
            names = [n.strip() for n in str(deco.args[0].value).split(",")]
            rows_node = deco.args[1]
            if not isinstance(rows_node, ast.List | ast.Tuple):
                continue
            rows: list[Any] = []
            for elt in rows_node.elts:
                try:
                    rows.append(ast.literal_eval(elt))
                except ValueError:
                    continue  # a computed case (a helper call): not a literal
            yield names, rows


def _trimmed(text: str, start: int, end: int, label: str) -> Span:
    """The span without surrounding whitespace (a pattern's leading ``\\s`` is not the value)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, label)


def cases(stem: str, source: str) -> Iterator[tuple[str, Example]]:
    """(split, example) for each literal case of one test file."""
    label = FILES[stem]
    n = 0
    for names, rows in _parametrize_lists(source):
        text_field = next((f for f in _TEXT_FIELDS if f in names), None)
        pos_field = next((f for f in _POSITION_FIELDS if f in names), None)
        if text_field is None or "expected_len" not in names or pos_field is None:
            continue
        for row in rows:
            if not isinstance(row, tuple) or len(row) != len(names):
                continue
            case = dict(zip(names, row, strict=True))
            text, count, positions = case[text_field], case["expected_len"], case[pos_field]
            if not isinstance(text, str) or len(positions) != count:
                continue  # e.g. an expected count without its spans: nothing exact to compare
            marks = ""
            if case.get("leniency", _DEFAULT_LENIENCY) != _DEFAULT_LENIENCY:
                marks += "#leniency"
            ranges = case.get("expected_score_ranges") or ()
            if ranges and all(hi <= _WEAK for _, hi in ranges):
                marks += "#weak"
            spans = [_trimmed(text, int(a), int(b), label) for a, b in positions]
            if label == "CREDIT_CARD" and any(
                validators.is_test_card("".join(c for c in text[s.start : s.end] if c.isdigit()))
                for s in spans
            ):
                marks += "#testcard"
            reason = "; ".join(_SKIP_REASONS[m] for m in _SKIP_REASONS if m in marks) or None
            split = SPLITS[n % 2]
            yield split, Example(f"{stem}/{n}{marks}", text, "en", spans, types=(label,), skip_reason=reason)
            n += 1


def fetch(mirror: Path | None) -> None:
    """Read the test files (from the mirror's git directory or GitHub) and write both splits."""
    out: dict[str, list[Example]] = {s: [] for s in SPLITS}
    for stem in FILES:
        for split, example in cases(stem, _source(stem, mirror)):
            out[split].append(example)
    for split, examples in out.items():
        write_split(NAME, split, examples)


if __name__ == "__main__":
    import sys

    fetch(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
