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

# Phone numbers are tried against many regions' plans; phonenumbers then compiles more
# metadata patterns than the re module's cache holds, and recompiles them for every number.
# Its own pattern cache keeps each compiled once (a few thousand small patterns).
_enable_pattern_cache = getattr(getattr(phonenumbers, "re_util", None), "enable_pattern_cache", None)
if _enable_pattern_cache is not None:
    _enable_pattern_cache()

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
    # Legacy JCB 15-digit ranges, Maestro (12–19 digits), Dankort, and UATP (airline cards,
    # 1 + 14 digits), whose one-digit IIN is weak evidence on its own (see card_brand_weak).
    (2131, 2131, frozenset({15}), "JCB"),
    (1800, 1800, frozenset({15}), "JCB"),
    (5018, 5018, frozenset(range(12, 20)), "Maestro"),
    (5020, 5020, frozenset(range(12, 20)), "Maestro"),
    (5038, 5038, frozenset(range(12, 20)), "Maestro"),
    (5893, 5893, frozenset(range(12, 20)), "Maestro"),
    (6304, 6304, frozenset(range(12, 20)), "Maestro"),
    (6759, 6759, frozenset(range(12, 20)), "Maestro"),
    (6761, 6763, frozenset(range(12, 20)), "Maestro"),
    (5019, 5019, frozenset({16}), "Dankort"),
    (1, 1, frozenset({15}), "UATP"),
)
#: Brands whose IIN and length alone say little (one digit, or 12 digits): a card keyword must
#: be near before such a number is called a card.
WEAK_BRANDS = frozenset({"UATP"})


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


# --- personal identifiers -------------------------------------------------------------
# Imports are local to this section so that it can be appended without touching the header.

import ipaddress as _ipaddress  # noqa: E402 - appended section
import unicodedata as _unicodedata  # noqa: E402
from functools import lru_cache as _lru_cache  # noqa: E402

from stdnum import iban as _iban  # noqa: E402
from stdnum.gb import nhs as _nhs  # noqa: E402
from stdnum.us import ssn as _ssn  # noqa: E402

__all__ += [
    "cn_resident_id_shaped",
    "cn_uscc_ok",
    "hk_id_ok",
    "iban_ok",
    "ip_kind",
    "macau_id_shape_ok",
    "phone_dialled_in",
    "phone_is_service",
    "phone_kind",
    "phone_kind_anywhere",
    "phone_possible",
    "phone_region",
    "phone_region_names",
    "tw_id_kind",
    "uk_nhs_ok",
    "uk_nino_ok",
    "us_ssn_ok",
    "uscc_org_code_ok",
]


def _ascii_upper(value: str) -> str:
    return "".join(c for c in value if c.isascii() and c.isalnum()).upper()


def hk_id_ok(value: str) -> bool:
    """A Hong Kong identity card number whose check character holds (``A123456(3)``, ``AB987654(2)``).

    One or two letters, six digits, then the check character 0–9 or A, written with or without
    brackets and spaces. Letters count A=10 … Z=35 and a single-letter number is left-padded
    with a space worth 36; weights 9 down to 2 over the eight body characters; the check is
    (11 − Σ mod 11) mod 11, where 10 is written "A" (Immigration Department practice, as in
    the npm stdnum ``hk/hkid`` port and Purview's HKID definition).
    """
    number = _ascii_upper(value)
    letters = len(number) - 7
    if letters not in (1, 2) or not number[:letters].isalpha() or not number[letters:-1].isdigit():
        return False
    body = (" " if letters == 1 else "") + number[:-1]
    total = sum(
        (36 if c == " " else ord(c) - 55 if c.isalpha() else int(c)) * w
        for c, w in zip(body, range(9, 1, -1), strict=True)
    )
    check = (11 - total % 11) % 11
    return number[-1] == ("A" if check == 10 else str(check))


# Taiwan's letter codes: A=10 … H=17, then J=18 … (I=34, O=35, W=32, Z=33 out of order,
# because they were added later). Ministry of the Interior rule, as in Purview's Taiwan ID
# definition and guanting112/taiwan-id-validator.
_TW_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"


def _tw_code(letter: str) -> int:
    return _TW_LETTERS.index(letter) + 10


