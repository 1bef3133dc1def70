"""Exclusion rules: pure predicates that say a number-shaped match is something else.

Commercial DLP engines pair every detector with exclusion rules (Google's ``ExclusionRule``,
Macie's ignore words, Purview's "additional checks"); these are chatsweep's, for the false
alarms chat is full of: order, parcel and invoice numbers, timestamps, version strings, prices,
dates, ISBNs and IP-shaped dotted numbers. Recognizers call them from ``check`` after the
pattern matched and before they score it.

Each predicate is pure (same input, same answer), cheap, and never logs or returns the value;
the ``*_word`` helpers return the keyword that triggered them (for explanations and tests).
This module imports nothing from ``recognizers.families`` (the families import it).
"""

from __future__ import annotations

import datetime
import re

from stdnum import isbn, luhn

__all__ = [
    "is_date_shaped",
    "is_ip_shaped",
    "is_isbn",
    "is_repetitive",
    "is_time_shaped",
    "is_timestamp",
    "is_year_range",
    "order_word",
    "price_nearby",
    "section_before",
    "version_before",
]


def _words(*words: str) -> re.Pattern[str]:
    # The same rule as families._base.keywords (ASCII words whole, Chinese ones anywhere),
    # kept local so that this module does not import the families package.
    def bounded(word: str) -> str:
        left = "(?<![A-Za-z0-9])" if word[:1].isascii() and word[:1].isalnum() else ""
        right = "(?![A-Za-z])" if word[-1:].isascii() and word[-1:].isalpha() else ""
        return left + re.escape(word) + right

    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(bounded(w) for w in ordered), re.IGNORECASE)


# --- reference numbers ---------------------------------------------------------------------

# Words that introduce a commercial or logistics reference rather than a person's number.
# A number right after them is an order, parcel, invoice or transaction id even when it
# happens to be 11 digits starting 13x or to pass Luhn.
_ORDER_WORDS = _words(
    "订单",
    "订单号",
    "訂單",
    "订单编号",
    "单号",
    "單號",
    "快递单号",
    "快递",
    "快遞",
    "运单",
    "运单号",
    "運單",
    "物流单号",
    "发票",
    "发票号",
    "發票",
    "流水号",
    "交易号",
    "交易单号",
    "工单",
    "工单号",
    "票号",
    "取件码",
    "编号",
    "order",
    "order no",
    "order number",
    "order id",
    "order #",
    "tracking",
    "tracking number",
    "tracking no",
    "waybill",
    "shipment",
    "parcel",
    "invoice",
    "invoice no",
    "receipt",
    "transaction",
    "transaction id",
    "txn",
    "ticket",
    "ticket #",
    "ref no",
    "ref #",
    "reference number",
    "case #",
    "PO",
    "PO #",
    "SKU",
    "build",
    "batch",
    "serial",
    "serial no",
    "批号",
    "批次",
    "序列号",
)


def order_word(text: str, start: int, before: int = 20) -> str | None:
    """The order/tracking/invoice keyword within ``before`` characters left of ``start``, if any."""
    found = _ORDER_WORDS.search(text, max(0, start - before), start)
    return found.group(0) if found else None


# --- prices ----------------------------------------------------------------------------------

_CURRENCY_BEFORE = re.compile(
    r"(?:[¥￥$€£₹]|RMB|CNY|USD|HKD|NTD|TWD|EUR|GBP|JPY|INR|US\$|HK\$|NT\$)[ ]?[+\-]?$", re.IGNORECASE
)
_CURRENCY_AFTER = re.compile(
    r"^[ ]?(?:元|块|塊|圆|圓|万元|萬元|亿|人民币|美元|港币|港幣|欧元|英镑|日元|RMB|CNY|USD|HKD|EUR|GBP|JPY|"
    r"yuan|dollars?|bucks|euros?|pounds?)",
    re.IGNORECASE,
)


def price_nearby(text: str, start: int, end: int) -> bool:
    """A currency sign or code right before the number, or a currency word right after it.

    ``¥13812345678``, ``$ 2025550143``, ``13800000000元``, ``4000 USD``: amounts, not numbers
    that identify a person.
    """
    return bool(_CURRENCY_BEFORE.search(text[max(0, start - 5) : start])) or bool(
        _CURRENCY_AFTER.match(text[end : end + 8])
    )


