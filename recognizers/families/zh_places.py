"""Chinese place names (LOCATION): provinces, cities, districts, counties, countries, landmarks.

A place name says where a person lives, works or travels ("我在杭州", "老家河南信阳", "下周去东京"),
so it is LOCATION (DESIGN: "street address or place"), but weakly: a city alone locates nobody
precisely. Street addresses (road and number, estate, building, room) are the addresses family's;
they score higher and win where both overlap. Here:

- a word from ``lexicons/zh_places.txt`` (provinces, prefecture-level cities, well-known
  districts, countries, world cities), alone or with its level (北京市, 海淀区, 江苏省);
- a word that jieba's dictionary tags as a place (``ns``) and that ends in an administrative level
  (泗水县, 厚街镇, 宏村) or a landmark kind (白云山, 洞庭湖, 森林公园, 机场);
- consecutive places form one span, largest to smallest (广东省深圳市南山区, 江西省余干县): each
  level adds to the score.

Evidence and scores: a bare place is unlikely to matter (0.3); one with its level, or after a
cue that locates a person (住在, 老家, 来自, 搬到, 位于 …), is possible; a chain of levels more so.
Never reported: a place glued into a longer word by jieba (北京大学, 中国移动, 香港身份证 are one
or two words, see ``_NOT_AFTER``), names of roads without a number (长安街: a street named in
passing), and an @mention. Words are jieba's (Presidio's tokens in the Chinese analyzer), so a
place costs a dictionary lookup per word.
"""

from __future__ import annotations

import re
from functools import cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords
from recognizers.families.zh_names import _HAN_CHAR, _jieba, _segment, _Token, in_mention

ENTITIES: tuple[str, ...] = ("LOCATION",)


def _words(*lines: str) -> frozenset[str]:
    """Space-separated words of ``lines``."""
    return frozenset(word for line in lines for word in line.split())


BARE = 0.3  # a place name alone
LEVEL = 0.4  # with its administrative level (市, 区, 县 …) or a landmark kind
CHAIN_STEP = 0.1  # each further level in a chain (省 → 市 → 区 → 镇)
MAX_SCORE = 0.6  # below a street address: that is the addresses family's
CUE_BOOST = 0.1
# A pasted list of places is reported up to this many a message (bounded work).
MAX_RESULTS = 2000

_LEVELS = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "省",
    "市",
    "区",
    "县",
    "州",
    "盟",
    "旗",
    "镇",
    "乡",
    "村",
)
_LEVELS_TW = ("區", "縣", "鎮", "鄉")
# Levels that may follow a gazetteer word as a word of their own (jieba: 信阳/市).
_LEVEL_WORD = frozenset({"省", "市", "区", "县", "區", "縣"})
_LANDMARKS = re.compile(
    r"(?:山|岭|峰|湖|江|河|海|岛|島|湾|灣|港|峡|峽|谷|关|關|寺|庙|塔|宫|公园|公園|广场|廣場|古镇|景区|山庄"
    r"|机场|機場|火车站|高铁站|车站|大桥|水库|森林公园|湿地)\Z"
)
# jieba tags some ordinary words ns; a landmark-shaped word must not be one of these.
_NOT_PLACES = _words(
    "东西 太阳 青春 美丽 城市 都市 山区 高原 平原 海外 内地 大陆 江湖",
    "江山 河山 山河 人海 火海 上海滩 长江后浪 中原 关山 海关 天下 天国",
    "南国 北国 江南 远方 海岛 小岛 大海 大山 深山 高山 冰山 雪山 火山",
    "名山 泰山压顶 山寨 港湾 海湾 海峡 北极 南极 月宫 天宫 龙宫 皇宫 冷宫",
    "后宫 迷宫 子宫 宫 寺 庙 塔 寺庙 金字塔 灯塔",
)
# Roads end in these; without a number they are the addresses family's negatives (长安街).
_ROADS = ("路", "街", "道", "巷", "胡同", "大道", "大街")

