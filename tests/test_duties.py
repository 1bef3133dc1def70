"""Breach-notification duties computed from small synthetic scan results, one law at a time."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from scanner.duties import DISCLAIMER, DISCLAIMER_ZH, assess, attach
from scanner.model import ConversationSummary, Duty, ScanResult, Subject, Triage
from tests.helpers import run_cli, write_jsonl
from tests.synthetic_results import finding, occurrence, result


def _by_key(r: ScanResult) -> dict[str, Duty]:
    return {d.key: d for d in assess(r)}


def test_every_law_is_assessed_with_a_bilingual_disclaimer() -> None:
    duties = assess(result(finding("EMAIL_ADDRESS")))
    assert [d.key for d in duties] == ["gdpr_art33", "gdpr_art34", "pipl_art57", "hipaa_breach"]
    for d in duties:
        assert d.disclaimer == DISCLAIMER and "not legal advice" in d.disclaimer
        assert d.zh["disclaimer"] == DISCLAIMER_ZH and "不构成法律意见" in DISCLAIMER_ZH
        assert set(d.zh) == {"law", "why", "asks", "consequences", "disclaimer"}
        assert d.why and d.asks and d.consequences


def test_nothing_personal_triggers_nothing() -> None:
    # Secrets are not personal data; a personal finding triaged as a false positive is not one.
    r = result(finding("PASSWORD"), replace(finding("CN_RESIDENT_ID", 1), triage=Triage("false_positive")))
    for d in assess(r):
        assert not d.triggered, d.key
        assert d.subjects == 0 and d.records == 0


def test_gdpr_33_contact_details_in_a_small_group_are_unlikely_to_be_a_risk() -> None:
    d = _by_key(result(finding("EMAIL_ADDRESS"), finding("PHONE_NUMBER", 1)))["gdpr_art33"]
    assert not d.triggered
    assert "unlikely to result in a risk" in d.why
    assert d.subjects == 2 and d.records == 2
    assert d.categories == ("EMAIL_ADDRESS", "PHONE_NUMBER")
    assert "phishing" in d.consequences
    assert "72 hours" in d.asks and "72 小时" in d.zh["asks"]


def test_gdpr_33_and_34_identity_numbers_in_a_large_channel_are_high_risk() -> None:
    wide = (occurrence("all-hands", audience=1200, kind="channel"),)
    duties = _by_key(result(finding("US_SSN", occurrences=wide), finding("EMAIL_ADDRESS", 1)))
    assert duties["gdpr_art33"].triggered
    assert duties["gdpr_art34"].triggered
    assert "US_SSN" in duties["gdpr_art34"].why and "1200 members" in duties["gdpr_art34"].why
    assert "identity theft" in duties["gdpr_art34"].consequences


def test_gdpr_34_identity_numbers_in_a_small_group_only_possibly() -> None:
    d = _by_key(result(finding("US_SSN")))["gdpr_art34"]
    assert not d.triggered and d.why.startswith("Possibly")
    assert _by_key(result(finding("US_SSN")))["gdpr_art33"].triggered


def test_external_members_make_it_wide() -> None:
    conv = ConversationSummary("chat.jsonl", "ops", "ops", "group", 5, 2, {"high": 1}, 1, None, 1.0)
    d = _by_key(result(finding("CREDIT_CARD"), conversations=(conv,)))["gdpr_art34"]
    assert d.triggered and "2 external or guest member(s)" in d.why


def test_subjects_are_taken_from_the_result_when_grouped() -> None:
    f1, f2 = finding("EMAIL_ADDRESS"), finding("PHONE_NUMBER", 1)
    person = Subject(
        "S1", "a***", (f1.id, f2.id), ("EMAIL_ADDRESS", "PHONE_NUMBER"), False, ("ops",), None, None
    )
    d = _by_key(result(f1, f2, subjects=(person,)))["gdpr_art33"]
    assert d.subjects == 1 and d.records == 2


def test_pipl_57_applies_to_chinese_data_only() -> None:
    d = _by_key(result(finding("CN_RESIDENT_ID")))["pipl_art57"]
    assert d.triggered and "remedial measures" in d.asks and "补救措施" in d.zh["asks"]
    d = _by_key(result(finding("EMAIL_ADDRESS"), languages={"en": 3, "zh": 2}))["pipl_art57"]
    assert d.triggered
    d = _by_key(result(finding("EMAIL_ADDRESS")))["pipl_art57"]
    assert not d.triggered and "Probably not applicable" in d.why


def test_hipaa_health_information_is_triggered_with_the_notice_deadlines() -> None:
    health = [finding("HEALTH_INFO", n, occurrences=(occurrence(message_id=f"m{n}"),)) for n in range(3)]
    d = _by_key(result(*health, finding("EMAIL_ADDRESS", 9)))["hipaa_breach"]
    assert d.triggered
    assert d.subjects == 3 and d.records == 3 and d.categories == ("HEALTH_INFO",)
    assert "60 days" in d.asks and "yearly log" in d.asks and "more than 500 residents" in d.asks
    assert "beside identifiers" in d.why
    assert "discrimination" in d.consequences


def test_hipaa_500_people_or_more_tell_hhs_at_once() -> None:
    health = [finding("MEDICAL_RECORD_NUMBER", n) for n in range(500)]
    d = _by_key(result(*health))["hipaa_breach"]
    assert d.triggered and d.subjects == 500 and "HHS at the same time" in d.asks


def test_hipaa_health_special_category_counts_but_other_special_data_does_not() -> None:
    d = _by_key(result(finding("SPECIAL_CATEGORY", detail="health: chronic condition")))["hipaa_breach"]
    assert d.triggered
    d = _by_key(result(finding("SPECIAL_CATEGORY", detail="religion")))["hipaa_breach"]
    assert not d.triggered and d.subjects == 0


def test_hipaa_not_triggered_without_health_data() -> None:
    d = _by_key(result(finding("US_SSN")))["hipaa_breach"]
    assert not d.triggered and "no health information" in d.why


def test_attach_fills_the_result() -> None:
    assert len(attach(result(finding("EMAIL_ADDRESS"))).duties) == 4


def test_the_cli_attaches_duties_to_the_result_it_renders(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from scanner import cli

    seen: list[ScanResult] = []

    def keep(result: ScanResult, targets: object) -> list[Path]:
        seen.append(result)
        return []

    monkeypatch.setattr(cli, "_write_reports", keep)
    chat = write_jsonl(
        tmp_path / "chat.jsonl",
        [{"id": "m1", "conversation": "ops", "author": "ana", "timestamp": "2024-05-01T09:00:00Z",
          "text": "身份证号11010519491231002X"}],
    )  # fmt: skip
    assert run_cli(capsys, "scan", str(chat), "--no-ner", "--format", "json", "-o", "-").code == 1
    duties = {d.key: d for d in seen[0].duties}
    assert duties["pipl_art57"].triggered and duties["gdpr_art33"].triggered
    assert not duties["hipaa_breach"].triggered
    assert duties["gdpr_art33"].categories == ("CN_RESIDENT_ID",) and duties["gdpr_art33"].subjects == 1
