"""Validators: pure predicates that turn a pattern match into evidence.

Checksums and structures come from well-kept libraries where they exist (python-stdnum for
Luhn and GB 11643, phonenumbers for Chinese mobile segments); the rest is small code with the
source of each rule in its docstring. Word lists are data files in ``recognizers/lexicons``.
Every function is pure (same input, same answer), cheap, and never logs its argument.
"""

from __future__ import annotations

import datetime
import math
import re
import zlib
from collections import Counter
from functools import cache
from importlib import resources

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric

__all__ = [
    "aws_access_key_ok",
    "card_brand",
    "char_classes",
    "cn_mobile_ok",
    "cn_resident_id_ok",
    "github_token_ok",
    "is_common_word",
    "is_placeholder",
    "is_sequential",
    "is_test_card",
    "lexicon",
    "luhn_ok",
    "shannon_entropy",
]


# --- lexicons ---------------------------------------------------------------------------


@cache
def lexicon(name: str) -> tuple[str, ...]:
    """Lines of ``recognizers/lexicons/<name>``, without comments and blank lines."""
    text = resources.files("recognizers").joinpath("lexicons", name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@cache
def _placeholder_words() -> tuple[frozenset[str], tuple[str, ...]]:
    exact: set[str] = set()
    contains: list[str] = []
    for line in lexicon("placeholders.txt"):
        kind, _, word = line.partition(" ")
        if kind == "=":
            exact.add(word.strip().lower())
        elif kind == "~":
            contains.append(word.strip().lower())
        else:  # a malformed lexicon is a bug in the package, not in the input
            raise ValueError(f"placeholders.txt: line must start with '=' or '~': {line!r}")
    return frozenset(exact), tuple(contains)


@cache
def _test_cards() -> frozenset[str]:
    return frozenset(lexicon("test_cards.txt"))


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon("password_stopwords.txt"))


# --- payment cards ----------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """Luhn (ISO/IEC 7812-1) check over a string of ASCII digits; anything else is False."""
    if not digits or not (digits.isascii() and digits.isdigit()):
        return False
    return bool(luhn.is_valid(digits))


def is_test_card(digits: str) -> bool:
    """A published processor test number (4111 1111 1111 1111, 4242…, 5555 5555 5555 4444 …)."""
    return digits in _test_cards()


# (first digits low, high inclusive, allowed lengths, brand). Sources: ISO/IEC 7812 IIN
# registrations as published by the schemes (Visa, Mastercard 2-series since 2017, Amex,
# Discover/JCB/Diners ranges as in the Discover Global Network IIN table, Mir). UnionPay (62)
# is not here: a 62 number is a CN_BANK_CARD, reported once, by that rule.
_BRANDS: tuple[tuple[int, int, frozenset[int], str], ...] = (
    (4, 4, frozenset({13, 16, 19}), "Visa"),
    (51, 55, frozenset({16}), "Mastercard"),
    (2221, 2720, frozenset({16}), "Mastercard"),
    (34, 34, frozenset({15}), "American Express"),
    (37, 37, frozenset({15}), "American Express"),
    (6011, 6011, frozenset(range(16, 20)), "Discover"),
    (644, 649, frozenset(range(16, 20)), "Discover"),
    (65, 65, frozenset(range(16, 20)), "Discover"),
    (3528, 3589, frozenset(range(16, 20)), "JCB"),
    (300, 305, frozenset(range(14, 20)), "Diners Club"),
    (3095, 3095, frozenset(range(14, 20)), "Diners Club"),
    (36, 36, frozenset(range(14, 20)), "Diners Club"),
    (38, 39, frozenset(range(14, 20)), "Diners Club"),
    (2200, 2204, frozenset(range(16, 20)), "Mir"),
)


def card_brand(digits: str) -> str | None:
    """The card scheme whose IIN range and length fit ``digits`` (not UnionPay), else None."""
    if not (digits.isascii() and digits.isdigit()):
        return None
    for low, high, lengths, brand in _BRANDS:
        width = len(str(low))
        if len(digits) in lengths and low <= int(digits[:width]) <= high:
            return brand
    return None


# --- Chinese identifiers ----------------------------------------------------------------

# GB/T 2260 province-level codes (the first two digits of the address code): 11–15 north,
# 21–23 north-east, 31–37 east, 41–46 south-central, 50–54 south-west, 61–65 north-west,
# 71 Taiwan, 81/82 Hong Kong/Macau (also the 2018 residence permits for their residents).
# The full county table (stdnum's loc.dat) is deliberately not used: it rejects codes created
# or retired after the table was cut, and the residence-permit codes 810000/820000/830000.
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)


def _birth_date_ok(year: int, month: int, day: int) -> bool:
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        return False
    return datetime.date(1880, 1, 1) <= born <= datetime.date.today()