def tw_id_kind(value: str) -> str | None:
    """What a 10-character Taiwan number is, if its check digit holds; else None.

    - ``"national"``: letter + 1/2 (sex) + 8 digits, the national ID (國民身分證統一編號);
    - ``"resident"``: letter + 8/9 + 8 digits, the 2021 resident certificate (新式統一證號);
    - ``"resident_old"``: two letters (the second A–D) + 8 digits, the pre-2021 ARC number.
    The first letter's code n gives digits n//10 (weight 1) and n%10 (weight 9); digits then
    weigh 8…1 and the check digit 1; valid when Σ mod 10 = 0. In the old ARC form the second
    letter counts as its code mod 10 with weight 8.
    """
    number = value.strip().upper()
    if len(number) != 10 or not number.isascii() or number[0] not in _TW_LETTERS or not number[2:].isdigit():
        return None
    area = _tw_code(number[0])
    total = area // 10 + (area % 10) * 9 + int(number[9])
    if number[1] in "1289":
        total += sum(int(c) * w for c, w in zip(number[1:9], range(8, 0, -1), strict=True))
        kind = "national" if number[1] in "12" else "resident"
    elif number[1] in "ABCD":
        total += (_tw_code(number[1]) % 10) * 8
        total += sum(int(c) * w for c, w in zip(number[2:9], range(7, 0, -1), strict=True))
        kind = "resident_old"
    else:
        return None
    return kind if total % 10 == 0 else None


def macau_id_shape_ok(value: str) -> bool:
    """A Macau resident identity card number by shape: 1, 5 or 7, six digits, a check digit.

    No public check-digit algorithm was found, so this checks only the layout
    (``1234567(8)`` or ``1/234567/8``); callers require a keyword.
    """
    digits = "".join(c for c in value if c.isascii() and c.isdigit())
    return len(digits) == 8 and digits[0] in "157"


# GB 32100-2015: the code's alphabet (no I, O, S, V, Z) and the weights 3^i mod 31.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# First character: the registering authority (1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政,
# 6 旅游, 7 宗教, 8 工会, 9 市场监管/工商, A 中央军委改革和编制办公室, N 农业, Y 其他).
_USCC_AUTHORITIES = frozenset("123456789ANY")


def cn_uscc_ok(value: str) -> bool:
    """A unified social credit code (统一社会信用代码) whose GB 32100 check character holds.

    18 characters: registering authority, entity category, the 6-digit GB/T 2260 region code,
    the 9-character organisation code, and a check character: alphabet index
    (31 − Σ(value × weight) mod 31) mod 31. python-stdnum's ``cn.uscc`` refuses the
    authorities A, N and Y (it wants 8 leading digits), so the check is computed here.
    """
    code = value.strip().upper()
    if len(code) != 18 or any(c not in _USCC_ALPHABET for c in code):
        return False
    if code[0] not in _USCC_AUTHORITIES or not code[2:8].isdigit() or code[1] == "0":
        return False
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    return code[17] == _USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_org_code_ok(value: str) -> bool:
    """The organisation code inside a USCC (characters 9–17) passes its own GB 11714 check.

    Weights 3, 7, 9, 10, 5, 8, 4, 2 over the 8 body characters (digits, or letters A=10 …);
    check = 11 − Σ mod 11, where 10 is "X" and 11 is "0". Codes issued to sole traders (92…)
    do not always carry a valid organisation code, so this is extra evidence, not a condition.
    """
    code = value.strip().upper()
    org = code[8:17]
    if len(code) != 18 or not org[:8].isalnum():
        return False
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(org[:8], weights, strict=True))
    check = 11 - total % 11
    return org[8] == ("X" if check == 10 else "0" if check == 11 else str(check))


def iban_ok(value: str) -> bool:
    """An IBAN whose ISO 13616 mod-97 check and per-country length and layout hold (python-stdnum).

    Spaces and hyphens are allowed (printed groups of four), and lower case; anything else
    non-alphanumeric fails. National check digits inside the account number (Belgium's mod 97,
    Spain's DC …) are not required: the IBAN's own mod-97 check already covers every character,
    and published or mistyped national digits still make a real account reference.
    """
    if any(not (c.isascii() and (c.isalnum() or c in " -")) for c in value):
        return False
    return bool(_iban.is_valid(value.replace("-", " ").upper(), check_country=False))


