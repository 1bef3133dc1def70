"""Shared machinery for the secret families (a helper, not a family).

Three shapes of evidence recur in every secret family, so they live here once:

- ``Token``: a credential that announces itself with a vendor prefix or a fixed structure
  (``sk_live_…``, ``SG.….…``, ``AKID…``). The pattern alone is strong evidence; a checksum or
  a decodable structure makes it stronger; a placeholder or a low-entropy body refutes it.
- ``PairedSecret``: a value with no shape of its own (30 random characters) that is a
  vendor's secret only because its key id is nearby (``LTAI…`` then the secret, on the same
  line or the next), or a vendor-specific keyword names it (``AccessKeySecret``), or a generic
  secret word sits next to it and the vendor is mentioned close by.
- Value heuristics (``looks_random``, ``not_a_secret``): the filters detect-secrets and
  gitleaks apply before they report a keyword-found value, as tiny pure predicates.

Explanations name the evidence, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, nearby, rule

# Characters that may not touch a token on either side: a token glued to a longer identifier
# is a different string. CJK text and punctuation may touch it (Chinese has no spaces), and so
# may the words key, token and secret on the left ("地图keyAIza…", "slack的tokenxoxb-…": mixed
# Chinese-English chat drops the space after an English word).
_GLUED_KEYWORD = r"(?<=[Kk][Ee][Yy])|(?<=[Tt][Oo][Kk][Ee][Nn])|(?<=TOKEN)|(?<=[Ss]ecret)|(?<=SECRET)"
LEFT = rf"(?:(?<![A-Za-z0-9_\-])|{_GLUED_KEYWORD})"
RIGHT = r"(?![A-Za-z0-9_\-])"

# Quotes, brackets and Markdown/HTML that wrap a value in chat.
_WRAPPERS = "\"'`“”‘’「」『』*"


_HEX_ONLY = re.compile(r"[0-9a-fA-F]+")


def entropy_floor(value: str, floor: float) -> float:
    """``floor`` for base62/base64 values, lower for hex ones (16 symbols: random 32-hex is 3.2–3.9 bits)."""
    return min(floor, 3.0) if _HEX_ONLY.fullmatch(value) else floor


def random_enough(value: str, floor: float) -> bool:
    """Shannon entropy at least ``floor`` (adjusted to the value's alphabet)."""
    return validators.shannon_entropy(value) >= entropy_floor(value, floor)


def looks_random(value: str, *, min_len: int = 16, min_entropy: float = 3.0, min_classes: int = 2) -> bool:
    """Long, varied and not a run of a sequence: what a generated credential looks like."""
    return (
        len(value) >= min_len
        and validators.char_classes(value) >= min_classes
        and random_enough(value, min_entropy)
        and not validators.is_sequential(value)
        and not validators.is_placeholder(value)
    )


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_WORDY = re.compile(r"[A-Za-z]+(?:[_\-.][A-Za-z]+)+|[A-Z]?[a-z]+(?:[A-Z][a-z]+)+")  # snake_case, CamelCase
_SEGMENTED = re.compile(
    r"(?:[a-z]+|[A-Z][a-z]+|[0-9]+)(?:[:/.\-_](?:[a-z]+|[A-Z][a-z]+|[0-9]+|\*)){2,}"
)  # user:42:profile
_PATHLIKE = re.compile(
    r"(?:[A-Za-z]:)?[/\\~.]"  # /etc/x, ./x, ~/x, C:\\x
    r"|[^\s]*\.(?:json|ya?ml|txt|env|pem|key|p12|pfx|cfg|ini|conf|gz|zip|tar|tgz|log|csv|png|jpe?g|pdf|md|py|js|sh"
    r"|docx?|xlsx?|pptx?|html?|xml|svg|gif|webp|mp[34]|mov|wav|apk|dmg|exe|msi|jar|rar|7z|iso|sql|bak|toml)$"
    r"|[^\s/]+/[^\s]*\.[a-z0-9]{1,5}$"  # logs/2024/x.gz
)
_BRACED = re.compile(r"[{<\[][A-Za-z_][A-Za-z0-9_.\- ]*[}>\]]?")
_HOST_PATH = re.compile(r"(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,24}(?::[0-9]{1,5})?/")  # drive.google.com/file/…
_NUMBERISH = re.compile(r"[0-9][0-9.,:\-/ ]*")


# Public identifiers that sit next to secrets: WeChat/WeCom app and corp ids, Feishu app ids,
# DingTalk app keys, Twilio account SIDs, Google OAuth client ids.
_PUBLIC_ID = re.compile(
    r"wx[0-9a-f]{16}|ww[0-9a-f]{16}|cli_[0-9a-f]{16}|ding[a-z0-9]{16}|AC[0-9a-f]{32}"
    r"|[0-9]{6,20}-[a-z0-9]{32}\.apps\.googleusercontent\.com"
)


@cache
def documented() -> frozenset[str]:
    """Keys that vendors publish in their documentation and SDK samples: public, so not a leak."""
    return frozenset(validators.lexicon("documented_keys.txt"))


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_ALPHABET_RUN = re.compile(r"[A-Za-z]{10,}")


def has_alphabet_run(value: str, length: int = 10) -> bool:
    """Ten or more letters in alphabet order ("klmnopqrstuvwx"): typed by hand, not generated."""
    for run in _ALPHABET_RUN.findall(value):
        lower = run.lower()
        if any(lower[i : i + length] in _ALPHABET for i in range(len(lower) - length + 1)):
            return True
    return False


def not_a_secret(value: str) -> str | None:
    """Why ``value`` cannot be a keyword-found secret (for debugging), or None when it can be."""
    if validators.is_placeholder(value):
        return "placeholder"
    if value in documented():
        return "a key published in its vendor's documentation"
    if _BRACED.fullmatch(value):
        return "a template ({Name}, <name>, [name])"
    if _PUBLIC_ID.fullmatch(value):
        return "a public app or account id"
    if _UUID.fullmatch(value):
        return "a UUID (an identifier)"
    if _WORDY.fullmatch(value) or _SEGMENTED.fullmatch(value):
        return "an identifier made of words"
    if _PATHLIKE.match(value):
        return "a path or file name"
    if _NUMBERISH.fullmatch(value):
        return "a number, date or version"
    lowered = value.lower()
    if lowered.startswith(("http://", "https://", "www.")) or _HOST_PATH.match(value):
        return "a link"
    if "@" in value and "." in value.rsplit("@", 1)[-1]:
        return "an e-mail address"
    if value.startswith(("$", "%", "{{", "os.", "process.", "env.")) or "(" in value:
        return "a reference to a variable or a call"
    return None


_VALUE_END = re.compile(r"[\"'`“”‘’「」『』]|\((?![^)]*\))|\[(?![^\]]*\])")


def strip_wrappers(value: str, start: int) -> tuple[str, int, int]:
    """Drop quotes, Markdown emphasis and trailing sentence punctuation from a captured value.

    A quote or an unclosed bracket inside the value ends it: ``"abc"(temp)`` is ``abc`` (the
    pipeline maps full-width brackets to ASCII, so "密钥abc（临时）" arrives as "abc(临时)").
    """
    while value and (value[0] in _WRAPPERS):
        value, start = value[1:], start + 1
    cut = _VALUE_END.search(value)
    if cut is not None:
        value = value[: cut.start()]
    end = start + len(value)
    while value and (value[-1] in _WRAPPERS or value[-1] in ".,;:!?)]}>"):
        value, end = value[:-1], end - 1
    return value, start, end


# --- prefixed and structured tokens ---------------------------------------------------------

_LONG_RUN = re.compile(r"[A-Za-z0-9_~.+/=\-]{20}")
#: What ``has_long_run`` looks for, as a candidate pattern for recognizers gated on it.
LONG_RUN = _LONG_RUN
_LAST_RUN: tuple[str | None, bool] = (None, False)


def has_long_run(text: str) -> bool:
    """Whether ``text`` holds a run of 20 token characters (every shapeless secret is that long).

    Several recognizers ask this of the same message one after the other, so the last answer
    is kept (by identity of the text; the tuple is replaced whole, never mutated).
    """
    global _LAST_RUN
    last = _LAST_RUN
    if last[0] is text:
        return last[1]
    found = _LONG_RUN.search(text) is not None
    _LAST_RUN = (text, found)
    return found


_LAST_LOWER: tuple[str | None, str] = (None, "")


def lowered(text: str) -> str:
    """``text.lower()``, kept for the next recognizer that asks about the same message."""
    global _LAST_LOWER
    last = _LAST_LOWER
    if last[0] is text:
        return last[1]
    lower = text.lower()
    _LAST_LOWER = (text, lower)
    return lower


@dataclass(frozen=True, slots=True)
class Token:
    """A credential with a documented shape.

    ``pattern`` names the reported span ``value`` and, optionally, the random part ``secret``
    (entropy and placeholder checks run on it). ``validate`` returns True when a checksum or
    structure holds (score ``validated_score``), False when it fails (dropped, or scored
    ``invalid_score`` when that is set: formats whose checksum is not public for every
    generation), None when it has no opinion.
    """

    name: str
    entity: str
    pattern: str
    score: float
    why: str
    min_entropy: float = 3.0
    validate: Callable[[str], bool | None] | None = None
    validated_score: float = 1.0
    invalid_score: float | None = None
    context: re.Pattern[str] | None = None  # a keyword that raises the score (bare shape is weak)
    context_score: float | None = None
    requires_context: bool = False  # without the context keyword the shape is another vendor's
    excluded: Callable[[str, re.Match[str]], bool] | None = None  # documented examples etc.
    #: The token's literal start as a regex (``sk_live_``, ``dp\\.pt\\.``): the recognizer's
    #: prefilter is made of these, so a token cannot be added without one and never run.
    prefix: str | None = None

    def compile(self) -> Rule:
        return rule(self.name, self.pattern, self.score)


def prefilter(tokens: tuple[Token, ...], owner: str) -> re.Pattern[str]:
    """One alternation of the tokens' prefixes; every token must declare its prefix."""
    missing = [t.name for t in tokens if not t.prefix]
    if missing:
        raise TypeError(f"{owner}: tokens without a prefix cannot be prefiltered: {', '.join(missing)}")
    return re.compile("|".join(f"(?:{t.prefix})" for t in tokens))


class TokenRecognizer(FamilyRecognizer):
    """Reports every ``TOKENS`` entry; the entity comes from the token that matched."""

    TOKENS: ClassVar[tuple[Token, ...]] = ()
    _BY_NAME: ClassVar[dict[str, Token]] = {}
    CONTEXT_WINDOW: ClassVar[int] = 60
    #: Every token of this recognizer contains a run of 20 token characters (``has_long_run``).
    LONG_RUN: ClassVar[bool] = True

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Skip messages without a 20-character token run before the prefilter runs."""
        if self.LONG_RUN and not has_long_run(text):
            return []
        return super().analyze(text, entities, nlp_artifacts)

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.TOKENS:
            cls.RULES = tuple(t.compile() for t in cls.TOKENS)
            cls._BY_NAME = {t.name: t for t in cls.TOKENS}
            if "PREFILTER" not in cls.__dict__:
                cls.PREFILTER = prefilter(cls.TOKENS, cls.__name__)

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        token = self._BY_NAME[rule.name]
        value = match.group("value")
        secret = match.groupdict().get("secret") or value
        if (
            validators.is_placeholder(secret)
            or validators.is_sequential(secret)
            or has_alphabet_run(secret)
            or value in documented()
            or not random_enough(secret, token.min_entropy)
            or (token.excluded is not None and token.excluded(value, match))
        ):
            return None
        score, why, validated = token.score, token.why, None
        if token.validate is not None:
            outcome = token.validate(value)
            if outcome is True:
                score, why, validated = max(score, token.validated_score), why + "; structure verified", True
            elif outcome is False:
                if token.invalid_score is None:
                    return None
                score, why, validated = token.invalid_score, why + "; checksum not verified", False
        word = None
        if token.context is not None:
            start, end = match.span("value")
            word = nearby(text, start, end, token.context, before=self.CONTEXT_WINDOW, after=30)
            if word is None and token.requires_context:
                return None
            if word is not None and token.context_score is not None:
                score = max(score, token.context_score)
                why += "; vendor keyword nearby"
        return Verdict(score, why, validated=validated, entity=token.entity, final=True)


# --- values named by a vendor's key id, keyword or name -------------------------------------


class PairedSecretRecognizer(FamilyRecognizer):
    """A shapeless secret made credible by its key id, a vendor keyword, or the vendor's name.

    Subclasses set ``RULES`` (candidate values, group ``value``), ``KEY_ID`` (the vendor's
    key id pattern, searched ``PAIR_WINDOW`` characters either side), ``STRONG`` (keywords
    that name this vendor's secret outright, e.g. ``AccessKeySecret``), ``WEAK`` (generic
    secret words, e.g. ``secret``, ``SK``, ``密钥``) and ``VENDOR`` (the vendor's name; needed
    with a weak keyword).
    """

    KEY_ID: ClassVar[re.Pattern[str] | None] = None
    STRONG: ClassVar[re.Pattern[str] | None] = None
    WEAK: ClassVar[re.Pattern[str] | None] = None
    VENDOR: ClassVar[re.Pattern[str] | None] = None
    LABEL: ClassVar[str] = "secret"
    PAIR_WINDOW: ClassVar[int] = 240
    KEYWORD_WINDOW: ClassVar[int] = 40
    #: Lower-case substrings of which one must occur before any regex runs (a cheap first gate:
    #: vendor names, key-id prefixes, strong keywords; the keyword prefilter is the second).
    ANCHORS: ClassVar[tuple[str, ...]] = ()
    VENDOR_WINDOW: ClassVar[int] = 200
    MIN_ENTROPY: ClassVar[float] = 3.2
    MIN_CLASSES: ClassVar[int] = 2
    CONTEXT_BOOST = 0.0
    OWN_CONTEXT = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # Every verdict needs a key id, a strong keyword or the vendor's name somewhere in the
        # text: when none of them occurs, the value patterns need not run at all.
        parts = [f"(?:{cls.KEY_ID.pattern})"] if cls.KEY_ID is not None else []
        parts += [f"(?i:{p.pattern})" for p in (cls.STRONG, cls.VENDOR) if p is not None]
        if parts and "PREFILTER" not in cls.__dict__:
            cls.PREFILTER = re.compile("|".join(parts))

    def refuse(self, value: str) -> bool:
        """Values this vendor never issues as a secret (hex digests, ids of another shape …)."""
        return False

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Skip messages without a 20-character token run or an anchor before the prefilter runs."""
        if not has_long_run(text):
            return []
        if self.ANCHORS:
            lower = lowered(text)
            if not any(anchor in lower for anchor in self.ANCHORS):
                return []
        return super().analyze(text, entities, nlp_artifacts)

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if (
            validators.char_classes(value) < self.MIN_CLASSES
            or not random_enough(value, self.MIN_ENTROPY)
            or validators.is_placeholder(value)
            or validators.is_sequential(value)
            or "EXAMPLE" in value.upper()
            or self.refuse(value)
        ):
            return None
        start, end = match.span("value")
        if self.KEY_ID is not None:
            key_id = self.KEY_ID.search(
                text, max(0, start - self.PAIR_WINDOW), min(len(text), end + self.PAIR_WINDOW)
            )
            if key_id is not None and not (key_id.start() <= start < key_id.end()):
                return Verdict(
                    0.9, f"random value next to a {self.LABEL} key id (key pair)", context_word="key id"
                )
        if self.STRONG is not None:
            word = nearby(text, start, end, self.STRONG, before=self.KEYWORD_WINDOW)
            if word is not None:
                return Verdict(0.85, f"random value after a {self.LABEL} keyword", context_word=word)
        if self.WEAK is not None and self.VENDOR is not None:
            word = nearby(text, start, end, self.WEAK, before=self.KEYWORD_WINDOW)
            lo, hi = max(0, start - self.VENDOR_WINDOW), min(len(text), end + self.VENDOR_WINDOW)
            if word is not None and self.VENDOR.search(text, lo, hi):
                return Verdict(
                    0.8, f"random value after a secret keyword, {self.LABEL} named nearby", context_word=word
                )
        return None


def value_rule(name: str, charset: str, lengths: str, score: float = 0.8) -> Rule:
    """A candidate value of ``charset`` with ``lengths`` ("30" or "32,44"), not part of a longer run."""
    return rule(
        name,
        rf"""
        (?<![A-Za-z0-9_\-+/])(?<!{charset})
        (?P<value>{charset}{{{lengths}}})
        (?![A-Za-z0-9_\-+/])(?!{charset})
        """,
        score,
    )


__all__ = [
    "LEFT",
    "RIGHT",
    "PairedSecretRecognizer",
    "Token",
    "TokenRecognizer",
    "has_long_run",
    "looks_random",
    "not_a_secret",
    "strip_wrappers",
    "value_rule",
]
