"""Contact details: EMAIL_ADDRESS and Chinese mobile numbers (PHONE_NUMBER).

International numbers are left to Presidio's PhoneRecognizer (added by the analyzer set-up);
this family covers the mainland mobile formats that it misses when they are glued to Chinese
text (电话13812345678) or written without a country code.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, nearby, rule

ENTITIES: tuple[str, ...] = ("EMAIL_ADDRESS", "PHONE_NUMBER")

# --- e-mail ----------------------------------------------------------------------------

# Our own pattern instead of Presidio's (which needs tldextract and \b): local part of the
# usual unquoted characters (RFC 5322 dot-atom, 64 at most), then host labels (letters, digits,
# inner hyphens, 63 at most) and an alphabetic top-level label of 2–24 letters (or an IDNA
# xn-- label). The left boundary excludes local-part characters, so 联系jane@x.cn starts at
# "jane"; the right one refuses a longer host or a trailing hyphen.
_EMAIL = rule(
    "email_address",
    r"""
    (?<![A-Za-z0-9._%+\-])
    (?P<value>
        (?P<local>[A-Za-z0-9_%+\-](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?)
        @
        (?P<host>(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}
                 (?:[A-Za-z]{2,24}|xn--[A-Za-z0-9\-]{1,59}))
    )
    (?![A-Za-z0-9\-]|\.[A-Za-z0-9])
    """,
    0.8,
)

# "icon@2x.png": image-density suffixes and file extensions are not mail hosts.
_NOT_A_HOST = re.compile(
    r"(?:^[0-9]+(?:\.[0-9]+)?x\.|\.(?:png|jpe?g|gif|webp|svg|bmp|ico|tiff?|heic|pdf|js|ts|css|map|json|xml"
    r"|txt|md|zip|gz|tar|mp[34]|mov|avi|wav|py|go|rs|java|kt|swift|php|rb|exe|dll|so|lock)$)",
    re.IGNORECASE,
)


class EmailRecognizer(FamilyRecognizer):
    """EMAIL_ADDRESS, CJK-safe, without tldextract (no network, no public-suffix list)."""

    ENTITIES = ("EMAIL_ADDRESS",)
    RULES = (_EMAIL,)
    CONTEXT = context(
        en=("email", "e-mail", "mail", "address", "contact"),
        zh=("邮箱", "邮件", "电子邮件", "电邮", "邮箱地址", "联系"),
    )
    PREFILTER = re.compile("@")

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        local, host = match.group("local"), match.group("host")
        if ".." in local or _NOT_A_HOST.search(host):
            return None
        return Verdict(rule.score, "e-mail address shape (local part, host, alphabetic top-level domain)")


# --- Chinese mobile --------------------------------------------------------------------

_PHONE_KEYWORDS = keywords(
    "电话",
    "電話",
    "手机",
    "手機",
    "手机号",
    "联系方式",
    "聯繫方式",
    "联系电话",
    "致电",
    "打给",
    "打我",
    "微信",
    "号码",
    "phone",
    "mobile",
    "cell",
    "tel",
    "call",
    "whatsapp",
    "wechat",
    "text me",
    "contact",
)

# Words that make an 11-digit 3-4-4 number something else: Zoom and Tencent Meeting ids are
# written exactly like mobile numbers.
_NOT_A_PHONE = keywords(
    "meeting id", "meeting", "zoom", "会议号", "会议ID", "会议", "订单号", "单号", "order"
)
# Numbers printed in examples and forms: 13800138000 is China Mobile's well-known demo number.
_EXAMPLE_NUMBERS = frozenset({"13800138000"})

# 11 digits starting 1[3-9], optionally after +86 / 0086 / (+86), written whole or 3-4-4
# with spaces or hyphens. Digits and Latin letters may not touch either end (an order id or a
# longer number is not a phone number); Chinese characters may (电话13812345678).
_CN_MOBILE = rule(
    "cn_mobile",
    r"""
    (?<![0-9A-Za-z+])
    (?P<value>
        (?P<cc>(?:\+|00)86[ \-]?|\(\+?86\)[ ]?)?
        1[3-9][0-9] (?:[ \-]?[0-9]{4}){2}
    )
    (?![0-9A-Za-z])
    """,
    0.5,
)


class CnMobileRecognizer(FamilyRecognizer):
    """PHONE_NUMBER for mainland mobiles, checked against assigned segments (phonenumbers)."""

    ENTITIES = ("PHONE_NUMBER",)
    RULES = (_CN_MOBILE,)
    CONTEXT = context(
        en=("phone", "mobile", "cell", "tel", "telephone", "call", "contact", "number", "whatsapp"),
        zh=("电话", "手机", "手机号", "联系方式", "联系电话", "号码", "致电", "微信"),
    )
    PREFILTER = re.compile(r"1[3-9][0-9]")
    CONTEXT_BOOST = 0.3

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if not validators.cn_mobile_ok(value):
            return None
        digits = "".join(c for c in value if c.isdigit())[-11:]
        if digits in _EXAMPLE_NUMBERS or validators.is_placeholder(digits[3:]):
            return None  # 13800000000, 13888888888: filler, not a subscriber
        start, end = match.span("value")
        word = nearby(text, start, end, _PHONE_KEYWORDS, before=20)
        if word is None and nearby(text, start, end, _NOT_A_PHONE, before=25):
            return None
        if match.group("cc"):
            return Verdict(
                0.8,
                "mainland mobile number with +86 country code, in an assigned segment",
                validated=True,
                context_word=word,
            )
        return Verdict(
            rule.score,
            "11-digit mainland mobile number in an assigned segment (without a keyword it may be another id)",
            validated=True,
            context_word=word,
        )


def recognizers(language: str) -> list[EntityRecognizer]:
    """The e-mail and Chinese-mobile recognizers for ``language``."""
    return [EmailRecognizer(language), CnMobileRecognizer(language)]
