"""Fraud and social engineering: FRAUD_INDICATOR, one finding per message, English and Chinese.

A chat export holds the scams that reached employees and customers. Scam texts rarely use one
telling word; they follow a script: a story (your order, your loan, a police case, a prize), a
lever (urgency, a threat, secrecy, easy money) and an action (add this QQ/WeChat, download this
app, click, transfer, pass on a code). This recognizer scores a message by those cues:

- the text is first normalised (``normalise``): full-width to half-width (NFKC), traditional to
  simplified Chinese (OpenCC), look-alike letters to Latin, symbols and blanks between Chinese
  characters dropped (安*全*账*户), runs of Chinese numerals to digits (QQ 三七九一二八…);
- cue phrases are data (``lexicons/fraud_cues_zh.txt``, ``fraud_cues_en.txt``, and the scheme
  phrases of ``fraud_zh.txt``, ``fraud_en.txt``): each group names its kind, the scam class it
  points to and its weight; a ``!`` phrase counts twice. Shapes add cues of their own: a link,
  a short link, a link to a bare IP address, a punycode or look-alike domain, an APK, a QQ or
  WeChat id, an amount of money (``lexicons/fraud_domains.txt`` lists shorteners and brands);
- weights add up per kind, each kind capped, and the form of a genuine notice (回T退订, a
  bank's own service number or domain) takes weight off. The story (pretext and institution)
  and the push (action, contact, link, lever, code) are weighed apart: a message is reported
  when it has both and enough in all (levers alone are a weak push), or one very specific
  phrase (安全账户, 把验证码发给我), or a look-alike link with a request, or a specific story
  phrase with a second cue, or a full story; a Chinese story without a request must speak to
  the reader (你, 您, 请, "小李，"), so that news of a money-laundering case is not a scam. A
  cue right after a negation (不要点击链接, "never share the code") does not count;
- shapes of the script that no word list holds: a sender who claims to be the reader's boss or kin
  (我是你们的老板, 姐，是我, "Hi Mum") and asks for money or a new channel, and a demand to pay a
  fee or deposit first (需要你先支付…保证金, "pay the fine now", "reply with your card number");
- a trained model (``lexicons/fraud_model.txt``: a logistic regression over character and word
  n-grams, trained by benchmarks/train_fraud_model.py) weighs the wording as a whole: a message
  with a cue phrase, a claimed identity or a demand to pay first that speaks to the reader (or
  asks them to get in touch) is reported from MODEL_ALONE, and a Chinese message the cues
  report stays unreported below MODEL_VETO (MODEL_VETO_NOTICE for a signed notice that moves
  the reader nowhere), unless a very specific phrase or the user's own cue file fired;
- a message that warns about fraud (反诈提醒, "scam alert", 银行不会索要验证码) is not reported,
  unless it passes on a scam ("收到这条短信，是诈骗吗：…"): a forwarded scam is reported with a
  lower score, and the explanation says it was forwarded.

One result per message: its span is the strongest cue phrase (a lexicon phrase, never a link or
a number, so that it overlaps no personal data found in the same message), its explanation the
scam class, the kinds of cue that fired and the model's probability, never the text (the n-grams
behind the model's verdict stay in ``Assessment.ngrams``). More cue files (same format) can be
given in ``CHATSWEEP_FRAUD_CUES`` (paths separated by the OS path separator).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.families import _phrases
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context

ENTITIES: tuple[str, ...] = ("FRAUD_INDICATOR",)
ENV_CUES = "CHATSWEEP_FRAUD_CUES"

#: Scam classes: id -> (Chinese name, English name).
CLASSES = {
    "police": ("冒充公检法", "impersonated police or officials"),
    "loan": ("贷款/征信", "loan or credit-record scam"),
    "service": ("冒充客服/退款", "fake customer service or refund"),
    "boss": ("冒充领导熟人", "impersonated boss or acquaintance"),
    "task": ("刷单返利", "paid-task or order-brushing scam"),
    "invest": ("投资理财", "investment scam"),
    "prize": ("虚假中奖", "fake prize"),
    "parcel": ("快递理赔", "parcel compensation or delivery scam"),
    "other": ("其他诈骗", "other fraud (phishing, code or remote-access request)"),
}
KINDS = ("pretext", "institution", "action", "contact", "link", "lever", "code", "money")
STORY = ("pretext", "institution")
PUSH = ("action", "contact", "link", "lever", "code")
CAPS = {
    "pretext": 2.0,
    "institution": 1.2,
    "action": 1.6,
    "contact": 1.4,
    "link": 1.4,
    "lever": 1.0,
    "code": 2.0,
    "money": 0.6,
    "benign": 1.6,
}
THRESHOLD = 2.0  # total weight a message needs
STORY_MIN = 0.7  # … with this much story
PUSH_MIN = 0.5  # … and this much push (a request to act, or levers of PUSH_LEVERS)
PUSH_LEVERS = 0.8
SPECIFIC = 2.0  # one phrase this heavy is enough
STRONG_STORY = 1.6  # a story phrase this heavy needs only the threshold
FULL_STORY = 3.0  # … and a story this full needs no request at all
SCORE_MIN, SCORE_MAX = 0.5, 0.95
SCORE_SLOPE = 0.2  # score per unit of weight above the threshold
STRONG_BONUS = 0.05  # and per specific phrase after the first
FORWARDED_FACTOR = 0.75
# The trained model (lexicons/fraud_model.tsv): its probability of a scam reports a message on its
# own from MODEL_ALONE (when the message speaks to the reader), and a message the rules report
# stays unreported below MODEL_VETO (the form of ordinary chat or of a genuine notice).
MODEL_ALONE = 0.95
MODEL_VETO = 0.02
# … and below MODEL_VETO_NOTICE when it has the form of a signed notice (【中国移动】…) that moves
# the reader nowhere: no QQ or WeChat id, personal number, app file or link off the brand's domain.
MODEL_VETO_NOTICE = 0.95
MODEL_NGRAMS = 4  # n-grams named in the explanation
_REACH = 16  # how far past a phrase one that starts inside it may reach


@dataclass(frozen=True, slots=True)
class Group:
    """A cue group of a lexicon file: kind, scam class (or "-"), weight and what it means."""

    name: str
    kind: str
    cls: str
    weight: float
    about: str
    extra: bool = False  # from a cue file of CHATSWEEP_FRAUD_CUES: the model does not overrule it


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue found: its group, weight and span in the original text (lexical or a shape)."""

    group: Group
    weight: float
    start: int
    end: int
    lexical: bool


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the detector makes of a message (also used by the benchmark)."""

    flagged: bool
    score: float
    cls: str
    cues: tuple[Cue, ...]
    forwarded: bool
    warning: bool
    total: float
    model: float = 0.0  # the trained model's probability that the message is a scam
    ngrams: tuple[str, ...] = ()  # the n-grams that pulled the model most towards a scam
    span: tuple[int, int] | None = None  # where the strongest n-gram lies, when no cue phrase does


# --- lexicons -----------------------------------------------------------------------------

_HEADER = re.compile(
    r"#[ ]*group:[ ]*([a-z_]+)[ ]*\|[ ]*([a-z]+)[ ]*\|[ ]*([a-z_-]+)[ ]*\|[ ]*([0-9.]+)[ ]*\|(.*)"
)
LEXICONS = ("fraud_cues_zh.txt", "fraud_cues_en.txt", "fraud_zh.txt", "fraud_en.txt")
ALL_KINDS = (*KINDS, "warning", "forward", "benign")


def parse_lexicon(text: str, source: str) -> list[tuple[_phrases.Term, Group]]:
    """Terms and their groups from one cue file (see the format in fraud_cues_zh.txt)."""
    out: list[tuple[_phrases.Term, Group]] = []
    group: Group | None = None
    for raw in text.splitlines():
        line = raw.strip()
        header = _HEADER.fullmatch(line)
        if header:
            name, kind, cls, weight, about = header.groups()
            if kind not in ALL_KINDS or (cls != "-" and cls not in CLASSES):
                raise ValueError(f"{source}: unknown kind {kind!r} or class {cls!r} in group {name!r}")
            group = Group(name, kind, cls, float(weight), about.strip())
            continue
        if not line or line.startswith("#"):
            continue
        if group is None:
            raise ValueError(f"{source}: term before the first '# group:' line")
        mark = "!" if line[:2] == "! " else ""
        body = line[2:].strip() if mark else line
        folded = "…".join(_fold(piece) for piece in body.split("…"))
        out.append((_phrases.Term(folded, "cue", group.name, mark, source), group))
    return out


def _extra_files() -> list[Path]:
    return [Path(p) for p in os.environ.get(ENV_CUES, "").split(os.pathsep) if p.strip()]


class FraudCuesError(ValueError):
    """A cue file named in ``CHATSWEEP_FRAUD_CUES`` cannot be read or is not in the cue format."""


def _extra_cues(path: Path) -> list[tuple[_phrases.Term, Group]]:
    try:
        pairs = parse_lexicon(path.read_text("utf-8"), str(path))
        return [(term, dataclasses.replace(group, extra=True)) for term, group in pairs]
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise FraudCuesError(
            f"cannot read the fraud cue file {path} named in {ENV_CUES} ({reason})"
        ) from None
    except ValueError as exc:
        raise FraudCuesError(f"fraud cue file named in {ENV_CUES}: {exc}") from None


@cache
def _lexicon() -> tuple[_phrases.Matcher, dict[_phrases.Term, Group]]:
    pairs: list[tuple[_phrases.Term, Group]] = []
    for name in LEXICONS:
        text = resources.files("recognizers").joinpath("lexicons", name).read_text("utf-8")
        pairs += parse_lexicon(text, name)
    for path in _extra_files():
        pairs += _extra_cues(path)
    groups: dict[_phrases.Term, Group] = {}
    for term, group in pairs:
        groups.setdefault(term, group)
    return _phrases.Matcher(tuple(groups)), groups


@cache
def _domains() -> dict[str, frozenset[str]]:
    """Sections of fraud_domains.txt: shorteners, brands, official."""
    text = resources.files("recognizers").joinpath("lexicons", "fraud_domains.txt").read_text("utf-8")
    out: dict[str, set[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        head = re.fullmatch(r"#[ ]*section:[ ]*([a-z]+)", line)
        if head:
            section = head.group(1)
            continue
        if line and not line.startswith("#"):
            out.setdefault(section, set()).add(line.lower())
    return {k: frozenset(v) for k, v in out.items()}


# --- normalisation ------------------------------------------------------------------------

_HOMOGLYPHS = str.maketrans(
    "аеорсхуікмтнвАЕОРСХУІКМТНВαοτνρεκΑΟΤΝΡΕΚ",
    "aeopcxyikmthbaeopcxyikmthbaotvpekaotnpek",
)
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_SEPARATORS = frozenset(" \t*·•.-_|/\\~～'\"`^+=・♥★☆◆●■#@")
_CN_DIGITS = {
    "零": "0", "〇": "0", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5",
    "六": "6", "七": "7", "八": "8", "九": "9", "壹": "1", "贰": "2", "叁": "3", "肆": "4",
    "伍": "5", "陆": "6", "柒": "7", "捌": "8", "玖": "9",
}  # fmt: skip
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Simplified variants the lexicons spell one way (帐户 from 帳戶 is written 账户 there).
_VARIANTS = str.maketrans({"帐": "账"})
_CN_NUMBER = re.compile(f"[{''.join(_CN_DIGITS)}]{{5,}}")
_SEPARATOR_CLASS = "[" + re.escape("".join(sorted(_SEPARATORS))) + "]"
_SPACED_HAN = re.compile(
    "[\u3400-\u9fff\uf900-\ufaff]" + _SEPARATOR_CLASS + "{1,3}[\u3400-\u9fff\uf900-\ufaff]"
    "|[" + "".join(sorted(_ZERO_WIDTH)) + "]"
)


@cache
def _opencc() -> Callable[[str], str] | None:
    try:
        import opencc
    except ImportError:  # pragma: no cover - a declared dependency; without it only simplified is read
        return None
    convert: Callable[[str], str] = opencc.OpenCC("t2s").convert
    return convert


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One character as it is matched: NFKC, lower case, Latin for look-alikes, simplified."""
    out = unicodedata.normalize("NFKC", ch).lower().translate(_HOMOGLYPHS)
    if _HAN.match(out):
        conv = _opencc()
        if conv is not None:
            simple = conv(out)
            if len(simple) == len(out):
                out = simple
    return out


