"""Samples as tests: every line of ``recognizers/samples/<family>.txt`` runs through that family.

Recognizers are called directly, without an NLP engine (``nlp_artifacts=None``): the families
do their own nearby-keyword checks, so no context enhancer is needed. The sample format is
described in ``recognizers/samples/README.md``.
"""

from __future__ import annotations

import pkgutil
import re
import time
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pytest

from recognizers import catalogue, families
from recognizers.families import ALL_ENTITIES, FAMILIES, LANGUAGES, build_recognizers

OPEN, CLOSE = "⟦", "⟧"
NOTE = re.compile(r"  # ")
LINE = re.compile(r"(?P<sign>[+-]) (?P<lang>EN|ZH) (?P<entity>[A-Z_]+) (?P<text>.+)")


@dataclass(frozen=True)
class Sample:
    family: str
    lineno: int
    positive: bool
    language: str
    entity: str
    text: str
    spans: tuple[tuple[int, int], ...]
    note: str

    @property
    def id(self) -> str:
        return f"{self.family}:{self.lineno}"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "\\": "\\"}.get(m.group(1), m.group(0)), text)


def _parse(family: str, lineno: int, line: str) -> Sample:
    parts = NOTE.split(line, maxsplit=1)
    body, note = parts[0], (parts[1] if len(parts) > 1 else "")
    m = LINE.fullmatch(body.rstrip())
    assert m, f"{family}.txt:{lineno}: malformed sample line"
    raw = _unescape(m.group("text"))
    text, spans, pos = [], [], 0
    start = -1
    for ch in raw:
        if ch == OPEN:
            start = pos
        elif ch == CLOSE:
            assert start >= 0, f"{family}.txt:{lineno}: {CLOSE} without {OPEN}"
            spans.append((start, pos))
            start = -1
        else:
            text.append(ch)
            pos += 1
    return Sample(
        family,
        lineno,
        m.group("sign") == "+",
        m.group("lang").lower(),
        m.group("entity"),
        "".join(text),
        tuple(spans),
        note.strip(),
    )


def _family_names() -> list[str]:
    return [f.__name__.rsplit(".", 1)[-1] for f in FAMILIES]


def load_samples() -> list[Sample]:
    samples = []
    for name in _family_names():
        path = resources.files("recognizers").joinpath("samples", f"{name}.txt")
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() and not line.startswith("#"):
                samples.append(_parse(name, lineno, line))
    return samples


SAMPLES = load_samples()


@cache
def _recognizers(family: str, language: str) -> list[Any]:
    module = next(f for f in FAMILIES if f.__name__.endswith("." + family))
    return module.recognizers(language)


def _analyze(family: str, language: str, text: str, entity: str) -> list[Any]:
    results = []
    for recognizer in _recognizers(family, language):
        if entity in recognizer.supported_entities:
            results.extend(recognizer.analyze(text, entities=[entity], nlp_artifacts=None))
    return [r for r in results if r.entity_type == entity]


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.id for s in SAMPLES])
def test_sample(sample: Sample) -> None:
    results = _analyze(sample.family, sample.language, sample.text, sample.entity)
    found = {(r.start, r.end) for r in results}
    shown = [(sample.text[a:b], round(r.score, 2)) for r in results for a, b in [(r.start, r.end)]]
    if sample.positive:
        assert sample.spans, "a positive sample marks its span(s) with ⟦ ⟧"
        for start, end in sample.spans:
            assert (start, end) in found, f"expected {sample.text[start:end]!r}; found {shown}"
        assert found <= set(sample.spans), f"unexpected extra results: {shown}"
        for r in results:
            assert 0 < r.score <= 1
            explanation = r.analysis_explanation
            assert explanation is not None and explanation.textual_explanation
            assert sample.text[r.start : r.end] not in explanation.textual_explanation
    else:
        assert sample.note, "a negative sample says why after '  # '"
        windows = sample.spans or ((0, len(sample.text)),)
        overlapping = [s for s in shown for r in results for a, b in windows if r.start < b and a < r.end]
        assert not overlapping, f"must not be found: {overlapping}"


def test_every_family_has_enough_samples() -> None:
    for name in _family_names():
        mine = [s for s in SAMPLES if s.family == name]
        assert sum(s.positive for s in mine) >= 8, name
        assert sum(not s.positive for s in mine) >= 8, name
        assert {s.language for s in mine} == {"en", "zh"}, name


