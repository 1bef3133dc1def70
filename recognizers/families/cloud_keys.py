"""Cloud access keys: AWS, Alibaba Cloud, Tencent Cloud, Huawei Cloud and Baidu AI Cloud.

These clouds all issue a key pair: an access key id, which often has a fixed structure
(AWS ``AKIA``…, Alibaba ``LTAI``…, Tencent ``AKID``…) and stands on its own, and a secret,
which is 30–40 random characters with no prefix at all. Alone the secret is indistinguishable
from any other blob, so it is reported only with evidence: its key id nearby (the pair pasted
together, on one line or two), a keyword that names exactly this secret (``AccessKeySecret``,
``TENCENTCLOUD_SECRET_KEY``), or a generic secret word (``SK``, ``secret``, ``密钥``) with the
vendor named close by (``阿里云``, ``腾讯云``, ``华为云``, ``百度智能云``). Huawei and Baidu keys
have no distinctive structure, so they are found by context only.
"""

from __future__ import annotations

import re
from collections import Counter

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, nearby, rule
from recognizers.families._secrets import (
    LEFT,
    LONG_RUN,
    RIGHT,
    PairedSecretRecognizer,
    Token,
    TokenRecognizer,
    has_long_run,
    value_rule,
)

ENTITIES: tuple[str, ...] = (
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "ALIBABA_ACCESS_KEY",
    "TENCENT_SECRET",
    "HUAWEI_SECRET",
    "BAIDU_SECRET",
)

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
)
# A generic secret word counts only together with "aws" somewhere nearby ("访问密钥" is every
# Chinese cloud console's word for an access key, not AWS's alone).
_GENERIC_SECRET = keywords(
    "secret key", "secret_key", "secretkey", "secret", "sk", "密钥", "秘钥", "私钥", "访问密钥"
)  # fmt: skip
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

    def candidate_patterns(self) -> tuple[re.Pattern[str], ...]:
        """The long token run ``analyze`` requires."""
        return (LONG_RUN,)

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Only messages with a long token run can hold a 40-character secret."""
        if not has_long_run(text):
            return []
        return super().analyze(text, entities, nlp_artifacts)

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
                0.8,
                "40-character random base64 value after a secret keyword, AWS mentioned",
                context_word=word,
            )
        return None


# --- Alibaba Cloud ---------------------------------------------------------------------------

# AccessKey ids begin "LTAI" (RAM users' long-term keys): 16 characters in keys issued before
# 2019, 24 since (LTAI5t…); base62. STS temporary ids begin "STS." and are not matched here.
_LTAI = r"LTAI[A-Za-z0-9]{12,20}"


def _alibaba_id_filler(value: str, match: re.Match[str]) -> bool:
    body = value[4:]
    return max(Counter(body).values()) >= 6 or body.upper().startswith("XXXX")


class AlibabaKeyIdRecognizer(TokenRecognizer):
    """ALIBABA_ACCESS_KEY: the AccessKey id by its LTAI structure."""

    ENTITIES = ("ALIBABA_ACCESS_KEY",)
    TOKENS = (
        Token(
            "alibaba_access_key_id",
            "ALIBABA_ACCESS_KEY",
            rf"{LEFT}(?P<value>{_LTAI}){RIGHT}",
            0.9,
            "Alibaba Cloud AccessKey id structure (LTAI prefix, 16–24 base62 characters)",
            excluded=_alibaba_id_filler,
        ),
    )
    CONTEXT = context(en=("aliyun", "alibaba", "accesskey", "ak"), zh=("阿里云", "阿里", "访问密钥", "密钥"))
    PREFILTER = re.compile("LTAI")
    LONG_RUN = False  # ids of the old format are 16 characters


class AlibabaSecretRecognizer(PairedSecretRecognizer):
    """ALIBABA_ACCESS_KEY: the 30-character AccessKey secret, by its id, keyword or vendor."""

    ENTITIES = ("ALIBABA_ACCESS_KEY",)
    ANCHORS = (
        "ltai",
        "accesskey",
        "access_key",
        "alibaba",
        "aliyun",
        "alicloud",
        "阿里",
        "oss",
        "ecs",
        "ak secret",
    )
    RULES = (value_rule("alibaba_access_key_secret", "[A-Za-z0-9]", "30"),)
    KEY_ID = re.compile(rf"{LEFT}{_LTAI}{RIGHT}")
    STRONG = keywords(
        "AccessKeySecret",
        "AccessKey Secret",
        "access_key_secret",
        "accessKeySecret",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALICLOUD_SECRET_KEY",
        "ALIYUN_ACCESS_KEY_SECRET",
        "OSS_ACCESS_KEY_SECRET",
        "AK Secret",
    )
    WEAK = keywords(
        "secret", "secret key", "secret_key", "SecretKey", "SK", "密钥", "秘钥", "私钥", "访问密钥"
    )
    VENDOR = keywords("阿里云", "阿里", "aliyun", "alibaba", "alibabacloud", "alicloud", "oss", "ecs")
    LABEL = "Alibaba Cloud AccessKey"
    CONTEXT = AlibabaKeyIdRecognizer.CONTEXT


# --- Tencent Cloud ---------------------------------------------------------------------------

# SecretId: "AKID" + 32 base62 (36 characters; Tencent Cloud API 3.0 signature docs). The
# documentation's example ends in "EXAMPLE", like AWS's.
_AKID = r"AKID[A-Za-z0-9]{32}"


def _tencent_example(value: str, match: re.Match[str]) -> bool:
    return value.upper().endswith("EXAMPLE") or max(Counter(value[4:]).values()) >= 8


class TencentSecretIdRecognizer(TokenRecognizer):
    """TENCENT_SECRET: the SecretId by its AKID structure."""

    ENTITIES = ("TENCENT_SECRET",)
    TOKENS = (
        Token(
            "tencent_secret_id",
            "TENCENT_SECRET",
            rf"{LEFT}(?P<value>{_AKID}){RIGHT}",
            0.9,
            "Tencent Cloud SecretId structure (AKID prefix, 32 base62 characters)",
            excluded=_tencent_example,
        ),
    )
    CONTEXT = context(en=("tencent", "qcloud", "secretid", "secretkey"), zh=("腾讯云", "腾讯", "密钥"))
    PREFILTER = re.compile("AKID")


class TencentSecretKeyRecognizer(PairedSecretRecognizer):
    """TENCENT_SECRET: the 32-character SecretKey, by its SecretId, keyword or vendor."""

    ENTITIES = ("TENCENT_SECRET",)
    ANCHORS = ("akid", "tencent", "qcloud", "cos", "cvm", "secretid", "腾讯")
    RULES = (value_rule("tencent_secret_key", "[A-Za-z0-9]", "32"),)
    KEY_ID = re.compile(rf"{LEFT}{_AKID}{RIGHT}")
    STRONG = keywords(
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_SECRETKEY",
        "TENCENT_SECRET_KEY",
        "QCLOUD_SECRET_KEY",
        "COS_SECRET_KEY",
        "tencentcloud_secret_key",
    )
    WEAK = keywords("SecretKey", "Secret Key", "secret_key", "secret", "SK", "密钥", "秘钥")
    VENDOR = keywords("腾讯云", "腾讯", "tencent", "tencentcloud", "qcloud", "cos", "cvm", "SecretId")
    LABEL = "Tencent Cloud SecretKey"
    CONTEXT = TencentSecretIdRecognizer.CONTEXT

    def refuse(self, value: str) -> bool:
        return validators.is_hex_digest(value)  # an MD5 digest, not a SecretKey (mixed case)


# --- Huawei Cloud (by context) -----------------------------------------------------------------

# AK: 20 upper-case letters and digits; SK: 40 base62 (Huawei Cloud "Access Keys" docs). No
# prefix, so a Huawei keyword or the vendor's name must be close.
_HUAWEI_VENDOR = keywords("华为云", "华为", "huawei", "huaweicloud", "myhuaweicloud", "hwcloud", "obs")
_HUAWEI_STRONG = keywords(
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEI_ACCESS_KEY",
    "HUAWEI_SECRET_KEY",
    "HW_ACCESS_KEY",
    "HW_SECRET_KEY",
    "OBS_ACCESS_KEY_ID",
    "OBS_SECRET_ACCESS_KEY",
)


class HuaweiKeyRecognizer(PairedSecretRecognizer):
    """HUAWEI_SECRET: Huawei Cloud AK (20 upper-case) and SK (40 base62), by keyword and vendor."""

    ENTITIES = ("HUAWEI_SECRET",)
    ANCHORS = ("huawei", "hwcloud", "华为", "obs", "hw_")
    RULES = (
        value_rule("huawei_access_key", "[A-Z0-9]", "20"),
        value_rule("huawei_secret_key", "[A-Za-z0-9]", "40"),
    )
    STRONG = _HUAWEI_STRONG
    WEAK = keywords(
        "AK",
        "SK",
        "access key",
        "accesskey",
        "access_key",
        "secret key",
        "secretkey",
        "secret_key",
        "secret",
        "访问密钥",
        "密钥",
        "秘钥",
    )
    VENDOR = _HUAWEI_VENDOR
    LABEL = "Huawei Cloud"
    MIN_ENTROPY = 3.0
    CONTEXT = context(en=("huawei", "huaweicloud", "ak", "sk"), zh=("华为云", "华为", "密钥"))

    def refuse(self, value: str) -> bool:
        return validators.is_hex_digest(value)


# --- Baidu AI Cloud -------------------------------------------------------------------------------

# Qianfan's v3 API keys have a structure: "bce-v3/ALTAK-" + 21 base62 + "/" + 40 hex.
_BAIDU_V3 = Token(
    "baidu_bce_v3_api_key",
    "BAIDU_SECRET",
    rf"{LEFT}(?P<value>bce-v3/ALTAK-[A-Za-z0-9]{{21}}/(?P<secret>[0-9a-f]{{40}})){RIGHT}",
    0.95,
    "Baidu AI Cloud (Qianfan) API key structure (bce-v3/ALTAK-…/40 hex)",
)


class BaiduApiKeyRecognizer(TokenRecognizer):
    """BAIDU_SECRET: Qianfan v3 API keys by structure."""

    ENTITIES = ("BAIDU_SECRET",)
    TOKENS = (_BAIDU_V3,)
    CONTEXT = context(en=("baidu", "qianfan", "bce"), zh=("百度", "千帆", "密钥"))
    PREFILTER = re.compile("bce-v3/")


class BaiduKeyRecognizer(PairedSecretRecognizer):
    """BAIDU_SECRET: BCE AK/SK (32 hex) and AI API Key (24) / Secret Key (32), by keyword and vendor."""

    ENTITIES = ("BAIDU_SECRET",)
    ANCHORS = ("baidu", "bce", "qianfan", "ernie", "bos", "aip", "百度", "千帆", "文心")
    RULES = (
        value_rule("baidu_api_key", "[A-Za-z0-9]", "24"),
        value_rule("baidu_secret_key", "[A-Za-z0-9]", "32"),
    )
    STRONG = keywords(
        "BCE_ACCESS_KEY_ID",
        "BCE_SECRET_ACCESS_KEY",
        "BAIDU_API_KEY",
        "BAIDU_SECRET_KEY",
        "QIANFAN_AK",
        "QIANFAN_SK",
        "QIANFAN_ACCESS_KEY",
        "QIANFAN_SECRET_KEY",
    )
    WEAK = keywords(
        "API Key",
        "apikey",
        "api_key",
        "Secret Key",
        "secretkey",
        "secret_key",
        "secret",
        "AK",
        "SK",
        "access key",
        "accesskey",
        "密钥",
        "秘钥",
    )
    VENDOR = keywords("百度", "baidu", "bce", "千帆", "qianfan", "文心", "ernie", "bos", "aip")
    LABEL = "Baidu AI Cloud"
    MIN_ENTROPY = 3.0
    CONTEXT = BaiduApiKeyRecognizer.CONTEXT


def recognizers(language: str) -> list[EntityRecognizer]:
    """The cloud access-key recognizers for ``language``."""
    return [
        AwsAccessKeyRecognizer(language),
        AwsSecretKeyRecognizer(language),
        AlibabaKeyIdRecognizer(language),
        AlibabaSecretRecognizer(language),
        TencentSecretIdRecognizer(language),
        TencentSecretKeyRecognizer(language),
        HuaweiKeyRecognizer(language),
        BaiduApiKeyRecognizer(language),
        BaiduKeyRecognizer(language),
    ]