def _fold(text: str) -> str:
    return "".join(_fold_char(c) for c in text)


def normalise(text: str) -> tuple[str, list[int]]:
    """The text as cues are matched, and for each of its characters the offset it came from."""
    if text.isascii():  # NFKC, look-alikes and Chinese change nothing here
        return text.lower(), list(range(len(text)))
    whole = unicodedata.normalize("NFKC", text).lower().translate(_HOMOGLYPHS)
    if len(whole) == len(text) and not _SPACED_HAN.search(whole):
        # The common case, character for character: fold the whole text at once.
        return _simplified(whole), list(range(len(text)))
    chars: list[str] = []
    where: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _ZERO_WIDTH:
            continue
        if ch in _SEPARATORS and chars and _HAN.match(chars[-1]):
            j = i + 1
            while j < n and j < i + 4 and text[j] in _SEPARATORS:
                j += 1
            if j < n and _HAN.match(_fold_char(text[j])):
                continue  # 安*全 / 加 微 信: a separator between Chinese characters
        for piece in _fold_char(ch):
            chars.append(piece)
            where.append(i)
    return _simplified("".join(chars)), where


def _simplified(out: str) -> str:
    """Simplified characters (phrase-level where lengths allow) and Chinese numerals as digits."""
    conv = _opencc()
    if conv is not None and _HAN.search(out):
        phrased = conv(out)  # phrase-level conversion (回覆 → 回复) where offsets survive
        out = phrased if len(phrased) == len(out) else "".join(_fold_char(c) for c in out)
    # Runs of five or more Chinese numerals are a number written to dodge filters.
    out = out.translate(_VARIANTS)
    return _CN_NUMBER.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group(0)), out)


