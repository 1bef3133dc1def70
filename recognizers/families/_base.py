"""Shared machinery for the recognizer families (a helper, not a family).

A family recognizer is a Presidio ``EntityRecognizer`` with class-level ``RULES`` (named,
pre-compiled regular expressions whose ``value`` group is the span to report), a ``check``
hook that turns a match into a ``Verdict`` (score and a reason, or ``None`` to drop it), and
``CONTEXT`` words by language for Presidio's context enhancer.

Why not ``PatternRecognizer``: its ``validate_result`` sees only the matched text (no
neighbouring keywords, no capture groups), can only set the score to 1.0 or 0, and the span is
always the whole match. Secrets in prose need all three ("密码是：" is evidence, not part of
the value). The regexes here are compiled once, with their own inline flags, so Presidio's
global IGNORECASE never turns ``AKIA`` into ``akia``.

Rules for the patterns in every family:
- Boundaries are lookarounds such as ``(?<![A-Za-z0-9])``, never ``\\b``: Chinese characters
  are word characters, so ``\\b`` finds nothing in ``电话13812345678``.
- Character classes are spelled out (``[A-Za-z0-9_]``), never ``\\w``/``\\d`` (Unicode in
  Python: ``\\w`` matches 电 and ``\\d`` matches ١).
- Quantifiers are bounded and alternatives do not overlap, so matching stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# Characters that end a value written in Latin script when it is glued to Chinese text:
# CJK radicals, symbols and punctuation (。，、「」), kana, Hangul, CJK ideographs, compatibility
# ideographs, vertical and full-width forms (，：！？（）), and zero-width characters that chat
# clients insert.
CJK = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u200b-\u200d\u2060\ufeff"
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One named pattern; ``value`` (a group name) is the span a finding covers."""

    name: str
    regex: re.Pattern[str]
    score: float
    value: str = "value"