def test_every_family_module_is_registered() -> None:
    modules = {m.name for m in pkgutil.iter_modules(families.__path__) if not m.name.startswith("_")}
    assert modules == set(_family_names())


def test_every_entity_is_in_the_catalogue() -> None:
    for language in LANGUAGES:
        for recognizer in build_recognizers(language):
            assert recognizer.supported_language == language
            for entity in recognizer.supported_entities:
                assert entity in catalogue.BY_ENTITY, entity
                assert entity in ALL_ENTITIES, entity
    assert set(ALL_ENTITIES) <= set(catalogue.BY_ENTITY)
    for family in FAMILIES:
        produced = {e for r in family.recognizers("en") for e in r.supported_entities}
        assert produced == set(family.ENTITIES), family.__name__


def test_samples_cover_every_entity() -> None:
    assert {s.entity for s in SAMPLES if s.positive} == set(ALL_ENTITIES)


def test_context_words_follow_the_language() -> None:
    zh = [w for r in build_recognizers("zh") for w in r.context]
    assert any(re.search(r"[\u4e00-\u9fff]", w) for w in zh)
    for recognizer in build_recognizers("en"):
        assert all(w.isascii() for w in recognizer.context), recognizer.name


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        build_recognizers("fr")


def test_entities_filter() -> None:
    """A recognizer asked for other entities returns nothing (Presidio passes the wanted list)."""
    (recognizer,) = _recognizers("payment", "en")
    text = "卡号6222021234567890128 and 5123456789012346"
    assert {r.entity_type for r in recognizer.analyze(text, entities=["CN_BANK_CARD"])} == {"CN_BANK_CARD"}
    assert {r.entity_type for r in recognizer.analyze(text, entities=None)} == {"CN_BANK_CARD", "CREDIT_CARD"}
    assert recognizer.analyze(text, entities=["PERSON"]) == []


def test_keyword_evidence_is_not_boosted_twice() -> None:
    """Results whose keyword was part of the evidence tell Presidio's enhancer to leave them alone."""
    from presidio_analyzer import RecognizerResult

    flag = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY
    for family, text in (
        ("passwords", "password: Xq7#Chatsweep"),
        ("cloud_keys", "aws_secret_access_key = cHaTsWeEp/SyNtHeTiC+sEcReT/k3Y/0nLy4TeSt"),
        ("cn_ids", "身份证号11010519491231002X"),
    ):
        results = [r for rec in _recognizers(family, "en") for r in rec.analyze(text, entities=None)]
        assert results and all(r.recognition_metadata.get(flag) for r in results), family
    (bare,) = [r for rec in _recognizers("contact", "en") for r in rec.analyze("16612345678", entities=None)]
    assert not bare.recognition_metadata.get(flag)  # no keyword seen: the enhancer may still help


def test_case_sensitive_tokens_survive_presidio_flags() -> None:
    """Presidio's global IGNORECASE must not reach our patterns: lower-case akia… is no key."""
    recognizers = build_recognizers("en")
    text = "akiachatsweepq7r2zkd GHP_Chatsweep0Synthetic0Token000012egbqR"
    assert [r for rec in recognizers for r in rec.analyze(text, entities=None)] == []


def test_long_adversarial_input_is_linear() -> None:
    """Inputs built to make regexes backtrack (long runs without a terminator) finish.

    Speed itself is measured by benchmarks/throughput.py; this bound is only far enough
    above normal (well under a second) to catch catastrophic backtracking, which takes hours.
    """
    nasty = [
        "a" * 50_000 + "@",
        "1" * 50_000,
        "1 " * 25_000,
        "password: " + "x" * 50_000,
        "-----BEGIN PRIVATE KEY-----\n" + "A" * 50_000,
        "xoxb-" + "1-" * 25_000,
        "密码是" * 10_000,
        ("ab" * 40 + ".") * 1_000 + "@",
    ]
    recognizers = build_recognizers("en")
    began = time.perf_counter()
    for text in nasty:
        for recognizer in recognizers:
            recognizer.analyze(text, entities=None)
    assert time.perf_counter() - began < 60
