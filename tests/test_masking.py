"""Masked previews and fingerprints: recognisable kind, never the value."""

from __future__ import annotations

import pytest

from scanner.masking import canonical, fingerprint, mask


@pytest.mark.parametrize(
    ("entity", "value", "category", "expected"),
    [
        ("PHONE_NUMBER", "13812345678", "personal", "*********78"),
        ("PHONE_NUMBER", "+86 138-1234-5678", "personal", "+86 *********78"),
        ("PHONE_NUMBER", "+44 7700 900458", "personal", "+44 ********58"),
        ("PHONE_NUMBER", "0086 13812345678", "personal", "+86 *********78"),
        ("PHONE_NUMBER", "12345", "personal", "*****"),
        ("CREDIT_CARD", "4539 5260 1815 9083", "personal", "************9083"),
        ("CN_BANK_CARD", "6222020200112236090", "personal", "***************6090"),
        ("IBAN_CODE", "DE89 3704 0044 0532 0130 00", "personal", "DE****************3000"),
        ("EMAIL_ADDRESS", "li.wei@example.com", "personal", "l***@example.com"),
        ("EMAIL_ADDRESS", "x@example.com", "personal", "***@example.com"),
        ("PASSWORD", "Tr0ub4dor&3x!", "secret", "************ [13 chars]"),
        ("PASSWORD", "sk-proj-abcdefgh", "secret", "************ [16 chars]"),
        ("VERIFICATION_CODE", "482913", "secret", "****** [6 chars]"),
        ("GITHUB_TOKEN", "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", "secret", "ghp_************ [40 chars]"),
        ("AWS_ACCESS_KEY", "AKIAMXGEDN73U55XTPLP", "secret", "AKIA************ [20 chars]"),
        ("CN_RESIDENT_ID", "11010519491231002X", "personal", "11****************"),
        ("US_SSN", "078-05-1120", "personal", "*******20"),
        ("US_SSN", "078", "personal", "***"),
        ("UK_NINO", "QQ 12 34 56 C", "personal", "*******6C"),
        ("CN_USCC", "91350100M000100Y43", "business", "**************0Y43"),
        ("PERSON", "Jane Placeholder", "personal", "J. P."),
        ("PERSON", "李小明", "personal", "李**"),
        ("LOCATION", "221B Example Street", "personal", "22… [19 chars]"),
        ("LOCATION", "Paris", "personal", "[5 chars]"),
        ("CUSTOM", "Project Nightjar", "business", "[custom term, 16 chars]"),
        ("HEALTH_INFO", "diabetes", "personal", "[health info term, 8 chars]"),
        ("DATE_OF_BIRTH", "1949-12-31", "personal", "[date, 10 chars]"),
        ("IP_ADDRESS", "203.0.113.7", "personal", "203.*** [11 chars]"),
    ],
)
def test_mask(entity: str, value: str, category: str, expected: str) -> None:
    assert mask(entity, value, category) == expected


def test_secret_mask_never_shows_a_short_secret_prefix() -> None:
    # A secret that happens to start like a token prefix keeps nothing when the prefix is half of it.
    assert mask("GENERIC_SECRET", "sk-12", "secret").startswith("*")


def test_previews_are_deterministic() -> None:
    for entity, value in (("PHONE_NUMBER", "+86 13812345678"), ("CN_RESIDENT_ID", "11010519491231002X")):
        assert mask(entity, value) == mask(entity, value)


def test_private_key_without_armour_shows_nothing_of_it() -> None:
    assert mask("PRIVATE_KEY", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmU", "secret") == "[private key, 31 chars]"


def test_private_key_mask_keeps_only_the_armour_line() -> None:
    pem = (
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n"
        "-----END OPENSSH PRIVATE KEY-----"
    )
    out = mask("PRIVATE_KEY", pem, "secret")
    assert out.startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert "b3BlbnNz" not in out


def test_canonical_groups_formatting_variants() -> None:
    assert canonical("PHONE_NUMBER", "+86 138-1234-5678") == canonical("PHONE_NUMBER", "13812345678")
    assert canonical("CREDIT_CARD", "4539 5260 1815 9083") == "4539526018159083"
    assert canonical("EMAIL_ADDRESS", "Li.Wei@Example.com") == "li.wei@example.com"


KEY = b"test key, not a secret: 0123456789"


def test_fingerprint_is_keyed_and_stable() -> None:
    a = fingerprint("PHONE_NUMBER", "13812345678", KEY)
    assert a == fingerprint("PHONE_NUMBER", "138 1234 5678", KEY)
    assert a != fingerprint("PHONE_NUMBER", "13812345678", b"another test key, not a secret")
    assert a != fingerprint("EMAIL_ADDRESS", "13812345678", KEY)
    assert len(a) == 32 and "13812345678" not in a


def test_private_key_on_one_line_shows_only_the_armour() -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEAfakefakefake-----END RSA PRIVATE KEY-----"
    out = mask("PRIVATE_KEY", pem, "secret")
    assert out == f"-----BEGIN RSA PRIVATE KEY----- … [{len(pem)} chars]"
    assert "MIIE" not in out