# Words that locate a person right before a place.
_CUES = keywords(
    "住在",
    "住",
    "家住",
    "老家",
    "老家在",
    "来自",
    "來自",
    "搬到",
    "搬去",
    "位于",
    "位於",
    "地址",
    "住址",
    "户籍",
    "戶籍",
    "籍贯",
    "籍貫",
    "出生在",
    "出生于",
    "生于",
    "现居",
    "現居",
    "定居",
    "坐标",
    "坐標",
    "人在",
    "我在",
    "他在",
    "她在",
    "回到",
    "飞到",
    "飛到",
    "出差",
    "去",
    "到",
    "在",
)
# Words that make a place right before them part of a name or an attribute, not where someone is
# (香港身份证, 美国同事, 中国移动, 北京时间, 日本料理). jieba keeps many such compounds whole;
# these are the second words it leaves apart.
_NOT_AFTER = _words(
    "身份证 身份證 护照 護照 驾照 駕照 居民 户口 同事 同学 朋友 客户 客戶",
    "公司 集团 集團 银行 銀行 大学 大學 学院 學院 中学 小学 医院 醫院",
    "政府 队 隊 国家队 男篮 女篮 男足 女足 足球队 时间 時間 标准 標準",
    "卫视 衛視 电视台 電視台 日报 日報 晚报 晚報 商报 晨报 电信 電信 移动",
    "移動 联通 聯通 航空 证券 證券 交易所 股市 股票 卡 号码 号 話 话",
    "口音 菜 料理 美食 小吃 品牌 制造 製造 产 製 版 站 台 分公司 总部",
    "總部 办事处 辦事處 代表处 区域 区号 警方 大使馆 大使館 领事馆 總領事館",
    "总领事馆 签证 簽證 绿卡 綠卡 国籍 國籍 文化 历史 歷史 人口 经济 經濟",
    "市场 市場",
)

# After a bare place with no cue before it, these make the place a party ("the UK side"):
# 英国那边要的, 北京方面表示. After a cue (我在英国那边) the place is where someone is.
_PARTY_WORDS = frozenset({"那边", "這邊", "那邊", "这边", "方面", "一方", "方"})


@cache
def _gazetteer() -> frozenset[str]:
    return frozenset(validators.lexicon("zh_places.txt"))


@cache
def _first_chars() -> frozenset[str]:
    return frozenset(w[0] for w in _gazetteer())


def _strip_level(word: str) -> tuple[str, str]:
    """(name, level) when ``word`` ends in an administrative level, else (word, "")."""
    for level in (*_LEVELS, *_LEVELS_TW):
        if word.endswith(level) and len(word) > len(level):
            return word[: -len(level)], level
    return word, ""


# The last characters of levels and landmark kinds: any other word is a place only when it is
# in the gazetteer (a set lookup per word on the common path).
_LAST_CHARS = frozenset(
    [w[-1] for w in (*_LEVELS, *_LEVELS_TW)]
    + [c for c in "山岭峰湖江河海岛島湾灣港峡峽谷关關寺庙塔宫园園场場镇景庄场站桥橋库地"]
)


def _kind(word: str) -> str | None:
    """How ``word`` (one jieba word) names a place: "name", "level", "landmark", or None."""
    gazetteer = _gazetteer()
    if word in gazetteer:
        return "name"
    if len(word) < 2 or word[-1] not in _LAST_CHARS or not all(_HAN_CHAR.match(c) for c in word):
        return None
    name, level = _strip_level(word)
    if level and name in gazetteer:
        return "level"
    if word in _NOT_PLACES or word.endswith(_ROADS):
        return None
    _, tags = _jieba()
    if tags.get(word) != "ns":
        return None
    if level and len(name) >= 2:
        return "level"
    if len(word) >= 3 and _LANDMARKS.search(word):
        return "landmark"
    return None


_PLACE_RULE = Rule("zh_place", re.compile(""), BARE)


