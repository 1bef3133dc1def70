"""GENERIC_SECRET: a random-looking value handed over right after a secret keyword.

The catch-all for credentials without a vendor shape: "api key: 8fK2…", "the token is …",
"client_secret=…", "密钥是…", "令牌：…". Both halves of the evidence are required, as in
gitleaks' generic-api-key rule and detect-secrets' keyword plugin: a secret keyword (English
or Chinese) with a separator that hands over a value, and a value that looks generated
(length, mixed characters, entropy). A keyword alone ("the token expired") or a random value
alone (a hash, an id) is not a finding.

What is refused: placeholders and templates, UUIDs and hex digests named as ids or hashes,
identifiers made of words (``token_expiry_seconds``), paths, links, e-mail addresses,
numbers, dates and versions, variable references and calls (``os.environ["TOKEN"]``).
Passwords are the passwords family's; vendor-shaped keys are reported by their own families
with a higher score, which wins where both match.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers import validators
from recognizers.families._base import CJK, FamilyRecognizer, Rule, Verdict, context, keywords, rule
from recognizers.families._secrets import (
    has_alphabet_run,
    looks_random,
    not_a_secret,
    random_enough,
    strip_wrappers,
)

ENTITIES: tuple[str, ...] = ("GENERIC_SECRET",)

# Keywords that name a secret outright. ASCII ones are whole words (api_key, x-api-key and
# API-Key all count; "tokens" and "tokenizer" do not), Chinese ones may touch anything.
_STRONG_EN = r"""
    (?:client|app|application|consumer|api|webhook|signing|shared|jwt|session|hmac|encryption|master|aes|oauth)
        [ _\-]?secret(?:[ _\-]?key)?
  | secret(?:[ _\-]?(?:key|token|access[ _\-]?key))?
  | (?:x[ _\-])?api[ _\-]?(?:key|token|secret)
  | apikey | apitoken
  | (?:access|auth|refresh|bearer|bot|app|api|personal[ _\-]access|service|session|deploy|admin|integration)
        [ _\-]?(?:token|key)
  | access[ _\-]?key(?:[ _\-]?secret)?
  | auth[ _\-]?(?:key|secret)
  | private[ _\-]?key | signing[ _\-]?key | encryption[ _\-]?key | master[ _\-]?key | license[ _\-]?secret
  | token
  | credentials? | creds
"""
_WEAK_EN = r"""key | sk | ak"""
_ZH = r"""
    访问令牌|访问密钥|接口密钥|签名密钥|加密密钥|应用密钥|密钥|秘钥|密匙|秘匙|私钥|令牌|凭证|凭据
