"""The one-pass candidate scan: it never leaves out a recognizer that would find something.

Proved on every sample text of ``recognizers/samples`` (positives and negatives), with Hyperscan
and with the ``re`` fallback, and through the whole analyzer: detections with the scan are those
of Presidio's ``AnalyzerEngine`` running every recognizer.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Any

import pytest

from recognizers.families import LANGUAGES, build_recognizers
from scanner import candidates
from scanner.analyzer import AnalyzerConfig, ChatAnalyzer
from scanner.candidates import Candidates, _alternatives, hyperscan_available, patterns_of
from tests.test_recognizer_samples import SAMPLES

ENGINES = [
    pytest.param("hyperscan", marks=pytest.mark.skipif(not hyperscan_available(), reason="no hyperscan")),
    "re",
]

#: Recognizers called on every text (no candidate pattern). Adding one costs every message a
#: call: it must be a deliberate choice, made here.
#: The fraud detector reads every message: it folds evasions (traditional characters, look-alike
#: letters, symbols between characters) before it looks for cues, so no pattern over the raw text
#: can stand for it; it has its own fast path for texts without a cue.
ALWAYS_CALLED: frozenset[str] = frozenset({"FraudIndicatorRecognizer"})


@cache
def _recognizers(language: str) -> tuple[Any, ...]:
    return tuple(build_recognizers(language))


@cache
def _candidates(language: str, engine: str) -> Candidates:
    return Candidates(_recognizers(language), engine=engine)


def _finders(language: str, text: str) -> set[str]:
    return {r.name for r in _recognizers(language) if r.analyze(text, entities=None, nlp_artifacts=None)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_the_listed_recognizers_run_on_every_text(language: str) -> None:
    always = {r.name for r in _recognizers(language) if patterns_of(r) is None}
    assert always == ALWAYS_CALLED


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_recognizer_that_finds_a_sample_is_a_candidate(language: str, engine: str) -> None:
    scan = _candidates(language, engine)
    starved = []
    for sample in SAMPLES:
        chosen = {r.name for r in scan.scan(sample.text)}
        for name in _finders(language, sample.text) - chosen:
            starved.append(f"{sample.id} {name}")
    assert not starved


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_positive_sample_reaches_its_own_recognizer(language: str) -> None:
    """The sample's family finds its entity, and every recognizer of that entity that does is chosen."""
    for engine in ("hyperscan", "re") if hyperscan_available() else ("re",):
        scan = _candidates(language, engine)
        for sample in (s for s in SAMPLES if s.positive and s.language == language):
            chosen = set(scan.scan(sample.text))
            for rec in _recognizers(language):
                if sample.entity in rec.supported_entities and any(
                    r.entity_type == sample.entity for r in rec.analyze(sample.text, [sample.entity], None)
                ):
                    assert rec in chosen, (engine, sample.id, rec.name)


@pytest.mark.skipif(not hyperscan_available(), reason="no hyperscan")
@pytest.mark.parametrize("language", LANGUAGES)
def test_hyperscan_chooses_at_least_what_re_chooses(language: str) -> None:
    fast, slow = _candidates(language, "hyperscan"), _candidates(language, "re")
    rng = random.Random(7)
    alphabet = "abcxyzAKIA0123456789 -_.:@/=+\n密码电话身份证号北京市路\u212a\u017f"
    texts = [s.text for s in SAMPLES]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 80))) for _ in range(500)]
    for text in texts:
        assert set(fast.indices(text)) >= set(slow.indices(text)), text


def test_case_folding_characters_are_not_missed() -> None:
    """Python folds the Kelvin sign onto k under IGNORECASE; the scan must choose what re chooses."""
    text = "TO\u212aEN: abc"
    for language in LANGUAGES:
        if hyperscan_available():
            fast = set(_candidates(language, "hyperscan").indices(text))
            assert fast >= set(_candidates(language, "re").indices(text))


def test_a_text_without_candidates_costs_one_scan() -> None:
    scan = _candidates("en", "hyperscan" if hyperscan_available() else "re")
    assert {r.name for r in scan.scan("ok, see you at lunch")} == ALWAYS_CALLED


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError):
        Candidates([], engine="pcre")


