"""One-time and verification codes shared in chat: VERIFICATION_CODE, English and Chinese.

People forward the code a service texted them ("验证码是482913", "your code is 482913",
"G-482913 is your Google verification code"): whoever reads it can take over the login or
the payment it guards, for a few minutes. A code has no shape beyond 4–8 digits, so the
evidence is the keyword that hands it over (验证码/校验码/动态码/短信码/确认码, verification/
security/login/one-time/2FA/OTP code) or a service's SMS template that puts the code first.

What is refused: a number that counts something ("6位验证码", "code expires in 10 minutes",
"验证码5分钟内有效"), a date or time, a run such as 123456 or 000000, and "code" that is not an
authentication code (error/status/zip/postal/promo/tracking code …). A bare "the code is
482913" counts only when the message also speaks of an SMS, a login or receiving it.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, rule

ENTITIES: tuple[str, ...] = ("VERIFICATION_CODE",)

# 4–8 digits, or 6 digits written as 3+3; not part of a longer number, date, time or version.
_VALUE = r"""
    (?P<value>[0-9]{4,8}|[0-9]{3}[ \-][0-9]{3})
    (?![0-9A-Za-z]|[\-/.:][0-9])
"""

_EN_KEYWORD = r"""
    (?<![A-Za-z])
    (?P<kw>(?i:
        (?:verification|verify|security|confirmation|confirm|authentication|auth|authenticator|login|log-?in
          |sign-?in|sign-?on|sms|text|one[ \-]?time|2fa|two[ \-]?factor|mfa|otp|totp|reset|access|activation
          |dynamic|check|validation)
        [ \t\-]?(?:code|pin|number|passcode)
      | one[ \-]?time[ \t]password | otp | totp | 2fa | mfa
    ))
    (?![A-Za-z])
"""
_ZH_KEYWORD = r"""
    (?P<kwzh>短信验证码|手机验证码|验证码|驗證碼|校验码|校驗碼|动态码|動態碼|动态密码|動態密碼|短信码|确认码|確認碼
        |登录码|登入碼|认证码|認證碼|安全码|一次性密码|动态口令|(?i:OTP)码?)
