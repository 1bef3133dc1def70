"""Subjects (who the findings belong to), occurrence severity, conversation risk, statement details."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scanner.details import statement_detail
from scanner.exposure import LARGE_AUDIENCE, Room, conversations, occurrence_severity, risk
from scanner.model import Category, Finding, Likelihood, Occurrence, Severity
from scanner.subjects import Linker, Mention, build


def occ(conversation: str = "c1", when: str = "2024-03-01T09:00:00", audience: int | None = 5) -> Occurrence:
    return Occurrence(
        input="in",
        conversation=conversation,
        conversation_id=conversation,
        message_id="m",
        author="A",
        author_id="a",
        timestamp=when,
        start=0,
        end=1,
        location="in:1",
        audience=audience,
    )


def finding(fp: str, entity: str, *occurrences: Occurrence, **kw: Any) -> Finding:
    fields: dict[str, Any] = {
        "id": f"F-{fp}",
        "rule": "CS1",
        "entity_type": entity,
        "category": Category.PERSONAL,
        "severity": Severity.MEDIUM,
        "confidence": 0.9,
        "likelihood": Likelihood.LIKELY,
        "preview": f"<{fp}>",
        "fingerprint": fp,
        "explanation": "",
        "occurrences": occurrences or (occ(),),
    }
    fields.update(kw)
    return Finding(**fields)


def test_each_identifier_goes_to_the_nearest_name() -> None:
    linker = Linker()
    # "张伟 13800000001 … 李娜 13900000002": two people in one message.
    linker.part(
        [
            Mention("p-zhang", "PERSON", 0),
            Mention("ph-1", "PHONE_NUMBER", 3),
            Mention("p-li", "PERSON", 30),
            Mention("ph-2", "PHONE_NUMBER", 33),
        ],
        author="author-key",
        author_label="D.",
    )
    assert linker.find("ph-1") == linker.find("p-zhang")
    assert linker.find("ph-2") == linker.find("p-li")
    assert linker.find("p-zhang") != linker.find("p-li")
    assert not linker.known("author-key")  # names were there: the author is not involved


def test_without_a_name_data_belongs_to_the_author() -> None:
    linker = Linker()
    linker.part([Mention("email", "EMAIL_ADDRESS", 10)], author="bob", author_label="B.")
    linker.part([Mention("ssn", "US_SSN", 10)], author="bob", author_label="B.")
    assert linker.find("email") == linker.find("ssn") == linker.find("bob")
    subjects = build([finding("email", "EMAIL_ADDRESS"), finding("ssn", "US_SSN")], linker)
    assert len(subjects) == 1
    assert subjects[0].label == "B."
    assert subjects[0].categories == ("EMAIL_ADDRESS", "US_SSN")


def test_one_message_ties_identifiers_across_messages() -> None:
    linker = Linker()
    linker.part([Mention("alice", "PERSON", 0), Mention("mail", "EMAIL_ADDRESS", 8)], author="x")
    linker.part([Mention("alice", "PERSON", 0), Mention("phone", "PHONE_NUMBER", 8)], author="y")
    assert linker.find("mail") == linker.find("phone")


def test_system_messages_have_no_author_to_blame() -> None:
    linker = Linker()
    linker.part([Mention("phone", "PHONE_NUMBER", 0), Mention("place", "LOCATION", 20)], author=None)
    assert linker.known("phone") and not linker.known("place")
    subjects = build([finding("phone", "PHONE_NUMBER"), finding("place", "LOCATION")], linker)
    assert [s.categories for s in subjects] == [("PHONE_NUMBER",)]


def test_secrets_are_not_people() -> None:
    linker = Linker()
    linker.part([Mention("key", "AWS_ACCESS_KEY", 0)], author="bob")
    secret = finding("key", "AWS_ACCESS_KEY", category=Category.SECRET)
    assert build([secret], linker) == ()


def test_subject_fields() -> None:
    linker = Linker()
    linker.part([Mention("p", "PERSON", 0), Mention("h", "HEALTH_INFO", 10)], author="a")
    found = [
        finding(
            "p", "PERSON", occ("ward", "2024-01-02T08:00:00", 12), occ("lobby", "2024-05-01T08:00:00", 80)
        ),
        finding("h", "HEALTH_INFO", occ("ward", "2024-01-02T08:00:00", 12), severity=Severity.HIGH),
    ]
    (subject,) = build(found, linker)
    assert subject.special is True
    assert subject.label == "<p>"
    assert subject.identifiers == ("F-p", "F-h")
    assert subject.conversations == ("lobby", "ward")
    assert (subject.first_seen, subject.last_seen) == ("2024-01-02T08:00:00", "2024-05-01T08:00:00")
    assert subject.audience == 80
    # Keyed and stable: the same links in another order give the same id.
    other = Linker()
    other.part([Mention("h", "HEALTH_INFO", 10), Mention("p", "PERSON", 0)], author="a")
    assert build(found, other)[0].id == subject.id


def test_occurrence_severity_rises_with_the_audience() -> None:
    assert occurrence_severity(Severity.MEDIUM, "group", LARGE_AUDIENCE, None) is Severity.HIGH
    assert occurrence_severity(Severity.MEDIUM, "group", LARGE_AUDIENCE - 1, None) is Severity.MEDIUM
    assert occurrence_severity(Severity.MEDIUM, "channel", 5, 1) is Severity.HIGH
    assert occurrence_severity(Severity.LOW, "group", None, None) is Severity.LOW
    assert occurrence_severity(Severity.CRITICAL, "channel", 5000, 30) is Severity.CRITICAL
    assert occurrence_severity(Severity.HIGH, "dm", 2, 1) is Severity.HIGH  # a DM is never raised


def test_risk_weighs_severity_audience_externals_and_age() -> None:
    base = risk([Severity.HIGH], "group", 10, None, 0)
    assert risk([Severity.HIGH], "group", 1000, None, 0) > base
    assert risk([Severity.HIGH], "group", 10, 3, 0) == 2 * base
    assert risk([Severity.HIGH], "group", 10, None, 365) == 2 * base
    assert risk([Severity.HIGH], "group", 10, None, 5000) == 2 * base  # age capped at a year
    assert risk([Severity.CRITICAL], "group", 10, None, 0) == 2 * base
    assert risk([Severity.HIGH, Severity.LOW], "group", 10, None, 0) > base


def test_conversations_are_sorted_by_risk() -> None:
    ssn = Severity.HIGH
    found = [
        finding("a", "US_SSN", occ("dm-with-bob", "2024-03-01T00:00:00", 2), severity=ssn),
        finding("b", "US_SSN", occ("all-hands", "2024-03-01T00:00:00", 1200), severity=ssn),
        finding("c", "PERSON", occ("team", "2023-03-01T00:00:00", 8), severity=Severity.LOW),
    ]
    rooms = {
        ("in", "dm-with-bob"): Room("in", "dm-with-bob", "dm-with-bob", "dm", 2, 0),
        ("in", "all-hands"): Room("in", "all-hands", "all-hands", "channel", 1200, 14),
        ("in", "team"): Room("in", "team", "team", "group", 8, 0),
    }
    out = conversations(found, rooms, (), newest=datetime(2024, 3, 1))
    assert [c.conversation for c in out] == ["all-hands", "dm-with-bob", "team"]
    top = out[0]
    assert (top.kind, top.members, top.external_members) == ("channel", 1200, 14)
    assert top.findings_by_severity == {"critical": 0, "high": 1, "medium": 0, "low": 0}
    assert out[2].oldest == "2023-03-01T00:00:00"


def test_statement_details() -> None:
    health = (
        "SpecialCategoryRecognizer; term revealing a mental-health condition (mental_health), "
        "said of a person: a person reference"
    )
    assert statement_detail("HEALTH_INFO", health) == "health: mental-health condition"
    religion = "term revealing religion or belief (religion), said of a person: my"
    assert statement_detail("SPECIAL_CATEGORY", religion) == "special category: religion or belief"
    fraud = "FraudIndicatorRecognizer; fraud indicator: 刷单返利 (paid-task or order-brushing scam); cues: a"
    assert statement_detail("FRAUD_INDICATOR", fraud) == "paid-task or order-brushing scam (刷单返利)"
    assert statement_detail("PHONE_NUMBER", fraud) is None
    assert statement_detail("HEALTH_INFO", "something else") is None
