"""CUSTOM: the organisation's own terms and patterns (project code names, customer ids …).

Configured per scan (``custom_terms`` and ``custom_patterns`` in the TOML file or the
``CHATSWEEP_CUSTOM_TERMS`` / ``CHATSWEEP_CUSTOM_PATTERNS`` environment variables), so a DPO
can add what no built-in recognizer knows. Terms match case-insensitively as whole words in
Latin script and anywhere in Chinese text; patterns are Python regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

TERM_SCORE = 0.85  # the user named it: likely
PATTERN_SCORE = 0.75
MAX_PATTERN_LENGTH = 1000
NAME = "ChatCustomRecognizer"


class CustomTermsError(ValueError):
    """A custom pattern does not compile; the message names its position, not its text."""


def _term_regex(term: str) -> str:
    escaped = re.escape(term)
    # Latin ends of a term need a boundary (no "Bluebird" inside "Bluebirds"); CJK text has none.
    left = r"(?<![A-Za-z0-9_])" if term[:1].isascii() and term[:1].isalnum() else ""
    right = r"(?![A-Za-z0-9_])" if term[-1:].isascii() and term[-1:].isalnum() else ""
    return f"{left}{escaped}{right}"


class ChatCustomRecognizer(LocalRecognizer):
    """Reports configured terms and patterns as CUSTOM."""

    def __init__(self, terms: Sequence[str], patterns: Sequence[str], supported_language: str) -> None:
        self._rules: list[tuple[re.Pattern[str], float, str]] = []
        cleaned = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
        if cleaned:
            regex = "|".join(_term_regex(t) for t in cleaned)
            self._rules.append((re.compile(regex, re.IGNORECASE), TERM_SCORE, "configured term"))
        for i, pattern in enumerate(patterns, 1):
            if len(pattern) > MAX_PATTERN_LENGTH:
                raise CustomTermsError(f"custom pattern #{i} is longer than {MAX_PATTERN_LENGTH} characters")
            try:
                self._rules.append((re.compile(pattern), PATTERN_SCORE, f"configured pattern #{i}"))
            except re.error as exc:
                raise CustomTermsError(
                    f"custom pattern #{i} is not a valid regular expression: {exc.msg}"
                ) from None
        super().__init__(supported_entities=["CUSTOM"], supported_language=supported_language, name=NAME)

    def load(self) -> None:
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and "CUSTOM" not in entities:
            return []
        out: list[RecognizerResult] = []
        for regex, score, why in self._rules:
            for m in regex.finditer(text):
                if m.end() <= m.start():
                    continue
                expl = AnalysisExplanation(
                    recognizer=NAME,
                    original_score=score,
                    pattern_name=why,
                    textual_explanation=f"matches a {why} (user-defined)",
                )
                out.append(
                    RecognizerResult(
                        "CUSTOM",
                        m.start(),
                        m.end(),
                        score,
                        analysis_explanation=expl,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: NAME,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return out