# --- payment cards ---------------------------------------------------------------------------------

# Card numbers as printed (4-4-4-4 with one separator, Amex 4-6-5, Diners 4-6-4) or in one run of
# 13–19 digits; with the Luhn check they are cards (or published test cards), never phone
# numbers, nor is any part of them. After a + the digits are a phone number.
_CARD_SHAPE = re.compile(
    r"(?<![0-9+])(?:[0-9]{4}(?P<s>[ \-])[0-9]{4}(?P=s)[0-9]{4}(?P=s)[0-9]{4}(?:(?P=s)[0-9]{1,3})?"
    r"|[0-9]{4}(?P<t>[ \-])[0-9]{6}(?P=t)[0-9]{4,5}|[0-9]{13,19})(?![0-9])"
)


def card_spans(text: str) -> list[tuple[int, int]]:
    """Spans of Luhn-valid card-shaped numbers in ``text``."""
    return [
        m.span() for m in _CARD_SHAPE.finditer(text) if luhn.is_valid("".join(filter(str.isdigit, m.group())))
    ]


# --- street addresses ---------------------------------------------------------------------------

# A house number, then up to three words of a street name and its type: "17031 2202 Rissik St",
# "3747 3911 fourth avenue", "94941 2505 Heatherleigh Suite 620". Street types of the US Postal
# Service's abbreviation list (Publication 28) that are not also everyday words, and the unit
# designators Suite and Apt.
_STREET_AFTER = re.compile(
    r"[ ]+(?:[A-Za-z][A-Za-z'.\-]{0,24}[ ]+){0,3}"
    r"(?:st|street|ave|avenue|rd|road|blvd|boulevard|ln|lane|dr|drive|ct|court|pl|place|pkwy|parkway"
    r"|hwy|highway|terrace|crescent|suite|apt|apartment|strasse|straße|str)\.?(?![A-Za-z])",
    re.IGNORECASE,
)


def street_after(text: str, end: int) -> bool:
    """Words of a street name and a street type follow the number: it is a house number."""
    return bool(_STREET_AFTER.match(text, end, min(len(text), end + 90)))


# --- versions ----------------------------------------------------------------------------------

_VERSION_BEFORE = re.compile(
    r"(?:(?<![A-Za-z])v|(?<![A-Za-z])ver\.?|version|release|build|版本号?|版本為|版本为|升级到|更新到"
    r"|[A-Za-z][A-Za-z0-9_\-]*/)[ ]?[:：=]?[ ]?$",
    re.IGNORECASE,
)


def version_before(text: str, start: int) -> bool:
    """The dotted number is a version: ``v1.2.3.4``, ``version 10.0.19041.1``, ``版本1.2.3.4``,
    ``Chrome/120.0.6099.109`` (a product token of a user agent)."""
    return bool(_VERSION_BEFORE.search(text[max(0, start - 12) : start]))


# --- numbers that are times, dates or counters ---------------------------------------------------

# Unix times from 2001-09-09 to 2033-05-18 are exactly the 10-digit numbers starting with 1
# (13 digits in milliseconds). No wider: US numbers 2xx xxx xxxx would fall into a range
# running to 2040.
_EPOCH_LOW = 1_000_000_000
_EPOCH_HIGH = 2_000_000_000