def uk_nhs_ok(value: str) -> bool:
    """A 10-digit UK NHS number with a valid mod-11 check digit (python-stdnum ``gb.nhs``).

    Spaces and hyphens are ignored; numbers of one repeated digit are refused (filler).
    """
    digits = "".join(c for c in value if c not in " -")
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()) or len(set(digits)) == 1:
        return False
    return bool(_nhs.is_valid(digits))


# HMRC NIM39110: the first letter is never D, F, I, Q, U or V; the second never D, F, I, O, Q,
# U or V; the prefixes BG, GB, KN, NK, NT, TN and ZZ are not allocated (QQ is HMRC's own
# example prefix and fails the first rule); the suffix is A–D.
_NINO_FIRST = frozenset("ABCEGHJKLMNOPRSTWXYZ")
_NINO_SECOND = frozenset("ABCEGHJKLMNPRSTWXYZ")
_NINO_UNALLOCATED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def uk_nino_ok(value: str) -> bool:
    """A UK National Insurance number whose prefix and suffix are allocatable (no checksum exists)."""
    number = _ascii_upper(value)
    if len(number) != 9 or not number[2:8].isdigit() or number[8] not in "ABCD":
        return False
    prefix = number[:2]
    return prefix[0] in _NINO_FIRST and prefix[1] in _NINO_SECOND and prefix not in _NINO_UNALLOCATED


# Published sample numbers (Presidio's ChatUsSsnRecognizer list) beside python-stdnum's blacklist
# (078-05-1120 from the Woolworth wallet insert, 219-09-9999, 457-55-5462 from advertising).
_SSN_SAMPLES = frozenset({"123456789", "987654320", "078051120"})


def us_ssn_ok(value: str) -> bool:
    """A US Social Security number that the SSA could have issued.

    python-stdnum's rules (area not 000, 666 or 9xx, group not 00, serial not 0000, not on the
    advertising blacklist) plus Presidio's: mixed separators, one repeated digit and the
    published sample numbers are refused.
    """
    separators = {c for c in value if not c.isdigit()}
    if len(separators) > 1 or separators - {"-", " ", "."}:
        return False
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) != 9 or not digits.isascii() or len(set(digits)) == 1 or digits in _SSN_SAMPLES:
        return False
    return bool(_ssn.is_valid(digits))


# Number types that reach a service, not a person: freephone (800, 400 in China), premium
# rate and shared cost. A company hotline is not personal data. Universal access and voicemail
# numbers (UK 03…) count as services only when no default region reads the digits otherwise:
# (303) 772-7403 is a Denver number even though the same digits are a UK 03 number.
_SERVICE_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.SHARED_COST,
    }
)
_FREEPHONE = frozenset({phonenumbers.PhoneNumberType.TOLL_FREE})
_WEAK_SERVICE_TYPES = frozenset({phonenumbers.PhoneNumberType.UAN, phonenumbers.PhoneNumberType.VOICEMAIL})
# The numbers of a subscriber's line: what a national number without a keyword must be.
_SUBSCRIBER_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)


def phone_kind(
    value: str, regions: tuple[str, ...], preferred: tuple[str, ...] = ()
) -> tuple[str, str] | None:
    """``(regions, kind)`` for a number that reaches a person or household, else ``None``.

    ``regions`` names every region whose numbering plan accepts the national-format ``value``
    (``"US"``, ``"CN/US/IN"`` …), ``kind`` the type in the first of them (``"mobile"``,
    ``"fixed line"`` …). A value with ``+`` or ``00`` names its own country. A national-format
    number is tried in ``preferred`` regions first (those the message names: "my Japanese
    number"), then in ``regions``; a region stands for every region of its calling code (the US
    for Canada and the rest of the North American plan: phonenumbers finds the one that fits).
    ``None`` when no region accepts it as a personal number, or, unless a preferred region
    accepts it, when any region reads it, as written and grouped there, as a service number
    (freephone, premium rate, shared cost, 400/800 hotlines): "1-800-555-0199" is a US freephone
    number even though the same digits would fit a Chinese mobile segment, and 0901 234 5678 a
    UK premium-rate number, while 090-1234-5678 is grouped as Japan prints its mobiles.

    phonenumbers (Google's libphonenumber metadata) decides validity: the digits must fit a
    numbering plan's lengths and prefixes, not just look like a phone number. Results are cached
    by the digits and their grouping (numbers repeat across a chat).
    """
    compact = _phone_compact(value)
    if compact.startswith("+"):
        return _phone_kind(compact, ())
    if preferred:
        found = _phone_kind(compact, preferred, strict=True)
        if found is not None:
            return found
    return _phone_kind(compact, regions, groups=_groups(value))


