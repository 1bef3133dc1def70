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

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import CJK, FamilyRecognizer, Rule, Verdict, context, keywords, rule
from recognizers.families._secrets import looks_random, not_a_secret, strip_wrappers

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

# Words right before a hex or long value that make it a digest, an id or a public value.
_NOT_SECRET_CONTEXT = keywords(
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
    "sum",
    "request id",
    "request_id",
    "trace id",
    "trace_id",
    "public key",
    "public_key",
    "publishable",
    "pk",
    "哈希",
    "校验和",
    "摘要",
    "提交",
    "公钥",
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
        if len(value) < 8 or len(value) > 256:
            return None
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


def recognizers(language: str) -> list[EntityRecognizer]:
    """The generic-secret recognizer for ``language``."""
    return [GenericSecretRecognizer(language)]
