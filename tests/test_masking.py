"""Masked previews and fingerprints: recognisable kind, never the value."""

from __future__ import annotations

import pytest

from scanner.masking import canonical, fingerprint, mask


@pytest.mark.parametrize(
    ("entity", "value", "category", "expected"),
    [
        ("PHONE_NUMBER", "13812345678", "personal", "138****5678"),
        ("EMAIL_ADDRESS", "li.wei@example.com", "personal", "l***@example.com"),
        ("PASSWORD", "Tr0ub4dor&3x!", "secret", "************ [13 chars]"),
        ("GITHUB_TOKEN", "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", "secret", "ghp_************ [40 chars]"),
        ("AWS_ACCESS_KEY", "AKIAMXGEDN73U55XTPLP", "secret", "AKIA************ [20 chars]"),
        ("CN_RESIDENT_ID", "11010519491231002X", "personal", "1101************2X"),
        ("PERSON", "Jane Placeholder", "personal", "J*** P**********"),
        ("US_SSN", "078", "personal", "***"),
    ],
)
def test_mask(entity: str, value: str, category: str, expected: str) -> None:
    assert mask(entity, value, category) == expected


def test_secret_mask_never_shows_a_short_secret_prefix() -> None:
    # A password that happens to start like a token prefix keeps nothing when the prefix is half of it.
    assert mask("PASSWORD", "sk-12", "secret").startswith("*")


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


def test_fingerprint_is_keyed_and_stable() -> None:
    a = fingerprint("PHONE_NUMBER", "13812345678")
    assert a == fingerprint("PHONE_NUMBER", "138 1234 5678")
    assert a != fingerprint("PHONE_NUMBER", "13812345678", key=b"another key")
    assert a != fingerprint("EMAIL_ADDRESS", "13812345678")
    assert len(a) == 32 and "13812345678" not in a