"""

_SEPARATOR = r"""
    [ \t]*
    (?:(?i:is|was|will[ \t]+be)[ \t]*[:：]?|(?:就)?(?:是|为|為)[ \t]*[:：]?|[:=：＝]|->|→)?
    [ \t]*(?:</?[A-Za-z]{1,6}>[ \t]*){0,2}["'`“‘「【\[(（*]{0,2}[ \t]*
"""

_KEYWORD_FIRST = rule(
    "code_after_keyword",
    rf"""
    (?:{_EN_KEYWORD}|{_ZH_KEYWORD})
    (?:[ \t]*(?:\([^)\r\n]{{1,20}}\)|（[^）\r\n]{{1,20}}）))?
    (?:[ \t]+(?i:for)[ \t]+[^\s:：]{{1,20}}(?:[ \t]+[^\s:：]{{1,20}})?)??
    {_SEPARATOR}
    {_VALUE}
    """,
    0.85,
)

# "G-482913 is your Google verification code", "482913 is your login code".
_CODE_FIRST_EN = rule(
    "code_before_keyword_en",
    r"""
    (?<![0-9A-Za-z\-])(?:G-)?(?P<value>[0-9]{4,8})["'`”’」』)）*]{0,2}(?:</[A-Za-z]{1,6}>)?
    [ \t]+(?i:is[ \t]+your)
    [ \t]+(?:[^\s]{1,20}[ \t]+){0,3}?
    (?i:verification|security|login|log-in|sign-in|one-time|otp|confirmation|authentication|access|2fa|mfa)
    [ \t\-]?(?i:code|pin|password|passcode)?
    """,
    0.85,
)
# "use 482913 to verify", "enter 482913 to log in".
_CODE_TO_VERIFY = rule(
    "code_to_verify",
    r"""
    (?<![A-Za-z])(?i:use|enter|type|input)[ \t]+(?:(?i:the[ \t]+)?(?i:code)[ \t]*:?[ \t]+)?
    ["'`“‘「*]{0,2}(?P<value>[0-9]{4,8})["'`”’」*]{0,2}[ \t]+(?i:to|for)[ \t]+
    (?i:verify|log[ \t]?in|sign[ \t]?in|confirm|complete|reset|authenticate|activate|continue)
    """,
    0.8,
)
# "482913是你的验证码", "482913（动态码）".
_CODE_FIRST_ZH = rule(
    "code_before_keyword_zh",
    r"""
    (?<![0-9A-Za-z])(?P<value>[0-9]{4,8})["'`”’」』)）*]{0,2}(?:</[A-Za-z]{1,6}>)?[ \t]*
    (?:(?:是|为|為)?[ \t]*(?:您|你|妳)的?[^\r\n，,。]{0,12}?|[（(][^)）\r\n]{0,12}?|[ \t]*[,，][ \t]*)
    (?:验证码|驗證碼|校验码|动态码|动态密码|短信码|确认码|登录码)
    """,
    0.85,
)
# "Your WeChat code is 959496" (an SMS template naming its service).
_YOUR_SERVICE_CODE = rule(
    "your_service_code",
    rf"""
    (?<![A-Za-z])(?i:your)[ \t]+(?:[^\s]{{1,20}}[ \t]+){{1,3}}?(?i:code|pin)[ \t]+(?i:is)[ \t]*[:：]?[ \t]*
    (?:<[A-Za-z]{{1,6}}>)?["'`“‘「*]{{0,2}}
    {_VALUE}
    """,
    0.85,
)
# "the code is 482913" / "code: 482913" / "the code from the sms is 482913" — only with an SMS or
# login word in the message.
_BARE_CODE = rule(
    "bare_code",
    rf"""
    (?<![A-Za-z])(?P<before>[A-Za-z]{{1,20}}[ \t\-]?)?(?P<kw>(?i:code))
    (?:[ \t]+(?i:from|in|on|of|for)[ \t]+(?:(?i:the|my|your)[ \t]+)?[^\s]{{1,15}})?
    [ \t]*(?:(?i:is|was)[ \t]*[:：]?|[:：=])[ \t]*(?:<[A-Za-z]{{1,6}}>)?["'`“‘「*]{{0,2}}[ \t]*
    {_VALUE}
    """,
    0.8,
)

# Words that make "code" something other than a one-time code.
_NOT_AUTH_CODE = frozenset(
    {
        "error",
        "status",
        "http",
        "exit",
        "return",
        "response",
        "postal",
        "zip",
        "post",
        "area",
        "country",
        "dial",
        "dialing",
        "region",
        "promo",
        "promotion",
        "coupon",
        "discount",
        "voucher",
        "invite",
        "invitation",
        "referral",
        "product",
        "item",
        "sku",
        "hs",
        "tracking",
        "order",
        "course",
        "source",
        "qr",
        "bar",
        "reference",
        "ref",
        "swift",
        "bank",
        "sort",
        "branch",
        "iata",
        "airport",
        "language",
        "currency",
        "colour",
        "color",
        "dress",
        "fault",
        "reason",
        "tax",
        "class",
        "building",
        "room",
        "gate",
        "seat",
        "booking",
        "flight",
        "event",
        "license",
        "licence",
        "serial",
        "station",
        "city",
        "airline",
        "site",
        "cost",
        "project",
        "department",
        "dept",
        "sap",
        "gl",
        "account",
        "employee",
        "staff",
        "customer",
        "client",
        "vendor",
        "supplier",
        "store",
        "shop",
        "access",
        "secret",
    }
)
_SMS_WORDS = keywords(
    "sms", "text", "texted", "login", "log in", "sign in", "signin", "received", "got", "sent", "otp",
    "authenticator", "2fa", "verify", "verification", "短信", "登录", "收到", "发来", "验证",
    # the wording of an SMS template: "[Apple] Code: 7549. Valid for 10 minutes. Do not share."
    "valid", "expires", "expire", "expiring", "minutes", "mins", "do not share", "don't share",
    "有效", "分钟", "过期",
    "勿泄露", "请勿",
)  # fmt: skip
# A number right after the code that counts something: 位, 分钟, minutes, digits …
_UNIT_AFTER = re.compile(
    r"[ \t]*(?:位|个|個|分钟|分鐘|秒|小时|小時|天|次|元|块|塊|年|月|日|号|號|条|條|%"
    r"|(?i:digits?|characters?|chars"
    r"|minutes?|mins?|seconds?|secs?|hours?|hrs?|days?|times|ms|px|kb|mb|gb|usd|rmb|cny|am|pm)(?![A-Za-z]))"
)


class VerificationCodeRecognizer(FamilyRecognizer):
    """VERIFICATION_CODE: a one-time code after (or in an SMS template before) its keyword."""

    ENTITIES = ENTITIES
    RULES = (_KEYWORD_FIRST, _CODE_FIRST_EN, _CODE_TO_VERIFY, _CODE_FIRST_ZH, _YOUR_SERVICE_CODE, _BARE_CODE)
    CONTEXT = context(
        en=("code", "verification", "otp", "2fa", "sms", "login"),
        zh=("验证码", "校验码", "动态码", "短信", "登录"),
    )
    PREFILTER = re.compile(
        r"(?i:code|otp|2fa|mfa|pin|passcode|one[ \-]?time|verify|log[ \t]?in|sign[ \t]?in)"
        r"|验证码|驗證碼|校验码|校驗碼|动态|動態|短信码|确认码|確認碼|登录码|登入碼|认证码|認證碼|安全码|一次性|OTP"
    )
    OWN_CONTEXT = True

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        digits = value.replace(" ", "").replace("-", "")
        if len(set(digits)) == 1 or validators.is_sequential(digits) or digits in ("0000", "1234", "123456"):
            return None  # a run or the classic example
        if _UNIT_AFTER.match(text, match.end("value")):
            return None  # counts something: "6位", "10 minutes"
        if rule is _BARE_CODE:
            before = (match.group("before") or "").strip(" \t-").lower()
            if before in _NOT_AUTH_CODE or before.endswith(("-", "_")):
                return None
            start, end = match.span("value")
            lo, hi = max(0, start - 120), min(len(text), end + 80)
            if not _SMS_WORDS.search(text, lo, hi):
                return None
            return Verdict(rule.score, "'code is' then 4–8 digits, with an SMS or login word in the message")
        if rule is _KEYWORD_FIRST:
            return Verdict(rule.score, "verification-code keyword then a 4–8 digit code")
        if rule is _YOUR_SERVICE_CODE:
            return Verdict(rule.score, "'your <service> code is' then a 4–8 digit code (an SMS template)")
        if rule is _CODE_TO_VERIFY:
            return Verdict(rule.score, "'use/enter' a 4–8 digit code 'to verify/log in'")
        return Verdict(rule.score, "4–8 digit code followed by 'is your … code' (an SMS template)")


def recognizers(language: str) -> list[EntityRecognizer]:
    """The verification-code recognizer for ``language``."""
    return [VerificationCodeRecognizer(language)]
