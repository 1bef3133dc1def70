"""Cloud credentials: AWS_ACCESS_KEY and AWS_SECRET_KEY.

The access key id has a fixed structure (prefix + 16 base32 characters), so it stands on its
own. The secret access key is 40 characters of base64 with no prefix at all: alone it is
indistinguishable from any other blob, so it is reported only when an access key id or an
AWS secret keyword is nearby and the value looks random (entropy, mixed character classes).
Later issues add Alibaba (LTAI…) and Tencent (AKID…) keys here.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, nearby, rule

ENTITIES: tuple[str, ...] = ("AWS_ACCESS_KEY", "AWS_SECRET_KEY")

# AKIA long-term user keys, ASIA temporary (STS) keys, ABIA STS bearer tokens, ACCA
# context-specific credentials; then 16 characters of the RFC 4648 base32 alphabet (A–Z, 2–7).
# Case-sensitive even under Presidio's global IGNORECASE (compiled here, no i flag).
_KEY_ID = r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}"
_ACCESS_KEY = rule(
    "aws_access_key_id",
    rf"""
    (?<![A-Za-z0-9])
    (?P<value>{_KEY_ID})
    (?![A-Za-z0-9])
    """,
    0.9,
)
_KEY_ID_NEARBY = re.compile(rf"(?<![A-Za-z0-9]){_KEY_ID}(?![A-Za-z0-9])")


class AwsAccessKeyRecognizer(FamilyRecognizer):
    """AWS_ACCESS_KEY: structure-checked key ids; documentation examples (…EXAMPLE) excluded."""

    ENTITIES = ("AWS_ACCESS_KEY",)
    RULES = (_ACCESS_KEY,)
    CONTEXT = context(
        en=("aws", "access", "key", "amazon", "iam", "credentials"),
        zh=("aws", "密钥", "秘钥", "访问密钥", "亚马逊"),
    )
    PREFILTER = re.compile("A(?:KI|SI|BI|CC)A")

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        if not validators.aws_access_key_ok(match.group("value")):
            return None
        return Verdict(
            rule.score,
            "AWS access key id structure: AKIA/ASIA/ABIA/ACCA prefix and 16 base32 characters",
            validated=True,
        )


# Keywords that name an AWS secret access key outright (SDK/CLI names, console wording in
# English and in the Chinese console: 秘密访问密钥 / 私有访问密钥).
_SECRET_KEYWORDS = keywords(
    "aws_secret_access_key",
    "secret_access_key",
    "secretaccesskey",
    "secret access key",
    "secret-access-key",
    "aws_secret_key",
    "aws secret key",
    "aws secret",
    "aws_secret",
    "秘密访问密钥",
    "私有访问密钥",
    "访问密钥",
)
# A generic secret word counts only together with "aws" somewhere nearby.
_GENERIC_SECRET = keywords("secret key", "secret_key", "secretkey", "secret", "sk", "密钥", "秘钥", "私钥")
_AWS = re.compile(r"(?<![A-Za-z])aws(?![A-Za-z])|amazon|亚马逊", re.IGNORECASE)

# 40 characters of standard base64 (A–Z a–z 0–9 + /), not a slice of a longer base64 run.
_SECRET_KEY = rule(
    "aws_secret_access_key",
    r"""
    (?<![A-Za-z0-9/+])                 # "=" may precede: KEY=value
    (?P<value>[A-Za-z0-9/+]{40})
    (?![A-Za-z0-9/+=])
    """,
    0.85,
)
_HEX40 = re.compile(r"[0-9a-f]{40}|[0-9A-F]{40}")  # a git commit or SHA-1 digest


class AwsSecretKeyRecognizer(FamilyRecognizer):
    """AWS_SECRET_KEY: 40-char base64 values next to a key id or an AWS secret keyword."""

    ENTITIES = ("AWS_SECRET_KEY",)
    RULES = (_SECRET_KEY,)
    CONTEXT = context(
        en=("aws", "secret", "secretaccesskey", "aws_secret_access_key"),
        zh=("密钥", "秘钥", "访问密钥", "私钥"),
    )
    CONTEXT_BOOST = 0.0
    OWN_CONTEXT = True
    # Random 40-char base64 has about 4.8–5.1 bits per character; hex digests stay under 4.
    MIN_ENTROPY = 4.2

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if (
            _HEX40.fullmatch(value)
            or validators.char_classes(value) < 3
            or validators.shannon_entropy(value) < self.MIN_ENTROPY
            or validators.is_placeholder(value)
            or validators.is_sequential(value)
            or "EXAMPLE" in value
        ):
            return None
        start, end = match.span("value")
        if nearby(text, start, end, _KEY_ID_NEARBY, before=300, after=300):
            return Verdict(
                0.9,
                "40-character random base64 value near an AWS access key id",
                context_word="access key id",
            )
        word = nearby(text, start, end, _SECRET_KEYWORDS, before=60)
        if word is not None:
            return Verdict(
                0.8, "40-character random base64 value after an AWS secret keyword", context_word=word
            )
        word = nearby(text, start, end, _GENERIC_SECRET, before=40)
        if word is not None and _AWS.search(text, max(0, start - 200), min(len(text), end + 200)):
            return Verdict(
                0.6,
                "40-character random base64 value after a secret keyword, AWS mentioned",
                context_word=word,
            )
        return None


def recognizers(language: str) -> list[EntityRecognizer]:
    """The AWS key recognizers for ``language``."""
    return [AwsAccessKeyRecognizer(language), AwsSecretKeyRecognizer(language)]
