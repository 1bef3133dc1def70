"""The answer to a question that asked for a password, PIN or code.

Chat splits a credential across messages: "what's the vpn password?" — "Tr0ub4dor!";
"wifi密码发一下" — "Qx7mPz2024"; "can you send me the code" — "482913". No single message
holds both the keyword and the value, so the pattern families miss the value. This rule
remembers nothing new: it reads the conversation's last messages (``ConversationState``) and
reports the answer when

- one of the two previous messages of the conversation asked for a password, PIN or code
  (English or Chinese question forms; a statement such as "I forgot my password" is not one);
- this message is a short reply (not a question itself) whose one credential-like token is
  not a common reply ("thanks!", "ok", "I'll DM you"), not a link, time, date or number that
  counts something, and either mixes letters with digits or symbols, or is a run of 4–12
  digits that is not a sequence;
- nothing in the message was reported as a secret already ("密码：abc123!" is the password
  family's).

A digit answer to a question about a code is a VERIFICATION_CODE, anything else a PASSWORD.
The explanation names the evidence (the neighbour message), never the value.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING

from recognizers import validators
from recognizers.catalogue import info
from recognizers.families._secrets import not_a_secret
from recognizers.families.generic_secrets import ID_WORD, NOT_SECRET_AROUND, SECRET_WORD, generated
from scanner.analyzer import Detection
from scanner.context.participants import fold
from scanner.model import Message, MessageKind

if TYPE_CHECKING:  # the package imports this module to register the rule
    from scanner.context import ConversationState, Recent

#: How many messages after the question an answer may come (the question's own reply and one more).
WINDOW = 2
#: Replies longer than this are conversations, not answers.
MAX_ANSWER_CHARS = 80
MAX_ANSWER_TOKENS = 6
#: An answer a day later is not an answer to this question.
MAX_DELAY = timedelta(hours=24)
SCORE = 0.75

_CJK_CHAR = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"

# --- questions ---------------------------------------------------------------------------------

_PASSWORD_WORD = r"(?:pass(?:word|wd|phrase|code)?|pwd|pw|pin(?:[ ]?code)?|wi-?fi|login|creds|credentials)"  # noqa: S105
_CODE_WORD = r"(?:code|otp|2fa|mfa|verification|one[- ]time)"
_EN_ASK = re.compile(
    rf"""
    (?<![A-Za-z])
    (?:
        (?:what|what's|whats|wat|wats|what’s)(?:[ ]+(?:is|was|'s))?[ ]+
          (?:(?:the|your|ur|our|his|her|their|its|that)[ ]+)?
          (?:[A-Za-z0-9\-]{{1,20}}[ ]+){{0,2}}?(?P<w1>{_PASSWORD_WORD}|{_CODE_WORD})
      | (?:send|give|share|tell|dm|pm|text|forward|paste|post|drop|remind)[ ]+(?:me|us|him|her|them)?[ ]*
          (?:(?:the|your|ur|our|that|a)[ ]+)?(?:[A-Za-z0-9\-]{{1,20}}[ ]+){{0,2}}?
          (?P<w2>{_PASSWORD_WORD}|{_CODE_WORD})
      | (?:anyone|anybody|somebody|someone|does[ ]+anyone|do[ ]+you|you)[ ]+(?:have|got|know|remember|has)[ ]+
          (?:(?:the|a|your|ur)[ ]+)?(?:[A-Za-z0-9\-]{{1,20}}[ ]+){{0,2}}?(?P<w3>{_PASSWORD_WORD}|{_CODE_WORD})
      | (?P<w4>{_PASSWORD_WORD}|{_CODE_WORD})(?:[ ]+(?:for|of|to|on)[ ]+[^?\n]{{1,30}})?
          [ ]*(?:pls|please|plz|\?)
      | (?:need|i[ ]+need|we[ ]+need)[ ]+(?:the|a|your|ur)[ ]+(?:[A-Za-z0-9\-]{{1,20}}[ ]+){{0,2}}?
          (?P<w5>{_PASSWORD_WORD}|{_CODE_WORD})
    )
    (?![A-Za-z])
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ZH_PASSWORD = r"(?:密[码碼]|口令|提取[码碼]|PIN[码碼]|pin[码碼]|(?i:wifi|wi-fi))"  # noqa: S105 - keywords
_ZH_CODE = r"(?:验证码|驗證碼|校验码|校驗碼|动态码|動態碼|短信码)"
_ZH_ASK = re.compile(
    rf"""
    (?P<z1>{_ZH_PASSWORD}|{_ZH_CODE})[^\n。！!]{{0,4}}?
        (?:是多少|多少|是什么|是啥|是甚麼|啥|呢|发一下|发下|发我|發一下|发给我|给我|給我|告诉我|告訴我|说一下|說一下|来一下|有吗|有没有|记得吗|知道吗|[?？])
  | (?:发|發|给|給|告诉|告訴|说|說|报|報|私信|私聊)[我下一]{{0,2}}[^\n。]{{0,8}}?
      (?P<z2>{_ZH_PASSWORD}|{_ZH_CODE})
  | (?:谁|誰|有人)(?:有|知道|记得)[^\n。]{{0,8}}?(?P<z3>{_ZH_PASSWORD}|{_ZH_CODE})
    """,
    re.VERBOSE,
)
_NOT_ASKING = re.compile(
    r"(?i)(?<![A-Za-z])(?:forgot|forget|reset|changed|change|expired|wrong|incorrect|invalid|rotate|rotated"
    r"|don't[ ]+share|do[ ]+not[ ]+share|never[ ]+share)(?![A-Za-z])"
    r"|忘记|忘了|重置|修改了|改了|错误|不对|过期|别发|不要发|勿泄露"
)


