"""Health and other special-category data about a person: HEALTH_INFO and SPECIAL_CATEGORY.

GDPR Art. 9 and PIPL Art. 28 protect data that reveals a person's health, religion,
ethnicity, sexual orientation, political opinion, trade-union membership, biometrics or genetics.
A word from these areas is not such data by itself: "the diabetes conference", "mental health
day" and "指纹识别模块" are general talk. So a term from the lexicons (``lexicons/health_en.txt``,
``health_zh.txt``, ``special_en.txt``, ``special_zh.txt``) is reported only when the sentence
says it of a person:

- a person reference (I, my, she, his, patient, my wife, a name; 我, 他, 她, 患者, 同事 …),
  then only verb-phrase words up to the term, at least one of them a verb of having or being
  (has, diagnosed with, takes, is; 患有, 确诊, 得了, 在吃, 是): "she was diagnosed with …",
  "他确诊了 …"; or
- a possessive right before it (my, his, her; 他的, 我的): "my depression", "她的指纹".

A term followed by a word of general talk (conference, awareness, research, scanner; 大会, 研究,
识别, 模块 …) is not reported. A term alone is never reported: precision first, as a DPO reads
every HEALTH_INFO finding. The span is the term; the explanation names the category and the
kind of evidence, never the term or the person.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context

ENTITIES: tuple[str, ...] = ("HEALTH_INFO", "SPECIAL_CATEGORY")

SCORE_VERB = 0.8  # person reference + verb of having/being + term
SCORE_POSSESSIVE = 0.75  # "my …", "他的 …"

_LEXICONS = (
    ("health_en.txt", "HEALTH_INFO"),
    ("health_zh.txt", "HEALTH_INFO"),
    ("special_en.txt", "SPECIAL_CATEGORY"),
    ("special_zh.txt", "SPECIAL_CATEGORY"),
)

_CATEGORY_NAMES = {
    "diagnosis": "a diagnosis or medical condition",
    "mental_health": "a mental-health condition",
    "medication": "a medication or treatment",
    "pregnancy": "pregnancy",
    "disability": "a disability",
    "treatment": "a medical treatment",
    "religion": "religion or belief",
    "ethnicity": "ethnic origin",
    "sexual_orientation": "sexual orientation or gender identity",
    "political_opinion": "political opinion or party membership",
    "trade_union": "trade-union membership",
    "biometric": "biometric data",
    "genetic": "genetic data",
}


@dataclass(frozen=True, slots=True)
class _Term:
    entity: str
    category: str


@dataclass(frozen=True, slots=True)
class _Lexicon:
    folded: dict[str, _Term]  # lower-case terms, matched in any case
    exact: dict[str, _Term]  # terms with capitals (HIV, BRCA1), matched as written
    max_words: int
    han: dict[str, _Term]  # Chinese terms (may start with Latin letters: DNA检测)
    han_first: frozenset[str]
    han_max: int
    first_words: frozenset[str]  # lower-cased first words of the Latin terms (a cheap pre-check)


@cache
def _lexicon() -> _Lexicon:
    folded: dict[str, _Term] = {}
    exact: dict[str, _Term] = {}
    han: dict[str, _Term] = {}
    for name, entity in _LEXICONS:
        text = resources.files("recognizers").joinpath("lexicons", name).read_text("utf-8")
        category = ""
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("# category:"):
                category = line.split(":", 1)[1].strip()
                continue
            if not line or line.startswith("#"):
                continue
            if not category:  # a malformed lexicon is a bug in the package
                raise ValueError(f"{name}: term before the first '# category:' line")
            term = _Term(entity, category)
            if _HAN.search(line):
                han.setdefault(line, term)
            elif line != line.lower():
                exact.setdefault(" ".join(_words(line)), term)
            else:
                folded.setdefault(" ".join(_words(line)), term)
    max_words = max(len(k.split(" ")) for k in (*folded, *exact))
    first = frozenset(k.split(" ")[0].lower() for k in (*folded, *exact))
    return _Lexicon(
        folded, exact, max_words, han, frozenset(k[0] for k in han), max(len(k) for k in han), first
    )


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]{2}")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")


def _words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _WORD.findall(text)]


# --- English evidence -------------------------------------------------------------------

_EN_POSSESSIVE = frozenset({"my", "his", "her", "their", "your", "our"})
_EN_PERSON = frozenset(
    {
        "i", "i'm", "i've", "i'd", "im", "ive", "me", "he", "he's", "hes", "she", "she's", "shes", "him",
        "you", "you're", "youre", "patient", "employee", "colleague", "coworker", "co-worker", "client",
        "customer", "staff", "boss", "manager", "friend", "wife", "husband", "son", "daughter", "mother",
        "mom", "mum", "father", "dad", "brother", "sister", "kid", "child", "baby", "grandma", "grandpa",
        "grandmother", "grandfather", "aunt", "uncle", "cousin", "neighbour", "neighbor", "girlfriend",
        "boyfriend", "partner", "teammate", "intern", "candidate", "applicant", "tenant", "student",
    }
)  # fmt: skip
# Verbs of having, being, receiving treatment or membership; at least one must stand between
# the person and the term (unless a possessive does).
_EN_VERBS = frozenset(
    {
        "is", "was", "'s", "s", "'m", "m", "am", "are", "were", "be", "been", "being", "has", "have",
        "had", "'ve", "ve", "got", "gets", "getting", "diagnosed", "suffers", "suffering", "suffered",
        "takes", "taking", "took", "on", "started", "starting", "prescribed", "tested", "living", "lives",
        "battling", "fighting", "recovering", "treated", "having", "undergoing", "identifies", "joined",
        "voted", "votes", "developed", "caught", "contracted", "needs", "need", "uses", "using", "went",
        "came", "converted", "practising", "practicing", "registered", "enrolled", "gave", "provided",
        "submitted", "scanned", "shared", "sent", "uploaded", "did", "carries", "carrier",
    }
)  # fmt: skip
# Words that may stand between the person, the verb and the term ("was recently diagnosed with
# severe", "is a devout", "has had type 2").
_EN_FILLER = frozenset(
    {
        "with", "from", "for", "a", "an", "positive", "type", "chronic", "severe", "mild", "acute",
        "early", "late", "stage", "1", "2", "3", "4", "really", "very", "also", "just", "still", "now",
        "recently", "currently", "openly", "devout", "member", "of", "as", "through", "out", "due",
        "pretty", "quite", "been", "some", "bad", "terrible", "actually", "apparently", "officially",
        "finally", "already", "again", "treatment", "not", "n't",
        "never", "lifelong", "long-term", "strict", "strong", "proud", "card-carrying", "fully",
        "medically", "clinically", "newly", "back", "in", "into",
    }
)  # fmt: skip
# A term followed by one of these is the topic of a sentence, not a fact about a person.
_EN_GENERAL = frozenset(
    {
        "conference", "day", "week", "month", "awareness", "research", "study", "studies", "event",
        "talk", "seminar", "webinar", "foundation", "association", "society", "campaign", "fund",
        "charity", "program", "programme", "policy", "policies", "article", "podcast", "course",
        "training", "department", "ward", "unit", "centre", "center", "trial", "trials", "app",
        "sensor", "reader", "scanner", "login", "unlock", "lock", "module", "feature", "api", "sdk",
        "support", "drive", "walk", "run", "guidelines", "guide", "statistics", "rates", "rate",
        "cases", "outbreak", "vaccine", "vaccines", "clinic", "specialist", "specialists", "experts",
        "rights", "parade", "pride", "community", "group", "groups", "leader", "leaders", "meeting",
        "representatives", "negotiations", "law", "laws", "bill", "data",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    term: _Term
    reason: str
    score: float


@cache
def _any_term() -> re.Pattern[str]:
    lex = _lexicon()

    def latin(term: str) -> str:
        out = re.escape(term).replace(r"\ ", "[ \\-]")
        return out.replace("'", "['’]")

    terms = sorted({*lex.folded, *lex.exact, *lex.han}, key=len, reverse=True)
    return re.compile("|".join(latin(t) for t in terms), re.IGNORECASE)


def _en_hits(text: str, lex: _Lexicon) -> Iterator[_Hit]:
    tokens = [(m.group(0).replace("’", "'"), m.start(), m.end()) for m in _WORD.finditer(text)]
    i = 0
    while i < len(tokens):
        found = None
        if tokens[i][0].lower() not in lex.first_words:
            i += 1
            continue
        for n in range(min(lex.max_words, len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            if not _contiguous(text, span):
                continue
            key = " ".join(t for t, _, _ in span)
            term = lex.exact.get(key) or lex.folded.get(key.lower())
            if term is not None:
                found = (n, term)
                break
        if found is None:
            i += 1
            continue
        n, term = found
        start, end = tokens[i][1], tokens[i + n - 1][2]
        after = (
            tokens[i + n][0].lower()
            if i + n < len(tokens) and _same_clause(text, end, tokens[i + n][1])
            else ""
        )
        if after not in _EN_GENERAL:
            first = tokens[i][0].lower()
            evidence = _en_evidence(text, tokens, i, first if first in _EN_VERBS else None)
            if evidence is not None:
                reason, score = evidence
                yield _Hit(start, end, term, reason, score)
        i += n


def _contiguous(text: str, span: list[tuple[str, int, int]]) -> bool:
    return all(text[a[2] : b[1]] in (" ", "-") for a, b in itertools.pairwise(span))


def _same_clause(text: str, a: int, b: int) -> bool:
    return not re.search(r"[.!?;:\n。！？；，,]", text[a:b])


def _en_evidence(
    text: str, tokens: list[tuple[str, int, int]], i: int, verb: str | None
) -> tuple[str, float] | None:
    """Why the term at token ``i`` is about a person, or None: walk back over verb-phrase words.

    ``verb`` is the term's own first word when that is a verb ("voted for …", "came out").
    """
    for k in range(i - 1, max(-1, i - 9), -1):
        word, _, end = tokens[k]
        if not _same_clause(text, end, tokens[k + 1][1]):
            return None
        lower = word.lower()
        head, _, tail = lower.partition("'")
        if lower in _EN_POSSESSIVE:
            if verb is None:
                return "a possessive (my, his, her …) right before it", SCORE_POSSESSIVE
            return f"a person reference and the verb '{verb}' before it", SCORE_VERB
        if lower in _EN_PERSON or head in _EN_PERSON or _is_name(word):
            if verb is None and tail and "'" + tail in _EN_VERBS:
                verb = "'" + tail  # she's, I'm, he's
            if verb is None:
                return None
            return f"a person reference and the verb '{verb}' before it", SCORE_VERB
        if lower in _EN_VERBS:
            verb = verb or lower
        elif lower not in _EN_FILLER:
            return None
    return None


@cache
def _name_stopwords() -> frozenset[str]:
    return frozenset(w.lower() for w in validators.lexicon("en_name_stopwords.txt"))


_CAPITALISED = re.compile(r"[A-Z][a-z]{1,20}")


def _is_name(word: str) -> bool:
    """A capitalised word that may be a first name (Jane has …); common words are not."""
    return (
        bool(_CAPITALISED.fullmatch(word))
        and word.lower() not in _name_stopwords()
        and word.lower()
        not in (
            _EN_VERBS | _EN_FILLER | _EN_POSSESSIVE | {"the", "this", "that", "it", "we", "they", "there"}
        )
    )


# --- Chinese evidence -------------------------------------------------------------------

# Pronouns and person nouns; 我们/他们 (a group) do not count.
_ZH_PERSON = re.compile(
    r"(?:我|他|她|您|你|患者|病人|员工|員工|同事|老公|老婆|妻子|丈夫|儿子|女儿|兒子|女兒|爸爸|妈妈|媽媽|爸|妈|媽"
    r"|父亲|母亲|父親|母親|孩子|客户|客戶|朋友|领导|領導|老板|老闆|本人|家人|奶奶|爷爷|爺爺|外婆|外公|闺蜜|室友"
    r"|男朋友|女朋友|对象|對象|学生|學生|租客|员工们)(?!们|們)"
)
_ZH_VERB = re.compile(
    r"患有|患了|患上|确诊|確診|诊断为|診斷為|诊断出|診斷出|得了|得过|得過|查出|检查出|檢查出|检测出|檢測出"
    r"|在吃|在打|吃着|服用|注射|打着|做了|做过|做過|要做|刚做|在做|是|有|怀了|懷了|信|信仰|加入|入了|属于|屬於"
    r"|感染|阳性|陽性|住院|请了|請了|休|录了|錄了|采集|採集|录入|錄入|上传|上傳|提交|发了|發了|皈依|出柜|出櫃"
)
# What may stand between the person, the verb and the term besides verbs.
_ZH_FILLER = (
    r"(?:了|过|過|也|都|还|還|已经|已經|被|又|刚|剛|刚刚|最近|去年|今年|上个月|上個月|一直|好像|可能|其实|其實"
    r"|严重的|嚴重的|轻度|輕度|重度|中度|二型|2型|慢性|急性|晚期|早期|一点|有点|有點|正在|在|长期|長期|个|個|一个|一個"
    r"|的|是|为|為|了个|着|著|虔诚的|虔誠的|名|位|请|請|个人的|個人的|自己的|治疗|治療|控制|预防性|預防性)"
)
_ZH_BETWEEN = re.compile(rf"(?:{_ZH_FILLER}|{_ZH_VERB.pattern})*")
_ZH_POSSESSIVE = re.compile(r"(?:的|自己的)\Z")
_ZH_GENERAL = re.compile(
    r"(?:大会|大會|会议|會議|日|周|月|宣传|宣傳|研究|讲座|講座|论坛|論壇|协会|協會|基金|科室|专家|專家|医生|醫生"
    r"|防治|预防|預防|知识|知識|科普|领域|領域|方面|相关|相關|话题|話題|群|识别|識別|解锁|解鎖|锁|鎖|模块|模組|模塊"
    r"|传感器|傳感器|打卡|支付|登录|登錄|验证|驗證|技术|技術|算法|接口|系统|系統|政策|问题|問題|文化|节|節|游行|遊行"
    r"|组织|組織|主席|大楼|大樓|活动|活動|新闻|新聞|报道|報道|患者们|人群|治疗方案)"
)


def _zh_hits(text: str, lex: _Lexicon) -> Iterator[_Hit]:
    i, n = 0, len(text)
    while i < n:
        if text[i] not in lex.han_first:
            i += 1
            continue
        term = None
        for length in range(min(lex.han_max, n - i), 1, -1):
            term = lex.han.get(text[i : i + length])
            if term is not None:
                break
        if term is None:
            i += 1
            continue
        end = i + length
        if not _ZH_GENERAL.match(text, end):
            evidence = _zh_evidence(text, i)
            if evidence is not None:
                yield _Hit(i, end, term, evidence[0], evidence[1])
        i = end


def _zh_evidence(text: str, start: int) -> tuple[str, float] | None:
    window = text[max(0, start - 16) : start]
    clause = re.split(r"[，,。.!！?？；;\n]", window)[-1]
    best: tuple[str, float] | None = None
    for ref_end in _zh_references(clause):
        between = clause[ref_end:]
        if between in ("的", "自己的"):
            return "a possessive (他的, 我的 …) right before it", SCORE_POSSESSIVE
        if _ZH_BETWEEN.fullmatch(between):
            verb = _ZH_VERB.search(between)
            # 她怀孕了, 我信佛: the term is itself the predicate, nothing needs to stand between.
            best = (
                (f"a person reference and the verb '{verb.group(0)}' before it", SCORE_VERB)
                if verb
                else (
                    "a person reference right before it",
                    SCORE_VERB,
                )
            )
    return best


def _zh_references(clause: str) -> Iterator[int]:
    """End offsets (in ``clause``) of person references: pronouns, person nouns, Chinese names."""
    for m in _ZH_PERSON.finditer(clause):
        yield m.end()
    single, compound = _zh_surnames()
    given = _zh_given()
    for p, ch in enumerate(clause):
        if ch in "小老" and clause[p + 1 : p + 2] in single:
            yield p + 2  # 小张, 老王: how colleagues name each other
        size = 2 if clause[p : p + 2] in compound else 1 if ch in single else 0
        if not size:
            continue
        for length in (2, 1):
            name_given = clause[p + size : p + size + length]
            if len(name_given) == length and all(c in given for c in name_given):
                yield p + size + length


@cache
def _zh_surnames() -> tuple[frozenset[str], frozenset[str]]:
    words = validators.lexicon("zh_surnames.txt")
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


@cache
def _zh_given() -> frozenset[str]:
    return frozenset(ch for line in validators.lexicon("zh_given_chars.txt") for ch in line)


class SpecialCategoryRecognizer(FamilyRecognizer):
    """HEALTH_INFO and SPECIAL_CATEGORY: lexicon terms said of a person (English and Chinese)."""

    ENTITIES = ENTITIES
    RULES = ()
    CONTEXT = context(
        en=("diagnosed", "patient", "pregnant", "religion", "union"),
        zh=("患有", "确诊", "得了", "患者", "怀孕", "信仰"),
    )
    CONTEXT_BOOST = 0.0

    def candidate_patterns(self) -> tuple[re.Pattern[str], ...]:
        """Any lexicon term as ``analyze`` finds it: a Latin term's words joined by a space or a
        hyphen, in any case, either apostrophe; a Chinese term as written."""
        return (_any_term(),)

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        wanted = set(entities) & set(ENTITIES) if entities else set(ENTITIES)
        if not wanted:
            return []
        lex = _lexicon()
        hits: list[_Hit] = list(_en_hits(text, lex)) if _LATIN.search(text) else []
        if _HAN.search(text):
            hits.extend(_zh_hits(text, lex))
        results = []
        for hit in hits:
            if hit.term.entity not in wanted:
                continue
            what = _CATEGORY_NAMES.get(hit.term.category, hit.term.category.replace("_", " "))
            verdict = Verdict(
                hit.score,
                f"term revealing {what} ({hit.term.category}), said of a person: {hit.reason}",
                entity=hit.term.entity,
                final=True,
            )
            results.append(self._result(hit.term.entity, hit.start, hit.end, _RULE, verdict))
        return results  # hits never overlap: the scans skip past each term


_RULE = Rule("special_category_term", re.compile(""), SCORE_VERB)


def recognizers(language: str) -> list[EntityRecognizer]:
    """The special-category recognizer for ``language``."""
    return [SpecialCategoryRecognizer(language)]