def phone_possible(value: str) -> str | None:
    """The region of a number written with its country code whose length fits that country's plan
    although no assigned range holds it (+44 7700 900123, reserved for drama), else ``None``."""
    compact = _phone_compact(value)
    if not compact.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(compact, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    return None if region == phonenumbers.UNKNOWN_REGION else region


def phone_region(value: str) -> str | None:
    """The region of a valid number written with its country code (``+905321234567``: TR)."""
    compact = _phone_compact(value)
    if not compact.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(compact, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.region_code_for_number(number) or None


def phone_dialled_in(value: str, region: str) -> bool:
    """A national-format number that is a personal number in ``region``, written with that
    region's trunk prefix where its national format has one (05359876543 in Turkey)."""
    compact = _phone_compact(value)
    if compact.startswith("+"):
        return False
    try:
        number = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number_for_region(number, region):
        return False
    if phonenumbers.number_type(number) in _SERVICE_TYPES | _WEAK_SERVICE_TYPES:
        return False
    digits = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return compact == "".join(c for c in digits if c.isdigit())


@_lru_cache(maxsize=4096)  # bounded: memory must not grow with the input
def phone_kind_anywhere(
    value: str, regions: tuple[str, ...], subscriber: bool = False
) -> tuple[str, str] | None:
    """``(regions, kind)`` for a national-format number that some region's plan accepts as a
    personal number exactly as written (with the trunk prefix 0, or in a plan without one):
    "mobile: 0917 123 4567" is a Philippine number and "Phone: 72 128 827" a Danish one,
    though no default region has them. Weak evidence alone (most 9–11
    digit runs fit some plan), so callers require a phone keyword. ``None`` as well when one of
    the default ``regions`` (and those sharing their codes) reads it as a service number.

    ``subscriber``: only a plan that reads it as a mobile or fixed-line number counts (not VoIP,
    pager or personal numbers, whose ranges are wide and rarely written in chat).

    Each region's plan is checked without parsing the number again (a few milliseconds for all).
    """
    compact = _phone_compact(value)
    if compact.startswith(("+", "00")) or len(compact) < 8:
        return None
    # A default region's service reading vetoes it; for a subscriber reading only a freephone
    # one does (0800 …, the hotlines companies print), or a premium-rate or shared-cost one
    # written exactly as that region prints it: 09171234567 and 0917-123-4567 are a Philippine
    # mobile before a UK premium-rate line, 0901 234 5678 is the UK line.
    vetoes = _FREEPHONE if subscriber else _SERVICE_TYPES
    if _service_in(compact, regions, _groups(value), vetoes):
        return None
    if subscriber and _printed_as_service(_unicodedata.normalize("NFKC", value).strip(), regions):
        return None  # "0901 234 5678": exactly as the UK prints a premium-rate number
    # Written with a trunk 0: the plans whose trunk prefix is 0; else the plans without one.
    trunk = compact.startswith("0")
    national = int(compact[1:] if trunk else compact)
    found: list[str] = []
    kind = ""
    for region, code in _trunk_regions(trunk, len(str(national))):
        number = phonenumbers.PhoneNumber(country_code=code, national_number=national)
        if not phonenumbers.is_valid_number_for_region(number, region):
            continue
        number_type = phonenumbers.number_type(number)
        if number_type in _SERVICE_TYPES or number_type in _WEAK_SERVICE_TYPES:
            continue
        if subscriber and number_type not in _SUBSCRIBER_TYPES:
            continue
        if not phone_dialled_in(compact, region):
            continue  # the plan writes it otherwise (another trunk or an italian leading zero)
        found.append(region)
        kind = kind or phonenumbers.PhoneNumberType.to_string(number_type).lower().replace("_", " ")
        if len(found) == _REGIONS_SHOWN:
            break
    if not found:
        return None
    return "/".join(found), kind


_REGIONS_SHOWN = 4  # the regions an explanation names (most numbers fit a dozen plans)


def _printed_as_service(value: str, regions: tuple[str, ...]) -> bool:
    """One of ``regions`` prints ``value``, separators and all, as a service number there."""
    for region in regions:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if (
            phonenumbers.is_valid_number(number)
            and phonenumbers.number_type(number) in _SERVICE_TYPES
            and phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL) == value
        ):
            return True
    return False


@_lru_cache(maxsize=64)
def _trunk_regions(zero: bool, length: int) -> tuple[tuple[str, int], ...]:
    """(region, calling code) of every region whose national trunk prefix is 0 (``zero``), or
    of every region that has none (Denmark, Norway, Spain …), whose plan has national numbers
    of ``length`` digits (the first test of a number's validity there, made once here)."""
    out: list[tuple[str, int]] = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        if metadata is None or not metadata.country_code or metadata.general_desc is None:
            continue
        lengths = metadata.general_desc.possible_length
        if lengths and length not in lengths:
            continue
        if (metadata.national_prefix == "0") if zero else not metadata.national_prefix:
            out.append((region, metadata.country_code))
    return tuple(out)


def phone_is_service(value: str, regions: tuple[str, ...]) -> bool:
    """One of ``regions`` (or a region sharing their codes) reads the national-format ``value``,
    as dialled there, as a freephone, premium-rate or shared-cost number."""
    compact = _phone_compact(value)
    return not compact.startswith("+") and _service_in(compact, regions, _groups(value))


@_lru_cache(maxsize=8192)  # bounded: memory must not grow with the input
def _service_in(
    compact: str,
    regions: tuple[str, ...],
    groups: tuple[int, ...] = (),
    kinds: frozenset[int] = _SERVICE_TYPES,
) -> bool:
    """One of ``regions`` reads the number, as dialled there, as one of the service ``kinds``
    (freephone, premium rate or shared cost)."""
    for region in regions:
        try:
            number = phonenumbers.parse(compact, region)
        except phonenumbers.NumberParseException:
            continue
        if (
            phonenumbers.is_valid_number(number)
            and phonenumbers.number_type(number) in kinds
            and _dialled_nationally(compact, region, number, groups)
        ):
            return True
    return False


def _groups(value: str) -> tuple[int, ...]:
    """Lengths of the digit groups of a number as written ("(08) 8747 6301": 2, 4, 4)."""
    return tuple(len(g) for g in re.findall(r"[0-9]+", _unicodedata.normalize("NFKC", value)))


def _phone_compact(value: str) -> str:
    text = _unicodedata.normalize("NFKC", value).strip()
    compact = "".join(c for c in text if c.isascii() and c.isdigit())
    if text.lstrip("( ").startswith("+"):
        compact = "+" + compact
    elif compact.startswith("00"):
        compact = "+" + compact[2:]
    return compact


@_lru_cache(maxsize=8192)  # bounded: memory must not grow with the input
def _phone_kind(
    compact: str, regions: tuple[str, ...], strict: bool = False, groups: tuple[int, ...] = ()
) -> tuple[str, str] | None:
    """Parse ``compact`` in each region (once, with its own country code, when it has one).

    ``strict``: only a personal number counts and nothing vetoes it (the preferred regions).
    """
    found: list[str] = []
    first_kind = ""
    for region in (None,) if compact.startswith("+") else regions:
        try:
            number = phonenumbers.parse(compact, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        kind = phonenumbers.number_type(number)
        if kind in _SERVICE_TYPES:
            if strict or not _dialled_nationally(compact, region, number, groups):
                continue
            return None
        if kind in _WEAK_SERVICE_TYPES:
            continue
        found.append(phonenumbers.region_code_for_number(number) or region or "?")
        first_kind = first_kind or phonenumbers.PhoneNumberType.to_string(kind).lower().replace("_", " ")
    if not found:
        return None
    return "/".join(dict.fromkeys(found)), first_kind


def _dialled_nationally(
    compact: str, region: str | None, number: phonenumbers.PhoneNumber, groups: tuple[int, ...] = ()
) -> bool:
    """The number is written as it is dialled inside ``region`` (with its trunk prefix where the
    national format has one, or that region's optional one: 1-800 in the US) and, when it is
    written in groups, grouped as that region prints it.

    A service reading counts only then: 9056743793 is a Canadian number, not the UK premium-rate
    number 0905 674 3793, whose trunk 0 it lacks; 083 564 9312 is not the French 08 35 64 93 12;
    400-810-8888 is dialled and grouped so in China.
    """
    if region is None:
        return True
    printed = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    national = "".join(c for c in printed if c.isdigit())
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    prefix = (metadata.national_prefix if metadata is not None else None) or ""
    if compact not in (national, prefix + national):
        return False
    if len(groups) < 2:
        return True
    own = _groups(printed)
    if compact != national and prefix and groups[0] == len(prefix):
        groups = groups[1:]  # 1-800-555-0199: the optional trunk written as its own group
    return groups == own


@_lru_cache(maxsize=1)
def phone_region_names() -> dict[str, str]:
    """Lower-case country names (English and Chinese, ``lexicons/country_names.txt``) and
    demonyms (``lexicons/phone_region_words.txt``), each mapped to its region code."""
    out: dict[str, str] = {}
    for name in ("country_names.txt", "phone_region_words.txt"):
        for line in lexicon(name):
            region, _, words = line.partition(" ")
            for word in words.split(","):
                if word.strip():
                    out[word.strip().lower()] = region
    return out


def ip_kind(value: str) -> str | None:
    """``"public"``, ``"private"`` (RFC 1918, unique local, link-local, loopback, shared CGN),
    ``"special"`` (unspecified, multicast, limited broadcast: an address, but of no host) or
    ``None`` for what is not an address at all (invalid, a netmask such as 255.255.255.0).
    Uses the standard ``ipaddress`` module.
    """
    try:
        address = _ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, _ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # ::ffff:192.0.2.1 is that IPv4 host
        elif address in _NAT64:
            address = _ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)  # 64:ff9b::192.0.2.1 too
    if address.is_unspecified or address.is_multicast:
        return "special"
    if address.version == 4:
        packed = int(address)
        if packed == 0xFFFFFFFF:
            return "special"  # the limited broadcast address
        inverted = ~packed & 0xFFFFFFFF
        if packed and inverted & (inverted + 1) == 0:  # 255.255.255.0, 255.255.0.0 …: a mask
            return None
    if any(address in net for net in _DOC_NETWORKS):
        # RFC 5737 / RFC 3849 documentation ranges stand in for public addresses in synthetic
        # exports and examples; like example.com addresses they are reported, as public.
        return "public"
    if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
        return "private"
    return "public"


_NAT64 = _ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 host
_DOC_NETWORKS = tuple(
    _ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


# --- secrets: token structures ------------------------------------------------------------------
# Imports are local to this section so that it can be appended without touching the header.

import base64 as _base64  # noqa: E402 - appended section
import binascii as _binascii  # noqa: E402
import json as _json  # noqa: E402

__all__ += [
    "base62_crc32_ok",
    "basic_auth_ok",
    "discord_token_ok",
    "is_hex_digest",
    "is_uuid",
    "jwt_claims",
    "jwt_header_alg",
    "npm_token_ok",
    "pypi_token_ok",
]


def base62_crc32_ok(token: str, prefix: str) -> bool:
    """``prefix`` + 30 base62 characters + their CRC32 in base62, left-padded to 6.

    The 2021 token format of GitHub (``ghp_`` …) and npm (``npm_``): "Behind GitHub's new
    authentication token formats" and "Announcing npm's new access token format" (GitHub blog).
    """
    if len(token) != len(prefix) + 36 or not token.startswith(prefix):
        return False
    body, check = token[len(prefix) : len(prefix) + 30], token[len(prefix) + 30 :]
    if not all(c in _BASE62 for c in body + check):
        return False
    number = 0
    for c in check:
        number = number * 62 + _BASE62.index(c)
    return number == zlib.crc32(body.encode("ascii"))


def npm_token_ok(token: str) -> bool:
    """An npm access token (``npm_`` + 36 base62) whose CRC32 checksum holds."""
    return base62_crc32_ok(token, "npm_")


def _b64_decode(part: str, urlsafe: bool = True) -> bytes | None:
    """Base64 (URL-safe alphabet by default), padding optional; None when it is not base64."""
    try:
        padded = part + "=" * (-len(part) % 4)
        if urlsafe:
            return _base64.urlsafe_b64decode(padded.encode("ascii"))
        return _base64.b64decode(padded.encode("ascii"), validate=True)
    except (_binascii.Error, ValueError, UnicodeEncodeError):
        return None


def _json_object(raw: bytes | None) -> dict[str, object] | None:
    if raw is None:
        return None
    try:
        decoded = _json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return decoded if isinstance(decoded, dict) else None


def jwt_header_alg(token: str) -> str | None:
    """The ``alg`` of a JWS compact token whose header and payload decode to JSON objects.

    RFC 7515 §7.1: BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature); the
    header must name its algorithm (RFC 7515 §4.1.1). None for anything else (a dotted
    identifier, a truncated token, a JWE with five parts).
    """
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header = _json_object(_b64_decode(parts[0]))
    if header is None or _json_object(_b64_decode(parts[1])) is None:
        return None
    alg = header.get("alg")
    return alg if isinstance(alg, str) and alg else None


def jwt_claims(token: str) -> dict[str, object] | None:
    """The payload of a compact JWS as a JSON object (for example filters), else None."""
    parts = token.split(".")
    return _json_object(_b64_decode(parts[1])) if len(parts) == 3 else None


# PyPI API tokens are macaroons: "pypi-" + base64url of a binary macaroon whose first bytes
# are version 2, field "location" (1), length, then the issuing host (warehouse's
# macaroons/services.py: location="pypi.org" or "test.pypi.org").
_PYPI_LOCATIONS = (b"\x02\x01\x08pypi.org", b"\x02\x01\x0dtest.pypi.org")


def pypi_token_ok(token: str) -> bool:
    """A PyPI upload token: ``pypi-`` + a macaroon issued by pypi.org or test.pypi.org."""
    if not token.startswith("pypi-") or len(token) < 60:
        return False
    body = token[5:]
    raw = _b64_decode(body[: len(body) - len(body) % 4] or body)
    return raw is not None and raw.startswith(_PYPI_LOCATIONS)


def discord_token_ok(token: str) -> bool:
    """A Discord bot token: its first part is the bot's snowflake id, base64-encoded digits."""
    first = token.split(".", 1)[0]
    raw = _b64_decode(first)
    return raw is not None and raw.isascii() and raw.isdigit() and 17 <= len(raw) <= 20


def basic_auth_ok(value: str) -> bool:
    """An HTTP Basic credential (RFC 7617): base64 of printable "user-id:password", password set."""
    raw = _b64_decode(value, urlsafe=False)
    if raw is None:
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    _user, sep, password = text.partition(":")
    return bool(sep) and bool(password) and text.isprintable() and not is_placeholder(password)


_UUID_SHAPE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX_DIGEST = re.compile(r"(?:[0-9a-f]+|[0-9A-F]+)")


def is_uuid(value: str) -> bool:
    """An RFC 9562 UUID in its 8-4-4-4-12 hex form (an identifier, not a secret, on its own)."""
    return _UUID_SHAPE.fullmatch(value) is not None


def is_hex_digest(value: str) -> bool:
    """A hex digest length (MD5 32, SHA-1 40, SHA-224 56, SHA-256 64, SHA-384 96, SHA-512 128), one case."""
    return len(value) in (32, 40, 56, 64, 96, 128) and _HEX_DIGEST.fullmatch(value) is not None


def cn_resident_id_shaped(value: str) -> bool:
    """18 characters laid out like a resident ID (province code, real birth date), checksum aside.

    A number with this layout and a wrong check character is a mistyped ID far more often than
    a card or a credit code that happens to pass its own check.
    """
    number = value.replace(" ", "").upper()
    if len(number) != 18 or not number[:17].isdigit() or int(number[:2]) not in _PROVINCES:
        return False
    return _birth_date_ok(int(number[6:10]), int(number[10:12]), int(number[12:14]))