# --- shapes -------------------------------------------------------------------------------

_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'，。！？、）】」]{1,300}"
    r"|(?<![a-z0-9@._-])(?:[a-z0-9-]{1,63}\.){1,4}"
    r"(?:com|cn|net|org|top|xyz|vip|cc|co|shop|info|club|site|online|me|tw|io|app|link|ltd|icu|cyou|buzz|work|live|fun)"
    r"(?![a-z0-9-])(?:/[^\s<>\"'，。！？、）】」]{0,200})?"
)
_IP_URL = re.compile(r"(?:https?://)?(?:\d{1,3}\.){3}\d{1,3}(?::\d{2,5})?/")
_APK = re.compile(r"\.apk(?![a-z0-9])|安装包")
_CONTACT_ID = re.compile(
    r"(?:qq|微信|vx|wx|v信|薇信|威信|扣扣|企鹅|telegram|whatsapp|飞机)(?:号|号码|id)?[:：\s]{0,3}[a-z0-9_-]{5,20}(?![a-z0-9])"
)
_PHONE_TO_CALL = re.compile(
    r"(?:洽|电话|来电|联系|热线|详询|咨询|拨打|致电|回电|加|tel|call|text)[^0-9\n，。,.]{0,6}"
    r"(?:\+?86[ -]?)?(?:1[3-9]\d[ -]?\d{4}[ -]?\d{4}|09\d{2}-?\d{3}-?\d{3}"
    r"|0\d{1,3}-\d{7,8}|400-?\d{3}-?\d{4})(?!\d)"
)
# A bank's or operator's own short service number (95555, 10086, 12306): the form of a genuine notice.
_SERVICE_NUMBER = re.compile(r"(?<![0-9])(?:95[0-9]{3}|100(?:86|10|00)|12306|12315|12345|12123)(?![0-9])")
_AMOUNT = re.compile(
    r"[$¥€£][ ]?[0-9]"
    r"|[0-9][0-9,.]{0,12}[ ]?(?:元|块|万|美元|美金|%|(?:usdt|usd|dollars?|bucks)(?![a-z]))"
)
_NEGATION = re.compile(
    r"(?:不要|别|切勿|请勿|勿|千万别|千万不要|绝不会|不会|从不|不得|禁止|拒绝|不用|不必|无需|不需要?|没有"
    r"|never|don'?t|do not|won'?t|will not)"
    r"[^，,。.!！?？；;\n]{0,6}\Z"
)
# A story alone counts only when it speaks to the reader (你, 您, 请, "you"): news that reports a
# money-laundering case or a lottery jackpot does not.
_ADDRESSED = re.compile(
    r"[你您妳]|(?<![申邀宴聘提])请|(?<![父母双乡相])亲(?![戚属人自])|(?<![a-z])(?:you|your|u|ur|please|pls)(?![a-z])"
    # or a message that starts by calling someone: "爸，" "小李，" "王经理，"
    r"|^[^，,。！？!?\s]{0,3}(?:哥|姐|妹|弟|爸|妈|叔|姨|舅|婶|爷|奶|总|经理|主任|会计|财务|老师|局长|书记"
    r"|董事长|兄弟|老板|领导|同学|宝贝)[，,：:]"
    r"|^[小老阿][\u4e00-\u9fff][，,：:]"
)
# … or asks the reader to get in touch (an advert's 联系我, 详询, 有意向回1), or greets them (张主任好，).
_ASKS_READER = re.compile(
    r"(?:联系|找|私|私聊|私信|加|call|text|contact|dm)(?:我|me)|详询|咨询|有意向?|需要的|有需要|回\d|回复"
    r"|^(?!你好|您好|大家好|早上好|晚上好)[^，,。！？!?\s]{1,4}好[，,！!]"
)
_FIRST_PERSON = re.compile(r"我|(?<![a-z])(?:i|i'm|im|my|me|we|our)(?![a-z])")
_CODE_ARRIVED = re.compile(r"(?:的)?(?:手机|邮箱|号|这|了|没|吗)")


