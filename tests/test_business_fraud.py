"""CONFIDENTIAL_MARKER, INTERNAL_URL and FRAUD_INDICATOR on mixed chat messages.

The sample files (recognizers/samples/business.txt, fraud.txt) hold one case a line; these tests
mix the three types in one message, check exact spans and likelihood bands, take negatives from
ordinary chat, and run the real analyzer (--no-ner) to see how overlaps with IP_ADDRESS and
CONNECTION_STRING are resolved.
"""

from __future__ import annotations

import re
import time

import pytest

from recognizers.families import _phrases, business, fraud
from scanner.analyzer import AnalyzerConfig, ChatAnalyzer

LIKELY, POSSIBLE = 0.75, 0.4
MARK = re.compile(r"⟦([^⟧]*)⟧")


def _recognizers(language: str = "en") -> list[object]:
    return [*business.recognizers(language), *fraud.recognizers(language)]


def _found(text: str, language: str = "en") -> dict[tuple[str, str], float]:
    """{(entity, value): score} of the three types in ``text``; checks the explanation too."""
    out: dict[tuple[str, str], float] = {}
    for rec in _recognizers(language):
        for r in rec.analyze(text, entities=None):  # type: ignore[attr-defined]
            value = text[r.start : r.end]
            why = r.analysis_explanation.textual_explanation
            assert why and value.lower() not in why.lower(), (value, why)
            out[(r.entity_type, value)] = r.score
    return out


def _marked(sample: str) -> tuple[str, list[str]]:
    return MARK.sub(r"\1", sample), MARK.findall(sample)


# Mixed messages: every ⟦span⟧ is found with the entity given, and nothing else is.
MIXED = [
    (
        "【⟦机密⟧】Q3 预算在 ⟦http://wiki.corp.local/finance/q3⟧ ，⟦请勿外传⟧",
        ["CONFIDENTIAL_MARKER", "INTERNAL_URL", "CONFIDENTIAL_MARKER"],
    ),
    (
        "⟦CONFIDENTIAL⟧ - board deck: ⟦https://10.20.0.15/decks/q3.pdf⟧ (VPN only)",
        ["CONFIDENTIAL_MARKER", "INTERNAL_URL"],
    ),
    (
        "I'm in a meeting. Keep this confidential: ⟦buy 10 gift cards⟧ and send me the codes ASAP",
        ["FRAUD_INDICATOR"],
    ),
    (
        "您好，我是公安局民警，您的银行卡涉嫌洗钱，请立即把资金转入⟦安全账户⟧，不要告诉家人",
        ["FRAUD_INDICATOR"],
    ),
    (
        "客服：您的订单可以双倍赔偿，点击 https://refund.chatsweep-example.cn 填写，⟦把验证码发给我⟧",
        ["FRAUD_INDICATOR"],
    ),
    (
        "Sensitivity: ⟦Highly Confidential⟧\nlogs are on ⟦\\\\nas01\\security\\2024⟧, dashboards at "
        "⟦http://grafana:3000/d/abc⟧",
        ["CONFIDENTIAL_MARKER", "INTERNAL_URL", "INTERNAL_URL"],
    ),
    (
        "⟦Your account will be suspended⟧ within 24 hours, verify your account at http://chatsweep-example.test/login",
        ["FRAUD_INDICATOR"],
    ),
    (
        "⟦内部资料⟧：客户说对方承诺⟦稳赚不赔⟧，还要带你投资",
        ["CONFIDENTIAL_MARKER", "FRAUD_INDICATOR"],
    ),
]


@pytest.mark.parametrize(("sample", "entities"), MIXED)
def test_mixed_messages_exact_spans(sample: str, entities: list[str]) -> None:
    text, values = _marked(sample)
    language = "zh" if _phrases.has_han(text) else "en"
    found = _found(text, language)
    assert set(found) == set(zip(entities, values, strict=True)), found


