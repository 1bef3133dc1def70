"""Person names without an NER model: Chinese names (jieba, surnames, context) and English names after cues.

Chinese (``ChineseNameRecognizer``): a name is a surname from ``lexicons/zh_surnames.txt``
followed by one or two given-name characters. Evidence, strongest first:

- a context word right before it (我叫, 姓名, 联系人, 收件人, 负责人 …; "name:" in English) or a
  title right after it (先生, 女士, 小姐, 经理, 老师, 医生, 主任 …): likely;
- a sign-off after a dash (——张小娴) or a weaker cue (我是, 发给, 感谢 …) with common given-name
  characters: likely, a little lower;
- names listed one after another with the enumeration comma (王芳、李娜、张伟) support each other;
- jieba takes it for a name: its dictionary tags the word ``nr``, or its HMM makes a new word of
  it (an unknown word that starts with a surname is nearly always a name), *and* every given-name
  character is a common one (``lexicons/zh_given_chars.txt``): possible, never likely. A
  three-character word of this kind that holds no dictionary word (邢凯舟) needs one common
  given-name character; jieba's cuts are mended where they split a name (陈/艳萍, 刘强/东);
- transliterated names joined by a middle dot (丹尼斯·霍珀, 阿依古丽·买买提): possible;
- 老/小 before a surname (老王, 小李) when jieba keeps them as one word: possible.

Words that start with a surname and are ordinary words (高峰, 文明, 王者, 荣耀 …,
``lexicons/zh_name_stopwords.txt``), place names (``lexicons/zh_places.txt``) and reduplicated
words (周周) are never reported without a context word. Spans are the name only (never the title
or the context word). Surname-only references (王总, 李老师) are not reported: they do not
identify a person on their own and are everyday chat. Nothing inside an @mention is reported (it
addresses a participant, and handles are nicknames), except a handle before a quote or repost
(a colon after it) that is a Chinese name as a whole (//@李建华:, @陈浩然Kevin:): surname and
common given-name characters, not a word of jieba's dictionary, a place or a stopword:
possible. A four-character new word of jieba's HMM that holds a three-character name and one
character that neither is a surname nor a given-name character (行|叶雨霞, 郑佳伟|腹) yields
the name: possible.

jieba is loaded lazily, once per process. In the Chinese analyzer the tokens of Presidio's NLP
artifacts (spaCy's jieba segmenter, the same ``jieba.cut``) are reused; elsewhere (the English
analyzer on mixed text, tests without an NLP engine) the text is cut here.

English (``EnglishNameCueRecognizer``): capitalised names after "my name is", "Name:", "Dear",
Mr/Ms/Dr, and a sign-off ("Regards,"), so that ``--no-ner`` still finds some names. Scores stay at or
below spaCy's NER score except for the strongest cues, so that NER's (longer) span wins when both run.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, rule

ENTITIES: tuple[str, ...] = ("PERSON",)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_CHAR = re.compile(f"[{_HAN}]")

# Scores (see the module docstring for the evidence behind each).
LIKELY = 0.85  # surname + given name next to a context word or a title
POSSIBLE_FULL = 0.45  # jieba's name, three characters (or a compound surname), common given-name characters
POSSIBLE_SHORT = 0.4  # the same for two-character names (more of them are also ordinary words)
NICKNAME = 0.4  # 老王, 小李
# A pasted roster is reported up to this many candidates a message (bounded work per message).
MAX_RESULTS = 2000

# jieba's part-of-speech tags for person names: nr (Chinese), nrfg (famous names), nrt (transliterated).
_NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})


@cache
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    words = validators.lexicon("zh_surnames.txt")
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


@cache
def _surname_chars() -> re.Pattern[str]:
    """Any character that can start a name (a surname's first character, 老, 小)."""
    single, compound = _surnames()
    chars = sorted(single | {w[0] for w in compound} | {"老", "小"})
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


@cache
def _given_chars() -> frozenset[str]:
    return frozenset(ch for line in validators.lexicon("zh_given_chars.txt") for ch in line)


@cache
def _places() -> frozenset[str]:
    """Place names (莫斯科, 夏威夷) that jieba's dictionary also tags as person names."""
    return frozenset(validators.lexicon("zh_places.txt"))


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(validators.lexicon("zh_name_stopwords.txt"))


@cache
def _jieba() -> tuple[Callable[[str], Iterator[str]], Mapping[str, str]]:
    """``jieba_cut`` and jieba's word → part-of-speech table, loaded once (about a second)."""
    load_jieba()
    import jieba.posseg

    return jieba_cut, jieba.posseg.dt.word_tag_tab


def jieba_cut(text: str) -> Iterator[str]:
    """The words of ``jieba.cut(text)`` (accurate mode, HMM on), the same ones in the same order.

    jieba cuts a text into blocks of Han characters, letters, digits and ``+#&._%-`` (the rest is
    split into single characters and whitespace) and segments each block on its own, through a
    word graph and an HMM that cost tens of microseconds a character. The words of recent blocks
    are remembered (chat repeats itself: 好的, 收到, 谢谢, the same names), so a block seen again
    costs a dictionary lookup. The dictionary must not change after loading (it does not here).
    """
    import jieba

    han, skip = jieba.re_han_default, jieba.re_skip_default
    for block in han.split(text):
        if not block:
            continue
        if han.match(block):
            yield from _block_words(block)
        else:
            for part in skip.split(block):
                if skip.match(part):
                    yield part
                else:
                    yield from part


@lru_cache(maxsize=8192)  # bounded: memory must not grow with the input
def _block_words(block: str) -> tuple[str, ...]:
    """jieba's words of one block (``jieba.cut`` of a block is that block's segmentation)."""
    return tuple(_jieba_loaded().cut(block))


@cache
def _jieba_loaded() -> Any:
    return load_jieba()


def load_jieba() -> Any:
    """The ``jieba`` module with its default dictionary loaded in memory, never from a cache file.

    jieba's own start-up reads and writes ``jieba.cache`` in the shared temp folder
    (``/tmp``): whoever created that file decides the segmentation of every user's scan, and
    ``marshal`` is not safe against a crafted file. Building the prefix dictionary from the
    packaged ``dict.txt`` costs about as much as reading the cache (0.4 s either way), so no
    cache file is read or written at all. Idempotent and thread-safe (jieba's own lock).
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    dt = jieba.dt
    with dt.lock:
        if not dt.initialized:
            dt.FREQ, dt.total = dt.gen_pfdict(dt.get_dict_file())
            dt.initialized = True
    return jieba


# --- context ----------------------------------------------------------------------------

# Words written right before a name (the name may follow after 是/为, a colon or a space).
# Strong cues introduce a name; weak ones (我是, 这位是) introduce anything, so the name must
# also look like one (common given-name characters).
_STRONG_CUES = (
    "我叫",
    "我叫做",
    "名叫",
    "叫做",
    "姓名",
    "名字",
    "本人",
    "联系人",
    "聯繫人",
    "聯絡人",
    "联络人",
    "紧急联系人",
    "收件人",
    "收货人",
    "收貨人",
    "寄件人",
    "负责人",
    "負責人",
    "经办人",
    "經辦人",
    "申请人",
    "申請人",
    "对接人",
    "對接人",
    "法定代表人",
    "法人代表",
    "户主",
    "戶主",
    "持卡人",
    "开户名",
    "開戶名",
    "户名",
    "戶名",
    "患者",
    "病人",
    "署名",
    "签名",
    "簽名",
    "name",
    "full name",
    "my name is",
    "contact",
    "contact person",
    "dear",
)
_WEAK_CUES = (
    "我是",
    "这位是",
    "這位是",
    "他叫",
    "她叫",
    "同事",
    "新同事",
    "客户",
    "客戶",
    "员工",
    "員工",
    "发给",
    "發給",
    "转给",
    "轉給",
    "交给",
    "交給",
    "抄送",
    "告诉",
    "告訴",
    "通知",
    "感谢",
    "感謝",
    "欢迎",
    "歡迎",
)
_STRONG = keywords(*_STRONG_CUES)
_WEAK = keywords(*_WEAK_CUES)
# Between the cue and the name: 是/为 and a colon or spaces.
_CUE_GAP = re.compile(r"(?:是|为|為)?[:： ]{0,2}\Z")

# Titles written right after a name. 总 (boss) only before punctuation or a greeting: 总结,
# 总共 and 总是 are words.
_TITLES = re.compile(
    r"""
    (?:先生|女士|小姐|太太|夫人|经理|經理|总经理|總經理|总监|總監|老师|老師|医生|醫生|大夫|护士|護士
      |主任|教授|博士|律师|律師|同学|同學|师傅|師傅|阿姨|叔叔|部长|部長|处长|處長|科长|科長|局长|局長
      |书记|書記|董事长|董事長|主管|警官|老板|老闆
      |[总總](?=[，,。.！!？?、 :：]|好|您|你|\Z))
    """,
    re.VERBOSE,
)

# Last characters of buildings and sights (卢浮宫, 白马寺): a three-character word ending in one is
# no name without a cue.
_LANDMARK_ENDS = frozenset("宫馆园寺庙塔楼阁殿港湾岛洲州")

# Surnames that are far more often a verb or preposition at the start of a phrase (祝你, 向他,
# 于是, 和她): a new word of jieba's that starts with one needs common given-name characters only.
_VERB_SURNAMES = frozenset("祝向于和将与从对为给跟让被比")

# Characters that never end or fill a given name here: particles, pronouns, verbs that follow a
# name in a sentence ("王芳说", "张伟的"), and the first characters of contact words (电话, 手机).
_NOT_GIVEN = frozenset(
    "丶的了是在和与跟说讲把被对从给就都也还又很太更最不没有这那哪谁啥么吗呢吧啊呀哦嗯们个你我他她它您"
    "电手微邮地号姓名叫请让先女经医总主今昨前后上下里来去到过着要想会能已将让等及或"
)


class _Token(NamedTuple):  # a tuple: made for every word of a text, ~4 times cheaper than a dataclass
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


# The last text segmented, by language: the name and place recognizers both need its words, and
# run one after the other on the same text. Replaced whole (one assignment), so threads that
# share it see either the old or the new entry.
_last_segmented: tuple[str, str, list[_Token]] | None = None


def _segment(text: str, nlp_artifacts: NlpArtifacts | JiebaWords | None, language: str) -> list[_Token]:
    """jieba words of ``text`` with their offsets (Presidio's tokens when they are jieba's).

    The list is shared between callers for the same text: treat it as read-only.
    """
    global _last_segmented
    last = _last_segmented
    if last is not None and last[1] == language and last[0] == text:
        return last[2]
    tokens = _segment_anew(text, nlp_artifacts, language)
    _last_segmented = (text, language, tokens)
    return tokens


#: Where a tokenizer that segments with ``jieba_cut`` leaves its words and their trailing spaces in
#: a ``Doc``'s ``user_data`` (the ``words`` and ``spaces`` the ``Doc`` was made of): reading them
#: costs less than making a spaCy ``Token`` object for each word.
JIEBA_WORDS = "chatsweep.jieba_words"


@dataclass(frozen=True, slots=True)
class JiebaWords:
    """What an analyzer may give the recognizers that read tokens instead of Presidio's
    artifacts: the words a ``jieba_cut`` tokenizer cut the text into, with their trailing
    spaces (a ``Doc``'s ``words`` and ``spaces``), before any spaCy ``Doc`` is made of them."""

    words: list[str]
    spaces: list[bool]


def _segment_anew(text: str, nlp_artifacts: NlpArtifacts | JiebaWords | None, language: str) -> list[_Token]:
    if language == "zh" and isinstance(nlp_artifacts, JiebaWords) and nlp_artifacts.words:
        return _made_of(nlp_artifacts.words, nlp_artifacts.spaces)
    doc = getattr(nlp_artifacts, "tokens", None) if nlp_artifacts is not None else None
    if language == "zh" and doc is not None and len(doc) > 0:
        made_of = doc.user_data.get(JIEBA_WORDS)
        if made_of is None:
            return [_Token(t.text, t.idx) for t in doc if not t.is_space]
        return _made_of(*made_of)
    cut, _ = _jieba()
    tokens: list[_Token] = []
    for offset, chunk in _chunks(text):
        pos = offset
        for word in cut(chunk):
            if word.strip():
                tokens.append(_Token(word, pos))
            pos += len(word)
    return tokens


def _made_of(words: list[str], spaces: list[bool]) -> list[_Token]:
    """The non-space words of a tokenization with their offsets."""
    made: list[_Token] = []
    pos = 0
    for word, space in zip(words, spaces, strict=True):
        if not word.isspace():  # spaCy's is_space
            made.append(_Token(word, pos))
        pos += len(word) + space
    return made


# jieba's HMM (finalseg) copies its path at every character: a long run of Han characters that
# are not dictionary words costs quadratic time. Chat sentences are short; a pasted wall of text
# is cut into pieces of at most CHUNK characters, at punctuation or spaces where there are any.
CHUNK = 80
_BREAK = re.compile(r"[\s，。！？；、,.!?;:：]")


def _chunks(text: str) -> Iterable[tuple[int, str]]:
    start = 0
    while len(text) - start > CHUNK:
        cut_at = start + CHUNK
        for m in _BREAK.finditer(text, start + CHUNK // 2, start + CHUNK):
            cut_at = m.end()
        yield start, text[start:cut_at]
        start = cut_at
    yield start, text[start:]


def _split_surname(word: str) -> tuple[str, str] | None:
    """(surname, rest) when ``word`` starts with a known surname (compound ones first)."""
    single, compound = _surnames()
    if word[:2] in compound:
        return word[:2], word[2:]
    if word[:1] in single:
        return word[:1], word[1:]
    return None


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    surname: str
    given: str
    words: tuple[str, ...]  # the jieba words the name was built from
    title: str | None  # a title right after the name


class ChineseNameRecognizer(FamilyRecognizer):
    """PERSON: Chinese names from jieba's tags, the surname lexicon and context words."""

    ENTITIES = ENTITIES
    READS_TOKENS = frozenset({"zh"})  # jieba words, shared with the context enhancer
    RULES = ()
    CONTEXT = context(en=("name", "contact"), zh=("姓名", "名字", "联系人", "收件人", "负责人"))
    PREFILTER = _HAN_CHAR
    CONTEXT_BOOST = 0.0  # the verdict's score already weighs the context word

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and "PERSON" not in entities:
            return []
        if not _surname_chars().search(text) and not _DOTS.search(text):
            return []  # no surname or dot anywhere: no name to find, and no need to segment
        tokens = _segment(text, nlp_artifacts, self.supported_language)
        results = []
        taken: list[tuple[int, int]] = []
        # Names next to a context word or title first (jieba may cut them wrongly: 联系/人马/春燕),
        # then jieba's words elsewhere.
        if _DOTS.search(text):
            for start, end in itertools.islice(_dotted_names(tokens, text), MAX_RESULTS):
                taken.append((start, end))
                results.append(self._result("PERSON", start, end, _NAME_RULE, _DOTTED_VERDICT))
        candidates = itertools.chain(_context_candidates(text), _candidates(tokens, text))
        for cand in itertools.islice(candidates, MAX_RESULTS):
            if any(cand.start < b and a < cand.end for a, b in taken) or in_mention(text, cand.start):
                continue
            verdict = self._judge(cand, text)
            if verdict is not None:
                taken.append((cand.start, cand.end))
                results.append(self._result("PERSON", cand.start, cand.end, _NAME_RULE, verdict))
        if "@" in text or "＠" in text:
            for start, end in _named_handles(text):
                if not any(start < b and a < end for a, b in taken):
                    results.append(self._result("PERSON", start, end, _NAME_RULE, _HANDLE_VERDICT))
        _raise_listed(results, text)
        return results

    def _judge(self, cand: _Candidate, text: str) -> Verdict | None:
        name = cand.surname + cand.given
        if not cand.given:  # 老王 / 小李: the nickname is the whole span
            return Verdict(NICKNAME, "老/小 before a Chinese surname (a nickname)", final=True)
        if any(c in _NOT_GIVEN for c in cand.given):
            return None
        reduplicated = set(cand.given) == {cand.surname[-1]}  # 周周, 唐唐唐: a pet name or a word
        _, tags = _jieba()
        plausible = all(c in _given_chars() for c in cand.given)
        stop = name in _stopwords() or any(w in _stopwords() for w in cand.words)
        if len(cand.words) == 2:  # surname word + given-name word: jieba must not know the latter as a word
            named = tags.get(cand.given) in _NAME_TAGS or cand.given not in tags
            # ... unless jieba cut off a surname that it tags as a name on its own (陈/艳萍, 杨/建新):
            # a two-character word of given-name characters after it completes the name.
            named = named or (
                len(cand.given) == 2
                and tags.get(cand.words[0]) in _NAME_TAGS
                and tags.get(cand.given) != "ns"
            )
        else:
            named = tags.get(cand.words[0]) in _NAME_TAGS or cand.words[0] not in tags
        strong = _cue(text, cand.start, _STRONG)
        weak = None if strong else _cue(text, cand.start, _WEAK)
        if strong or cand.title:
            if stop and not plausible:
                return None
            word = strong or "a title after it"
            return Verdict(
                LIKELY,
                f"Chinese surname and given name next to a context word ({word})"
                if strong
                else "Chinese surname and given name followed by a title (先生, 经理, 老师 …)",
                context_word=strong,
                final=True,
            )
        if weak is None and _SIGNATURE.search(text, 0, cand.start) and _SIGNATURE_END.match(text, cand.end):
            weak = "——"  # a sign-off: ——张小娴
        if weak and plausible and not stop:
            return Verdict(
                LIKELY - 0.1,
                f"Chinese surname and common given-name characters after '{weak}'",
                context_word=weak,
                final=True,
            )
        if (
            not plausible
            and len(name) == 3
            and len(cand.given) == 2
            and cand.words == (name,)
            and (name not in tags or tags[name] == "nr")
            and name[:2] not in tags
            and name[1:] not in tags
            and cand.surname not in _VERB_SURNAMES
            and name[-1] not in _LANDMARK_ENDS
        ):
            # jieba's HMM made one new word of a surname and two characters that hold no word of
            # its dictionary (邢凯舟, 张赫宣; not 冷笑+话, 简洁+版, 祝+小编): one common given-name
            # character is enough.
            plausible = any(c in _given_chars() for c in cand.given)
        if stop or reduplicated or name in _places() or not (named and plausible):
            return None
        full = len(cand.given) == 2 or len(cand.surname) == 2
        return Verdict(
            POSSIBLE_FULL if full else POSSIBLE_SHORT,
            "jieba takes it for a person name (surname and common given-name characters), "
            "without a context word",
        )


# Foreign and minority names written in Chinese join their parts with a middle dot (丹尼斯·霍珀,
# 阿依古丽·买买提): jieba's words of Han characters on both sides of each dot. Titles of works use
# the dot too (《哈利·波特》), so a dotted name right after a book-title mark is not reported.
_DOTS = re.compile("[·•・]")
_DOTTED_VERDICT = Verdict(
    POSSIBLE_FULL + 0.1,
    "transliterated name: words of Han characters joined by a middle dot (·)",
    final=True,
)


def _dotted_names(tokens: list[_Token], text: str) -> Iterable[tuple[int, int]]:
    """Spans of words joined by middle dots: each part one jieba word of one to five Han characters."""

    def part(k: int) -> bool:
        word = tokens[k].text
        return 1 <= len(word) <= 5 and _all_han(word) and word[0] not in _NOT_GIVEN

    k = 1
    while k < len(tokens) - 1:
        if not (_DOTS.fullmatch(tokens[k].text) and part(k - 1) and part(k + 1)):
            k += 1
            continue
        first, last = k - 1, k + 1
        if tokens[first].end != tokens[k].start or tokens[k].end != tokens[last].start:
            k += 1
            continue
        while (
            last + 2 < len(tokens)
            and _DOTS.fullmatch(tokens[last + 1].text)
            and part(last + 2)
            and tokens[last].end == tokens[last + 1].start == tokens[last + 2].start - 1
        ):
            last += 2
        start, end = tokens[first].start, tokens[last].end
        if not (start > 0 and text[start - 1] in "《〈<"):
            yield start, end
        k = last + 2


# A placeholder rule so results carry a pattern name (the recognizer works on jieba's words).
_NAME_RULE = Rule("zh_name", re.compile(""), LIKELY)


# A sign-off: the name after a dash at the end of a message or line (——张小娴, -- 王芳).
_SIGNATURE = re.compile(r"(?:——|—|--|－－)[ ]?\Z")
_SIGNATURE_END = re.compile(r"[ 。.!！]*(?:\n|\Z)")
LISTED = 0.6  # names written one after another with the enumeration comma (王芳、李娜、张伟)


def _raise_listed(results: list[RecognizerResult], text: str) -> None:
    """Names in a list (、 between them) support each other: each is raised to LISTED."""
    ordered = sorted(results, key=lambda r: r.start)
    for left, right in itertools.pairwise(ordered):
        if text[left.end : right.start] == "、":
            for r in (left, right):
                if r.score < LISTED:
                    r.score = LISTED
                    if r.analysis_explanation is not None:
                        r.analysis_explanation.set_improved_score(LISTED)
                        r.analysis_explanation.textual_explanation = (
                            f"{r.analysis_explanation.textual_explanation}; in a list of names (、)"
                        )


def _cue(text: str, start: int, cues: re.Pattern[str]) -> str | None:
    """The cue word that ends right before ``start`` (allowing 是/为, a colon, spaces)."""
    window = text[max(0, start - 14) : start]
    for m in cues.finditer(window):
        if _CUE_GAP.match(window, m.end()):
            return m.group(0)
    return None


def _title_at(text: str, pos: int) -> str | None:
    m = _TITLES.match(text, pos)
    return m.group(0) if m else None


def _candidates(tokens: list[_Token], text: str) -> Iterable[_Candidate]:
    """Name-shaped spans built from jieba's words; each start position once."""
    single, _ = _surnames()
    seen: set[int] = set()
    for i, tok in enumerate(tokens):
        if tok.start in seen or not _HAN_CHAR.match(tok.text):
            continue
        if in_mention(text, tok.start):
            continue  # an @mention addresses a participant: not a leak
        word = tok.text
        # 老王, 小李: one word of jieba's, 老/小 and a single surname.
        if len(word) == 2 and word[0] in "老小" and word[1] in single and word not in _stopwords():
            _, tags = _jieba()
            if tags.get(word) in _NAME_TAGS or word not in tags:
                seen.add(tok.start)
                yield _Candidate(tok.start, tok.end, word, "", (word,), None)
            continue
        inner = _name_in_new_word(word)
        if inner is not None:
            # 陈泽伟腹, 行叶雨凤: jieba's HMM made one new word of a name and a character beside it.
            start = tok.start + inner
            seen.add(tok.start)
            yield _Candidate(
                start, start + 3, word[inner], word[inner + 1 : inner + 3], (word[inner : inner + 3],), None
            )
            continue
        split = _split_surname(word)
        if split is None:
            continue
        surname, rest = split
        words: tuple[str, ...] = (word,)
        end = tok.end
        title = None
        # A title glued into the word by jieba (王老师, 陈医生, 王总好): the name is before it.
        for given_len in range(min(2, len(rest) - 1) + 1):
            found = _title_at(text, tok.start + len(surname) + given_len)
            if found:
                title, rest = found, rest[:given_len]
                end = tok.start + len(surname) + given_len
                break
        if not rest and title is None and i + 1 < len(tokens):
            # The surname alone (陳/大文, 黃/志明, 欧阳/娜娜): the next word may be the given name.
            nxt = tokens[i + 1]
            if nxt.start == tok.end and 1 <= len(nxt.text) <= 2 and _all_han(nxt.text):
                # 向/李娜: the next word is a name of its own, and the first a preposition.
                _, tags = _jieba()
                own_name = _split_surname(nxt.text) is not None and (
                    tags.get(nxt.text) in _NAME_TAGS or nxt.text not in tags
                )
                if _title_at(text, nxt.start) is None and not (len(nxt.text) == 2 and own_name):
                    rest, end, words = nxt.text, nxt.end, (word, nxt.text)
        if len(rest) == 1 and title is None and len(words) == 1 and i + 1 < len(tokens):
            # jieba cut a three-character name after its second character (刘强/东, 张歆/艺): a
            # lone next character that can end a given name completes it.
            nxt = tokens[i + 1]
            _, tags = _jieba()
            name_like = tags.get(word) in _NAME_TAGS or word not in tags  # not 高兴/才
            if (
                name_like
                and nxt.start == end
                and _completes_name(nxt.text)
                and _title_at(text, nxt.start) is None
            ):
                rest, end, words = rest + nxt.text, nxt.end, (word + nxt.text,)
        if not 1 <= len(rest) <= 2 or not _all_han(rest):
            continue
        if title is None:
            title = _title_at(text, end)
        seen.add(tok.start)
        yield _Candidate(tok.start, end, surname, rest, words, title)


def _name_in_new_word(word: str) -> int | None:
    """Where a three-character name starts inside a four-character new word of jieba's HMM.

    Surname and two common given-name characters, with one character before or after them that
    neither is a surname nor a common given-name character (陈泽伟|腹, 行|叶雨凤).
    """
    if len(word) != 4 or not _all_han(word) or word in _jieba()[1]:
        return None
    single, _ = _surnames()
    given = _given_chars()
    for at, other in ((0, 3), (1, 0)):
        if (
            word[at] in single
            and all(c in given and c not in _NOT_GIVEN for c in word[at + 1 : at + 3])
            and word[other] not in single
            and word[other] not in given
        ):
            return at
    return None


# jieba's tags of single characters that do not end a name: verbs, prepositions, adverbs,
# conjunctions, particles, pronouns, numerals, measure words, locatives, time words, interjections.
_NOT_NAME_END_TAGS = tuple("vpdcurmqfyetos")


def _completes_name(word: str) -> bool:
    """Whether the one-character ``word`` can be the last character of a given name (东, 艺, 飘)."""
    if len(word) != 1 or not _HAN_CHAR.match(word) or word in _NOT_GIVEN:
        return False
    _, tags = _jieba()
    tag = tags.get(word)
    return tag is None or not tag.startswith(_NOT_NAME_END_TAGS) or word in _given_chars()


_ANY_CUE = keywords(*_STRONG_CUES, *_WEAK_CUES)


def _context_candidates(text: str) -> Iterable[_Candidate]:
    """Names right after a cue word or right before a title, found in the text itself.

    The given name is one or two Han characters: two when both are common given-name
    characters (or a title follows them), else one.
    """
    given_chars = _given_chars()
    for m in _ANY_CUE.finditer(text):
        gap = _CUE_GAP_AHEAD.match(text, m.end())
        start = gap.end() if gap else m.end()
        split = _split_surname(text[start : start + 2])
        if split is None:
            continue
        surname = split[0]
        pos = start + len(surname)
        given = ""
        for ch in text[pos : pos + 2]:
            if not _HAN_CHAR.match(ch) or ch in _NOT_GIVEN or _title_at(text, pos + len(given)):
                break
            given += ch
        if len(given) == 2 and not all(c in given_chars for c in given) and not _title_at(text, pos + 2):
            given = given[:1]
        if given:
            end = pos + len(given)
            yield _Candidate(start, end, surname, given, (text[start:end],), _title_at(text, end))
    for m in _TITLES.finditer(text):
        for size in (2, 1):  # two-character given names first: 唐诗涵老师
            for surname_len in (2, 1):
                start = m.start() - size - surname_len
                if start < 0:
                    continue
                split = _split_surname(text[start : start + surname_len])
                given = text[start + surname_len : m.start()]
                if split is None or split[0] != text[start : start + surname_len] or not _all_han(given):
                    continue
                if any(c in _NOT_GIVEN for c in given) or (
                    size == 2 and not all(c in given_chars for c in given)
                ):
                    continue
                if in_mention(text, start):
                    continue
                yield _Candidate(start, m.start(), split[0], given, (text[start : m.start()],), m.group(0))
                break
            else:
                continue
            break


_CUE_GAP_AHEAD = re.compile(r"(?:是|为|為)?[:： ]{0,2}")


def _all_han(s: str) -> bool:
    return all(_HAN_CHAR.match(c) for c in s)


# An @mention runs from the @ to the next space or punctuation (handles may hold Han characters,
# letters, digits, "_" and "-"): 发给@王小明 看看, //@晏小花:.
_HANDLE_CHAR = re.compile(f"[{_HAN}A-Za-z0-9_\\-]")
_HANDLE_MAX = 16


# An @handle that attributes the words after it (//@李建华:转发微博, @王芳：好的): whose post
# is quoted or reposted. A handle that addresses someone (@王芳 帮忙看一下) is left alone.
_ATTRIBUTION = re.compile(f"[@＠]([{_HAN}A-Za-z0-9_\\-]{{1,{_HANDLE_MAX}}})(?=[:：])")
_LATIN_SUFFIX = re.compile(r"[_-]?[A-Za-z]+\Z")
_HANDLE_VERDICT = Verdict(
    POSSIBLE_FULL,
    "an @handle before a quote or repost that is a whole Chinese name "
    "(surname and common given-name characters)",
    final=True,
)


def _named_handles(text: str) -> Iterable[tuple[int, int]]:
    """Spans of attributing @handles that are a Chinese personal name as a whole (//@杨壮:).

    A repost chain or a quote names the author of the words after the colon: that name is in
    the message as a name, not as a way to address a participant. Nickname-like handles
    (@星座宝典, @肖小喵), Latin handles and handles with digits or symbols stay unreported:
    only surname + one or two common given-name characters, not a word of jieba's dictionary
    other than a name, not a place or a stopword.
    """
    _, tags = _jieba()
    for m in _ATTRIBUTION.finditer(text):
        handle = m.group(1)
        suffix = _LATIN_SUFFIX.search(handle)
        if suffix is not None:
            # A Chinese name and a Latin nickname (@陈浩民benny, @曾大萌_BadGuy): the name, when it
            # is a full one (three characters).
            handle = handle[: suffix.start()]
            if len(handle) != 3:
                continue
        if not 2 <= len(handle) <= 4 or not _all_han(handle):
            continue
        split = _split_surname(handle)
        if split is None:
            continue
        surname, given = split
        if not 1 <= len(given) <= 2 or set(given) == {surname[-1]}:
            continue
        if any(c in _NOT_GIVEN or c not in _given_chars() for c in given):
            continue
        if handle in _stopwords() or handle in _places() or tags.get(handle, "nr") not in _NAME_TAGS:
            continue
        yield m.start(1), m.start(1) + len(handle)


def in_mention(text: str, start: int) -> bool:
    """Whether ``start`` lies inside an @mention (an @handle addresses a participant: not a leak)."""
    pos = start - 1
    low = max(0, start - _HANDLE_MAX)
    while pos >= low:
        ch = text[pos]
        if ch in "@＠":
            return True
        if not _HANDLE_CHAR.match(ch):
            return False
        pos -= 1
    return False


# --- English names after cues -----------------------------------------------------------

# A capitalised name word: Jane, O'Neil, Smith-Jones, McDonald; up to three of them.
_NAME_WORD = r"[A-Z][a-z]{1,20}(?:[-'][A-Z]?[a-z]{1,20})?|Mc[A-Z][a-z]{1,20}"
_EN_NAME = rf"(?P<value>(?:{_NAME_WORD})(?:[ ](?:{_NAME_WORD})){{0,2}})(?![A-Za-z0-9])"

_EN_STRONG = rule(
    "name_after_cue",
    rf"""
    (?:(?<![A-Za-z])(?i:my[ ]name[ ]is|my[ ]name's|full[ ]name[ ]?[:：]|name[ ]?[:：]|call[ ]me
        |account[ ](?:name|holder)[ ]?[:：]?|beneficiary[ ]?[:：]?|payee[ ]?[:：]?|card[ ]?holder[ ]?[:：]?
        |emergency[ ]contact[ ]?[:：]?|contact[ ]person[ ]?[:：]?|next[ ]of[ ]kin[ ]?[:：]?)
      |我叫|名叫|姓名[:：]?|名字[:：]?|联系人[:：]?|聯繫人[:：]?|收件人[:：]?|负责人[:：]?)
    [ ]{{0,2}}
    {_EN_NAME}
    """,
    0.7,
)
_EN_SOFT = rule(
    "name_after_greeting_or_title",
    rf"""
    (?:(?<![A-Za-z])(?:Dear|dear|DEAR)[ ]+(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?[ ])?
      |(?<![A-Za-z])(?:Mr|Mrs|Ms|Dr|Prof)\.?[ ]
      |(?<![A-Za-z])(?i:regards|best[ ]regards|kind[ ]regards|sincerely|cheers|thanks),?[ ]?(?:\n|\r\n)[ ]*)
    {_EN_NAME}
    """,
    0.55,
)


@cache
def _en_stopwords() -> frozenset[str]:
    return frozenset(w.lower() for w in validators.lexicon("en_name_stopwords.txt"))


class EnglishNameCueRecognizer(FamilyRecognizer):
    """PERSON: capitalised names after "my name is", "Name:", "Dear", Mr/Ms/Dr or a sign-off."""

    ENTITIES = ENTITIES
    RULES = (_EN_STRONG, _EN_SOFT)
    CONTEXT = context(en=("name",), zh=("姓名",))
    CONTEXT_BOOST = 0.0
    PREFILTER = re.compile(
        r"(?i:name|dear|mr|ms|dr|prof|regards|sincerely|cheers|thanks|call me|holder|beneficiary|payee"
        r"|contact|kin)|我叫|名|联系|聯繫|收件|负责"
    )

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        words = match.group("value").split(" ")
        # Trim trailing common words ("Dear Jane Thanks"), refuse a first word that is one.
        while words and words[-1].lower() in _en_stopwords():
            words.pop()
        if not words or words[0].lower() in _en_stopwords():
            return None
        start = match.start("value")
        end = start + len(" ".join(words))
        reason = (
            "capitalised name after 'my name is' / 'Name:' (no NER model needed)"
            if rule is _EN_STRONG
            else "capitalised name after a greeting, title or sign-off (no NER model needed)"
        )
        return Verdict(rule.score, reason, span=(start, end), final=True)


def recognizers(language: str) -> list[EntityRecognizer]:
    """The Chinese-name and English name-cue recognizers for ``language``."""
    return [ChineseNameRecognizer(language), EnglishNameCueRecognizer(language)]
