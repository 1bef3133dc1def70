"""English PERSON and LOCATION on chat text (scanner.ner_en through the analyzer).

Texts are synthetic; names are common given names and surnames, not real people's data.
"""

from __future__ import annotations

import pytest

from scanner.analyzer import (
    ENGLISH_NER,
    AnalyzerConfig,
    ChatAnalyzer,
    _windows,
    ner_view,
    nlp_view,
    quick_lemmas,
)
from scanner.ner_en import (
    given_names,
    model_dictionary,
    more_given_names,
    not_names,
    place_given_names,
    surnames,
)

pytestmark = pytest.mark.ner


@pytest.fixture(scope="module")
def analyzer() -> ChatAnalyzer:
    return ChatAnalyzer(AnalyzerConfig(ner=True))


def names(analyzer: ChatAnalyzer, text: str, entity: str = "PERSON", english_only: bool = False) -> list[str]:
    langs = ("en",) if english_only else None
    return [text[d.start : d.end] for d in analyzer.analyze(text, langs) if d.entity == entity]


# --- mixed scripts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这周五 Release 新版本，记得更新 README", []),
        ("明天和 David 一起去北京开会", ["David"]),
        ("周末去杭州西湖玩 with Tom and Lucy", ["Tom", "Lucy"]),
        ("请查看 https://wiki.example.com/page 里面的说明文档", []),
        ("我在 Google Doc 里写了会议纪要", []),
    ],
)
def test_english_ner_labels_latin_script_only(analyzer: ChatAnalyzer, text: str, expected: list[str]) -> None:
    assert names(analyzer, text, english_only=True) == expected
    from_model = [text[d.start : d.end] for d in analyzer.analyze(text) if d.recognizer == ENGLISH_NER]
    assert all(n.isascii() for n in from_model)  # Chinese names and places are the Chinese recognizers'


def test_ner_view_masks_cjk_one_for_one() -> None:
    text = "和 David 一起去北京开会 ok，谢谢"
    view = ner_view(nlp_view(text, "en"))
    assert len(view) == len(text)
    assert "David" in view and "ok" in view
    assert not any("\u4e00" <= c <= "\u9fff" or c == "，" for c in view)
    assert nlp_view(text, "en") == text  # patterns and context words still read the Chinese


# --- spans --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "cuz if you keep Vin , Dwayne , Ty , Luda , Jason & Michelle I will keep watching",
            ["Jason", "Michelle"],
        ),
        ("One of Jim Carrey ' s greatest classics right here", ["Jim Carrey"]),
        ("Maria Garcia's passport number is X12345678", ["Maria Garcia"]),
    ],
)
def test_entities_split_at_lists_and_trimmed(analyzer: ChatAnalyzer, text: str, expected: list[str]) -> None:
    found = names(analyzer, text)
    assert all(name in found for name in expected)
    assert all("," not in n and "'" not in n and "&" not in n for n in found)


def test_places_without_the_article(analyzer: ChatAnalyzer) -> None:
    text = "the 2 nice ladies should be elected president of the United States"
    assert names(analyzer, text, "LOCATION") == ["United States"]


# --- precision ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Spooky season! Java meetup on Monday in May",
        "good video Dude . do n't listen to the haters",
        "Great Video , Liked , how about a laptop spinner",
        "Idiot needs to be punched",
        "Plz Subscribe to my channel",
        "LOL ok see you Friday",
        "@jane_doe can you check the build",
        "great thread #Jenkins #Docker",
        "INFO 1607635102.00 -0.96 read_physical_netif 6033391 96c",
    ],
)
def test_everyday_words_products_and_handles_are_not_people(analyzer: ChatAnalyzer, text: str) -> None:
    assert names(analyzer, text) == []


def test_a_given_name_the_model_calls_a_place_is_a_person(analyzer: ChatAnalyzer) -> None:
    text = "How come Natalia ' s sister is never in the vlog ?"
    assert names(analyzer, text) == ["Natalia"]
    assert names(analyzer, text, "LOCATION") == []


def test_places_that_are_given_names_stay_places(analyzer: ChatAnalyzer) -> None:
    text = "We moved from Houston to Jordan last year"
    assert "Houston" in names(analyzer, text, "LOCATION")
    assert "Houston" not in names(analyzer, text)


# --- recall -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi john, can you ask mike to send the deck? thanks sarah", ["john", "mike", "sarah"]),
        ("andrew mccabe said he would call back tomorrow", ["andrew mccabe"]),
        ("thank you fake kevin smith", ["kevin smith"]),
        ("Hats off to Priya for the slides", ["Priya"]),
    ],
)
def test_names_the_model_misses(analyzer: ChatAnalyzer, text: str, expected: list[str]) -> None:
    assert names(analyzer, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "will you join the call? may I ask something",
        "ask mark to merge it",  # "mark" is an everyday word: not without the model
        "with grace and hope",
        "the deploy failed again, ask ops",
    ],
)
def test_lower_case_everyday_given_names_are_not_people(analyzer: ChatAnalyzer, text: str) -> None:
    assert names(analyzer, text) == []


