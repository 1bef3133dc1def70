"""jieba's words, remembered by block, and read from the Doc the tokenizer made: always jieba's own."""

from __future__ import annotations

import phonenumbers
import pytest
import spacy

from recognizers import validators
from recognizers.families.contact import ChatPhoneRecognizer
from recognizers.families.zh_names import _segment_anew, jieba_cut, load_jieba
from scanner.analyzer import ChunkedJiebaTokenizer

TEXTS = [
    "",
    "收到，谢谢",
    "我叫王小明，电话13812345678，住在北京市朝阳区建国路88号",
    "张三  和\t李四\r\n去了臺北",
    "email li.wei@example.com 给王芳、李娜、张伟",
    "T恤 3G B超 卡拉OK +86-10-1234 #tag 100% a_b",
    "丹尼斯·霍珀说：“好的！！！”……",
    "行叶雨霞昨天来了 \n\n 邢凯舟也来了",
]


@pytest.mark.parametrize("text", TEXTS)
def test_jieba_cut_gives_jiebas_words(text: str) -> None:
    jieba = load_jieba()
    want = list(jieba.cut(text))
    assert list(jieba_cut(text)) == want
    assert list(jieba_cut(text)) == want  # again, from the remembered blocks


@pytest.mark.parametrize("text", [t for t in TEXTS if t.strip()])
def test_names_read_the_words_the_doc_was_made_of(text: str) -> None:
    """The words the tokenizer leaves in the Doc give the tokens spaCy's Token objects give."""

    class Artifacts:
        def __init__(self, doc: object) -> None:
            self.tokens = doc

    nlp = spacy.blank("zh")
    doc = ChunkedJiebaTokenizer(nlp.vocab)(text)
    from_words = _segment_anew(text, Artifacts(doc), "zh")  # type: ignore[arg-type]
    doc.user_data.clear()
    from_tokens = _segment_anew(text, Artifacts(doc), "zh")  # type: ignore[arg-type]
    assert from_words == from_tokens
    assert [t.text for t in from_words] == [t.text for t in doc if not t.is_space]


@pytest.mark.parametrize("zero", [True, False])
def test_plans_left_out_by_length_accept_no_number_of_that_length(zero: bool) -> None:
    everywhere = validators._trunk_regions(zero, 0) + tuple(
        r for n in range(1, 18) for r in validators._trunk_regions(zero, n)
    )
    regions = dict.fromkeys(everywhere)
    for national in (72128827, 5321234567, 412345678, 612345678, 9171234567, 3012345678901):
        kept = set(validators._trunk_regions(zero, len(str(national))))
        for region, code in regions:
            if (region, code) not in kept:
                number = phonenumbers.PhoneNumber(country_code=code, national_number=national)
                assert not phonenumbers.is_valid_number_for_region(number, region), (region, national)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("call 0901 234 5678 now", []),  # a UK premium-rate number as written: nothing inside it
        ("call 0917 123 4567", []),
        ("room 5 202-555-0143", ["202-555-0143"]),
        ("call me on 0917-123-4567", ["0917-123-4567"]),
    ],
)
def test_a_shorter_number_inside_a_run_only_when_the_run_is_no_service_number(
    text: str, found: list[str]
) -> None:
    results = ChatPhoneRecognizer("en").analyze(text, None)
    assert [text[r.start : r.end] for r in results] == found
