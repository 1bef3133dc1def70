"""Masked previews and keyed fingerprints: the only forms in which a value leaves the pipeline."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

import phonenumbers

# Fingerprints must be stable across runs (baselines compare them) yet not a plain hash of
# a short value (a phone number's hash is brute-forced in seconds). So they are HMACs under
# the user's own key (scanner.keys); there is no built-in key, since one in our public
# source would let anyone holding a report brute-force it.

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


def fingerprint(entity: str, value: str, key: bytes) -> str:
    """A keyed HMAC of the value's canonical form: equal values give equal fingerprints."""
    digest = hmac.new(key, f"{entity}\x00{canonical(entity, value)}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


# Identifiers a bank statement would show by their last characters only (2 for short ones,
# 4 for long ones, so that what is hidden stays far beyond a brute force).
_TAIL_ONLY = frozenset(
    {
        "US_SSN", "US_PASSPORT", "US_DRIVER_LICENSE", "UK_NHS", "UK_NINO", "CN_PASSPORT", "HK_ID",
        "TW_ID", "MO_ID", "CN_TRAVEL_PERMIT", "CN_USCC", "MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_ID",
    }
)  # fmt: skip
_CARDS = frozenset({"CREDIT_CARD", "CN_BANK_CARD"})
# Secrets whose every character is secret: no vendor prefix exists, so only the length shows.
_LENGTH_ONLY = frozenset({"PASSWORD", "VERIFICATION_CODE"})
# Art. 9 / PIPL Art. 28 terms: the term itself is the sensitive fact about a person.
_TERMS = frozenset({"HEALTH_INFO", "SPECIAL_CATEGORY"})
_ARMOUR = re.compile(r"^-----BEGIN [A-Z0-9 ]{1,40}-----")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_STARS = 12  # at most this many stars: the star count must not stand in for the length


def _stars(n: int) -> str:
    return "*" * min(max(n, 1), _STARS)


def _tail(compact: str, keep: int) -> str:
    """All but the last ``keep`` characters hidden; short values hide everything."""
    if len(compact) < 3 * keep:
        return "*" * len(compact)
    return "*" * (len(compact) - keep) + compact[-keep:]


def _phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    country = ""
    if value.startswith(("+", "00")):
        # The country code is public knowledge about a number (like a card's network); its
        # length comes from the numbering plan, so parse rather than guess.
        international = "+" + (digits[2:] if value.startswith("00") else digits)
        try:
            code: int | None = phonenumbers.parse(international).country_code
        except phonenumbers.NumberParseException:
            code = None
        if code:
            country = f"+{code} "
            digits = digits.removeprefix("00").removeprefix(str(code))
    keep = 2 if len(digits) <= 11 else 3
    if len(digits) < 7:
        return country + "*" * len(digits)
    return country + "*" * (len(digits) - keep) + digits[-keep:]


def _person(value: str) -> str:
    out = []
    for part in value.split():
        if _CJK.match(part):
            out.append(part[:1] + "*" * (len(part) - 1))  # the surname, as 张先生 would
        else:
            out.append(part[:1] + ".")
    return " ".join(out) or "*"


def mask(entity: str, value: str, category: str = "personal") -> str:
    """A preview that lets a DPO recognise the kind of value without giving it back.

    At most what a bank statement shows: cards and identifiers their last 2-4 characters,
    phone numbers the country code and last 2-3 digits, resident ids the province, IBANs the
    country and last 4, e-mail the first letter and the domain, names initials, places the
    first characters, secrets their public vendor prefix and length, passwords, codes,
    health terms and custom terms their length only. Deterministic: the same value gives
    the same preview.
    """
    value = value.strip()
    n = len(value)
    if n == 0:
        return ""
    # Identifiers without their separators: "078-05-1120" shows as "*******20".
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()
    if entity == "PRIVATE_KEY":
        # The armour line says which kind of key it is; nothing after it is shown.
        armour = _ARMOUR.match(value)
        return f"{armour.group(0)} … [{n} chars]" if armour else f"[private key, {n} chars]"
    if entity in _LENGTH_ONLY:
        return f"{_stars(n)} [{n} chars]"
    if entity == "CUSTOM":
        return f"[custom term, {n} chars]"
    if entity in _TERMS:
        return f"[{entity.lower().replace('_', ' ')} term, {n} chars]"
    if category == "secret":
        m = _PUBLIC_PREFIX.match(value)
        keep = len(m.group(0)) if m and len(m.group(0)) <= n // 2 else 0
        return f"{value[:keep]}{_stars(n - keep)} [{n} chars]"
    if entity == "EMAIL_ADDRESS" and "@" in value:
        # The domain says whose address it is (company, school, webmail), which a DPO needs;
        # one letter of the local part leaves the rest of it, and so the person, unknown.
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}" if len(local) > 1 else f"***@{domain}"
    if entity == "PERSON":
        return _person(value)
    if entity == "PHONE_NUMBER":
        return _phone(value)
    if entity in _CARDS:
        return _tail(compact, 4)
    if entity == "IBAN_CODE":
        return (
            compact[:2] + "*" * (len(compact) - 6) + compact[-4:]
            if len(compact) >= 15
            else "*" * len(compact)
        )
    if entity == "CN_RESIDENT_ID":
        # The province (first two digits) only: six region digits and the birth date would
        # leave a few hundred thousand candidates.
        return compact[:2] + "*" * (len(compact) - 2) if len(compact) >= 15 else "*" * len(compact)
    if entity in _TAIL_ONLY:
        return _tail(compact, 2 if len(compact) <= 10 else 4)
    if entity == "CN_LICENSE_PLATE":
        return compact[:1] + "*" * (len(compact) - 1) if n >= 5 else "*" * n
    if entity == "DATE_OF_BIRTH":
        return f"[date, {n} chars]"  # every date is a few thousand guesses away
    if entity == "IP_ADDRESS":
        sep = ":" if ":" in value else "."
        head = value.split(sep, 1)[0]
        return f"{head}{sep}*** [{n} chars]" if head and len(head) < n else f"[{n} chars]"
    if entity == "LOCATION":
        return f"{value[:2]}… [{n} chars]" if n > 6 else f"[{n} chars]"
    if entity == "INTERNAL_URL":
        m = _PUBLIC_PREFIX.match(value)
        scheme = m.group(0) if m and "://" in m.group(0) else ""
        return f"{scheme}… [{n} chars]"
    if entity in ("CONFIDENTIAL_MARKER", "FRAUD_INDICATOR"):
        # Our own lexicon's words (机密, "gift cards"), not the user's data: a start is safe.
        return f"{value[:3]}… [{n} chars]" if n > 6 else f"[{n} chars]"
    return _tail(compact, 2)