def cn_resident_id_ok(value: str) -> bool:
    """A Chinese resident identity number that GB 11643-1999 accepts.

    18 characters: province code, real birth date (1880 to today), and the ISO 7064
    MOD 11-2 check character (0–9 or X, case-insensitive). 15 digits (pre-1999 cards, no check
    digit): province code and a real 19YYMMDD birth date. Spaces and hyphens are ignored.
    Foreign permanent-residence numbers (2023, first digit 9, then a province code) share the
    layout and checksum and are accepted.
    """
    number = value.replace(" ", "").replace("-", "").upper()
    if len(number) == 18:
        if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
            return False
        province = int(number[1:3]) if number[0] == "9" else int(number[:2])
        if province not in _PROVINCES:
            return False
        if not _birth_date_ok(int(number[6:10]), int(number[10:12]), int(number[12:14])):
            return False
        return bool(ric.calc_check_digit(number) == number[17])
    if len(number) == 15:
        if not (number.isascii() and number.isdigit()) or int(number[:2]) not in _PROVINCES:
            return False
        return _birth_date_ok(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    return False


def cn_mobile_ok(value: str) -> bool:
    """An 11-digit mainland mobile number in a segment that is assigned today.

    ``value`` may carry +86/0086, spaces, hyphens and brackets. Segment data comes from
    phonenumbers (kept current with MIIT allocations: 13x, 145–149, 15x but 154, 162/165–167,
    170–178, 18x, 19x but 194 …), so unassigned prefixes such as 154 or 194 fail.
    """
    digits = "".join(c for c in value if c.isascii() and c.isdigit())
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) != 11 or digits[0] != "1":
        return False
    try:
        number = phonenumbers.parse("+86" + digits)
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return bool(
        phonenumbers.is_valid_number(number)
        and kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    )


# --- tokens and keys ----------------------------------------------------------------------

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_GITHUB_CHECKSUMMED = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")


def github_token_ok(token: str) -> bool:
    """A GitHub ghp_/gho_/ghu_/ghs_/ghr_ token whose checksum holds.

    Since 2021 these are prefix + 30 random base62 characters + the CRC32 of those 30
    characters in base62, left-padded to 6 (GitHub engineering blog, "Behind GitHub's new
    authentication token formats"). A typo or an invented token fails.
    """
    if len(token) != 40 or token[:4] not in _GITHUB_CHECKSUMMED:
        return False
    body, check = token[4:34], token[34:]
    if not all(c in _BASE62 for c in token[4:]):
        return False
    number = 0
    for c in check:
        number = number * 62 + _BASE62.index(c)
    return number == zlib.crc32(body.encode("ascii"))


_AWS_KEY_ID = re.compile(r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}")


def aws_access_key_ok(value: str) -> bool:
    """An AWS access key id by structure, not one of the documented examples.

    AKIA (long-term), ASIA (STS), ABIA (STS bearer), ACCA (context-specific) followed by 16
    characters of the base32 alphabet A–Z, 2–7 (the body encodes the account number).
    Rejects AKIAIOSFODNN7EXAMPLE and anything ending in EXAMPLE (AWS documentation), and
    filler bodies such as AKIAXXXXXXXXXXXXXXXX.
    """
    if not _AWS_KEY_ID.fullmatch(value) or value.endswith("EXAMPLE"):
        return False
    body = value[4:]
    return not (is_placeholder(body) or max(Counter(body).values()) >= 8)


# --- generic evidence -----------------------------------------------------------------------


def shannon_entropy(value: str) -> float:
    """Shannon entropy of ``value`` in bits per character (0.0 for the empty string)."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(k / n * math.log2(k / n) for k in Counter(value).values())


def char_classes(value: str) -> int:
    """How many of lower-case, upper-case, digit and other characters ``value`` uses."""
    return (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )


_TEMPLATE = re.compile(
    r"""
      \$\{[^}]*\}            # ${VAR}
    | \$[A-Z_][A-Z0-9_]*     # $VAR (an upper-case environment variable)
    | \{\{.*\}\}             # {{ var }}
    | %[A-Za-z_][A-Za-z0-9_]*%  # %VAR%
    | <[^<>]+>               # <your-token>
    | \[[^\[\]]+\]           # [redacted]
    """,
    re.VERBOSE,
)


def is_placeholder(value: str) -> bool:
    """True for values that stand in for a secret rather than being one.

    Templates (``${VAR}``, ``$VAR``, ``{{ x }}``, ``%VAR%``, ``<your-token>``, ``[hidden]``),
    one character repeated (``xxxx``, ``****``, ``0000``), filler runs (``xxxx``, ``***``,
    ``...``), and the words of ``lexicons/placeholders.txt`` (``changeme``, ``password``,
    ``example``, ``your…``).
    """
    stripped = value.strip()
    if not stripped or len(set(stripped)) == 1:
        return True
    if _TEMPLATE.fullmatch(stripped):
        return True
    lowered = stripped.lower()
    exact, contains = _placeholder_words()
    if "".join(c for c in lowered if c.isalnum()) in exact:
        return True
    return any(marker in lowered for marker in contains)


_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "qwertyuiopasdfghjklzxcvbnm",
)


def is_sequential(value: str) -> bool:
    """A run of a keyboard or alphabet sequence (``abcdefgh``, ``12345678``), as in detect-secrets."""
    lowered = value.lower()
    return len(value) >= 4 and any(lowered in s.lower() or value in s for s in _SEQUENCES)


def is_common_word(value: str) -> bool:
    """A word of prose that follows "password is" without being a password (``required``, ``the``)."""
    return value.lower() in _stopwords()