def _texts() -> list[str]:
    return [s.text for s in SAMPLES] + [
        "my password is Hunter2!x9 and 电话13812345678",
        "张三的身份证号11010519491231002X，住在北京市朝阳区建国路88号",
        "ship to 221 Baker Street, London NW1 6XE, United Kingdom",
        "ok, see you at lunch",
        "",
    ]


@pytest.fixture(scope="module")
def analyzers() -> tuple[ChatAnalyzer, ChatAnalyzer]:
    fast = ChatAnalyzer(AnalyzerConfig(ner=False))
    saved = candidates._hyperscan
    candidates._hyperscan = None  # the fallback, as on a platform without the wheel
    try:
        slow = ChatAnalyzer(AnalyzerConfig(ner=False))
    finally:
        candidates._hyperscan = saved
    return fast, slow


def test_the_fallback_finds_what_hyperscan_finds(analyzers: tuple[ChatAnalyzer, ChatAnalyzer]) -> None:
    fast, slow = analyzers
    assert all(d.candidates.engine == "re" for d in slow._direct.values())
    texts = _texts()
    got = fast.analyze_batch([(t, None) for t in texts])
    assert got == slow.analyze_batch([(t, None) for t in texts])
    assert any(got)


@pytest.mark.parametrize("language", LANGUAGES)
def test_direct_calls_give_presidios_results(
    analyzers: tuple[ChatAnalyzer, ChatAnalyzer], language: str
) -> None:
    """Our engine against Presidio's ``AnalyzerEngine.analyze`` with every recognizer and the same
    NLP artifacts: the same results, scores, explanations and context words."""
    fast, _ = analyzers
    engine, direct = fast._engines[language], fast._direct[language]
    nlp = fast._nlp_engine
    for text in _texts():
        if not text:
            continue
        art = nlp._doc_to_nlp_artifact(nlp.nlp[language].make_doc(text), language)
        theirs = engine.analyze(text, language, nlp_artifacts=art, return_decision_process=True)
        ours = direct.analyze(text, lambda art=art: art, ner=False)

        def key(results: list[Any]) -> list[tuple[Any, ...]]:
            return sorted(
                (
                    r.entity_type,
                    r.start,
                    r.end,
                    r.score,
                    r.analysis_explanation.recognizer,
                    r.analysis_explanation.supportive_context_word,
                    r.analysis_explanation.textual_explanation,
                )
                for r in results
            )

        assert key(ours) == key(theirs), text


def test_texts_without_candidates_are_never_tokenized(analyzers: tuple[ChatAnalyzer, ChatAnalyzer]) -> None:
    fast, _ = analyzers
    calls: list[str] = []
    nlp = fast._nlp_engine.nlp["en"]
    original = nlp.make_doc
    nlp.make_doc = lambda text: calls.append(text) or original(text)
    try:
        fast.analyze_batch([("ok, see you at lunch", None), ("thanks, that works", None)])
        assert calls == []
        fast.analyze_batch([("call me on 13812345678 tomorrow", ("en",))])
        assert calls == []  # the phone recognizer weighs its own keywords: no context step
        fast.analyze_batch([("mail li.wei@example.com", ("en",))])
        assert calls  # an e-mail address's score takes Presidio's context words: tokenized
    finally:
        nlp.make_doc = original


def test_threads_scan_at_once() -> None:
    """Scans release the GIL: threads sharing one scanner (Dask workers) each get a scratch space."""
    import threading

    scan = _candidates("en", "hyperscan" if hyperscan_available() else "re")
    slow = _candidates("en", "re")
    texts = [s.text * 8 for s in SAMPLES[:400]]
    want = [set(slow.indices(t)) for t in texts]
    errors: list[str] = []

    def work() -> None:
        try:
            for text, chosen in zip(texts, want, strict=True):
                if not set(scan.indices(text)) >= chosen:
                    errors.append("missed")
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.parametrize(
    ("expression", "parts"),
    [
        ("a|b", ["a", "b"]),
        ("(a|b)c|d", ["(a|b)c", "d"]),
        ("[|]x|y", ["[|]x", "y"]),
        (r"a\|b|c", [r"a\|b", "c"]),
        ("[]|]|z", ["[]|]", "z"]),
        ("(?i)a|b", ["(?i)a|b"]),
        ("(?x)a | b", ["(?x)a | b"]),
        ("a||b", ["a||b"]),
    ],
)
def test_alternatives_are_cut_only_at_the_top_level(expression: str, parts: list[str]) -> None:
    assert _alternatives(expression) == parts
