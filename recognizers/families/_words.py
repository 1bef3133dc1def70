"""Keyword sets that more than one identifier family reads (a helper, not a family).

Passports are the case in point: "passport E12345678" is a Chinese e-passport (cn_docs) unless
the message says the passport is American, and "passport 912803456" is a US one (intl_ids).
Both families must read the same words to split the work without double reports.
"""

from __future__ import annotations

import re

from recognizers import exclusions
from recognizers.families._base import keywords

PASSPORT = keywords(
    "passport",
    "passport no",
    "passport number",
    "passport #",
    "passport#",
    "travel document",
    "护照",
    "護照",
    "护照号",
    "护照号码",
    "護照號碼",
    "护照编号",
)

# Words that make a passport American (US_PASSPORT rather than CN_PASSPORT for E/G… numbers).
# "US" only in capitals: "give us your passport" is no cue.
US_CUE = re.compile(
    r"(?<![A-Za-z])(?:US|USA|U\.S\.(?:A\.)?)(?![A-Za-z])|(?i:american|united[ ]states)|美国|美國"
)


def closest_before(text: str, start: int, pattern: re.Pattern[str], before: int) -> tuple[str, int] | None:
    """The match of ``pattern`` nearest to ``start`` within ``before`` characters, with its distance.

    Families use it to decide which of two keywords a value belongs to ("passport please, then
    order E12345678": the order number's keyword is closer than the passport's).
    """
    matches = list(pattern.finditer(text, max(0, start - before), start))
    return (matches[-1].group(0), start - matches[-1].end()) if matches else None


def order_is_closer(text: str, start: int, own: re.Pattern[str] = PASSPORT) -> bool:
    """An order/tracking/invoice keyword sits between the document keyword and the value."""
    order = exclusions.order_word(text, start, before=30)
    if order is None:
        return False
    distance = start - text.rfind(order, max(0, start - 30 - len(order)), start) - len(order)
    mine = closest_before(text, start, own, before=60)
    return mine is None or distance < mine[1]
