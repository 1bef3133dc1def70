"""The PII benchmark's corpus: deterministic, exactly labelled, covering every type; and its scoring.

Only the corpus and the scoring are tested here (no analyzer runs, nothing is timed): the
figures themselves come from running ``benchmarks/pii_benchmark.py``.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from stdnum import iban, luhn
from stdnum.cn import ric, uscc

from recognizers.catalogue import CATALOGUE

PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "pii_benchmark.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pii_benchmark", PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pii_benchmark"] = module
    spec.loader.exec_module(module)
    return module


bench = _load()


@pytest.fixture(scope="module")
def corpus() -> list:
    return bench.build_corpus(3000, 1)


def test_same_seed_same_corpus_and_other_seed_differs() -> None:
    assert bench.build_corpus(400, 7) == bench.build_corpus(400, 7)
    assert bench.build_corpus(400, 7) != bench.build_corpus(400, 8)


def test_spans_are_exact_and_disjoint(corpus: list) -> None:
    for item in corpus:
        spans = sorted(item.spans, key=lambda s: s.start)
        for a, b in itertools.pairwise(spans):
            assert a.end <= b.start, item.text
        for s in spans:
            value = item.text[s.start : s.end]
            assert value and value == value.strip(), (item.text, s)
        if item.negative:
            assert not item.spans, item.text


def test_every_personal_type_and_uscc_in_both_languages(corpus: list) -> None:
    wanted = {e.entity for e in CATALOGUE if e.category == "personal"} | {"CN_USCC"}
    by_lang: dict[str, set[str]] = {"en": set(), "zh": set()}
    for item in corpus:
        by_lang[item.language].update(s.entity for s in item.spans)
    # Types that only exist in one script: US/UK ids are English-only, Chinese plates, ids,
    # permits and the USCC appear in Chinese messages.
    missing = wanted - {"MO_ID"} - by_lang["en"] - by_lang["zh"]
    assert not missing, sorted(missing)
    shared_types = (
        *("PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "LOCATION", "DATE_OF_BIRTH", "CREDIT_CARD"),
        *("IBAN_CODE", "IP_ADDRESS", "HEALTH_INFO", "SPECIAL_CATEGORY", "MEDICAL_RECORD_NUMBER"),
    )
    for shared in shared_types:
        assert shared in by_lang["en"] and shared in by_lang["zh"], shared
    assert sum(i.language == "zh" for i in corpus) > 1000
    assert sum(i.negative for i in corpus) > 800


def test_values_glued_to_chinese_text(corpus: list) -> None:
    glued = 0
    for item in corpus:
        for s in item.spans:
            before = item.text[s.start - 1 : s.start]
            if s.start and re.match(r"[\u4e00-\u9fff]", before) and item.text[s.start].isascii():
                glued += 1
    assert glued > 100


def test_checksummed_values_are_valid(corpus: list) -> None:
    for item in corpus:
        for s in item.spans:
            value = item.text[s.start : s.end].replace(" ", "").replace("-", "")
            if s.entity in ("CREDIT_CARD", "CN_BANK_CARD"):
                assert luhn.is_valid(value), value
            elif s.entity == "IBAN_CODE":
                assert iban.is_valid(value), value
            elif s.entity == "CN_RESIDENT_ID":
                assert ric.calc_check_digit(value) == value[-1], (
                    value
                )  # region tables differ: check digit only
            elif s.entity == "CN_USCC":
                assert uscc.is_valid(value), value
            elif s.entity == "UK_NHS":
                digits = [int(c) for c in value]
                check = (11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11) % 11
                assert check == digits[9], value
            elif s.entity == "TW_ID":
                assert _tw_ok(value), value
            elif s.entity == "HK_ID":
                assert _hk_ok(value), value


def _tw_ok(value: str) -> bool:
    code = bench._TW_LETTERS[value[0]]
    total = code // 10 + (code % 10) * 9 + sum(int(d) * w for d, w in zip(value[1:9], range(8, 0, -1)))
    return (total + int(value[9])) % 10 == 0


def _hk_ok(value: str) -> bool:
    m = re.fullmatch(r"([A-Z])([0-9]{6})\(([0-9A])\)", value)
    assert m
    total = 36 * 9 + (ord(m[1]) - 55) * 8 + sum(int(d) * w for d, w in zip(m[2], range(7, 1, -1)))
    return (total + (10 if m[3] == "A" else int(m[3]))) % 11 == 0


def test_hard_negatives_include_test_cards_and_general_health_talk(corpus: list) -> None:
    texts = [i.text for i in corpus if i.negative]
    assert any("4111 1111 1111 1111" in t or "4242424242424242" in t for t in texts)
    assert any("conference" in t for t in texts) and any("大会" in t for t in texts)
    assert any(t.startswith("order ") for t in texts) and any("订单号" in t for t in texts)


def test_mentions_are_unlabelled_and_participants_labelled(corpus: list) -> None:
    mentions = [i for i in corpus if "@" in i.text and not any(s.entity == "EMAIL_ADDRESS" for s in i.spans)]
    assert mentions and all(not i.spans for i in mentions)
    named = [
        i
        for i in corpus
        if any(i.text[s.start : s.end] in i.members for s in i.spans if s.entity == "PERSON")
    ]
    assert named


def test_jsonl_round_trip(tmp_path: Path, corpus: list) -> None:
    path = bench.write_jsonl(corpus[:50], tmp_path / "c.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in rows] == [i.text for i in corpus[:50]]
    assert rows[0]["conversation"]["members"] == list(corpus[0].members)


def test_scoring_counts_overlaps_by_type() -> None:
    Item, Span = bench.Item, bench.Span
    items = [
        Item("1", "c", ("A",), "A", "call 13912345678 now", (Span(5, 16, "PHONE_NUMBER"),), "en", False),
        Item(
            "2",
            "c",
            ("A",),
            "A",
            "Jane Roe and Kim Doe",
            (Span(0, 8, "PERSON"), Span(13, 20, "PERSON")),
            "en",
            False,
        ),
    ]
    predictions = [
        ("1", 5, 12, "PHONE_NUMBER"),  # overlaps: a hit
        ("1", 5, 16, "CREDIT_CARD"),  # another type: a false alarm of that type
        ("2", 0, 4, "PERSON"),
        ("2", 9, 12, "PERSON"),  # "and": a false alarm
    ]
    scores = bench.score(items, predictions, ["PHONE_NUMBER", "PERSON", "CREDIT_CARD"])
    assert (scores["PHONE_NUMBER"].precision, scores["PHONE_NUMBER"].recall) == (1.0, 1.0)
    assert (scores["PERSON"].found, scores["PERSON"].gold, scores["PERSON"].correct) == (1, 2, 1)
    assert scores["PERSON"].f1 == pytest.approx(0.5)
    assert scores["CREDIT_CARD"].precision == 0.0
    total = bench.micro(scores, ["PHONE_NUMBER", "PERSON"])
    assert (total.found, total.gold, total.correct, total.predicted) == (2, 3, 2, 3)