# Who the sender claims to be to the reader (我是你们的老板, 是我，你哥, 我是你爸的同事), and a
# request for money or a new channel (借我, 转到这个账户, 垫付, 买几张卡, 存一下这个号): together the
# script of an impersonated boss, relative or acquaintance, whatever the exact words.
_CLAIM = re.compile(
    # 我是陈总, 我是刘书记: a title and a surname need no 你
    r"我是[\u4e00-\u9fff]{1,2}(?:总|局长?|处长?|书记|主任|董事长|董)(?![\u4e00-\u9fff]{0,2}的)"
    # 姐，是我 / 喂，老李，是我，老张: a greeting of kin or an old friend, then "it's me"
    r"|^[^，,。！？!?\s]{0,3}(?:哥|姐|妹|弟|爸|妈|叔|姨|舅|爷|奶|兄弟|老同学|同学)[，,\s]+(?:是我|我是)"
    r"|是我[，,\s]+[老小][\u4e00-\u9fff](?:[，,\s]|$)"
    r"|(?:我是|我就是|是我[，,\s]*|^我[，,\s]+)(?:你|您)(?:们)?(?:的)?[^，,。！？!?\s]{0,6}?"
    r"(?:老板|领导|经理|主管|总监|总裁|董事长|[总局处科所部厅院行]长|[总局处]|主任|书记|会计|财务|老师|班主任|校长|辅导员|同学|室友"
    r"|朋友|同事|房东|客户|叔|舅|姨|伯|哥|姐|弟|妹|爸|妈|儿子|女儿|侄子|侄女|孙子|孙女|表哥|表姐|表弟|表妹"
    r"|亲戚|老乡|战友|老公|老婆|助理|秘书|司机|下属|员工|学生)"
)
_ASKS_MONEY_OR_CHANNEL = re.compile(
    r"借(?:我|点|给我|一?笔|几|[0-9一二两三四五六七八九十百千万]+)|(?:转|汇|打)(?:一?笔|点)?(?:钱|款|账|给|到|过)"
    r"|垫付|垫一下|先交|交(?:一?下|费|钱)|缴(?:费|纳)|急需|急用|用钱|手头紧|周转|买[0-9一二两三四五六七八九十几]+张"
    r"|卡号和密码|存一下|存着|存上|新(?:的)?(?:微信|号|qq)|加我|私人(?:微信|号)|发到这个|拿(?:一?笔|点)?(?:钱|现金)"
    r"|转[0-9一二两三四五六七八九十百千万]|(?:需要|要|急需)钱|钱不够|急事|紧急|出事|出了事|麻烦|困难|住院|手术|车祸"
    r"|帮(?:我|个)?忙|捐款|项目"
)


# A demand that the reader pay or deposit something first (需要你先支付, 要交500保证金, 存入贷款金额的
# 10%): in a loan, refund or account story this is the request itself, whatever the fee is called.
_PAY_FIRST = re.compile(
    r"(?<![不无免需])(?:需要|需|要|请|得|必须)(?:你|您)?(?:先|再|重新|往账户里)?(?:支付|缴纳|交纳|交|缴|存入|充值|转入|购买|开通)"
    r"(?:一?[笔下个份])?(?:[0-9一二两三四五六七八九十百千万]+元?)?[^，,。！？!?\s]{0,8}"
    r"(?:费|金|税|利息|保险|会员|押金|差价|余额|%|流水|理财)"
    r"|(?<![不无免])(?:需要|需|要|请)(?:你|您)?(?:再次|重新)(?:支付|付款)"
)

# The same in English: "Hi Mum, new number", "this is your CFO", "it's your brother" with a request for
# money, cards or a new channel.
_CLAIM_EN = re.compile(
    r"(?:^|[.!?,]\s*)(?:hi|hey|hello)?[ ,]*(?:mum|mom|mummy|mommy|dad|daddy|grandma|grandpa|nan|granny)\b"
    r"|\b(?:this is|it'?s|i'?m|i am)\s+(?:your|ur)\s+(?:boss|manager|ceo|cfo|director|landlord|son|daughter"
    r"|brother|sister|nephew|niece|grandson|granddaughter|mum|mom|dad|friend|colleague|teacher|accountant)\b"
)
_ASKS_MONEY_OR_CHANNEL_EN = re.compile(
    r"\b(?:new number|lost my phone|broke my phone|phone (?:broke|died|is dead)|temp(?:orary)? number"
    r"|(?:send|transfer|wire|lend|pay|paypal|venmo)\b[^.!?]{0,30}(?:money|funds|\$|£|€|rent|bill|it|me)"
    r"|gift ?cards?|bail|new (?:account|bank)|changed banks)"
)
# A demand to pay a fee or fine now, or to hand over card details or a login.
_PAY_FIRST_EN = re.compile(
    r"\b(?:pay|send|buy)\b[^.!?]{0,25}\b(?:fee|fine|deposit|tax|insurance|toll|now|today|immediately)\b"
    r"|\b(?:send|give|reply with|confirm|tell)\b[^.!?]{0,15}"
    r"\b(?:card number|cvv|bank (?:details|login)|pin|password|login)\b"
)


