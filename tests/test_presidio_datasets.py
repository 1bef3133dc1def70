"""The Presidio test-case and presidio-research dataset converters, on small synthetic input."""

from __future__ import annotations

from benchmarks.datasets import presidio_cases, presidio_research

_SOURCE = """
import pytest

@pytest.mark.parametrize(
    "text, expected_len, expected_positions, expected_score_ranges",
    [
        ("my ssn 078 05 1123", 1, ((7, 18),), ((0.5, 0.6),),),
        ("078051121", 1, ((0, 9),), ((0.0, 0.3),),),
        ("000000000", 0, (), (),),
        ("nino: AA 12 34 56 B", 1, ((5, 19),), ((0.5, 0.5),),),
        (helper("x"), 1, ((0, 1),), (),),
    ],
)
def test_cases(text, expected_len, expected_positions, expected_score_ranges):
    pass


@pytest.mark.parametrize(
    "text, expected_len, entities, expected_positions, score, leniency",
    [("call 415-555-0132", 1, ["PHONE_NUMBER"], ((5, 17),), 0.4, 0)],
)
def test_leniency(text, expected_len, entities, expected_positions, score, leniency):
    pass
"""


def test_cases_are_read_from_parametrize_lists() -> None:
    got = list(presidio_cases.cases("us_ssn", _SOURCE))
    ids = [ex.id for _, ex in got]
    assert ids == ["us_ssn/0", "us_ssn/1#weak", "us_ssn/2", "us_ssn/3", "us_ssn/4#leniency"]
    assert [split for split, _ in got] == ["dev", "test", "dev", "test", "dev"]
    first = got[0][1]
    assert [(s.start, s.end, s.label) for s in first.spans] == [(7, 18, "US_SSN")]
    assert got[2][1].spans == []
    nino = got[3][1]
    assert nino.text[nino.spans[0].start : nino.spans[0].end] == "AA 12 34 56 B"  # leading space trimmed


def test_research_labels_map_and_split_by_template() -> None:
    records = [
        {
            "full_text": "Call Jane at 202-555-0143 in Paris",
            "spans": [
                {"entity_type": "PERSON", "start_position": 5, "end_position": 9},
                {"entity_type": "PHONE_NUMBER", "start_position": 13, "end_position": 25},
                {"entity_type": "GPE", "start_position": 29, "end_position": 34},
            ],
            "template_id": 4,
        },
        {
            "full_text": "Acme pays on 2024-01-01",
            "spans": [
                {"entity_type": "ORGANIZATION", "start_position": 0, "end_position": 4},
                {"entity_type": "DATE_TIME", "start_position": 13, "end_position": 23},
            ],
            "template_id": 7,
        },
    ]
    out = presidio_research.convert(records)
    (dev,) = out["dev"]
    (test,) = out["test"]
    assert [s.label for s in dev.spans] == ["PERSON", "PHONE_NUMBER", "LOCATION"]
    assert [s.label for s in test.spans] == ["ORGANIZATION", "DATE_TIME"]
    assert not set(presidio_research.TYPES) & {"ORGANIZATION", "DATE_TIME"}
