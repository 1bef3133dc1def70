"""Chinese identity numbers: CN_RESIDENT_ID (居民身份证号码, GB 11643-1999).

The 18-character number carries an ISO 7064 MOD 11-2 check character, so a match that
passes it (and has a real birth date and province) is reported with high confidence, and one
that fails is dropped. The 15-digit pre-1999 number has no check digit: it looks like any
other long number (order ids, timestamps), so it is reported only next to an ID keyword.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, nearby, rule

ENTITIES: tuple[str, ...] = ("CN_RESIDENT_ID",)

# Keywords people write next to an ID number, in both languages (chat mixes them).
_ID_KEYWORDS = keywords(
    "身份证",
    "身份證",
    "身份证号",
    "身份证号码",
    "证件号",
    "證件號",
    "证件号码",
    "公民身份号码",
    "居民身份证",
    "身份号码",
    "ID card",
    "ID number",
    "ID no",
    "ID #",
    "identity card",
    "identity number",
    "resident identity",
    "national ID",
    "citizen ID",
)

# The region is 6 digits, the birth date 8 (YYYYMMDD, years 18xx–20xx), then a 3-digit
# sequence number and the check character. People sometimes write it as 6 8 4 with spaces.
# The lookarounds keep it from being a slice of a longer number or token; a CJK character
# on either side is fine (身份证号11010519491231002X，).
_ID18 = rule(
    "cn_resident_id_18",
    r"""
    (?<![0-9A-Za-z])
    (?P<value>
        [1-9][0-9]{5} [ ]?                       # address code (province, city, county)
        (?:18|19|20)[0-9]{2} [01][0-9] [0-3][0-9] [ ]?  # birth date YYYYMMDD
        [0-9]{3} [0-9Xx]                        # sequence number + check character
    )
    (?![0-9A-Za-z])
    """,
    0.95,
)

# 15 digits: address code, birth date YYMMDD (19xx implied), 3-digit sequence.
_ID15 = rule(
    "cn_resident_id_15",
    r"""
    (?<![0-9A-Za-z])
    (?P<value> [1-9][0-9]{5} [0-9]{2}[01][0-9][0-3][0-9] [0-9]{3} )
    (?![0-9A-Za-z])
    """,
    0.6,
)


class CnResidentIdRecognizer(FamilyRecognizer):
    """CN_RESIDENT_ID: 18-character numbers with a valid GB 11643 checksum; 15-digit ones with context."""

    ENTITIES = ENTITIES
    RULES = (_ID18, _ID15)
    CONTEXT = context(
        en=("id", "identity", "identification", "resident", "citizen", "card"),
        zh=("身份证", "身份证号", "身份证号码", "证件号", "证件号码", "身份号码", "公民身份号码"),
    )
    PREFILTER = re.compile(r"[0-9]{6}")
    CONTEXT_BOOST = 0.05

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if not validators.cn_resident_id_ok(value):
            return None
        start, end = match.span("value")
        word = nearby(text, start, end, _ID_KEYWORDS, before=30)
        if rule is _ID18:
            return Verdict(
                rule.score,
                "18-character resident ID: GB 11643 checksum valid, real birth date and province code",
                validated=True,
                context_word=word,
            )
        if word is None:  # 15 digits without a keyword: too much like any other number
            return None
        return Verdict(
            rule.score,
            "15-digit legacy resident ID (no check digit): real birth date and province code",
            validated=True,
            context_word=word,
        )


def recognizers(language: str) -> list[EntityRecognizer]:
    """The CN_RESIDENT_ID recognizer for ``language``."""
    return [CnResidentIdRecognizer(language)]