def _shape_group(name: str, kind: str, weight: float, about: str) -> Group:
    return Group(name, kind, "-", weight, about)


_LINK = _shape_group("url", "link", 0.5, "a link")
_SHORT = _shape_group("short_link", "link", 0.7, "a short link")
_IP = _shape_group("ip_link", "link", 1.0, "a link to a bare IP address")
_PUNY = _shape_group("punycode", "link", 1.2, "a punycode domain")
_LOOKALIKE = _shape_group("lookalike", "link", 1.2, "a look-alike domain of a brand")
_APK_G = _shape_group("apk", "action", 1.0, "an app to install from outside a store")
_ID = _shape_group("contact_id", "contact", 0.8, "a QQ, WeChat or messenger id")
_PHONE = _shape_group("phone_to_call", "contact", 0.6, "a personal phone number to call")
_MONEY = _shape_group("amount", "money", 0.3, "an amount of money")
_SERVICE = _shape_group("service_number", "benign", 0.5, "a bank's or operator's own service number")
_PAY_FIRST_G = _shape_group("pay_first", "action", 0.5, "a demand to pay a fee or deposit first")
_SERVICE_ASK_G = Group("service_ask", "action", "service", 0.5, "customer service asking the reader to act")
_IMPERSONATION = Group(
    "claimed_identity",
    "pretext",
    "boss",
    2.0,
    "a sender who claims to be the reader's boss or kin and asks for money",
)
_OFFICIAL = _shape_group("official_link", "benign", 0.6, "a link to the brand's own domain")


def _host(url: str) -> str:
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url).split("/", 1)[0].split(":", 1)[0]
    return host.strip(".")


def _link_cue(url: str) -> Group:
    host = _host(url)
    d = _domains()
    if "xn--" in host:
        return _PUNY
    if host in d.get("shorteners", frozenset()) or any(
        host.endswith("." + s) for s in d.get("shorteners", ())
    ):
        return _SHORT
    labels = host.split(".")
    registrable = ".".join(labels[-2:]) if len(labels) >= 2 else host
    official = d.get("official", frozenset())
    if registrable in official or host in official or (len(labels) > 2 and ".".join(labels[-3:]) in official):
        return _OFFICIAL
    tokens = set(re.split(r"[.\-]", host))
    squashed = host.replace("0", "o").replace("1", "l")
    if any(b in tokens or (len(b) >= 5 and b in squashed) for b in d.get("brands", ())):
        return _LOOKALIKE
    return _LINK