def test_explanations_name_the_rule(analyzer: ChatAnalyzer) -> None:
    text = "thanks sarah"
    (det,) = [d for d in analyzer.analyze(text) if d.entity == "PERSON"]
    assert det.score == 0.5 and "greeting" in det.explanation and "sarah" not in det.explanation


# --- lexicons -----------------------------------------------------------------------------


def test_lexicons_are_lower_case_and_disjoint_where_they_must_be() -> None:
    for words in (given_names(), more_given_names(), surnames(), not_names(), place_given_names()):
        assert words and all(w == w.lower().strip() for w in words)
    assert given_names() <= more_given_names()
    assert not given_names() & {"will", "may", "mark", "grace"} - given_names()
    assert place_given_names() & more_given_names()


def test_model_dictionary_without_a_lemmatizer_is_empty() -> None:
    import spacy

    assert model_dictionary(spacy.blank("en")) == frozenset()


# --- places -------------------------------------------------------------------------------


def test_state_code_after_a_place(analyzer: ChatAnalyzer) -> None:
    text = "more pics of the fans in Beverly Hills, CA last night"
    assert "CA" in names(analyzer, text, "LOCATION")
    assert names(analyzer, "the CA cert expired again", "LOCATION") == []


def test_shouted_words_are_not_places(analyzer: ChatAnalyzer) -> None:
    assert names(analyzer, "ULTRA THIS SATURDAY ! MEET US THERE !", "LOCATION") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we drove from Troutdale to the coast", ["Troutdale"]),
        ("Pre game in Youngstown . Stuffed peppers after", ["Youngstown"]),
    ],
)
def test_places_in_place_context(analyzer: ChatAnalyzer, text: str, expected: list[str]) -> None:
    found = names(analyzer, text, "LOCATION")
    assert all(e in found for e in expected)


def test_an_unknown_word_alone_is_no_place(analyzer: ChatAnalyzer) -> None:
    for text in ("Nice vid Mabey you can do a give away", "6 : 50 No sex tonight Krillin ."):
        assert names(analyzer, text, "LOCATION") == []


def test_lower_case_place_after_in(analyzer: ChatAnalyzer) -> None:
    text = "i live in the netherlands but not in amsterdam lol"
    assert "amsterdam" in names(analyzer, text, "LOCATION")


def test_names_listed_with_a_name(analyzer: ChatAnalyzer) -> None:
    assert names(analyzer, "invite Priya, Marek and Osei to the review") == ["Priya", "Marek", "Osei"]
    assert names(analyzer, "we need Java, Python and Go for this") == []


def test_lower_case_reading_keeps_only_name_words(analyzer: ChatAnalyzer) -> None:
    text = "ron added to the channel by harry"
    assert all(n in ("ron", "harry") for n in names(analyzer, text))
    assert "andrew mccabe" in names(analyzer, "thanks andrew mccabe for the help")


@pytest.mark.parametrize(
    "text",
    [
        "ask Mike",
        "thanks sarah",
        "met John Smith in Leeds",
        "请查看John的文件",
        "living in the UK now",
        "i moved to london last year",
        "Priya sent it",
        "call JOHN today",
    ],
)
def test_name_gate_lets_texts_with_a_possible_name_through(analyzer: ChatAnalyzer, text: str) -> None:
    assert analyzer._name_gate(text)


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "deploy done 👍",
        "LGTM",
        "请查看",
        "12345 678.90",
        "https://example.com/Docs/Setup",
        "ping @Mike",
        "Deploy done, will check tomorrow",
        "PR merged, CI green",
    ],
)
def test_name_gate_turns_away_texts_without_one(analyzer: ChatAnalyzer, text: str) -> None:
    assert not analyzer._name_gate(text)


def test_a_text_the_gate_turns_away_keeps_its_other_findings(analyzer: ChatAnalyzer) -> None:
    text = "deploy done, my phone is +44 7700 900123 and mail ops@example.com"
    assert not analyzer._name_gate(text)
    found = {d.entity: text[d.start : d.end] for d in analyzer.analyze(text)}
    assert found == {"PHONE_NUMBER": "+44 7700 900123", "EMAIL_ADDRESS": "ops@example.com"}


def test_a_text_the_gate_turns_away_is_still_lemmatized(analyzer: ChatAnalyzer) -> None:
    # Context words match lemmas: "passports" must still read as "passport".
    text = "both passports renewed"
    piece = analyzer._piece(0, _windows(text)[0], text)
    assert piece.tagged and not piece.ner
    [(_, make, _)] = list(analyzer._artifacts("en", [piece], [text]))
    art = make()  # artifacts are made on demand
    assert "passport" in art.lemmas
    assert not art.tokens.has_annotation("ENT_IOB")


def test_quick_lemmas_match_context_words(analyzer: ChatAnalyzer) -> None:
    nlp = analyzer._nlp_engine.nlp["en"]
    doc = nlp.make_doc("she was born here, moved twice, NHS numbers and passports shipped")
    lemmas = dict(zip([t.text for t in doc], quick_lemmas(nlp, doc), strict=True))
    assert lemmas["born"] == "bear"
    assert lemmas["moved"] == "move"
    assert lemmas["shipped"] == "ship"
    assert lemmas["passports"] == "passport"
    assert lemmas["numbers"] == "number"
    assert lemmas["NHS"] == "nhs"
