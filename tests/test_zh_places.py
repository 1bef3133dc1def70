"""Chinese places and addresses through the analyzer, and the Chinese NER dataset converters.

Texts are synthetic; the places are public names.
"""

from __future__ import annotations

import pytest

from benchmarks.datasets import cluener, weibo_ner
from recognizers.families.zh_places import ChinesePlaceRecognizer
from scanner.analyzer import ENGLISH_NER


def _places(text: str) -> list[tuple[str, float]]:
    found = ChinesePlaceRecognizer("zh").analyze(text, ["LOCATION"])
    return [(text[r.start : r.end], r.score) for r in found]


def test_more_levels_score_higher_than_a_bare_city() -> None:
    (bare,) = _places("他在北京")
    (chain,) = _places("寄到广东省深圳市南山区")
    assert bare[0] == "北京"
    assert chain[0] == "广东省深圳市南山区"
    assert chain[1] > bare[1]


@pytest.fixture(scope="module")
def analyzer():  # type: ignore[no-untyped-def]
    from scanner.analyzer import AnalyzerConfig, ChatAnalyzer

    return ChatAnalyzer(AnalyzerConfig(ner=True))


def test_a_full_address_is_one_span_above_its_city(analyzer) -> None:  # type: ignore[no-untyped-def]
    text = "收货地址：上海市浦东新区世纪大道100号2栋1203室，谢谢"
    locs = [d for d in analyzer.analyze(text) if d.entity == "LOCATION"]
    assert [(text[d.start : d.end]) for d in locs] == ["上海市浦东新区世纪大道100号2栋1203室"]
    (city,) = [d for d in analyzer.analyze("我下周去上海") if d.entity == "LOCATION"]
    assert locs[0].score > city.score


def test_english_ner_spans_of_chinese_text_are_dropped(analyzer) -> None:  # type: ignore[no-untyped-def]
    # Latin words send the text through the English model too; it must not label Chinese runs.
    text = "用Excel的不如用PPT的，做PPT的不如讲PPT的，测测你的潜意识 http://example.com"
    assert not [d for d in analyzer.analyze(text) if d.recognizer == ENGLISH_NER]


def test_weibo_conll_becomes_spans() -> None:
    conll = "我0\tO\n在0\tO\n上0\tB-GPE.NAM\n海1\tI-GPE.NAM\n见0\tO\n张0\tB-PER.NAM\n三1\tI-PER.NAM\n"
    conll += "和0\tO\n老0\tB-PER.NOM\n师1\tI-PER.NOM\n\n好0\tO\n"
    first, second = weibo_ner.parse(conll, "dev")
    assert first.text == "我在上海见张三和老师"
    assert [(first.text[s.start : s.end], s.label) for s in first.spans] == [
        ("上海", "LOCATION"),
        ("张三", "PERSON"),
    ]
    assert second.text == "好" and not second.spans


def test_cluener_records_become_spans_one_a_line_or_pretty_printed() -> None:
    record = (
        '{"text": "张三住在北京市海淀区", '
        '"label": {"name": {"张三": [[0, 1]]}, "address": {"北京市海淀区": [[4, 9]]}}}'
    )
    pretty = '{\n  "text": "李四在腾讯",\n  "label": {"company": {"腾讯": [[3, 4]]}}\n}\n'
    one, two = cluener.parse(record + "\n" + pretty, "train")
    assert [(one.text[s.start : s.end], s.label) for s in one.spans] == [
        ("张三", "PERSON"),
        ("北京市海淀区", "LOCATION"),
    ]
    assert two.text == "李四在腾讯" and not two.spans
