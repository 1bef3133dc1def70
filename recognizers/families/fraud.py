"""Fraud and social engineering: FRAUD_INDICATOR, English and Chinese.

A chat export holds the scams that reached employees and customers: "move your savings to a
safe account", 公安局 + 涉嫌洗钱, refund and compensation links, order-brushing (刷单返利),
pig-butchering investment pitches (稳赚不赔, guaranteed returns, USDT), gift-card payment
requests, CEO fraud ("urgent wire transfer", "are you at your desk?"), credential phishing
("your account will be suspended", 点击链接验证), requests to pass on a verification code
(把验证码发给我, "send me the code you received") and remote-access installs (下载向日葵,
"download AnyDesk"). The phrases are data (``lexicons/fraud_en.txt``, ``fraud_zh.txt``) grouped
by scheme; each is specific to its scheme (``!``) or weak.

A phrase is evidence, not proof: the same words turn up in ordinary chat ("let's transfer the
meeting", "验证码收到了吗", "I got my refund"). So a phrase is weighed with what stands within
a couple of hundred characters of it:

- supporting cues of other kinds: money (转账, wire, an amount), a link (a URL, 点击, "click"),
  a code (验证码, OTP, SMS), urgency (马上, "immediately"), threats (冻结, "suspended",
  "arrest") and secrecy ("don't tell anyone", 不要告诉);
- other scheme phrases (公安局 beside 涉嫌洗钱).

A specific phrase with a cue is likely; alone it is possible. A weak phrase needs a second
phrase or two kinds of cue; a weak phrase alone is nothing. A phrase right after a negation
("never share the code", 不要下载向日葵) is not counted, and a message that warns about fraud
(反诈, 谨防, "scam alert", "is a scam", "we will never ask") is not reported at all. The span is
the phrase; the explanation names the scheme and the kinds of evidence, never the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.families import _phrases
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context

ENTITIES: tuple[str, ...] = ("FRAUD_INDICATOR",)

SCORE_STRONG_CUE = 0.8  # a scheme phrase with a supporting cue
SCORE_STRONG_MORE = 0.9  # … and another phrase or a second kind of cue
SCORE_STRONG_PAIR = 0.7  # a scheme phrase with another phrase, no cue
SCORE_STRONG = 0.55  # a scheme phrase alone
SCORE_WEAK_PAIR_CUES = 0.75  # two weak phrases and two kinds of cue
SCORE_WEAK_PAIR_CUE = 0.6  # two weak phrases and a cue
SCORE_WEAK_CUES = 0.5  # one weak phrase and two kinds of cue
SCORE_WEAK_PAIR = 0.35  # two weak phrases, nothing else
WINDOW = 250  # characters either side of a phrase that its evidence may come from

SCHEMES = {
    "safe_account": 'request to move money to a "protected" account (safe-account scam)',
    "authority_impersonation": "impersonation of the authorities (law enforcement, prosecutors, border)",
    "refund_scam": "fake reimbursement or compensation offer",
    "loan_scam": "fake loan or loan-cancellation scam",
    "order_brushing": "order-brushing / paid-task scam",
    "investment_scam": "investment or crypto scam (pig-butchering)",
    "gift_card": "gift-card payment request",
    "ceo_fraud": "CEO fraud / business e-mail compromise",
    "credential_phishing": "credential phishing",
    "code_sharing": "request to pass on a verification code",
    "remote_access": "request to install a remote-access app",
}
CUES = {
    "money": "money or a transfer",
    "link": "a link",
    "code": "a verification code",
    "urgency": "urgency",
    "threat": "a threat",
    "secrecy": "a demand for secrecy",
    "warning": "",  # not a cue: a message that warns about fraud is not reported
}


@cache
def _category_terms() -> tuple[re.Pattern[str], ...]:
    """The first piece (before any ``…``) of every scheme phrase, as the matcher matches it, in
    alternations of at most ``_TERMS_AT_ONCE`` (a multi-pattern matcher limits a pattern's length)."""
    terms = sorted({_phrases.first_piece(t.text) for t in _matcher().terms if t.kind == "category"})
    return tuple(
        re.compile("|".join(_phrases.term_pattern(t) for t in terms[k : k + _TERMS_AT_ONCE]), re.IGNORECASE)
        for k in range(0, len(terms), _TERMS_AT_ONCE)
    )


_TERMS_AT_ONCE = 40


@cache
def _matcher() -> _phrases.Matcher:
    terms = _phrases.load("fraud_en.txt", "fraud_zh.txt")
    for term in terms:
        known = SCHEMES if term.kind == "category" else CUES
        if term.group not in known or term.mark == "?":
            raise ValueError(f"{term.source}: unknown group {term.group!r} or mark for {term.text!r}")
    return _phrases.Matcher(terms)


# Cues that are shapes rather than words: a URL (a link) and an amount of money or a rate of return.
_LINK = re.compile(r"(?i:https?://|www\.)[^\s<>\"'，。！？、）】」]{1,2000}")
_AMOUNT = re.compile(
    r"[$¥￥€£][ ]?[0-9]"
    r"|[0-9][0-9,.]{0,12}[ ]?(?:元|块|塊|万|萬|美元|美金|%|(?i:usdt|usd|dollars?|bucks|k)(?![A-Za-z]))"
)
# A phrase right after one of these is a refusal or advice, not a request.
_NEGATION_EN = re.compile(
    r"(?<![A-Za-z])(?i:never|don['’]?t|do[ \t]+not|won['’]?t|will[ \t]+not|not|nobody|no[ \t]+one)"
    r"(?:[ \t]+[A-Za-z'’]{1,12}){0,3}[ \t]*\Z"
)
_NEGATION_ZH = re.compile(
    r"(?:不要|别|別|切勿|请勿|請勿|千万别|千萬別|千万不要|千萬不要|绝不会|絕不會|不会|不會|从不|從不|不得|禁止|拒绝|拒絕)"
    r"[^，,。.!！?？；;\n]{0,4}\Z"
)
# "验证码发我手机上了" is a code that arrived, not a request to pass it on; so is "发过来了吗".
_CODE_ARRIVED = re.compile(r"(?:的)?(?:手机|手機|邮箱|郵箱|号|號|这|這|了|没|沒|吗|嗎)")


@dataclass(frozen=True, slots=True)
class _Found:
    hit: _phrases.Hit
    strong: bool


class FraudIndicatorRecognizer(FamilyRecognizer):
    """FRAUD_INDICATOR: scheme phrases weighed with their supporting cues (EN and ZH)."""

    ENTITIES = ENTITIES
    RULES = ()
    CONTEXT = context(
        en=("transfer", "urgent", "verify", "refund"),
        zh=("转账", "验证码", "安全账户", "刷单"),
    )
    CONTEXT_BOOST = 0.0

    def candidate_patterns(self) -> tuple[re.Pattern[str], ...]:
        """Any scheme phrase: without one ``analyze`` reports nothing (cues alone never count)."""
        return _category_terms()

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and "FRAUD_INDICATOR" not in entities:
            return []
        hits = list(_matcher().hits(text))
        links = [m.span() for m in _LINK.finditer(text)]
        phrases = [
            _Found(h, h.term.mark == "!")
            for h in hits
            if h.term.kind == "category"
            and self._counts(text, h)
            and not any(a <= h.start < b for a, b in links)  # a word inside a URL says nothing
        ]
        if not phrases or any(h.term.group == "warning" for h in hits):
            return []
        cues = [(h.start, h.end, h.term.group) for h in hits if h.term.kind == "cue"]
        cues += [(a, b, "link") for a, b in links]
        cues += [(m.start(), m.end(), "money") for m in _AMOUNT.finditer(text)]
        results = []
        for found in phrases:
            verdict = self._weigh(found, phrases, cues)
            if verdict is not None:
                hit = found.hit
                results.append(self._result("FRAUD_INDICATOR", hit.start, hit.end, _RULE, verdict))
        return results

    @staticmethod
    def _counts(text: str, hit: _phrases.Hit) -> bool:
        """False for a phrase after a negation, or a code that arrived rather than one asked for."""
        han = _phrases.has_han(hit.term.text)
        before = text[max(0, hit.start - (12 if han else 40)) : hit.start]
        if (_NEGATION_ZH if han else _NEGATION_EN).search(before):
            return False
        return not (hit.term.group == "code_sharing" and han and _CODE_ARRIVED.match(text, hit.end))

    @staticmethod
    def _weigh(found: _Found, phrases: list[_Found], cues: list[tuple[int, int, str]]) -> Verdict | None:
        hit = found.hit
        lo, hi = hit.start - WINDOW, hit.end + WINDOW
        others = [p for p in phrases if p is not found and lo <= p.hit.start and p.hit.end <= hi]
        kinds = sorted(
            {kind for a, b, kind in cues if a < hi and lo < b and not (a < hit.end and hit.start < b)}
        )
        strong = found.strong or any(p.strong for p in others)
        weak_pair = len(others) >= 1
        if strong:
            if kinds:
                score = SCORE_STRONG_MORE if (others or len(kinds) > 1) else SCORE_STRONG_CUE
            else:
                score = SCORE_STRONG_PAIR if others else SCORE_STRONG
        elif weak_pair:
            score = (
                SCORE_WEAK_PAIR_CUES if len(kinds) > 1 else SCORE_WEAK_PAIR_CUE if kinds else SCORE_WEAK_PAIR
            )
        elif len(kinds) > 1:
            score = SCORE_WEAK_CUES
        else:
            return None
        why = [f"fraud indicator: {SCHEMES[hit.term.group]}"]
        why.append("a phrase specific to the scheme" if found.strong else "a weak phrase of the scheme")
        if others:
            schemes = sorted({SCHEMES[p.hit.term.group] for p in others})
            why.append(f"{len(others)} more scheme phrase(s) nearby ({'; '.join(schemes)})")
        if kinds:
            why.append("supporting cues: " + ", ".join(CUES[k] for k in kinds))
        return Verdict(score, "; ".join(why), final=True)


_RULE = Rule("fraud_indicator", re.compile(""), SCORE_STRONG_CUE)


def recognizers(language: str) -> list[EntityRecognizer]:
    """The fraud recognizer for ``language``."""
    return [FraudIndicatorRecognizer(language)]