# Every question form above names the credential with a word holding one of these (folded as
# case-insensitive matching compares, "ſ" as "s"): a text without any asks for none.
_ASK_LITERALS = (
    *("pass", "pw", "pin", "wifi", "wi-fi", "login", "cred", "code", "otp", "2fa", "mfa"),
    *("verification", "one-time", "one time", "码", "碼", "口令"),
)


def question_kind(text: str) -> str | None:
    """ "PASSWORD" or "VERIFICATION_CODE" when ``text`` asks for one, else None."""
    if len(text) > 300:
        return None
    folded = fold(text)
    if not any(word in folded for word in _ASK_LITERALS) or _NOT_ASKING.search(text):
        return None
    match = _EN_ASK.search(text)
    if match is not None:
        word = next(g for g in match.groups() if g is not None).lower()
        if re.fullmatch(_CODE_WORD, word, re.IGNORECASE):
            return "VERIFICATION_CODE"
        return "PASSWORD"
    zh = _ZH_ASK.search(text)
    if zh is not None:
        word = next(g for g in zh.groups() if g is not None)
        return "VERIFICATION_CODE" if re.fullmatch(_ZH_CODE, word) else "PASSWORD"
    return None


# --- answers -------------------------------------------------------------------------------------

_TOKEN = re.compile(rf"[^\s{_CJK_CHAR}]+")
_CJK_RUN = re.compile(rf"[{_CJK_CHAR}]+")
_LEADING = "\"'`“‘「*(<[_~"
_TRAILING = "\"'`”’」*)>]_~.,;:?"
_URLISH = re.compile(
    r"(?i)^(?:https?://|www\.|[a-z0-9.\-]+\.(?:com|net|org|cn|io|dev)(?:/|$))|@[a-z0-9.\-]+\."
)
_SHAPES_NOT_SECRET = re.compile(
    r"""^(?:
        [0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?(?:am|pm)?        # a time
      | [0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}                   # a date
      | v?[0-9]+(?:\.[0-9]+){1,3}                                 # a version or a decimal
      | [$€£¥￥][0-9.,]+|[0-9.,]+[$€£¥%]                          # a price or a percentage
      | [@#][A-Za-z0-9_.\-]+                                      # a mention, a channel, a tag
      | [0-9]+(?:st|nd|rd|th|am|pm|h|m|s|min|mins|k|kb|mb|gb|x)    # an ordinal, a duration, a size
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# A call: "getpass.getpass()", "os.getenv('PW')", "read_secret()".
_CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+\(.*|[A-Za-z_][A-Za-z0-9_]*\(\)")
# A name=value pair or an embedded UUID: a log line or a config line, not a bare answer.
_ID_INSIDE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*=|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-")
# The words that may stand around the value in a bare answer ("it's X", "try X pls", "X case
# sensitive", "new one: X"); any other word makes the reply a sentence about something else.
_FILLER = frozenset(
    [
        "it's",
        "its",
        "it",
        "is",
        "try",
        "here",
        "use",
        "the",
        "pw",
        "password",
        "pass",
        "passcode",
        "pin",
        "code",
        "is",
        "was",
        "now",
        "new",
        "one",
        "this",
        "that",
        "ok",
        "okay",
        "thx",
        "thanks",
        "ty",
        "pls",
        "please",
        "plz",
        "btw",
        "lol",
        "don't",
        "dont",
        "do",
        "not",
        "share",
        "case",
        "sensitive",
        "caps",
        "and",
        "or",
        "for",
        "you",
        "u",
        "sir",
        "mate",
        "buddy",
        "bro",
        "yes",
        "yeah",
        "yep",
        "sure",
        "np",
        "no",
        "problem",
        "hope",
        "helps",
        "again",
        "same",
        "as",
        "before",
        "nvm",
        "found",
        "got",
        "here's",
        "heres",
        "there's",
        "theres",
        "i",
        "think",
        "maybe",
        "probably",
        "prob",
        "iirc",
        "should",
        "be",
    ]
)


@cache
def _replies() -> frozenset[str]:
    return frozenset(w.lower() for w in validators.lexicon("chat_replies.txt"))


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    digits: bool


def _strip(token: str, start: int) -> tuple[str, int, int]:
    end = start + len(token)
    while token and token[0] in _LEADING:
        token, start = token[1:], start + 1
    while token and token[-1] in _TRAILING:
        token, end = token[:-1], end - 1
    return token, start, end


def _irregular_case(token: str) -> bool:
    """Letters whose case changes at random ("OeLWKeolIuDb"), unlike words ("Hello", "iPhone", "McDonald")."""
    changes = sum(1 for a, b in itertools.pairwise(token) if a.islower() and b.isupper())
    return len(token) >= 8 and token.isalpha() and changes >= 2 and sum(c.isupper() for c in token) >= 3


def _credential_like(token: str) -> bool | None:
    """True for a password-like token, False for a digit code/PIN, None when it is neither."""
    core = token.rstrip("!")
    if not 4 <= len(token) <= 64 or core.lower() in _replies() or validators.is_common_word(core):
        return None
    if _WORD.fullmatch(core) and not _irregular_case(core):
        return None  # a word ("thanks!", "I'll", "Hello"), however long
    if validators.is_placeholder(token) or _URLISH.search(token) or _SHAPES_NOT_SECRET.match(token):
        return None
    if "://" in token:
        return None  # a URL; credentials inside one are the connection-string family's
    if validators.is_hex_digest(token) or validators.is_uuid(token) or _ID_INSIDE.search(token):
        return None  # a commit, a digest, an id, "trace_id=<uuid>"
    if _CALL.fullmatch(token):
        return None  # code that fetches the password ("getpass.getpass()"), not the password
    if token.isascii() and token.isdigit():
        if len(token) > 12 or len(set(token)) == 1 or validators.is_sequential(token):
            return None
        return False
    if not any(c.isdigit() or not c.isalnum() for c in token) and not _irregular_case(token):
        return None  # letters only: "sunshine", "tomorrow", "iPhone"
    if validators.char_classes(token) < 2:
        return None
    if not any(c.isalpha() for c in token) and not any(c.isdigit() for c in token):
        return None  # punctuation or emoji only
    return True


# Chinese that may stand around the value ("是", "给你", "别外传", "记得改", "大小写敏感").
_CJK_FILLER = re.compile(
    r"(?:就是|是|给你|給你|发你|發你|密码|密碼|口令|验证码|新的|用这个|用這個|试试|試試|别外传|別外傳|不要外传|别外发"
    r"|应该是|應該是|应该|大概是|好像是|可能是|我记得是|我記得是"
    r"|记得改|記得改|大小写敏感|大小寫敏感|区分大小写|用完删|哦|喔|呀|啊|吧|了|的|嗯|哈|[，。！、：；（）“”‘’「」\s])+"
)


def _is_cjk(token: str) -> bool:
    """A run of Chinese that is only filler around an answer (else the reply says something else)."""
    return all(c >= "\u3000" for c in token) and _CJK_FILLER.fullmatch(token) is not None


def answer_candidate(text: str) -> _Candidate | None:
    """The one credential-like token of a short reply, or None (see the module docstring)."""
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_ANSWER_CHARS or stripped.endswith(("?", "？")):
        return None
    if question_kind(stripped) is not None:
        return None  # a question again
    tokens = list(_TOKEN.finditer(text))
    if len(tokens) > MAX_ANSWER_TOKENS:
        return None
    if any(not _is_cjk(run) for run in _CJK_RUN.findall(text)):
        return None  # Chinese that says something else: "快递单号 SF…", "这是工单号 …"
    found: list[_Candidate] = []
    for match in tokens:
        token, start, end = _strip(match.group(), match.start())
        if not token:
            continue
        kind = _credential_like(token)
        if kind is not None:
            found.append(_Candidate(start, end, digits=not kind))
        elif any(c.isalnum() for c in token) and token.lower() not in _FILLER:
            return None  # another word: a sentence about something else, not a bare answer
    return found[0] if len(found) == 1 else None


# --- the rule ------------------------------------------------------------------------------------


def _asked(message: Message, state: ConversationState) -> tuple[str, int] | None:
    """The kind of credential asked for in one of the last ``WINDOW`` messages, and how far back."""
    for distance, entry in state.earlier(message, WINDOW, MAX_DELAY, max_chars=None):
        kind = _question_of(entry)
        if kind is not None:
            return kind, distance
    return None


def _question_of(entry: Recent) -> str | None:
    """``question_kind`` of a recent message, worked out once (each is read by the next few)."""
    memo = entry.memo
    if "password_question" not in memo:
        memo["password_question"] = question_kind(entry.message.text)
    return memo["password_question"]  # type: ignore[return-value]


def _names_secret(entry: Recent) -> bool:
    """A recent message names a key or token, and not as a digest or an id."""
    memo = entry.memo
    if "names_secret" not in memo:
        text = entry.message.text
        memo["names_secret"] = SECRET_WORD.search(text) is not None and NOT_SECRET_AROUND.search(text) is None
    return memo["names_secret"]  # type: ignore[return-value]


class AnswerToPasswordQuestion:
    """PASSWORD (or VERIFICATION_CODE) for a short reply to a question that asked for one."""

    name = "answer_to_password_question"

    def detect(self, message: Message, state: ConversationState, found: list[Detection]) -> list[Detection]:
        if message.kind is MessageKind.SYSTEM or not message.text.strip():
            return []
        if any(info(d.entity).category == "secret" for d in found):
            return []  # the pattern families already found the credential in this message
        asked = _asked(message, state)
        if asked is None:
            return []
        kind, distance = asked
        candidate = answer_candidate(message.text)
        if candidate is None:
            return []
        if kind == "VERIFICATION_CODE" and not candidate.digits:
            return []  # asked for a code, got something else ("promo code SAVE2024")
        entity = kind
        what = "a verification code" if entity == "VERIFICATION_CODE" else "a password"
        where = "the previous message" if distance == 1 else f"the message {distance} before this one"
        return [
            Detection(
                entity,
                candidate.start,
                candidate.end,
                SCORE,
                f"answer to a question asking for {what} in {where}",
                "AnswerToPasswordQuestion",
            )
        ]


# --- a key pasted right after the message that announced it ------------------------------------

#: A message that is only the key (in backticks or with a word or two around it).
MAX_KEY_MESSAGE_TOKENS = 3
SECRET_SCORE = 0.6
_KEY_CHARS = re.compile(r"[A-Za-z0-9_\-+/.~:]+={0,3}")


def _lone_value(text: str) -> tuple[int, int, bool] | None:
    """The span of the one generated-looking token (or UUID) of a short message, and whether it is a UUID.

    Around it there may be a word or two without digits ("here", "`…`", "新的") and Chinese
    filler only: a message that says something else ("reverted 2392c01, see …", "管理后台
    admin/…") is not a key handed over.
    """
    tokens = list(_TOKEN.finditer(text))
    if not tokens or len(tokens) > MAX_KEY_MESSAGE_TOKENS or len(text) > 1200:
        return None
    if NOT_SECRET_AROUND.search(text) or any(not _is_cjk(run) for run in _CJK_RUN.findall(text)):
        return None  # "md5sum …", "data:image/png;base64,…", Chinese that says something else
    found: list[tuple[int, int, bool]] = []
    others: list[str] = []
    for match in tokens:
        token, start, end = _strip(match.group(), match.start())
        if validators.is_uuid(token) and not validators.is_placeholder(token):
            found.append((start, end, True))
        elif (
            len(token) >= 16
            and _KEY_CHARS.fullmatch(token)
            and not token.startswith("AAAA")  # an SSH public key's base64 body
            and not_a_secret(token) is None
            and generated(token)
        ):
            found.append((start, end, False))
        else:
            others.append(token)
    if len(found) != 1 or any(c.isdigit() for other in others for c in other):
        return None  # two values, or another number or id beside it
    start, end, _ = found[0]
    if others and validators.is_hex_digest(text[start:end]):
        return None  # a digest with words around it ("see …", "checkout …"): a commit or a checksum
    if ID_WORD.search(text[:start] + " " + text[end:]):
        return None  # "job id …", "correlation-id: …": an identifier, not a key
    return found[0]


class SecretAfterAnnouncement:
    """GENERIC_SECRET: a lone generated-looking value right after a message about a key or token.

    "I'll send you the staging token" — "V"; "anyone have the api key?" — "V"; "token发我一下" —
    "V". The value must look generated (the generic-secret family's shape test), the earlier
    message (one of the two before, same thread, within a day, by anyone) must name a credential
    and not a digest or an id, and nothing in this message may already be a secret finding.
    """

    name = "secret_after_announcement"

    def detect(self, message: Message, state: ConversationState, found: list[Detection]) -> list[Detection]:
        if message.kind is MessageKind.SYSTEM or not message.text.strip():
            return []
        if any(info(d.entity).category == "secret" for d in found):
            return []
        announced = [(d, r) for d, r in state.earlier(message, WINDOW, MAX_DELAY) if _names_secret(r)]
        if not announced:
            return []  # nothing before it named a key: no need to look at this message
        lone = _lone_value(message.text)
        if lone is None:
            return []
        start, end, uuid = lone
        for distance, recent in announced:
            earlier = recent.message
            if uuid and ID_WORD.search(earlier.text):
                continue  # "which request id failed?" — a UUID: an id, not a key
            where = "the previous message" if distance == 1 else f"the message {distance} before this one"
            return [
                Detection(
                    "GENERIC_SECRET",
                    start,
                    end,
                    SECRET_SCORE - (0.1 if uuid else 0.0),
                    f"{'UUID-shaped' if uuid else 'generated-looking'} value alone in a message; "
                    f"{where} named a key or token",
                    type(self).__name__,
                )
            ]
        return []