def _shapes(norm: str) -> Iterable[tuple[Group, int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _IP_URL.finditer(norm):
        spans.append(m.span())
        yield _IP, m.start(), m.end()
    for m in _URL.finditer(norm):
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue
        spans.append(m.span())
        yield _link_cue(m.group(0)), m.start(), m.end()
    for m in _APK.finditer(norm):
        yield _APK_G, m.start(), m.end()
    for m in _CONTACT_ID.finditer(norm):
        if not any(a <= m.start() < b for a, b in spans):  # wx-safe.example.top is a link
            yield _ID, m.start(), m.end()
    for m in _PHONE_TO_CALL.finditer(norm):
        yield _PHONE, m.start(), m.end()
    for m in _SERVICE_NUMBER.finditer(norm):
        yield _SERVICE, m.start(), m.end()
    for m in itertools.chain(_PAY_FIRST.finditer(norm), _PAY_FIRST_EN.finditer(norm)):
        if _NEGATION.search(norm, max(0, m.start() - 12), m.start()) is None:
            yield _PAY_FIRST_G, m.start(), m.end()
    for m in _AMOUNT.finditer(norm):
        if not any(a <= m.start() < b for a, b in spans):
            yield _MONEY, m.start(), m.end()


# --- the trained model --------------------------------------------------------------------

MODEL_FILE = "fraud_model.txt"
_DIGITS = re.compile(r"[0-9]+")
_LATIN_WORD = re.compile(r"[a-z][a-z']*")
_NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff0]+")


def model_features(norm: str, shapes: Iterable[tuple[Group, int, int]]) -> set[str]:
    """What the trained model reads of a normalised message: the kinds of shape found (a link, a
    short link, a QQ id, an amount), Chinese characters and their pairs and triples (numbers as
    ``0``, links left out), and English words and word pairs."""
    shapes = list(shapes)
    out = {"§" + g.name for g, _a, _b in shapes}
    text = norm
    for _g, a, b in sorted(((g, a, b) for g, a, b in shapes if g.kind == "link"), key=lambda t: -t[1]):
        text = text[:a] + " " + text[b:]
    text = _DIGITS.sub("0", text)
    if norm.startswith(("【", "[")) or norm.rstrip().endswith(("】", "]")):
        out.add("§signed")
    for run in _NOT_HAN.split(text):
        if run:
            out.update(run)
            out.update([run[i : i + 2] for i in range(len(run) - 1)])
            out.update([run[i : i + 3] for i in range(len(run) - 2)])
    words = _LATIN_WORD.findall(text)
    out.update(words)
    out.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return out


@dataclass(frozen=True, slots=True)
class Model:
    """A logistic regression over ``model_features``: per class a bias and feature weights."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[tuple[int, float], ...]]

    def scores(self, features: set[str]) -> list[float]:
        """Class probabilities (softmax of the summed weights)."""
        z = list(self.bias)
        weights = self.weights
        for f in features.intersection(weights):
            for k, w in weights[f]:
                z[k] += w
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return [e / total for e in exp]

    def pull(self, features: set[str], cls: str) -> dict[str, float]:
        """Each feature's pull towards ``cls`` and away from benign."""
        k_cls, k_benign = self.classes.index(cls), self.classes.index("benign")
        out: dict[str, float] = {}
        for f in features.intersection(self.weights):
            ws = dict(self.weights[f])
            out[f] = ws.get(k_cls, 0.0) - ws.get(k_benign, 0.0)
        return out


def parse_model(text: str) -> Model:
    """The model file: "classes", "bias" lines, then "feature <TAB> k:w k:w …" (k a class index)."""
    classes: tuple[str, ...] = ()
    bias: tuple[float, ...] = ()
    weights: dict[str, tuple[tuple[int, float], ...]] = {}
    for raw in text.splitlines():
        if not raw or raw.startswith("#"):
            continue
        key, _, rest = raw.partition("\t")
        if key == "classes":
            classes = tuple(rest.split())
        elif key == "bias":
            bias = tuple(float(v) for v in rest.split())
        else:
            weights[key] = tuple((int(k), float(w)) for k, w in (cell.split(":") for cell in rest.split()))
    if not classes or len(bias) != len(classes) or "benign" not in classes:
        raise ValueError(f"{MODEL_FILE}: no classes, or a bias per class, or no benign class")
    return Model(classes, bias, weights)


@cache
def _model() -> Model | None:
    try:
        text = resources.files("recognizers").joinpath("lexicons", MODEL_FILE).read_text("utf-8")
    except FileNotFoundError:
        return None
    return parse_model(text)


# --- the detector -------------------------------------------------------------------------

_NOTHING = Assessment(False, 0.0, "other", (), False, False, 0.0)


def assess(text: str) -> Assessment:
    """Score one message: the cues found, the scam class and whether it is reported."""
    norm, where = normalise(text)
    matcher, groups = _lexicon()
    hits = _hits(matcher, norm)
    model = _model()
    if not any(groups[h.term].kind not in ("warning", "forward", "benign") for h in hits) and (
        model is None or not (_CLAIM.search(norm) or _PAY_FIRST.search(norm) or _CLAIM_EN.search(norm))
    ):
        # A report needs a cue phrase, or (for the model) a claimed identity or a demand to pay
        # first: most messages stop here, and the detector stays fast.
        return _NOTHING
    cues: list[Cue] = []
    warning = forwarded = False
    shapes = list(_shapes(norm))
    links = [(a, b) for g, a, b in shapes if g.kind == "link"]
    for hit in hits:
        group = groups[hit.term]
        if group.kind == "warning":
            if not _negated(norm, hit.start, group):
                warning = True
            continue
        if group.kind == "forward":
            forwarded = True
            continue
        if any(a <= hit.start < b for a, b in links) or _negated(norm, hit.start, group):
            continue  # a word inside a URL says nothing; "不要点击链接" is advice
        if group.kind == "code" and _phrases.has_han(hit.term.text) and _CODE_ARRIVED.match(norm, hit.end):
            continue
        weight = group.weight * (2 if hit.term.mark == "!" else 1)
        cues.append(Cue(group, weight, where[hit.start], where[hit.end - 1] + 1, True))
    for group, a, b in shapes:
        cues.append(Cue(group, group.weight, where[a], where[b - 1] + 1, False))
    if _SERVICE_CLAIM.search(norm):
        for m in _SERVICE_ASK.finditer(norm):
            if _NEGATION.search(norm, max(0, m.start() - 12), m.start()) is None:
                cues.append(
                    Cue(_SERVICE_ASK_G, _SERVICE_ASK_G.weight, where[m.start()], where[m.end() - 1] + 1, True)
                )
                break
    claim = _CLAIM.search(norm)
    if claim is None or not _ASKS_MONEY_OR_CHANNEL.search(norm):
        claim = _CLAIM_EN.search(norm) if _ASKS_MONEY_OR_CHANNEL_EN.search(norm) else None
    if claim and not _negated(norm, claim.start(), _IMPERSONATION):
        cues.append(
            Cue(_IMPERSONATION, _IMPERSONATION.weight, where[claim.start()], where[claim.end() - 1] + 1, True)
        )
    # English scam texts speak in the imperative ("buy 3 Steam cards"): the test is for Chinese.
    addressed = _ADDRESSED.search(norm) is not None or not _HAN.search(norm)
    # A story told of oneself ("我是…", "我在开会") rather than of someone else ("王总在开会").
    first_person = _FIRST_PERSON.search(norm) is not None
    result = _decide(tuple(cues), warning, forwarded, addressed, first_person)
    # The model reports alone only a message that speaks to the reader or asks something of them
    # (联系我, a number to call, a link): not news that tells of a loan or a police case.
    reader = (
        addressed
        or _ASKS_READER.search(norm) is not None
        or any(c.group.kind in PUSH and c.group.kind != "lever" for c in cues)
    )
    if model is None or not (result.flagged or reader):
        return result
    return _with_model(result, model, (norm, where), shapes, reader, forwarded)


_SIGNED = re.compile(r"^\s*[【\[][^】\]\n]{2,12}[】\]]|[【\[][^】\]\n]{2,12}[】\]]\s*$")
_MOVES = ("contact", "link")


def _plain_notice(norm: str, cues: tuple[Cue, ...]) -> bool:
    """A signed notice that moves the reader nowhere (its links, if any, the brand's own)."""
    if not _SIGNED.search(norm):
        return False
    return not any(
        (not c.lexical and (c.group.kind in _MOVES or c.group is _APK_G) and c.group is not _OFFICIAL)
        for c in cues
    )


# A sender who says they are customer service (我是淘宝客服, 这边是快递理赔专员) and asks the reader
# to do something about it (配合, 操作, 关闭, 注销, 解冻, 提供, 扫码): the fake-service script.
_SERVICE_CLAIM = re.compile(
    r"(?:我是|我们是|这里是|这边是|这是)[^，,。！？!?\s]{0,8}?(?:客服|售后|专员|工作人员|理赔员|快递员)"
)
_SERVICE_ASK = re.compile(
    r"配合|操作|关闭|注销|取消|解冻|解封|解除|开通|提供|下载|申请|扫(?:一下|码|描)"
    r"|加(?:一下|下|个)?(?:我|客服|售后|微信|v|qq|好友)|备用金|借呗|白条|花呗|收款码|二维码|验证|认证"
    r"|重新支付|再次支付|补交|缴纳|请问|方便|给(?:您|你)[^，,。]{0,4}(?:退款|退费|赔偿|补偿|理赔|赔付)"
    r"|\b(?:call|contact|click|verify|confirm|update|install|download|reply)\b"
)


# Anything a boss's or relative's message may ask or need (a broader net than _ASKS_MONEY_OR_CHANNEL,
# for the model's reports only): money, a card, a number, a task, a favour, a meeting.
_ASKS_ANYTHING = re.compile(
    r"发(?:给)?我|款|钱|费|赔|卡|转|借|帮|办|处理|操作|急|号|微信|qq|联系|来我|找我|困难|麻烦|出事|住院|手头"
    r"|\b(?:send|card|cards|pay|money|number|call|help|favour|favor|transfer|wire)\b"
)


def _asks(cls: str, norm: str, cues: tuple[Cue, ...]) -> bool:
    """Whether a message the model takes for a scam of ``cls`` asks the reader for something: a
    request among the cues, or (a boss or relative) anything they may need, or (customer
    service) something to do."""
    if any(c.group.kind in PUSH and c.group.kind != "lever" for c in cues):
        return True
    if cls == "boss":
        return _ASKS_ANYTHING.search(norm) is not None
    if cls == "service":
        return _SERVICE_ASK.search(norm) is not None or _ASKS_READER.search(norm) is not None
    return True


def _with_model(
    result: Assessment,
    model: Model,
    text: tuple[str, list[int]],
    shapes: list[tuple[Group, int, int]],
    reader: bool,
    forwarded: bool,
) -> Assessment:
    """The rules' verdict weighed with the model's: either may report, a very low model score vetoes."""
    norm, where = text
    features = model_features(norm, shapes)
    probs = model.scores(features)
    p_scam = 1.0 - probs[model.classes.index("benign")]
    # The model does not overrule the user's own cues, nor one very specific phrase (安全账户).
    # Nor English: it learnt from far fewer English texts.
    own = not _HAN.search(norm) or any(
        c.group.extra or (c.lexical and c.weight >= SPECIFIC) for c in result.cues
    )
    veto = MODEL_VETO_NOTICE if _plain_notice(norm, result.cues) else MODEL_VETO
    flagged = (result.flagged and (p_scam >= veto or own)) or (
        p_scam >= MODEL_ALONE and reader and (forwarded or not result.warning)
    )
    cls, score, span = result.cls, result.score, None
    ngrams: tuple[str, ...] = ()
    scam = max((p, c) for c, p in zip(model.classes, probs, strict=True) if c != "benign")[1]
    if flagged and not result.flagged and not _asks(scam, norm, result.cues):
        # "我是你们新来的同事，请多关照", "您的退款已经处理好了": a newcomer or genuine customer
        # service who asks for nothing
        flagged = False
    if flagged:
        if not result.flagged and not any(c.group.cls != "-" for c in result.cues):
            cls = scam  # reported by the model alone, no cue voted: its likeliest scam class
        pull = model.pull(features, scam)
        ngrams = tuple(
            f
            for f, w in sorted(pull.items(), key=lambda kv: (-kv[1], kv[0]))
            if w > 0 and f[0] != "§" and (len(f) >= 2 or f.isascii()) and f in norm and not _DIGITS.search(f)
        )[:MODEL_NGRAMS]
    if flagged and not result.flagged:
        score = SCORE_MIN + (SCORE_MAX - SCORE_MIN) * (p_scam - MODEL_ALONE) / (1.0 - MODEL_ALONE)
        if ngrams:
            at = norm.find(ngrams[0])
            span = (where[at], where[at + len(ngrams[0]) - 1] + 1)
        else:
            span = (0, where[-1] + 1) if where else (0, 0)
        if forwarded:
            score *= FORWARDED_FACTOR
    return Assessment(
        flagged,
        round(min(SCORE_MAX, max(SCORE_MIN * FORWARDED_FACTOR, score)), 3),
        cls,
        result.cues,
        forwarded and flagged,
        result.warning,
        result.total,
        round(p_scam, 4),
        ngrams,
        span,
    )


def _hits(matcher: _phrases.Matcher, norm: str) -> list[_phrases.Hit]:
    """Every hit, overlapping ones too: a phrase hides none that starts inside it (先帮我 / 帮我转)."""
    found: dict[tuple[int, str], _phrases.Hit] = {}
    todo = list(matcher.hits(norm))
    while todo:
        hit = todo.pop()
        key = (hit.start, hit.term.text)
        if key in found:
            continue
        found[key] = hit
        at = hit.start + 1
        inner = norm[at : hit.end + _REACH]
        todo += [
            _phrases.Hit(h.term, h.start + at, h.end + at)
            for h in matcher.hits(inner)
            if h.start + at < hit.end and (h.start + at, h.term.text) not in found
        ]
    return sorted(found.values(), key=lambda h: (h.start, h.end))


def _negated(norm: str, start: int, group: Group) -> bool:
    if group.kind in ("pretext", "institution", "forward", "money"):
        return False
    return _NEGATION.search(norm, max(0, start - 12), start) is not None


def _decide(
    cues: tuple[Cue, ...], warning: bool, forwarded: bool, addressed: bool, first_person: bool
) -> Assessment:
    per_kind: dict[str, float] = {}
    seen: set[tuple[str, int]] = set()
    for cue in cues:
        if (cue.group.name, cue.start) in seen:
            continue
        seen.add((cue.group.name, cue.start))
        per_kind[cue.group.kind] = per_kind.get(cue.group.kind, 0.0) + cue.weight
    capped = {k: min(CAPS.get(k, 1.0), v) for k, v in per_kind.items()}
    story = sum(capped.get(k, 0.0) for k in STORY)
    push = sum(capped.get(k, 0.0) for k in PUSH)
    total = sum(v for k, v in capped.items() if k != "benign") - capped.get("benign", 0.0)
    heaviest = max((c.weight for c in cues if c.lexical and c.group.kind != "benign"), default=0.0)
    strong_story = max(
        (c.weight for c in cues if c.lexical and c.group.kind in ("pretext", "code")), default=0.0
    )
    strong_pretexts = len(
        {c.start for c in cues if c.lexical and c.group.kind == "pretext" and c.weight >= STRONG_STORY}
    )
    votes: dict[str, float] = {}
    for cue in cues:
        if cue.group.cls != "-":
            votes[cue.group.cls] = votes.get(cue.group.cls, 0.0) + cue.weight
    cls = max(votes, key=lambda c: (votes[c], -list(CLASSES).index(c))) if votes else "other"
    bad_link = any(c.group in (_LOOKALIKE, _PUNY, _IP, _APK_G) for c in cues)
    asks = any(c.lexical and c.group.kind in PUSH for c in cues)
    # A push of levers alone (a threat, urgency) is weaker than a request to act.
    acts = any(c.group.kind in PUSH and c.group.kind != "lever" for c in cues)
    flagged = any(c.lexical and c.group.kind != "benign" for c in cues) and (
        (bad_link and asks and total >= THRESHOLD)
        or (story >= STORY_MIN and push >= PUSH_MIN and total >= THRESHOLD and (acts or push >= PUSH_LEVERS))
        or (heaviest >= SPECIFIC and total >= SPECIFIC - 0.5)
        or (
            strong_story >= STRONG_STORY
            and total >= THRESHOLD
            and (addressed or cls == "task")
            and (
                push > 0
                or capped.get("money", 0.0) > 0
                or (strong_pretexts >= 2 and (first_person or cls != "boss"))
                or story >= FULL_STORY
            )
        )
    )
    strong = len({c.start for c in cues if c.lexical and c.weight >= STRONG_STORY})
    score = SCORE_MIN + SCORE_SLOPE * (total - THRESHOLD) + STRONG_BONUS * max(0, strong - 1)
    score = min(SCORE_MAX, max(SCORE_MIN, score))
    if forwarded:
        score *= FORWARDED_FACTOR
    elif warning:
        flagged = False
    return Assessment(flagged, round(score, 3), cls, cues, forwarded and flagged, warning, round(total, 3))


def explain(result: Assessment) -> str:
    """The scam class and the kinds of cue that fired, never the message's words."""
    zh, en = CLASSES[result.cls]
    abouts: list[str] = []
    for cue in sorted(result.cues, key=lambda c: -c.weight):
        if cue.group.kind != "benign" and cue.group.about not in abouts:
            abouts.append(cue.group.about)
    told = "; ".join(abouts[:6]) or "none of the listed phrases, the wording as a whole"
    why = f"fraud indicator: {zh} ({en}); cues: {told}"
    if result.model >= MODEL_ALONE or (result.flagged and not abouts):
        # The n-grams behind it stay in Assessment.ngrams: they are the message's words.
        why += f"; trained model: {result.model:.2f} likely a scam"
    if result.forwarded:
        why += "; forwarded: the message passes on a scam someone else sent"
    return why


def _span(result: Assessment) -> tuple[int, int]:
    lexical = [c for c in result.cues if c.lexical and c.group.kind != "benign"]
    if not lexical:
        return result.span or (0, 0)
    best = max(lexical, key=lambda c: (c.weight, c.group.kind in STORY, -c.start, c.end - c.start))
    return best.start, best.end


class FraudIndicatorRecognizer(FamilyRecognizer):
    """FRAUD_INDICATOR: one finding per message whose scam-script cues add up (EN and ZH)."""

    ENTITIES = ENTITIES
    RULES = ()
    CONTEXT = context(
        en=("transfer", "urgent", "verify", "refund"),
        zh=("转账", "验证码", "安全账户", "刷单"),
    )
    CONTEXT_BOOST = 0.0

    def load(self) -> None:
        """Reads the cue lists now, so a broken extra cue file is an error before any message
        (``FraudCuesError``), not a failure on each."""
        _lexicon()

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and "FRAUD_INDICATOR" not in entities:
            return []
        if len(text) > MAX_MESSAGE_CHARS:
            return []  # a pasted document or log, not a message someone was sent to be fooled by
        result = assess(text)
        if not result.flagged:
            return []
        start, end = _span(result)
        verdict = Verdict(result.score, explain(result), final=True)
        return [self._result("FRAUD_INDICATOR", start, end, _RULE, verdict)]


_RULE = Rule("fraud_indicator", re.compile(""), SCORE_MIN)
# The longest text read for scam scripts. Scams are messages (the dev data's longest is under
# 200 characters; a forwarded thread stays far below this); folding a pasted 100,000-character
# log for cues would cost more than every other recognizer together.
MAX_MESSAGE_CHARS = 20_000


def recognizers(language: str) -> list[EntityRecognizer]:
    """The fraud recognizer for ``language``."""
    return [FraudIndicatorRecognizer(language)]
