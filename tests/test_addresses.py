"""Street addresses: matching stays linear in the text, however the text is built."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants
    import sre_parse

from recognizers.families import addresses
from recognizers.families._base import FamilyRecognizer, Rule


def _recognizers() -> list[FamilyRecognizer]:
    classes = (
        addresses.CnAddressRecognizer,
        addresses.EnAddressRecognizer,
        addresses.IntlAddressRecognizer,
        addresses.CountryRecognizer,
    )
    return [cls("en") for cls in classes]


def _rules() -> list[Rule]:
    return [
        rule for cls in (addresses.EnAddressRecognizer, addresses.IntlAddressRecognizer) for rule in cls.RULES
    ]


@pytest.mark.parametrize("rule", _rules(), ids=lambda r: r.name)
def test_every_pattern_has_a_bounded_length(rule: Rule) -> None:
    """A pattern whose longest match is bounded tries a bounded number of paths at each start,
    so a scan with it is linear in the text by construction (no catastrophic backtracking)."""
    _, longest = sre_parse.parse(rule.regex.pattern, rule.regex.flags).getwidth()
    assert longest < 1_000 < sre_constants.MAXREPEAT


ADVERSARIAL = [
    "Aaaa 12 " * 5_000,
    "the corner of " + "Abc 1 " * 5_000,
    "12 " + "Rue Abc " * 5_000,
    ("Street 12\n Suite 1\n Abc\n" * 2_000),
    "1 " + "Abc, " * 10_000,
    "Via " * 10_000 + "1",
    "Bosnia and " * 10_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_widening_examines_a_bounded_number_of_tokens(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Widening a street over its address looks at a few short lines only: the tokens it
    classifies, over the whole analysis, stay within a constant times the text's length."""
    calls = 0
    real = addresses._token_kind

    def counted(token: str, after_comma: bool, lower: bool) -> str | None:
        nonlocal calls
        calls += 1
        return real(token, after_comma, lower)

    monkeypatch.setattr(addresses, "_token_kind", counted)
    for recognizer in _recognizers():
        recognizer.analyze(text, entities=None)
    assert calls <= 40 * len(text)


def test_a_multi_line_address_is_one_finding() -> None:
    text = "send it to:\n1200 Exampleweg 14\n Suite 301\n Sampleton\n Netherlands 1234\nMobile: see above"
    spans = {(r.start, r.end) for rec in _recognizers() for r in rec.analyze(text, entities=None)}
    start = text.index("1200")
    assert spans == {(start, text.index("\nMobile"))}