class ChinesePlaceRecognizer(FamilyRecognizer):
    """LOCATION: Chinese place names from a gazetteer and jieba's place words, chained."""

    ENTITIES = ENTITIES
    READS_TOKENS = frozenset({"zh"})  # jieba words, shared with the context enhancer
    MIXED_TEXT_LANGUAGE = "zh"  # every verdict is final: no language's context words weigh it
    RULES = ()
    CONTEXT = context(en=("address",), zh=("地址", "住址", "住在", "老家", "来自"))
    PREFILTER = _HAN_CHAR
    CONTEXT_BOOST = CUE_BOOST

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and "LOCATION" not in entities:
            return []
        if not _HAN_CHAR.search(text):
            return []
        tokens = _join_single_characters(_segment(text, nlp_artifacts, self.supported_language))
        results: list[RecognizerResult] = []
        i = 0
        n = len(tokens)
        while i < n and len(results) < MAX_RESULTS:
            kind = _kind(tokens[i].text)
            if kind is None:
                i += 1
                continue
            start = tokens[i].start
            if in_mention(text, start):
                i += 1
                continue
            kinds = [kind]
            j = i + 1
            while j < n and tokens[j].start == tokens[j - 1].end:
                word = tokens[j].text
                if word in _LEVEL_WORD and kinds[-1] == "name":
                    kinds[-1] = "level"
                    j += 1
                    continue
                nxt = _kind(word)
                if nxt is None:
                    break
                kinds.append(nxt)
                j += 1
            end = tokens[j - 1].end
            verdict = self._judge(text, tokens, i, j, kinds)
            if verdict is not None:
                results.append(self._result("LOCATION", start, end, _PLACE_RULE, verdict))
            i = j
        return results  # spans follow one another and never overlap: nothing to deduplicate

    def _judge(self, text: str, tokens: list[_Token], i: int, j: int, kinds: list[str]) -> Verdict | None:
        cue = _cue_before(text, tokens[i].start)
        if len(kinds) == 1 and kinds[0] == "name" and j < len(tokens):
            after = tokens[j]
            if after.start == tokens[j - 1].end:
                if after.text in _NOT_AFTER:
                    return None  # 香港身份证, 美国同事: an attribute, not where someone is
                if cue is None and after.text in _PARTY_WORDS:
                    return None  # 英国那边要的: a party (the UK side), not where someone is
        score = BARE if kinds == ["name"] else LEVEL
        score += CHAIN_STEP * (len(kinds) - 1)
        levels = ", ".join(dict.fromkeys(kinds))
        reason = (
            f"Chinese place name ({levels}; {len(kinds)} level{'s' if len(kinds) > 1 else ''}) "
            "from the gazetteer or jieba's place words"
        )
        return Verdict(round(min(score, MAX_SCORE), 2), reason, context_word=cue, final=True)


def _join_single_characters(tokens: list[_Token]) -> list[_Token]:
    """Tokens with runs of one-character words that spell a gazetteer name joined (臺/北 → 臺北).

    jieba's dictionary is in simplified script: traditional names it does not know come out one
    character a word.
    """
    gazetteer = _gazetteer()
    firsts = _first_chars()
    out: list[_Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if len(tok.text) == 1 and tok.text in firsts:
            for size in (4, 3, 2):
                run = tokens[i : i + size]
                if len(run) == size and all(
                    len(t.text) == 1 and (k == 0 or t.start == run[k - 1].end) for k, t in enumerate(run)
                ):
                    word = "".join(t.text for t in run)
                    if word in gazetteer:
                        out.append(_Token(word, tok.start))
                        i += size
                        break
            else:
                out.append(tok)
                i += 1
            continue
        out.append(tok)
        i += 1
    return out


def _cue_before(text: str, start: int) -> str | None:
    """A word that locates a person, ending right before ``start`` (a colon or space between)."""
    window = text[max(0, start - 6) : start].rstrip(" :：")
    for m in _CUES.finditer(window):
        if m.end() == len(window):
            return m.group(0)
    return None


def recognizers(language: str) -> list[EntityRecognizer]:
    """The Chinese place-name recognizer for ``language``."""
    return [ChinesePlaceRecognizer(language)]
