"""Masked previews and keyed fingerprints: the only forms in which a value leaves the pipeline."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

# Fingerprints must be stable across runs (baselines compare them) yet not a plain hash of
# a short value (a phone number's hash is brute-forced in seconds). The key comes from the
# settings (CHATSWEEP_FINGERPRINT_KEY); this default only makes fingerprints deterministic.
DEFAULT_KEY = b"chatsweep/v1 default fingerprint key - set CHATSWEEP_FINGERPRINT_KEY"

_SEPARATORS = re.compile(r"[\s\-()./]")
_DIGIT_LIKE = frozenset(
    {
        "PHONE_NUMBER", "CREDIT_CARD", "CN_BANK_CARD", "CN_RESIDENT_ID", "IBAN_CODE", "US_SSN",
        "UK_NHS", "UK_NINO", "HK_ID", "TW_ID", "CN_USCC", "MEDICAL_RECORD_NUMBER", "VERIFICATION_CODE",
    }
)  # fmt: skip
# Public, documented token prefixes: showing them tells a DPO what leaked, not the secret.
_PUBLIC_PREFIX = re.compile(
    r"^(?:gh[pousr]_|github_pat_|glpat-|xox[a-z]-|xapp-|[sr]k_(?:live|test)_|sk-proj-|sk-ant-|sk-|"
    r"AKIA|ASIA|ABIA|ACCA|LTAI|AKID|AIza|eyJ|SG\.|npm_|pypi-|"
    r"[a-z][a-z0-9+.-]{1,15}://)"
)


def canonical(entity: str, value: str) -> str:
    """The form two occurrences of the same value share: '138 1234 5678' == '13812345678'."""
    value = unicodedata.normalize("NFKC", value).strip()
    if entity in _DIGIT_LIKE:
        value = _SEPARATORS.sub("", value).upper()
        if entity == "PHONE_NUMBER":
            value = value.removeprefix("+86").removeprefix("0086")
        return value
    if entity in ("EMAIL_ADDRESS", "PERSON", "LOCATION"):
        return " ".join(value.casefold().split())
    return value


def key_id(key: bytes) -> str:
    """A short public name for a fingerprint key: reports made under one key share it.

    A keyed hash of a fixed label, so it names the key without helping anyone guess it.
    """
    return hmac.new(key, b"chatsweep key id", hashlib.sha256).hexdigest()[:16]


def fingerprint(entity: str, value: str, key: bytes = DEFAULT_KEY) -> str:
    digest = hmac.new(key, f"{entity}\x00{canonical(entity, value)}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def mask(entity: str, value: str, category: str = "personal") -> str:
    """A preview that lets a DPO recognise the kind of value without revealing it.

    Identifiers keep a few leading and trailing characters (138****5678); secrets keep at
    most their public prefix (ghp_… AKIA…) and their length; names keep initials.
    """
    value = value.strip()
    n = len(value)
    if n == 0:
        return ""
    if entity == "PRIVATE_KEY":
        first = value.splitlines()[0][:40]
        return f"{first} … [{n} chars]" if first.startswith("-----") else f"[private key, {n} chars]"
    if category == "secret":
        m = _PUBLIC_PREFIX.match(value)
        keep = len(m.group(0)) if m and len(m.group(0)) <= n // 2 else 0
        return f"{value[:keep]}{'*' * min(max(n - keep, 1), 12)} [{n} chars]"
    if entity == "EMAIL_ADDRESS" and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if entity in ("PERSON",):
        return " ".join(p[:1] + "*" * (len(p) - 1) if len(p) > 1 else p for p in value.split()) or "*"
    if n <= 4:
        return "*" * n
    if n <= 8:
        return value[:1] + "*" * (n - 2) + value[-1:]
    head = 3 if n < 15 else 4
    tail = 4 if entity != "CN_RESIDENT_ID" else 2
    return value[:head] + "*" * (n - head - tail) + value[-tail:]
