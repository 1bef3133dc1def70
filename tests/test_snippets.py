"""Snippets: masked context around a value (neighbours masked, edges, CJK, emoji)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.masking import mask
from scanner.snippets import ELLIPSIS, Span, snippet


def masker(entity: str, value: str) -> str:
    return mask(entity, value, "personal")


def test_the_value_and_its_neighbours_are_masked() -> None:
    text = "Call Wang Fang at 13812345678 or mail wang.fang@example.com today"
    phone = Span(18, 29, "PHONE_NUMBER")
    spans = [Span(5, 14, "PERSON"), phone, Span(38, 59, "EMAIL_ADDRESS")]
    out = snippet(text, phone, spans, masker)
    assert out == "Call W. F. at *********78 or mail w***@example.com today"
    assert "13812345678" not in out and "Wang" not in out and "wang.fang" not in out


def test_show_values_shows_the_value_only() -> None:
    text = "Call Wang Fang at 13812345678 or mail wang.fang@example.com today"
    phone = Span(18, 29, "PHONE_NUMBER")
    spans = [Span(5, 14, "PERSON"), phone, Span(38, 59, "EMAIL_ADDRESS")]
    out = snippet(text, phone, spans, masker, show_value=True)
    assert "13812345678" in out
    assert "Wang Fang" not in out and "wang.fang@" not in out


def test_cut_ends_are_marked_and_whitespace_collapsed() -> None:
    text = "x" * 100 + "  my\n\nnumber   is 13812345678  ok\tthen " + "y" * 100
    start = text.index("138")
    value = Span(start, start + 11, "PHONE_NUMBER")
    out = snippet(text, value, [value], masker, width=20)
    assert out.startswith(ELLIPSIS) and out.endswith(ELLIPSIS)
    assert "my number is *********78 ok then" in out
    assert "\n" not in out and "  " not in out


def test_no_ellipsis_when_nothing_is_cut() -> None:
    text = "SSN 536-90-4418"
    value = Span(4, 15, "US_SSN")
    assert snippet(text, value, [value], masker) == "SSN *******18"


def test_a_value_cut_by_the_window_edge_is_masked_whole() -> None:
    text = "a" * 30 + " 13987654321 " + "b" * 20 + " mail me: 536-90-4418 " + "c" * 30
    ssn_at = text.index("536")
    ssn = Span(ssn_at, ssn_at + 11, "US_SSN")
    phone_at = text.index("139")
    phone = Span(phone_at, phone_at + 11, "PHONE_NUMBER")
    for width in range(1, 60):
        out = snippet(text, ssn, [phone, ssn], masker, width=width)
        # Never a piece of the phone number: all of it masked, or none of it in the window.
        for k in range(3, 12):
            for i in range(0, 12 - k):
                assert "13987654321"[i : i + k] not in out or "*" in out
        assert "1398" not in out and "654321" not in out and "536-90" not in out


def test_cjk_text() -> None:
    text = "患者张伟确诊了糖尿病，手机13812345678，请尽快回电。" + "好" * 30
    phone_at = text.index("138")
    phone = Span(phone_at, phone_at + 11, "PHONE_NUMBER")
    spans = [Span(2, 4, "PERSON"), Span(7, 10, "HEALTH_INFO"), phone]
    out = snippet(text, phone, spans, masker, width=12)
    assert "张*" in out and "[health info term, 3 chars]" in out and "*********78" in out
    assert "张伟" not in out and "糖尿病" not in out
    assert out.endswith(ELLIPSIS)


def test_emoji_clusters_are_never_split() -> None:
    family = "👨\u200d👩\u200d👧\u200d👦"
    thumbs = "👍🏽"
    flag = "🇨🇳"
    for emoji in (family, thumbs, flag, "e\u0301"):
        prefix = emoji * 30
        text = prefix + " pin 13812345678 " + prefix
        at = text.index("138")
        value = Span(at, at + 11, "PHONE_NUMBER")
        for width in range(1, 25):
            out = snippet(text, value, [value], masker, width=width)
            # What is left of each side is whole clusters only.
            rest = out.replace(ELLIPSIS, "").replace("*********78", "").replace(emoji, "")
            assert rest.strip(" pin") == "", (emoji, width, out)


def test_overlapping_values_are_masked_together() -> None:
    text = "contact: zhang.wei@example.com"
    email = Span(9, 30, "EMAIL_ADDRESS")
    person = Span(9, 18, "PERSON")
    out = snippet(text, person, [email, person], masker, show_value=True)
    assert "zhang" not in out and "example.com" in out


def test_a_cut_inside_a_word_moves_to_the_word_edge() -> None:
    text = "Dr. Wang: Patient Zhang was diagnosed yesterday with a condition, phone 13812345678, please call"
    at = text.index("138")
    value = Span(at, at + 11, "PHONE_NUMBER")
    out = snippet(text, value, [value], masker)
    assert out == "…yesterday with a condition, phone *********78, please call"


_FILLER = st.text(alphabet="ab 张伟\n\t👍🏽\u200d\u0301.,-", max_size=60)


@st.composite
def _texts(draw: st.DrawFn) -> tuple[str, list[Span]]:
    """Text with values made of a marker letter no filler has, and their spans."""
    pieces: list[str] = []
    spans: list[Span] = []
    at = 0
    for _ in range(draw(st.integers(1, 6))):
        filler = draw(_FILLER)
        pieces.append(filler)
        at += len(filler)
        value = "Ω" * draw(st.integers(1, 15))
        pieces.append(value)
        spans.append(Span(at, at + len(value), "PHONE_NUMBER"))
        at += len(value)
    pieces.append(draw(_FILLER))
    return "".join(pieces), spans


@settings(max_examples=300, deadline=None)
@given(_texts(), st.data(), st.integers(0, 50))
def test_no_piece_of_any_value_ever_shows(
    drawn: tuple[str, list[Span]], data: st.DataObject, width: int
) -> None:
    text, spans = drawn
    value = data.draw(st.sampled_from(spans))
    out = snippet(text, value, spans, lambda entity, v: "[masked]", width=width)
    assert "Ω" not in out
    assert "[masked]" in out
    shown = snippet(text, value, spans, lambda entity, v: "[masked]", show_value=True, width=width)
    assert shown.count("Ω") == value.end - value.start