def _date_ok(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2100


def is_timestamp(digits: str) -> bool:
    """Digits that read as a machine time: Unix epoch seconds or milliseconds (2001–2033),
    or a compact ``YYYYMMDD``, ``YYYYMMDDhhmm`` or ``YYYYMMDDhhmmss`` date-time.

    Log lines and exports paste these next to everything; they are not phone numbers or ids.
    """
    if not (digits.isascii() and digits.isdigit()):
        return False
    n = len(digits)
    if n == 10 and _EPOCH_LOW <= int(digits) < _EPOCH_HIGH:
        return True
    if n == 13 and _EPOCH_LOW * 1000 <= int(digits) < _EPOCH_HIGH * 1000:
        return True
    if n in (8, 12, 14) and _date_ok(int(digits[:4]), int(digits[4:6]), int(digits[6:8])):
        if n == 8:
            return True
        hour, minute = int(digits[8:10]), int(digits[10:12])
        second = int(digits[12:14]) if n == 14 else 0
        return hour < 24 and minute < 60 and second < 60
    return False


_DATE_SHAPES = (
    # 2024-06-11, 2024/6/11, 2024.06.11 (one separator used twice)
    re.compile(r"(?P<y>(?:19|20)[0-9]{2})(?P<s>[-/.])(?P<m>[0-9]{1,2})(?P=s)(?P<d>[0-9]{1,2})"),
    # 11-06-2024, 6/11/2024, 11.06.2024 (day-month or month-day)
    re.compile(r"(?P<a>[0-9]{1,2})(?P<s>[-/.])(?P<b>[0-9]{1,2})(?P=s)(?P<y>(?:19|20)[0-9]{2})"),
)


def is_date_shaped(value: str) -> bool:
    """``value`` is a calendar date with separators (ISO, D/M/Y or M/D/Y), nothing else."""
    value = value.strip()
    iso, dmy = (shape.fullmatch(value) for shape in _DATE_SHAPES)
    if iso:
        return _date_ok(int(iso["y"]), int(iso["m"]), int(iso["d"]))
    if dmy:
        year, a, b = int(dmy["y"]), int(dmy["a"]), int(dmy["b"])
        return _date_ok(year, b, a) or _date_ok(year, a, b)
    return False


_TIME = re.compile(r"[0-2]?[0-9]:[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]{1,6})?)?")


def is_time_shaped(value: str) -> bool:
    """``value`` is a clock time (``09:30``, ``23:59:59``, ``12:00:01.250``)."""
    match = _TIME.fullmatch(value.strip())
    return bool(match) and int(value.strip().split(":")[0]) < 24


_YEAR_RANGE = re.compile(r"(?:19|20)[0-9]{2}[ ]?[-–~～至到][ ]?(?:19|20)[0-9]{2}")


def is_year_range(value: str) -> bool:
    """``2019-2024``, ``2019 ~ 2024``, ``2019至2024``: a span of years, not a phone number."""
    return bool(_YEAR_RANGE.fullmatch(value.strip()))


_DOTTED_QUAD = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def is_ip_shaped(value: str) -> bool:
    """Four dot-separated groups of 1–3 digits (an IPv4 address or a four-part version)."""
    return bool(_DOTTED_QUAD.fullmatch(value.strip()))


_SEQUENCES = "01234567890", "98765432109"


def is_repetitive(digits: str) -> bool:
    """Filler digits: one digit repeated (``00000000``), a counting run (``123456789``,
    ``987654321``), or a short block repeated (``12121212``, ``123123123``)."""
    if len(digits) < 4 or not (digits.isascii() and digits.isdigit()):
        return False
    if len(set(digits)) == 1 or any(digits in s for s in _SEQUENCES):
        return True
    for size in (2, 3, 4):
        if (
            len(digits) >= 2 * size
            and len(digits) % size == 0
            and digits == digits[:size] * (len(digits) // size)
        ):
            return True
    return False


# --- books ----------------------------------------------------------------------------------------

_ISBN_WORD = re.compile(r"ISBN(?:-1[03])?[ ]?[:：]?[ ]?$", re.IGNORECASE)


def is_isbn(text: str, start: int, end: int) -> bool:
    """The number is an ISBN: after the word "ISBN", or 13 digits starting 978/979 with a valid
    EAN-13 check digit (a book's barcode, not a card or phone number)."""
    compact = re.sub(r"[ \-]", "", text[start:end])
    if _ISBN_WORD.search(text[max(0, start - 10) : start]):
        return True
    return len(compact) == 13 and compact[:3] in ("978", "979") and bool(isbn.is_valid(compact))


# --- outline numbers --------------------------------------------------------------------------

_SECTION_BEFORE = re.compile(
    r"(?:§|section|sec\.|chapter|clause|article|art\.|para\.?|paragraph|step|rule"
    r"|第|条款|章节|條款|章節)[ ]?$",
    re.IGNORECASE,
)


def section_before(text: str, start: int) -> bool:
    """The dotted number is an outline or clause number: ``section 1.2.3.4``, ``§ 4.1.2.3``, ``第1.2.3.4``."""
    return bool(_SECTION_BEFORE.search(text[max(0, start - 12) : start]))