"""

_GENERIC = rule(
    "secret_after_keyword",
    rf"""
    (?:
        (?<![A-Za-z0-9])(?P<kw>(?i:{_STRONG_EN}))(?![A-Za-z0-9])
      | (?<![A-Za-z0-9])(?P<weak>(?i:{_WEAK_EN}))(?![A-Za-z0-9])
      | (?P<zh>{_ZH})
    )
    (?:["'`]?[ \t]*(?:\([^)\r\n]{{1,30}}\)|（[^）\r\n]{{1,30}}）))?         # api key (staging)
    (?:[ \t]+(?i:for|of|to|on)[ \t]+[^\s:：=]{{1,30}}(?:[ \t]+[^\s:：=]{{1,30}}){{0,4}}?)??   # for the bot
    (?:(?<=[\u4e00-\u9fff])(?:给你|發你|发你|如下|在这|在這|是这个|是這個|来了|發一下|发一下))?   # 秘钥给你 X
    (?P<sep>
        (?:["'`]|\*\*)?[ \t]*(?::=|=>|->|→|[:=：＝])[ \t]*(?:\r?\n[ \t]*)?
      | [ \t]*(?:(?i:is|was|will[ \t]+be|now|should[ \t]+be)[ \t]*[:：]?|就是|是|为|為|改成了?|换成了?)[ \t]*
      | [ \t]+
      | (?<=[\u4e00-\u9fff])                  # 接口密钥X: a Chinese keyword glued to the value
    )
    (?:<(?i:code|b|strong|pre|kbd|tt|em|span)>)?
    ["'`“‘「『]?
    (?P<value>[^\s{CJK}<>]{{8,300}})
    """,
    0.75,
)

# Words that make a hex or long value a digest, an id or a public value.
_DIGEST_OR_ID_WORDS = (
    "md5",
    "sha1",
    "sha-1",
    "sha256",
    "sha-256",
    "sha512",
    "sha",
    "hash",
    "checksum",
    "digest",
    "commit",
    "fingerprint",
    "etag",
    "request id",
    "request_id",
    "trace id",
    "trace_id",
    "public key",
    "public_key",
    "publishable",
    "哈希",
    "校验和",
    "摘要",
    "提交",
    "公钥",
)
# Right before a value.
_NOT_SECRET_CONTEXT = keywords(
    *_DIGEST_OR_ID_WORDS,
    "sum",
    "pk",
)
# A keyword about a secret that is not being handed over: "token expired", "key rotation".
_STRONG_SEPARATORS = re.compile(r"[:=：＝]|->|→|=>|是|为|為|就是|改成|换成|(?i:is|was|will|now|should)")


class GenericSecretRecognizer(FamilyRecognizer):
    """GENERIC_SECRET: a generated-looking value after a secret keyword and separator."""

    ENTITIES = ENTITIES
    RULES = (_GENERIC,)
    CONTEXT = context(
        en=("secret", "token", "apikey", "key", "credentials"), zh=("密钥", "秘钥", "令牌", "凭证", "token")
    )
    PREFILTER = re.compile(
        r"(?i:secret|key|token|cred)|(?<![A-Za-z])(?i:sk|ak)(?![A-Za-z])|密钥|秘钥|密匙|秘匙|私钥|令牌|凭证|凭据"
    )
    OWN_CONTEXT = True

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value, start, end = strip_wrappers(match.group("value"), match.start("value"))
        if len(value) < 8 or len(value) > 256 or text.startswith(_CUT_SHORT, end):
            return None  # "…" right after: elided, an illustration rather than a usable key
        # A value pasted with its own keyword ("token=abc&user=x"): stop at URL separators.
        cut = re.search(r"[&#]|\\n|</", value)
        if cut is not None and cut.start() >= 8:
            value, end = value[: cut.start()], start + cut.start()
        if not_a_secret(value) is not None:
            return None
        weak = match.group("weak") is not None
        explicit = _STRONG_SEPARATORS.search(match.group("sep")) is not None
        keyword = (match.group("kw") or match.group("weak") or match.group("zh") or "").lower()
        if validators.is_uuid(value):
            if weak or not explicit:
                return None
            return Verdict(
                0.5, "UUID after a secret keyword and separator (an API key or an id)", span=(start, end)
            )
        if validators.is_hex_digest(value) and _NOT_SECRET_CONTEXT.search(text, max(0, start - 60), start):
            return None
        if _NOT_SECRET_CONTEXT.search(text, max(0, match.start() - 20), match.start() + len(keyword) + 1):
            return None  # "public key: …", "pk: …"
        # Without an explicit separator ("token abc…") or after a weak keyword ("key: …"), the
        # value must look strongly generated.
        strict = weak or not explicit
        if not looks_random(
            value, min_len=16 if strict else 12, min_entropy=3.5 if strict else 3.0, min_classes=2
        ):
            return None
        if strict and validators.char_classes(value) < 3 and not re.search(r"[0-9]", value):
            return None
        if weak:
            return Verdict(
                0.6, "random-looking value after a short key keyword (key, SK, AK)", span=(start, end)
            )
        if not explicit:
            return Verdict(0.65, "random-looking value right after a secret keyword", span=(start, end))
        score = 0.75 if len(value) >= 16 else 0.65
        return Verdict(score, "random-looking value handed over after a secret keyword", span=(start, end))


# --- a random value with a secret keyword somewhere around it -------------------------------------

# A candidate: a run of token characters, 12–1000 long, not glued to a longer run. "=" only
# ends a value (base64 padding): "APP_ID=wx…" is a name and a value, not one token.
_TOKEN_CHARS = r"A-Za-z0-9_\-+/.~"  # noqa: S105 - a character class, not a secret
_CANDIDATE = rule(
    "secret_near_keyword",
    rf"""
    (?<![{_TOKEN_CHARS}])(?<![A-Za-z0-9]:)
    (?P<value>[A-Za-z0-9_][{_TOKEN_CHARS}]{{11,999}}={{0,3}})
    (?![{_TOKEN_CHARS}]*[A-Za-z0-9_\-+/~])(?![@:=])
    """,
    0.6,
)
# Keywords that name a credential, in English and Chinese; "key" alone counts here because the
# value must also look generated. The vendor's name is not required: there are too many vendors.
SECRET_WORD = re.compile(
    rf"""
    (?<![A-Za-z0-9])(?i:
        (?:api|access|auth|app|bot|bearer|client|deploy|personal|private|secret|service|session|signing|admin)
            [ _\-]?(?:key|token|secret)s?
      | api[ _\-]?keys? | apikeys? | secret[ _\-]?keys? | secrets? | tokens? | keys? | creds | credentials?
      | pat | pats
    )(?![A-Za-z0-9])
    | {_ZH}
    """,
    re.VERBOSE,
)
# Words that make a random value a digest, an id, a link or an image (not a credential).
NOT_SECRET_AROUND = keywords(
    *_DIGEST_OR_ID_WORDS,
    "merged",
    "reverted",
    "revert",
    "git",
    "checkout",
    "cherry-picked",
    "rebased",
    "span_id",
    "session id",
    "order",
    "tracking",
    "base64",
    "authenticity_token",
    "csrf",
    "csrf_token",
    "xsrf",
    "md5sum",
    "sha1sum",
    "sha256sum",
    "ssh-rsa",
    "ssh-ed25519",
    "data:image",
    "校验码",
    "订单",
    "单号",
)
_UUID_KEY = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Words that make a UUID (or a value right after them) an identifier of a record, a request, a
# person or a resource.
ID_WORD = re.compile(
    r"(?<![A-Za-z0-9])(?i:id|ids|uuid|guid|request|trace|user|order|ticket|issue|job|run|build|tenant"
    r"|account|device|session|record|object|row|file|folder|doc|document|page|pod|container|image|branch"
    r"|video|deployment|namespace|node|instance|cluster|invoice|tag|version|path)(?![A-Za-z0-9])"
    r"|编号|单号|问题单|工单|订单|用户|设备|租户|会话|页面|分支|镜像|容器|版本|路径"
)
_REPEATED_CHUNK = re.compile(r"([A-Za-z0-9]{3,})[-_.:]?\1[-_.:]?\1")
_RUN_12 = re.compile(rf"[{_TOKEN_CHARS}]{{12}}")
NEAR_BEFORE = 160
NEAR_AFTER = 80


# What follows a value that was cut short or masked by hand.
_CUT_SHORT = ("..", "…", "##", "***", "[Redacted]", "[REDACTED]", "<redacted>")
_CASE_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_DIGIT_RUN = re.compile(r"0123456|1234567|2345678|3456789|9876543|8765432|7654321")


def _wordy(value: str) -> bool:
    """Letters in CamelCase words of four or more letters on average, as identifiers are."""
    parts = _CASE_PARTS.findall(value)
    return bool(parts) and sum(len(p) for p in parts) / len(parts) >= 4


_WORD_PART = re.compile(r"[A-Z]?[a-z]{2,}|[0-9]{1,4}|[A-Za-z][0-9]?")


def _named_parts(value: str) -> bool:
    """Most parts between separators are words, short tags or small numbers, none random (names).

    A generated value split by separators has random parts ("G9TXU2YD-NOYB-…"); a name has
    words ("Rotation", "plan", "api") and small numbers ("2024", "Q3").
    """
    parts = [p for p in re.split(r"[-_./:]+", value) if p]
    if len(parts) < 2 or any(len(p) >= 12 and not _WORD_PART.fullmatch(p) for p in parts):
        return False  # a long random part: a prefixed token ("dp.pt.…", "dop_v1_…"), not a name
    words = sum(1 for p in parts if _WORD_PART.fullmatch(p))
    return words >= 2 and words >= len(parts) * 0.6


def generated(value: str) -> bool:
    """The shape of a generated credential: long, varied, letters and digits, high entropy."""
    if not looks_random(value, min_len=16, min_entropy=3.3, min_classes=2) or has_alphabet_run(value):
        return False
    if _REPEATED_CHUNK.search(value) or _DIGIT_RUN.search(value):
        return False  # "1234-1234-1234-…", "…12345678…": typed by hand, not generated
    letters = any(c.isalpha() for c in value)
    digits = any(c.isdigit() for c in value)
    if not digits and _wordy(value):
        return False  # "AmazonBedrockAPIKeyShortLived": an identifier made of words
    if _named_parts(value):
        return False  # "KMS-2024-Q3-Rotation-Plan": a name made of words and numbers
    mixed_case = any(c.islower() for c in value) and any(c.isupper() for c in value)
    return letters and (digits or (mixed_case and len(value) >= 20))


_SHORT_KEYWORD_BEFORE = 30
_SHORT_KEYWORD_AFTER = 20


def _short_key(value: str, text: str, start: int, end: int) -> bool:
    """A 12–15 character key: letters and digits, random, with its keyword right next to it."""
    digits = sum(c.isdigit() for c in value)
    if (
        not_a_secret(value) is not None
        or not value.isalnum()
        or not (2 <= digits <= len(value) * 0.7)
        or sum(c.isalpha() for c in value) < 3
        or not random_enough(value, 3.2)
        or validators.is_sequential(value)
    ):
        return False
    before = SECRET_WORD.search(text, max(0, start - _SHORT_KEYWORD_BEFORE), start)
    after = SECRET_WORD.search(text, end, min(len(text), end + _SHORT_KEYWORD_AFTER))
    return before is not None or after is not None


class SecretNearKeywordRecognizer(FamilyRecognizer):
    """GENERIC_SECRET: a generated-looking value with a secret keyword in the same message.

    In chat the keyword and the value are often apart: "here's the staging token, pls don't
    share it: V", "can you try with V? it's the api key", "密钥发你了，记得别外传：V", the
    keyword on the line above. The value must look generated (``generated``) and not be an id
    or a digest (``not_a_secret``, hash and id words nearby); the keyword may be up to
    ``NEAR_BEFORE`` characters before it or ``NEAR_AFTER`` after it. Less sure than a value
    handed over right after its keyword, which the recognizer above reports with a higher score.
    """

    ENTITIES = ENTITIES
    RULES = (_CANDIDATE,)
    CONTEXT = GenericSecretRecognizer.CONTEXT
    PREFILTER = GenericSecretRecognizer.PREFILTER
    OWN_CONTEXT = True

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Skip messages without a 12-character token run before the prefilter runs."""
        if _RUN_12.search(text) is None:
            return []
        return super().analyze(text, entities, nlp_artifacts)

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value, start, end = strip_wrappers(match.group("value"), match.start("value"))
        if not 12 <= len(value) <= 1000:
            return None
        uuid = _UUID_KEY.fullmatch(value) is not None
        short = len(value) < 16
        if short and not _short_key(value, text, start, end):
            return None
        if not uuid and not short and (not_a_secret(value) is not None or not generated(value)):
            return None
        if text.startswith(_CUT_SHORT, end):
            return None  # elided or masked ("eyJzaWdu...", "…-####"): not a usable key
        if text.rfind("-----BEGIN", 0, start) > text.rfind("-----END", 0, start):
            return None  # a line of a PEM block: the private-key family's
        lo, hi = max(0, start - NEAR_BEFORE), min(len(text), end + NEAR_AFTER)
        word = SECRET_WORD.search(text, lo, start) or SECRET_WORD.search(text, end, hi)
        if word is None:
            return None
        if NOT_SECRET_AROUND.search(text, max(0, start - 60), min(len(text), end + 20)):
            return None
        if ID_WORD.search(text, max(0, start - 20), start):
            return None  # "build log id V": named an identifier
            # Several vendors issue API keys as UUIDs (Heroku, Snyk, HubSpot, Squarespace …), but
            # most UUIDs in chat are ids: only with a credential word close by and no id word.
            near = SECRET_WORD.search(text, max(0, start - 50), start) or SECRET_WORD.search(
                text, end, min(len(text), end + 30)
            )
            if near is None or ID_WORD.search(text, max(0, start - 60), min(len(text), end + 30)):
                return None  # "the api key request <uuid> failed": an id
            if validators.is_placeholder(value) or validators.is_sequential(value.replace("-", "")):
                return None
            return Verdict(
                0.5,
                "UUID-shaped key (a format several vendors use) with a credential word close by",
                span=(start, end),
                context_word=near.group(0),
            )
        return Verdict(
            0.6,
            "generated-looking value with a secret keyword in the same message",
            span=(start, end),
            context_word=word.group(0),
        )


def recognizers(language: str) -> list[EntityRecognizer]:
    """The generic-secret recognizers for ``language``."""
    return [GenericSecretRecognizer(language), SecretNearKeywordRecognizer(language)]
