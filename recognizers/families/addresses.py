"""Street addresses (LOCATION), Chinese and English.

A place name alone is not an address (spaCy's NER reports those in English); these rules
want a street with a house number, or a district with a street, and score by how many parts an
address has: a street and number alone is possible, one with its district, city, building or
room (or a ZIP code / UK postcode) is likely.

Chinese addresses are written largest to smallest with no spaces: 省/自治区, 市/州/盟, 区/县/旗,
镇/乡/街道/村, then the road (路, 街, 大道, 巷, 胡同) and its number (号, 弄), an estate (小区,
花园, 大厦 …), building (栋, 幢, 座, 号楼), unit (单元) and room (室) or floor (楼, 层). The name
part of each level is Han characters that are not sentence particles, pronouns or verbs of
sending (在, 到, 寄, 住 …): that is where an address starts in "我住在上海市…" or "寄到北京市…".

English addresses: a house number, one to four capitalised street-name words and a street
type (Street, St, Road, Avenue, Lane, Drive, Blvd …), optionally a unit, a city, and a US
state with ZIP code or a UK postcode. Lower-case streets ("42 elm street") count only after
an address cue ("I live at", "ship to", "address:").
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, nearby, rule

ENTITIES: tuple[str, ...] = ("LOCATION",)

_ADDRESS_KEYWORDS = keywords(
    "地址",
    "住址",
    "地點",
    "地点",
    "收货地址",
    "收貨地址",
    "家住",
    "住在",
    "寄到",
    "寄至",
    "送到",
    "送至",
    "搬到",
    "位于",
    "位於",
    "address",
    "addr",
    "live at",
    "lives at",
    "living at",
    "located at",
    "ship to",
    "deliver to",
    "send it to",
    "mail it to",
    "postal",
    "home",
)

# --- Chinese ----------------------------------------------------------------------------

# Han characters that may name a place: every CJK ideograph except particles, pronouns and verbs
# that stand right before an address in a sentence (住在, 寄到, 地址是, 发往 …).
_STOP = (
    "的了是在与跟说把被对从给就也还又很太更最不没这那哪谁么吗呢吧啊呀哦嗯们个你我他她它您"
    "住寄送到去来址请发于往至收件货位搬回为号室楼层栋幢"
)
_N = "(?:(?![" + _STOP + "])[\u4e00-\u9fff])"
_NUM = "[0-9一二三四五六七八九十百千零〇两]{1,6}"
_PROVINCES = (
    "北京|上海|天津|重庆|重慶|河北|山西|辽宁|遼寧|吉林|黑龙江|黑龍江|江苏|江蘇|浙江|安徽|福建|江西|山东|山東|河南"
    "|湖北|湖南|广东|廣東|海南|四川|贵州|貴州|云南|雲南|陕西|陝西|甘肃|甘肅|青海|台湾|臺灣|台灣|内蒙古|內蒙古"
    "|广西|廣西|西藏|宁夏|寧夏|新疆|香港|澳门|澳門"
)

# An estate or building complex: a name (Han characters, optionally after a Latin brand such as
# SOHO) and its kind.
_ESTATE = (
    f"(?:[A-Za-z]{{1,10}})?{_N}{{1,8}}"
    "(?:小区|小區|花园|花園|家园|家園|新村|公寓|大厦|大廈|广场|廣場|苑|中心|大楼|大樓|写字楼|寫字樓|公馆|公館|城)"
)

_CN_ADDRESS = rule(
    "cn_street_address",
    rf"""
    (?<![0-9A-Za-z])
    (?P<value>
      (?P<prov>{_N}{{2,7}}(?:省|自治区|自治區|特别行政区|特別行政區)|(?:{_PROVINCES})(?:省|市)?)?
      (?P<city>{_N}{{1,6}}(?:市|州|盟|地区|地區))?
      (?P<dist>{_N}{{1,6}}(?:区|區|县|縣|旗))?
      (?P<town>{_N}{{1,6}}(?:镇|鎮|乡|鄉|街道|村|社区|社區))?
      (?:
        (?P<road>{_N}{{2,10}}(?:大道|大街|路|街|巷|胡同|道))
        (?P<sec>{_NUM}段)?
        (?P<lane>{_NUM}(?:弄|巷))?
        (?P<num>{_NUM}(?:-{_NUM})?(?:号|號))?
        (?P<estate>{_ESTATE})?
        (?P<bldg>(?:{_NUM}|[A-Z])(?:号楼|號樓|栋|棟|幢|座))?
       |
        (?P<estate2>{_ESTATE})
        (?P<bldg2>(?:{_NUM}|[A-Z])(?:号楼|號樓|栋|棟|幢|座))
      )
      (?P<unit>{_NUM}单元|{_NUM}單元)?
      (?P<room>{_NUM}(?:室|号房|號房)|{_NUM}(?:楼|樓|层|層)(?:{_NUM}室)?)?
    )
    """,
    0.5,
)

# Words that end in 路/街 without being streets (思路 is excluded by the two-character minimum).
_NOT_A_ROAD = re.compile(
    r"(?:线路|線路|网路|網路|道路|电路|電路|回路|套路|走路|上路|半路|迷路|带路|链路|通路|门路|水路|陆路"
    r"|出路|思路|马路|馬路|一路|后路|老路|绕路|繞路|大街小巷|逛街|上街|街道|频道|頻道|味道|渠道|通道|轨道"
    r"|軌道|难道|難道|管道|赛道|賽道|车道|車道|跑道|航道|隧道|人行道|下水道|知道|报道|報道|霸道|门道)\Z"
)


# Time words and the like that may stand, unseparated, right before an address (今天上海市…): the
# name part of the first level would swallow them, so they are cut off the span.
_LEADING_WORDS = re.compile(
    r"(?:今天|明天|昨天|后天|後天|前天|上周|下周|本周|周末|现在|現在|目前|刚才|剛才|已经|已經|公司|家里|家裡"
    r"|我家|他家|她家|老家|新家|总部|總部|办公室|辦公室)+"
)


class CnAddressRecognizer(FamilyRecognizer):
    """LOCATION: Chinese street addresses (district + road, or road + number, and finer parts)."""

    ENTITIES = ENTITIES
    RULES = (_CN_ADDRESS,)
    CONTEXT = context(en=("address",), zh=("地址", "住址", "收货地址", "住在", "寄到"))
    PREFILTER = re.compile(r"[路街巷弄区區县縣号號室栋棟幢]")
    CONTEXT_BOOST = 0.1

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        parts = {k.rstrip("2") for k, v in match.groupdict().items() if v and k != "value"}
        road = match.group("road")
        if road and _NOT_A_ROAD.search(road):
            return None
        admin = parts & {"prov", "city", "dist", "town"}
        fine = parts & {"bldg", "unit", "room"}
        street = bool(road) and bool(parts & {"num", "lane"})
        estate = "estate" in parts and "bldg" in parts and bool(parts & {"unit", "room"})
        if not (street or (road and admin) or estate):
            return None
        score = 0.5 + 0.1 * min(len(admin), 2) + 0.1 * min(len(fine), 2) + (0.05 if street and admin else 0)
        start, end = match.span("value")
        lead = _LEADING_WORDS.match(text, start)
        if lead and lead.end() < end and not (admin and lead.end() >= match.end(_first_part(match))):
            start = lead.end()
        word = nearby(text, start, end, _ADDRESS_KEYWORDS, before=12)
        named = "、".join(
            n
            for n, k in (
                ("province", "prov"),
                ("city", "city"),
                ("district", "dist"),
                ("town", "town"),
                ("road", "road"),
                ("section", "sec"),
                ("lane", "lane"),
                ("number", "num"),
                ("estate", "estate"),
                ("building", "bldg"),
                ("unit", "unit"),
                ("room", "room"),
            )
            if k in parts
        )
        return Verdict(
            round(min(score, 0.85), 2),
            f"Chinese street address ({named.replace('、', ', ')})",
            context_word=word,
            span=(start, end),
        )


def _first_part(match: re.Match[str]) -> str:
    """The name of the first address level that took part in ``match``."""
    for name in ("prov", "city", "dist", "town", "road", "estate2"):
        if match.group(name):
            return name
    return "value"


# --- English ----------------------------------------------------------------------------

_STREET_TYPES = (
    r"Street|St|Road|Rd|Avenue|Ave|Av|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Square|Sq"
    r"|Terrace|Terr|Way|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Crescent|Cres|Close|Row|Walk|Gardens"
    r"|Grove|Mews|Broadway|Plaza|Trail|Alley"
)
_WORD = r"(?:[A-Z][a-z]{1,20}|[0-9]{1,3}(?:st|nd|rd|th)|[A-Z]{2,3}(?=[ ]))"
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY"
    "|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_UK_POSTCODE = r"[A-Z]{1,2}[0-9][A-Z0-9]?[ ]?[0-9][A-Z]{2}"

_EN_ADDRESS = rule(
    "en_street_address",
    rf"""
    (?<![A-Za-z0-9#\-/.,:])
    (?P<value>
      (?:(?P<unit1>(?:Flat|Apt|Apartment|Suite|Unit)[ ][0-9A-Za-z]{{1,5}}),[ ])?
      (?P<num>[1-9][0-9]{{0,5}}[A-Za-z]?(?:-[0-9]{{1,5}})?)[ ]
      (?P<street>{_WORD}(?:[ ]{_WORD}){{0,3}}[ ](?:{_STREET_TYPES})\.?
                 (?:[ ](?:N|S|E|W|NE|NW|SE|SW)(?![A-Za-z]))?)
      (?P<unit>,?[ ](?:Apt|Apartment|Suite|Ste|Unit|Flat|Fl|Floor|\#)\.?[ ]?[0-9A-Za-z\-]{{1,6}})?
      (?P<city>,[ ]?[A-Z][a-z]{{2,20}}(?:[ ][A-Z][a-z]{{2,20}}){{0,2}})?
      (?:
        (?P<zip>,?[ ](?:{_US_STATES})[ ][0-9]{{5}}(?:-[0-9]{{4}})?)
       |(?P<postcode>,?[ ]{_UK_POSTCODE})
       |(?P<state>,[ ](?:{_US_STATES}))
      )?
    )
    (?![A-Za-z0-9])
    """,
    0.6,
)

# The same shape in lower case (chat is typed fast): only after an address cue.
_EN_ADDRESS_LOWER = rule(
    "en_street_address_lower_case",
    r"""
    (?<![A-Za-z0-9#\-/.,:])
    (?P<value>
      [1-9][0-9]{0,5}[a-z]?[ ]
      [a-z]{2,20}(?:[ ][a-z]{2,20}){0,2}[ ]
      (?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|court|ct|place|way|terrace|close)
    )
    (?![A-Za-z0-9])
    """,
    0.55,
)

# Street-type words that follow a number in chat without making an address: "3 Way handshake",
# "Version 2 Drive", "Section 4 Court ruling". The first street word must not be one of these.
_NOT_A_STREET_WORD = re.compile(
    r"^(?:Way|Place|Court|Drive|Square|Row|Walk|Circle|Close|Plaza|Trail|The|A|An|And|Or|Of|In|On|At|To"
    r"|For|Is|Are|New|More|Other|Last|Next|Days|Weeks|Hours|Minutes|Times|Step|Steps|Point|Points)(?:[ ]|$)"
)
_ORDINALS_ONLY = re.compile(r"^[0-9]{1,3}(?:st|nd|rd|th)$")


class EnAddressRecognizer(FamilyRecognizer):
    """LOCATION: English street addresses (number + street + type; city, ZIP or postcode)."""

    ENTITIES = ENTITIES
    RULES = (_EN_ADDRESS, _EN_ADDRESS_LOWER)
    CONTEXT = context(en=("address", "live", "located", "ship", "deliver"), zh=("地址", "住址"))
    PREFILTER = re.compile(
        r"[0-9][A-Za-z]?[ ][A-Za-z][\s\S]{0,80}?(?i:st|rd|ave?|lane|ln|dr|drive|blvd|court|ct|pl|way|road"
        r"|street|sq|terr?|pkwy|hwy|cir|cres|close|row|walk|gardens|grove|mews|broadway|plaza|trail|alley)"
    )
    CONTEXT_BOOST = 0.1

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        start, end = match.span("value")
        word = nearby(text, start, end, _ADDRESS_KEYWORDS, before=30)
        if rule is _EN_ADDRESS_LOWER:
            if word is None:
                return None
            return Verdict(rule.score, "street address in lower case after an address cue", context_word=word)
        street = match.group("street")
        if _NOT_A_STREET_WORD.match(street):
            return None
        words = street.split(" ")
        if len(words) == 2 and _ORDINALS_ONLY.match(words[0]) and word is None:
            return None  # "5th Street" alone is fine, but "3 2nd St" needs a cue
        extra = [
            n
            for n, k in (("unit", "unit"), ("unit", "unit1"), ("city", "city"), ("ZIP code", "zip"))
            if match.group(k)
        ]
        if match.group("postcode"):
            extra.append("UK postcode")
        if match.group("state"):
            extra.append("state")
        score = rule.score + (0.2 if {"ZIP code", "UK postcode"} & set(extra) else 0.1 * min(len(extra), 2))
        what = "house number, street name and type" + (
            f", {', '.join(dict.fromkeys(extra))}" if extra else ""
        )
        return Verdict(round(min(score, 0.85), 2), f"street address ({what})", context_word=word)


# --- military and continental European addresses ------------------------------------------

# US military mail: a unit or PSC with its box, then APO/FPO/DPO, the "state" AA/AE/AP and a ZIP
# code; or a ship (USS, USNS, USNV, USCGC) and FPO. Documented by USPS (Publication 28, 225).
_EN_MILITARY = rule(
    "military_address",
    r"""
    (?<![A-Za-z0-9])
    (?P<value>
      (?:(?:PSC|Unit|CMR)[ ][0-9]{3,5},?[ ]Box[ ][0-9]{3,5}
         (?:[ ]*,?[ ]*\n?[ ]*(?:APO|FPO|DPO)[ ](?:AA|AE|AP)[ ][0-9]{5})?
       |(?:USS|USNS|USNV|USCGC)[ ][A-Z][a-z]{2,20}[ ]*,?[ ]*\n?[ ]*(?:FPO|APO|DPO)[ ](?:AA|AE|AP)[ ][0-9]{5})
    )
    (?![A-Za-z0-9])
    """,
    0.75,
)

# Streets named with a suffix of their language, the house number after the name: Søndergade 52,
# Magasinsgatan 7, Kiannonkatu 98, Tawastintie 72, Kopfhölzistrasse 45, Þórunnarstræti 31, Kálmán
# Imre u. 12., ul. Chrzanowska 61. Letters of the Latin-1 and Latin Extended blocks; the suffix
# makes the word a street, the number makes it an address.
_LATIN_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_STREET_SUFFIXES = (
    "gade|gata|gatan|vägen|väg|vegen|veien|vei|vej|katu|tie|strasse|straße|stræti|gasse|weg|laan|straat"
    "|allee|platz|terrasse|utca"
)
_UPPER = "A-Z\\u00c0-\\u00d6\\u00d8-\\u00de"
_EN_EUROPEAN = rule(
    "european_street_address",
    rf"""
    (?<![{_LATIN_LETTER}0-9.])
    (?P<value>
      (?:[0-9]{{1,6}}[ ])?                                                   # a postcode or number first
      (?:[{_UPPER}][{_LATIN_LETTER}]{{2,20}}(?:{_STREET_SUFFIXES})          # Søndergade, Kiannonkatu
       |(?:[{_UPPER}][{_LATIN_LETTER}]{{1,20}}[ ]){{1,2}}(?:{_STREET_SUFFIXES}|u\.)  # Stensås terrasse
       |ul\.[ ][{_UPPER}][{_LATIN_LETTER}]{{1,20}})                        # ul. Chrzanowska
      [ ][1-9][0-9]{{0,4}}[A-Za-z]?
      (?:[ ](?:Apt\.|Suite|apt\.|suite)[ ][0-9]{{1,5}})?
    )
    (?![{_LATIN_LETTER}0-9])
    """,
    0.6,
)


class IntlAddressRecognizer(FamilyRecognizer):
    """LOCATION: US military mail addresses and continental European street addresses."""

    ENTITIES = ENTITIES
    RULES = (_EN_MILITARY, _EN_EUROPEAN)
    CONTEXT = context(en=("address", "live", "located", "ship", "deliver"), zh=("地址", "住址"))
    PREFILTER = re.compile(
        r"(?:PSC|Unit|CMR|USS|USNS|USNV|USCGC)[ ]|(?i:gade|gata|gatan|väg|vegen|vei|vej|katu|tie|strasse"
        r"|straße|stræti|gasse|weg|laan|straat|allee|platz|terrasse|utca|u\.)[ ][1-9]|ul\.[ ]"
    )
    CONTEXT_BOOST = 0.1

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        start, end = match.span("value")
        word = nearby(text, start, end, _ADDRESS_KEYWORDS, before=30)
        if rule is _EN_MILITARY:
            why = "US military mail address (unit or PSC, box, APO/FPO/DPO)"
        else:
            why = "street name with a continental European street suffix and a house number"
        return Verdict(rule.score, why, context_word=word)


def recognizers(language: str) -> list[EntityRecognizer]:
    """The Chinese, English and international street-address recognizers for ``language``."""
    return [CnAddressRecognizer(language), EnAddressRecognizer(language), IntlAddressRecognizer(language)]
