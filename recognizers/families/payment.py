"""Payment cards: CREDIT_CARD (international schemes) and CN_BANK_CARD (UnionPay, 62…).

One recognizer classifies every card-shaped number once, so a Luhn-valid 62… number is a
CN_BANK_CARD and never also a CREDIT_CARD. Evidence, strongest first: the Luhn check, an IIN
range with a length that scheme issues, card-style grouping (4-4-4-4), a card keyword nearby.
Published processor test numbers (4111 1111 1111 1111 …) are not findings.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import exclusions, validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, nearby, rule

ENTITIES: tuple[str, ...] = ("CREDIT_CARD", "CN_BANK_CARD")

_CARD_KEYWORDS = keywords(
    "卡号",
    "卡號",
    "银行卡",
    "銀行卡",
    "信用卡",
    "借记卡",
    "储蓄卡",
    "银联",
    "開戶行",
    "开户行",
    "开户银行",
    "收款账号",
    "账号",
    "帳號",
    "card",
    "credit card",
    "debit card",
    "card number",
    "card no",
    "visa",
    "mastercard",
    "amex",
    "unionpay",
    "bank account",
    "cc#",
    "cc",
)

# Words that name a payment card itself (not an account, which may be any account): enough for a
# Luhn-valid number whose IIN is not in the scheme table.
_CARD_NOUNS = keywords(
    "卡号",
    "卡號",
    "银行卡",
    "銀行卡",
    "信用卡",
    "借记卡",
    "储蓄卡",
    "card",
    "credit card",
    "debit card",
    "card number",
    "card no",
    "cc",
    "cc#",
)

# Words that say a bare run of digits is something else (an order, a parcel, a transaction).
_NOT_A_CARD = keywords(
    "order",
    "order no",
    "tracking",
    "invoice",
    "ref",
    "reference",
    "transaction",
    "txn",
    "订单",
    "订单号",
    "单号",
    "运单",
    "快递",
    "流水号",
    "交易号",
    "工单",
)

# Digits written in one run: 12–19 digits (12 only next to a card keyword: Maestro), first digit
# 1–9. Not part of a longer number, token or decimal (3.1415926535897932 is not a card), nor
# after a + (+4915207318846 is a phone number).
_CONTIGUOUS = rule(
    "card_digits",
    r"""
    (?<![0-9A-Za-z_.+])
    (?P<value>[1-9][0-9]{11,18})
    (?![0-9A-Za-z_]|[.,][0-9])
    """,
    0.75,
)

# Digits written as cards print them, with one kind of separator (space or hyphen):
# 4-4-4-4 (16), 4-4-4-4-1..3 (17–19, e.g. Chinese 19-digit debit cards), 4-6-5 (Amex 15),
# 4-6-4 (Diners 14). The outer lookarounds refuse a slice of a longer grouped number
# ("1234 5678 9012 3456 7890" is not a card starting at "5678").
_GROUPED = rule(
    "card_grouped",
    r"""
    (?<![0-9A-Za-z_.+])(?<![0-9][ \-])
    (?P<value>
        [1-9][0-9]{3}
        (?: (?P<s1>[ \-]) [0-9]{4} (?P=s1) [0-9]{4} (?P=s1) [0-9]{4} (?: (?P=s1) [0-9]{1,3} )?
          | (?P<s2>[ \-]) [0-9]{6} (?P=s2) [0-9]{4,5}
        )
    )
    (?![0-9A-Za-z_])(?![ \-][0-9])
    """,
    0.85,
)


class PaymentCardRecognizer(FamilyRecognizer):
    """CREDIT_CARD and CN_BANK_CARD: Luhn, IIN and length, test numbers excluded."""

    ENTITIES = ENTITIES
    RULES = (_GROUPED, _CONTIGUOUS)
    CONTEXT = context(
        en=("card", "credit", "debit", "visa", "mastercard", "amex", "unionpay", "cc", "payment"),
        zh=("卡号", "银行卡", "信用卡", "借记卡", "储蓄卡", "银联", "开户行", "账号"),
    )
    PREFILTER = re.compile(r"[0-9]{4}")

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        digits = re.sub(r"[ \-]", "", match.group("value"))
        if validators.is_test_card(digits):
            return None
        start, end = match.span("value")
        word = nearby(text, start, end, _CARD_KEYWORDS, before=30)
        if rule is _CONTIGUOUS and word is None and nearby(text, start, end, _NOT_A_CARD, before=20):
            return None  # "Order #4000000000001232": an order number that happens to pass Luhn
        if word is None and validators.cn_resident_id_shaped(digits):
            return None  # a mistyped resident ID (province, birth date) that passes Luhn by chance
        if word is None and (exclusions.is_timestamp(digits[:14]) and digits[:2] in ("19", "20")):
            return None  # 20240611123045…: a compact date-time followed by a counter
        layout = "card-style groups" if rule is _GROUPED else "one run of digits"
        luhn = validators.luhn_ok(digits)
        if digits.startswith("62") and 16 <= len(digits) <= 19:
            if luhn:
                return Verdict(
                    rule.score,
                    f"UnionPay IIN 62, {len(digits)} digits, Luhn valid, {layout}",
                    validated=True,
                    entity="CN_BANK_CARD",
                    context_word=word,
                )
            if word is not None:
                # Not every Chinese bank card number passes Luhn (UnionPay Q/CUP 002 requires
                # it, older issuers did not): a card keyword makes it worth a low-confidence look.
                return Verdict(
                    0.25,  # with the keyword's boost 0.35: "unlikely", shown but not claimed
                    f"UnionPay IIN 62, {len(digits)} digits, Luhn failed, card keyword nearby",
                    validated=False,
                    entity="CN_BANK_CARD",
                    context_word=word,
                )
            return None
        if not luhn:
            return None
        brand = validators.card_brand(digits)
        if (brand is None or brand in validators.WEAK_BRANDS or len(digits) < 13) and nearby(
            text, start, end, _CARD_NOUNS, before=30
        ) is None:
            return None  # "账号 …": an account of any kind; the number alone says too little
        if brand is None:
            # Schemes and private-label ranges outside the table, next to a card word.
            return Verdict(
                0.5,
                f"Luhn-valid {len(digits)}-digit number next to a card keyword, {layout}",
                validated=True,
                entity="CREDIT_CARD",
                context_word=word,
            )
        return Verdict(
            rule.score,
            f"{brand} IIN range and length, Luhn valid, {layout}",
            validated=True,
            entity="CREDIT_CARD",
            context_word=word,
        )


def recognizers(language: str) -> list[EntityRecognizer]:
    """The payment-card recognizer for ``language``."""
    return [PaymentCardRecognizer(language)]
