"""The answer to a question that asked for an identifier: "passport number?" — "E12345678".

Several identifier families report a value only next to its keyword (passports, travel
permits, Macau IDs, driver licences, record and member numbers, dates of birth, 9-digit SSNs,
phone numbers in one run), because the bare shape is shared with order numbers and codes. In
chat the keyword is often in the question and the value alone in the reply. This rule reads
the conversation's last messages (``ConversationState``) and, when one of the two previous
messages asked for such an identifier and this message is a short reply, runs the family's own
recognizer over "<keyword> <reply>": every check, checksum and exclusion of the family applies,
and only spans inside the reply are kept.

The score is the family's less 0.05 (the keyword is a message away); the explanation is the
family's plus where the keyword was. Nothing is reported that the message alone already showed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from recognizers.families import cn_docs, cn_ids, contact, intl_ids, medical_ids
from recognizers.families._base import FamilyRecognizer
from scanner.analyzer import Detection, normalise
from scanner.context.participants import fold
from scanner.model import Message, MessageKind

if TYPE_CHECKING:  # the package imports this module to register the rule
    from scanner.context import ConversationState, Recent

#: How many messages after the question the answer may come.
WINDOW = 2
#: Replies longer than this are conversations, not answers.
MAX_ANSWER_CHARS = 60
#: An answer a day later is not an answer to this question.
MAX_DELAY = timedelta(hours=24)
#: The keyword is a message away: a little less sure than the same words in one message.
DISTANCE_PENALTY = 0.05


@dataclass(frozen=True, slots=True)
class _Ask:
    keyword: re.Pattern[str]
    recognizers: tuple[type[FamilyRecognizer], ...]


def _ask(pattern: str, *recognizers: type[FamilyRecognizer]) -> _Ask:
    # "<w>" marks an ASCII word: whole, case-insensitive, and glued to Chinese text as well
    # (你的SSN是多少): lookarounds, not \b, which fails between CJK characters and Latin ones.
    pattern = re.sub(r"<([^>]+)>", r"(?<![A-Za-z])(?i:\1)(?![A-Za-z])", pattern)
    return _Ask(re.compile(pattern), recognizers)


# What a question asks for, most specific first: "passport number" is a passport, not a phone.
_ASKS = (
    _ask(
        "港澳通行证|往来港澳|港澳通行證|台湾通行证|臺灣通行證|回乡证|回鄉證|台胞证|台胞證|通行证|通行證"
        "|<home[ -]return[ ]permit>|<exit-entry[ ]permit>|<travel[ ]permit>",
        cn_docs.CnTravelPermitRecognizer,
    ),
    _ask("澳门身份证|澳門身份證|<maca[ou][ ]id>", cn_docs.MacauIdRecognizer),
    _ask("<passport>|护照|護照", cn_docs.CnPassportRecognizer, intl_ids.ChatUsPassportRecognizer),
    _ask(
        "<drivers?'?s?[ ]licen[cs]e>|<driving[ ]licen[cs]e>|驾照|駕照|驾驶证|駕駛證",
        intl_ids.UsDriverLicenseRecognizer,
    ),
    _ask("<ssn>|<social[ ]security>|社安号|社会安全号|社會安全號", intl_ids.ChatUsSsnRecognizer),
    _ask("<nhs>", intl_ids.UkNhsRecognizer),
    _ask("<national[ ]insurance>|<nino>|<NI[ ]number>", intl_ids.ChatUkNinoRecognizer),
    _ask(
        "<MRN>|<medical[ ]record>|<patient[ ]id>|病历号|病歷號|住院号|住院號|门诊号|門診號|病案号",
        medical_ids.MedicalRecordNumberRecognizer,
    ),
    _ask(
        "<member[ ]id>|<insurance[ ](?:id|number)>|<medicare>|<medicaid>|<MBI>"
        "|医保卡号|医保号|社保卡号|健保卡",
        medical_ids.HealthPlanIdRecognizer,
    ),
    _ask(
        "<date[ ]of[ ]birth>|<DOB>|<birth[ ]?date>|<birthday>|<born>|出生日期|出生年月|生日",
        intl_ids.DateOfBirthRecognizer,
    ),
    _ask("香港身份证|香港身份證|<HKID>|<hong[ ]kong[ ]id>", cn_docs.HkIdRecognizer),
    _ask("身分證|身份證字號|統一證號|居留證|<taiwan[ ]id>|<ARC>", cn_docs.TwIdRecognizer),
    _ask("身份证|身份證|证件号|證件號|<ID[ ]card>|<ID[ ]number>", cn_ids.CnResidentIdRecognizer),
    _ask(
        "<phone>|<mobile>|<cell>|<tel>|<whatsapp>|<contact[ ]number>|电话|電話|手机|手機|联系方式|聯繫方式",
        contact.ChatPhoneRecognizer,
        contact.CnMobileRecognizer,
    ),
)

# The earlier message must ask: a question mark, a question word, or a request.
_ASKING = re.compile(
    r"[?？]|多少|是什么|是啥|是甚麼|发一下|发下|发我|發一下|发给我|给我|給我|告诉我|告訴我|提供|麻烦|麻煩|请发|請發"
    r"|(?<![A-Za-z])(?i:what|what's|send|share|give|provide|tell[ ]me|need|pls|please|plz)(?![A-Za-z])"
)
_NOT_ASKING = re.compile(r"(?<![A-Za-z])(?i:forgot|expired|lost|renew)|忘记|忘了|过期|丢了|补办")
# What any match of ``_ASKING`` holds (the English words case-folded): a text holding none of
# them is not asking, found with plain substring tests instead of the case-insensitive scan.
_ASKING_LITERALS = (
    *("?", "？", "多少", "是什么", "是啥", "是甚麼", "发一下", "发下", "发我", "發一下"),
    *("发给我", "给我", "給我", "告诉我", "告訴我", "提供", "麻烦", "麻煩", "请发", "請發"),
    *("what", "send", "share", "give", "provide", "tell me", "need", "pls", "please", "plz"),
)


_INSTANCES: dict[tuple[str, str], FamilyRecognizer] = {}


def _instance(cls: type[FamilyRecognizer], language: str) -> FamilyRecognizer:
    key = (cls.__name__, language)
    if key not in _INSTANCES:
        _INSTANCES[key] = cls(language)
    return _INSTANCES[key]


def _asked(message: Message, state: ConversationState) -> tuple[str, _Ask, int] | None:
    """The keyword, what it asks for, and how many messages back, for the latest matching question."""
    for distance, recent in state.earlier(message, WINDOW, MAX_DELAY):
        memo = recent.memo
        if "identifier_question" not in memo:
            memo["identifier_question"] = _question(recent)
        asked: tuple[str, int] | None = memo["identifier_question"]  # type: ignore[assignment]
        if asked is not None:
            return asked[0], _ASKS[asked[1]], distance
    return None


def _question(recent: Recent) -> tuple[str, int] | None:
    """The keyword of a recent message that asks for an identifier, and what it asks for (in ``_ASKS``)."""
    text = normalise(recent.message.text)
    folded = fold(text)
    if not any(word in folded for word in _ASKING_LITERALS):
        return None
    if not _ASKING.search(text) or _NOT_ASKING.search(text):
        return None
    for i, ask in enumerate(_ASKS):
        keyword = ask.keyword.search(text)
        if keyword is None:
            continue
        answered = {e for cls in ask.recognizers for e in cls.ENTITIES}
        if any(d.entity in answered for d in recent.detections):
            return None  # "date of birth 05/10/1990, please update HR" gives the value, not asks for it
        return keyword.group(0), i
    return None


# Around the value a bare answer has a few words at most ("是", "my passport is", "谢谢",
# "it's … thanks"); more means a sentence about something else ("2024-03-21开会，大家准时").
_CJK_CHARS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORDS = re.compile(r"[A-Za-z]+")
MAX_OTHER_CJK = 5
MAX_OTHER_WORDS = 5


def _bare_answer(text: str, start: int, end: int) -> bool:
    rest = text[:start] + " " + text[end:]
    return (
        len(_CJK_CHARS.findall(rest)) <= MAX_OTHER_CJK and len(_LATIN_WORDS.findall(rest)) <= MAX_OTHER_WORDS
    )


class AnswerToIdentifierQuestion:
    """Keyword-gated identifiers in a short reply to a question that asked for them."""

    name = "answer_to_identifier_question"

    def detect(self, message: Message, state: ConversationState, found: list[Detection]) -> list[Detection]:
        text = normalise(message.text)
        if message.kind is MessageKind.SYSTEM or not text.strip() or len(text.strip()) > MAX_ANSWER_CHARS:
            return []
        if text.rstrip().endswith(("?", "？")):
            return []  # a question in return
        asked = _asked(message, state)
        if asked is None:
            return []
        keyword, ask, distance = asked
        prefix = keyword + " "
        where = "the previous message" if distance == 1 else f"the message {distance} before this one"
        language = "zh" if re.search(r"[\u4e00-\u9fff]", keyword + text) else "en"
        out: list[Detection] = []
        for cls in ask.recognizers:
            recognizer = _instance(cls, language)
            for result in recognizer.analyze(prefix + text, entities=None):
                start, end = result.start - len(prefix), result.end - len(prefix)
                if start < 0 or not _bare_answer(text, start, end):
                    continue  # the span reaches into the borrowed keyword, or the reply is a sentence
                if any(d.start < end and start < d.end and d.score >= result.score for d in found):
                    continue  # the message alone showed it (as this or a stronger finding)
                explanation = result.analysis_explanation
                why = explanation.textual_explanation if explanation is not None else "pattern match"
                name = type(recognizer).__name__
                why = f"{name}; {why}; the keyword was in {where}, a question asking for it"
                score = round(max(0.0, result.score - DISTANCE_PENALTY), 4)
                out.append(Detection(result.entity_type, start, end, score, why, type(self).__name__))
        return out