# Ordinary chat: none of the three types.
ORDINARY = [
    "let's transfer the meeting to Thursday",
    "can you transfer the ticket to the platform team?",
    "验证码收到了吗？收到了就输入，登录页面会跳转",
    "验证码发我手机上了，我自己登录就好",
    "刚才的验证码发过来了吗",
    "I'll keep it confidential, don't worry",
    "is this confidential or can I post it in #general?",
    "the confidential label is applied automatically by Purview",
    "保密工作会议下午三点在三楼",
    "告诉你个秘密，明天放假",
    "docs at https://docs.python.org/3/library/ipaddress.html",
    "curl http://example.com:8080/api/v1",
    "ping me at jane.doe@example.com",
    "I reset my password and got my refund today",
    "the internal tools team meets at 10",
    "请问退款什么时候到账？",
    "我在开会，晚点回复你",
    "code review: send me the code when the PR is ready",
    "反诈提醒：刷单返利、安全账户都是诈骗，请勿相信",
    "Beware: the bank will never ask you to move money to a safe account",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_chat_is_not_reported(text: str) -> None:
    language = "zh" if _phrases.has_han(text) else "en"
    assert _found(text, language) == {}


def test_a_verification_code_counts_only_when_someone_asks_for_it() -> None:
    assert _found("验证码收到了吗", "zh") == {}
    asked = _found("验证码收到了吗？收到了把验证码发给我，我帮你操作转账", "zh")
    assert set(asked) == {("FRAUD_INDICATOR", "把验证码发给我")}


@pytest.mark.parametrize(
    ("text", "value", "low", "high"),
    [
        ("[CONFIDENTIAL] deck attached", "CONFIDENTIAL", LIKELY, 1.0),  # brackets
        ("密级：秘密", "秘密", LIKELY, 1.0),  # label
        ("this deck is confidential", "confidential", POSSIBLE, LIKELY),  # said of a document
        ("please do not forward", "please do not forward", POSSIBLE, LIKELY),  # prose instruction
        ("内部资料，请勿外传", "内部资料", LIKELY, 1.0),  # two markers support each other
    ],
)
def test_confidential_marker_scores_by_form(text: str, value: str, low: float, high: float) -> None:
    found = _found(text, "zh" if _phrases.has_han(text) else "en")
    assert (
        low <= found[("CONFIDENTIAL_MARKER", value)] < high or found[("CONFIDENTIAL_MARKER", value)] == high
    )


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("see http://jenkins.corp.local:8080/job/x", LIKELY, 1.0),  # private-use TLD
        ("https://192.168.1.20/admin", LIKELY, 1.0),  # RFC 1918 in a URL
        ("http://jenkins:8080/", POSSIBLE, 1.0),  # single label with a port
        ("http://169.254.169.254/latest/meta-data/", POSSIBLE, LIKELY),  # link-local
        ("open http://localhost:3000/", 0.0, POSSIBLE),  # loopback: unlikely
        ("https://grafana.chatsweep-example.io/d/abc", 0.0, POSSIBLE),  # a tool's name only
    ],
)
def test_internal_url_scores_by_evidence(text: str, low: float, high: float) -> None:
    ((key, score),) = _found(text).items()
    assert key[0] == "INTERNAL_URL"
    assert low <= score <= high


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("把验证码发给我", POSSIBLE, LIKELY),  # specific phrase alone
        ("把验证码发给我，马上转账到这个卡号，不要告诉别人", LIKELY, 1.0),  # … with more cues
    ],
)
def test_fraud_needs_a_cue_to_be_likely(text: str, low: float, high: float) -> None:
    scores = list(_found(text, "zh" if _phrases.has_han(text) else "en").values())
    assert scores and all(low <= s < high for s in scores), scores


def test_a_weak_phrase_alone_is_nothing() -> None:
    for text in ("the police were here", "refund processed", "AnyDesk is on the kiosk", "我们在谈退款"):
        assert _found(text) == {}, text


def test_entities_filter_and_prefilter() -> None:
    (marker, url) = business.recognizers("en")
    (fraud_rec,) = fraud.recognizers("en")
    text = "[CONFIDENTIAL] http://10.0.0.8:8080/ 把验证码发给我"
    assert {r.entity_type for r in marker.analyze(text, entities=["PERSON"])} == set()
    assert {r.entity_type for r in url.analyze(text, entities=["INTERNAL_URL"])} == {"INTERNAL_URL"}
    assert fraud_rec.analyze(text, entities=["INTERNAL_URL"]) == []


def test_lexicons_parse_and_every_term_finds_itself() -> None:
    """Each lexicon term, written as in the file, is found by its matcher (no dead entries)."""
    matcher = business._marker_matcher()
    for term in matcher.terms:
        text = (
            term.text.replace("…", " x ") if not _phrases.has_han(term.text) else term.text.replace("…", "")
        )
        hits = list(matcher.hits(text))
        assert hits and hits[0].start == 0, term
    fraud_matcher, _groups = fraud._lexicon()
    for term in fraud_matcher.terms:
        text = (
            term.text.replace("…", " x ") if not _phrases.has_han(term.text) else term.text.replace("…", "")
        )
        norm, _ = fraud.normalise(text)
        hits = list(fraud_matcher.hits(norm))
        assert hits and hits[0].start == 0, term


def test_long_inputs_stay_fast() -> None:
    recs = _recognizers()
    nasty = [
        "buy " * 20_000 + "gift",
        "把" * 30_000,
        "验证码" * 10_000,
        "[" + "CONFIDENTIAL " * 5_000,
        "http://" + "a." * 20_000,
        "\\\\" + "a\\" * 20_000,
        "wiki." * 10_000 + "corp",
    ]
    began = time.perf_counter()
    for text in nasty:
        for rec in recs:
            rec.analyze(text, entities=None)  # type: ignore[attr-defined]
    assert time.perf_counter() - began < 20


# --- through the analyzer: overlaps with other entity types ---------------------------------------


@pytest.fixture(scope="module")
def analyzer() -> ChatAnalyzer:
    return ChatAnalyzer(AnalyzerConfig(ner=False))


def test_internal_url_wins_over_the_private_address_inside_it(analyzer: ChatAnalyzer) -> None:
    text = "es: http://10.0.3.7:9200/_cat/indices"
    found = {(d.entity, text[d.start : d.end]) for d in analyzer.analyze(text)}
    assert found == {("INTERNAL_URL", "http://10.0.3.7:9200/_cat/indices")}


def test_a_url_with_a_password_stays_a_connection_string(analyzer: ChatAnalyzer) -> None:
    text = "db: postgres://app:Chatsweep-S3cret@db.corp.local:5432/app"
    entities = {d.entity for d in analyzer.analyze(text)}
    assert "INTERNAL_URL" not in entities
    assert "CONNECTION_STRING" in entities


def test_analyzer_reports_all_three_types(analyzer: ChatAnalyzer) -> None:
    text = "【机密】内网 http://gitlab.intranet/ops ，另外有人让我转账到安全账户"
    found = {(d.entity, text[d.start : d.end]) for d in analyzer.analyze(text)}
    assert {
        ("CONFIDENTIAL_MARKER", "机密"),
        ("INTERNAL_URL", "http://gitlab.intranet/ops"),
        ("FRAUD_INDICATOR", "安全账户"),
    } <= found