def rule(name: str, pattern: str, score: float, value: str = "value") -> Rule:
    """Compile ``pattern`` once (verbose: comments and layout allowed; spaces must be ``[ ]``)."""
    return Rule(name, re.compile(pattern, re.VERBOSE), score, value)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of ``check``: how sure, why, and optionally a corrected span or entity.

    ``reason`` goes into the finding's explanation, so it must never contain the value.
    """

    score: float
    reason: str
    validated: bool | None = None  # a checksum or structure check ran: its result
    span: tuple[int, int] | None = None  # replaces the rule's value span (trimmed, widened)
    entity: str | None = None  # for recognizers that report more than one entity
    context_word: str | None = None  # a nearby keyword that raised the score
    final: bool = False  # the score already weighs context: Presidio's enhancer must not raise it


def nearby(
    text: str, start: int, end: int, keywords: re.Pattern[str], before: int = 40, after: int = 0
) -> str | None:
    """The first keyword found within ``before`` characters left of the value or ``after`` right of it.

    Chat is bilingual, so families search English and Chinese keywords whatever the
    recognizer's language. The keyword (never the value) is returned for the explanation.
    """
    found = keywords.search(text, max(0, start - before), start)
    if found is None and after:
        found = keywords.search(text, end, min(len(text), end + after))
    return found.group(0) if found else None


def _bounded(word: str) -> str:
    # An ASCII keyword must be a whole word ("sk" is not inside "task"); a Chinese one may
    # touch anything, because Chinese is written without spaces.
    left = "(?<![A-Za-z0-9])" if word[:1].isascii() and word[:1].isalnum() else ""
    right = "(?![A-Za-z0-9])" if word[-1:].isascii() and word[-1:].isalnum() else ""
    return left + re.escape(word) + right


def keywords(*words: str) -> re.Pattern[str]:
    """A case-insensitive alternation of literal keywords, longest first, ASCII ones as whole words."""
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(_bounded(w) for w in ordered), re.IGNORECASE)


def context(*, en: tuple[str, ...], zh: tuple[str, ...]) -> Mapping[str, tuple[str, ...]]:
    """Context words by language (read-only): single English words, and Chinese words."""
    return MappingProxyType({"en": en, "zh": zh})


class FamilyRecognizer(LocalRecognizer):
    """Base for chatsweep's recognizers: explained results from pre-compiled ``RULES``."""

    ENTITIES: ClassVar[tuple[str, ...]]
    RULES: ClassVar[tuple[Rule, ...]]
    #: Context words for Presidio's LemmaContextAwareEnhancer, by language (single words:
    #: the enhancer compares them with tokens).
    CONTEXT: ClassVar[Mapping[str, tuple[str, ...]]] = MappingProxyType({})
    #: What every text this recognizer can report in contains, derived from its rules: the
    #: analyzer's one-pass candidate scan (``scanner.candidates``) and ``analyze`` itself skip a
    #: text without it (``None``: always run the rules).
    PREFILTER: ClassVar[re.Pattern[str] | None] = None
    #: Languages whose NLP tokens ``analyze`` reads from ``nlp_artifacts`` (the analyzer then
    #: tokenizes the text before calling it); otherwise the recognizer needs only the text.
    READS_TOKENS: ClassVar[frozenset[str]] = frozenset()
    #: In a text that more languages' analyzers read, only this language's instance runs: the
    #: others would find the same (``None``: every language's instance runs). Results must not
    #: depend on the language's context words, which the analyzer would weigh differently.
    MIXED_TEXT_LANGUAGE: ClassVar[str | None] = None
    #: Added to the score when ``check`` reports a supporting keyword nearby.
    CONTEXT_BOOST: ClassVar[float] = 0.1
    #: The keyword is part of the evidence for every result (passwords, secret keys): Presidio's
    #: enhancer would otherwise add its boost for the very word the pattern required.
    OWN_CONTEXT: ClassVar[bool] = False

    def __init__(self, language: str) -> None:
        super().__init__(
            supported_entities=list(self.ENTITIES),
            name=type(self).__name__,
            supported_language=language,
            context=list(self.CONTEXT.get(language, ())),
        )

    def load(self) -> None:
        """Nothing to load: the rules are compiled at import."""

    def candidate_patterns(self) -> tuple[re.Pattern[str], ...] | None:
        """Patterns of which every text this recognizer reports anything in contains one, for the
        analyzer's one-pass candidate scan; ``None``: the recognizer is called on every text.

        ``PREFILTER`` when declared; else, when ``analyze`` is the rules' own loop, the rules'
        patterns. A recognizer with its own ``analyze`` derives its patterns from what that reads.
        """
        if self.PREFILTER is not None:
            return (self.PREFILTER,)
        if self.RULES and type(self).analyze is FamilyRecognizer.analyze:
            return tuple(r.regex for r in self.RULES)
        return None

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        """Judge one match; the default accepts it at the rule's score."""
        return Verdict(rule.score, f"matches the {rule.name} pattern")

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Run every rule over ``text``; return explained ``RecognizerResult`` objects."""
        wanted = set(entities) & set(self.ENTITIES) if entities else set(self.ENTITIES)
        if not wanted or (self.PREFILTER is not None and not self.PREFILTER.search(text)):
            return []
        results: list[RecognizerResult] = []
        for rule in self.RULES:
            for match in rule.regex.finditer(text):
                start, end = match.span(rule.value)
                if start < 0:  # the value group sits in an alternative that did not take part
                    start, end = match.span()
                if start >= end:
                    continue
                verdict = self.check(rule, match, text)
                if verdict is None or verdict.score <= 0:
                    continue
                entity = verdict.entity or self.ENTITIES[0]
                if entity not in wanted:
                    continue
                if verdict.span is not None:
                    start, end = verdict.span
                results.append(self._result(entity, start, end, rule, verdict))
        return list(EntityRecognizer.remove_duplicates(results)) if results else []

    def _result(self, entity: str, start: int, end: int, rule: Rule, verdict: Verdict) -> RecognizerResult:
        base = min(verdict.score, EntityRecognizer.MAX_SCORE)
        name = type(self).__name__
        explanation = AnalysisExplanation(
            recognizer=name,
            original_score=base,
            pattern_name=rule.name,
            pattern=rule.regex.pattern,
            textual_explanation=verdict.reason,
        )
        if verdict.validated is not None:  # else Presidio's None: no checksum or structure check ran
            explanation.validation_result = verdict.validated
        metadata: dict[str, object] = {
            RecognizerResult.RECOGNIZER_NAME_KEY: name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        score = base
        if verdict.context_word is not None:
            score = min(base + self.CONTEXT_BOOST, EntityRecognizer.MAX_SCORE)
            explanation.set_improved_score(score)
            explanation.set_supportive_context_word(verdict.context_word)
        if verdict.context_word is not None or verdict.final or self.OWN_CONTEXT:
            # Context is weighed here, so Presidio's enhancer must not add its boost on top.
            metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
        return RecognizerResult(
            entity_type=entity,
            start=start,
            end=end,
            score=round(score, 4),
            analysis_explanation=explanation,
            recognition_metadata=metadata,
        )
