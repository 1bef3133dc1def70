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

Continental European streets put the type before the name (Via Roma 131, Rua Mina 50, ul. Miła
53, Λεωφόρος Συγγρού 119) or glue it on as a suffix (Søndergade 52, Kiannonkatu 98), with the
house number after the name. A street that is found is widened over the rest of its address:
units, city, state or region code, postcode and country on the same line, and on the following
lines of an address block (one line each for street, unit, city, region, country and postcode),
so a multi-line address is one finding. Widening looks at a bounded number of short lines, and
every pattern has a bounded length, so matching stays linear in the text.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, nearby, rule
from recognizers.validators import lexicon

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
    "lives on",
    "live on",
    "lives in",
    "moved to",
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
_WORD = r"(?:[A-Z](?:[a-z]{1,2}[A-Z]|')?[a-z]{1,20}|[0-9]{1,3}(?:st|nd|rd|th)|[A-Z]{2,3}(?=[ ]))"
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


# --- widening a street over the rest of its address ---------------------------------------

# Words that follow a street on its line, or make up the next lines of an address block: a
# unit ("Apt. 108", "Suite 568"), a city ("Mora de Rubielos", "FORT-DE-FRANCE", "ΠΑΦΟΣ"), a
# region code after a comma (", QC", ", OV"), a postcode ("16200", "NW1 6XE") and a country
# ("Spain", "Cyprus (Greek)"). Tokens are checked in Python, one line at a time.
_TOKEN = re.compile(r",|[^\s,]{1,40}")
_POSTCODE_TOKEN = re.compile(r"[0-9]{2,6}(?:-[0-9]{2,4})?|[A-Z]{1,2}[0-9][A-Z0-9]?|[0-9][A-Z]{2}")
_UNIT_WORDS = frozenset(
    [
        "apt",
        "apt.",
        "apartment",
        "suite",
        "ste",
        "ste.",
        "unit",
        "flat",
        "floor",
        "fl.",
        "room",
        "rm.",
        "box",
        "p.o.",
        "po",
        "postbox",
        "bus",
        "#",
        "no.",
        "nr.",
    ]
)
_LETTER_WORD = re.compile(r"\(?[^\W\d_](?:[^\W\d_]|['’.\-](?=[^\W\d_]))*\.?\)?")
# Lower-case words that may stand between the capitalised words of a place name.
_PARTICLES = frozenset(
    [
        "de",
        "del",
        "della",
        "dei",
        "degli",
        "di",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "des",
        "la",
        "le",
        "les",
        "el",
        "en",
        "et",
        "e",
        "y",
        "i",
        "van",
        "von",
        "der",
        "den",
        "ten",
        "ter",
        "zu",
        "am",
        "an",
        "im",
        "auf",
        "na",
        "nad",
        "pod",
        "u",
        "of",
        "on",
        "upon",
    ]
)
# Capitalised words that start a line of chat, not a line of an address.
_NOT_A_PLACE_WORD = frozenset(
    [
        "i",
        "thanks",
        "thank",
        "regards",
        "cheers",
        "best",
        "kind",
        "mobile",
        "phone",
        "tel",
        "fax",
        "email",
        "e-mail",
        "website",
        "web",
        "hi",
        "hello",
        "hey",
        "dear",
        "ok",
        "okay",
        "yes",
        "no",
        "see",
        "call",
        "please",
        "the",
        "a",
        "an",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "this",
        "that",
        "it",
        "we",
        "you",
        "he",
        "she",
        "they",
        "sent",
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "sincerely",
        "yours",
        "love",
        "bye",
    ]
)
_SHORT_WORDS = frozenset(
    [
        "and",
        "or",
        "but",
        "so",
        "to",
        "in",
        "at",
        "on",
        "for",
        "of",
        "the",
        "via",
        "a",
        "an",
        "i",
        "my",
        "is",
        "it",
        "we",
        "he",
        "me",
        "us",
        "by",
        "as",
        "if",
        "no",
        "ok",
        "yes",
        "see",
    ]
)
_LINE_PREFIX = re.compile(r"[ \t]{0,8}(?:[?•·*>\-–]{1,4}[ \t]{1,4})?")
_MAX_LINE = 64
_MAX_BLOCK_LINES = 6


def _country_names() -> frozenset[str]:
    """Lower-case English and Chinese country and territory names (``lexicons/country_names.txt``)."""
    names: set[str] = set()
    for line in lexicon("country_names.txt"):
        _, _, words = line.partition(" ")
        names.update(w.strip().lower() for w in words.split(",") if w.strip())
    return frozenset(names)


_COUNTRIES = _country_names()


def _token_kind(token: str, after_comma: bool, lower: bool) -> str | None:
    """What one token of an address line is: unit, number, region, place, particle or None."""
    low = token.lower()
    if low in _UNIT_WORDS:
        return "unit"
    if _POSTCODE_TOKEN.fullmatch(token):
        return "short" if token.isdigit() and len(token) < 4 else "number"  # "EU 100" is no postcode
    if not _LETTER_WORD.fullmatch(token.replace("∆", "Δ")):
        return None
    bare = token.strip("().").replace("∆", "Δ")
    if low.strip("().") in _COUNTRIES:
        return "country"
    if after_comma and len(bare) <= 3 and (bare.isupper() or low not in _SHORT_WORDS):
        return "region"  # ", QC", ", nan" (a region left empty)
    if bare[:1].isupper():
        return "place" if low.strip(".") not in _NOT_A_PLACE_WORD else None
    if low in _PARTICLES:
        return "particle"
    return "place" if lower else None


def _run(text: str, pos: int, lower: bool) -> tuple[int, int, set[str], bool]:
    """Address tokens from ``pos`` on its line: (end, count, kinds seen, the run is complete).

    Complete: it fills the line, or ends the sentence ("… CHARLEROI Victoria? I am …").

    Strong tokens (unit, number, region, country) make the run an address part even when prose
    follows it on the line; a run of place names alone counts only when it fills the line.
    """
    eol = text.find("\n", pos)
    eol = len(text) if eol < 0 else eol
    limit = min(eol, pos + _MAX_LINE)
    end, count, after_comma = pos, 0, False
    kinds: set[str] = set()
    for m in _TOKEN.finditer(text, pos, limit):
        if m.group(0) == ",":
            after_comma = True
            continue
        token = m.group(0)
        kind = _token_kind(token, after_comma, lower)
        stop = False
        if kind is None and token[-1:] in ".?!;":
            token = token.rstrip(".?!;")
            kind = _token_kind(token, after_comma, lower) if token else None
            stop = True
        if kind is None:
            break
        if kind != "particle":
            count += 1
            kinds.add(kind)
            end = m.start() + len(token)
        after_comma = False
        if stop:
            return end, count, kinds, count > 0
    full = eol - pos <= _MAX_LINE and not text[end:eol].strip(" \t\r,.")
    return end, count, kinds, full


def _followed_by_prose(text: str, end: int) -> bool:
    """The run ends where prose resumes: punctuation, a lower-case word or the end of the text."""
    rest = text[end : end + 3]
    return not rest or rest[0] in "?!.;:,)\"'" or (rest[0] == " " and rest[1:2].islower())


def widen(text: str, end: int, lower: bool = False) -> tuple[int, int, bool]:
    """The end of the address whose street ends at ``end``, how many lines it was widened over,
    and whether the widened part is clearly an address (see ``_is_evidence``).

    The rest of the street's line is taken when it is address tokens up to the end of the line,
    or strong tokens up to prose; then each next line (after spaces and a bullet such as "-"
    or "•") while it is address tokens only. A blank line ends the block.
    """
    new_end, count, kinds, full = _run(text, end, lower)
    seen: set[str] = set()
    if count and (full or (kinds - {"place"} and _followed_by_prose(text, new_end))):
        end, seen = new_end, kinds
    if (count and not full) or (count == 0 and text[end:].split("\n", 1)[0].strip(" \t,.")):
        return end, 0, _is_evidence(seen, 0)
    lines = 0
    while lines < _MAX_BLOCK_LINES:
        newline = text.find("\n", end)
        if newline < 0 or text[end:newline].strip(" \t\r,."):
            break
        prefix = _LINE_PREFIX.match(text, newline + 1)
        start = prefix.end() if prefix else newline + 1
        line_end, count, kinds, full = _run(text, start, lower)
        if count == 0:
            break
        if full or (kinds - {"place"} and _followed_by_prose(text, line_end)):
            seen |= kinds
            end, lines = line_end, lines + 1
        if not full:
            break
    return end, lines, _is_evidence(seen, lines)


def _is_evidence(kinds: set[str], lines: int) -> bool:
    """A unit, a region code with a postcode ("St Georges, QC 54256"), or two more lines with a
    region, country or postcode: what makes "Allika 46" and what follows an address rather than
    a title and a number ("Toy Story 4", "Berlin 2019, Germany")."""
    return (
        "unit" in kinds
        or {"region", "number"} <= kinds
        or (lines >= 2 and bool(kinds & {"region", "country", "number"}))
    )


def widen_start(text: str, start: int) -> int:
    """Take a postcode or building number written before the street ("0896 69 Farnell Street")."""
    lead = _LEADING_NUMBER.search(text, max(0, start - 8), start)
    return lead.start() if lead else start


_LEADING_NUMBER = re.compile(r"(?<![^\s(\"'])[0-9]{2,6}[ ]\Z")


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
            new_end, _, evidence = widen(text, end, lower=True)
            if word is None and not evidence:
                return None  # "42 elm street" needs a cue, or a unit, region or country after it
            end = new_end
            return Verdict(
                rule.score,
                "street address in lower case"
                + (" after an address cue" if word else " with its unit or region"),
                context_word=word,
                span=(widen_start(text, start), end),
            )
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
        end, lines, _ = widen(text, end)
        if lines:
            what += f", {lines} more address line{'s' if lines > 1 else ''}"
            score += 0.1
        return Verdict(
            round(min(score, 0.85), 2),
            f"street address ({what})",
            context_word=word,
            span=(widen_start(text, start), end),
        )


# --- military and continental European addresses ------------------------------------------

# US military mail: a unit or PSC with its box, then APO/FPO/DPO, the "state" AA/AE/AP and a ZIP
# code; or a ship (USS, USNS, USNV, USCGC) and FPO. Documented by USPS (Publication 28, 225).
_EN_MILITARY = rule(
    "military_address",
    r"""
    (?<![A-Za-z0-9])
    (?P<value>
      (?:(?:PSC|Unit|CMR)[ ][0-9]{3,5},?[ ]Box[ ][0-9]{3,5}
         (?:[ ]{0,3},?[ ]{0,3}\n?[ ]{0,3}(?:APO|FPO|DPO)[ ](?:AA|AE|AP)[ ][0-9]{5})?
       |(?:USS|USNS|USNV|USCGC)[ ][A-Z][a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u017f]{2,20}
        [ ]{0,3},?[ ]{0,3}\n?[ ]{0,3}(?:FPO|APO|DPO)[ ](?:AA|AE|AP)[ ][0-9]{5})
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
    "|allee|platz|terrasse|utca|gracht|plein|kade|singel|vegur|braut|kuja|polku|ulica|gränd|stig"
)
_UPPER = "A-Z\\u00c0-\\u00d6\\u00d8-\\u00de"
# Street types written as a word of their own after the name: Luite tee, Rákóczi út, Kálmán Imre
# u., Koepenicker Str., Hoge Wei.
_STREET_WORDS = (
    r"u\.|út|útja|utca|tér|körút|tee|Str\.|str\.|Wei|vej|gade|gata|laan|straat|weg|allee|platz|ulica"
)
_EN_EUROPEAN = rule(
    "european_street_address",
    rf"""
    (?<![{_LATIN_LETTER}0-9.])
    (?P<value>
      (?:[0-9]{{1,6}}[ ])?                                                   # a postcode or number first
      (?:[{_UPPER}][{_LATIN_LETTER}]{{2,20}}(?:{_STREET_SUFFIXES})          # Søndergade, Kiannonkatu
       |[{_UPPER}][{_LATIN_LETTER}]{{1,20}}[ ](?:[{_LATIN_LETTER}]{{1,20}}[ ])?
        (?:{_STREET_SUFFIXES}|{_STREET_WORDS})                              # Stensås terrasse, Rákóczi út
       |ul\.[ ][{_UPPER}][{_LATIN_LETTER}]{{1,20}})                        # ul. Chrzanowska
      [ ][1-9][0-9]{{0,4}}[A-Za-z]?
      (?:[ ](?:Apt\.|Suite|apt\.|suite)[ ][0-9]{{1,5}})?
    )
    (?![{_LATIN_LETTER}0-9])
    """,
    0.6,
)


# Letters of street and place names: Latin-1, Latin Extended, Greek (and U+2206, a Greek delta
# look-alike that keyboards produce).
_L = _LATIN_LETTER + "\u0370-\u03ff\u1f00-\u1fff\u2206"
_NAME_WORD = f"[{_L}][{_L}'’\\-]{{0,24}}\\.?"
# A capitalised word (Latin, Latin Extended, Greek capitals) or a particle of a street name.
_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u024f\u0386-\u03ab\u2206"
_CAP_WORD = f"[{_UP}][{_L}'’\\-]{{0,24}}\\.?"
_NAME_PARTICLE = "(?:de|del|della|di|da|do|dos|das|du|des|la|le|van|von|der|den|ten|e|y|i|u|na|nad|pod)"

# Street types written before the name, the house number after it: Via Roma 131, Rua Mina 50,
# Avenida Pedro Ulisses 888, C/ Señores Curas 88, ul. Biskupa Bogedaina 118, Λεωφόρος Συγγρού 119.
_PREFIX_TYPES = (
    "Via|Viale|Vicolo|Piazza|Piazzetta|Piazzale|Corso|Largo|Strada|Rua|Rue|Avenida|Avda\\.|Av\\.|Av|Avenue"
    "|Calle|C/|Carrer|Paseo|Passeig|Plaza|Praça|Travessa|Alameda|Rambla|Ronda|Camino|Boulevard|Bd\\."
    "|Chemin|Chaussée|Allée|Impasse|Quai|Place|ul\\.|ulica|trg|náměstí|nám\\.|Λεωφόρος|Οδός|Πλατεία|Rruga"
    "|Bulevardul|Calea|Aleea"
)
# Types that are also English words ("via email", "in place"): capitalised only.
_ENGLISH_LOOKING_TYPES = frozenset(
    ["via", "av", "avenue", "place", "plaza", "boulevard", "corso", "largo", "strada", "calle"]
)
_EU_TYPE_FIRST = rule(
    "european_street_type_first",
    rf"""
    (?<![{_L}0-9.,/])
    (?P<value>
      (?:(?P<num1>[1-9][0-9]{{0,4}}[A-Za-z]?)[ ])?                    # "56 rue La Boétie": number first
      (?P<type>(?i:{_PREFIX_TYPES}))[ ]
      (?P<name>{_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,4}})
      (?:[ ](?P<num>[1-9][0-9]{{0,4}}[A-Za-z]?(?:/[0-9]{{1,4}})?\.?))?
    )
    (?![{_L}0-9])
    """,
    0.6,
)

# A name and a house number with no street type ("Allika 46", "Dobrovského 1394"): an address only
# when the lines after it are an address block with a unit, region code or country, or after an
# address cue ("lives on", "address:").
_NAME_NUMBER = rule(
    "street_name_and_number",
    rf"""
    (?<![{_L}0-9.,#/\-@:])
    (?P<value>
      (?:[0-9]{{3,6}}[ ])?
      (?P<name>{_CAP_WORD}(?:[ ](?:{_NAME_PARTICLE}[ ])?{_CAP_WORD}){{0,3}})[ ]
      (?P<num>[1-9][0-9]{{0,4}}[A-Za-z]?)
    )
    (?![{_L}0-9\-/.:,][{_L}0-9]|[{_L}0-9])
    """,
    0.5,
)

# A house number and a name with no street type, then a unit: "2505 Heatherleigh Suite 620".
_NUMBER_NAME_UNIT = rule(
    "house_number_name_and_unit",
    rf"""
    (?<![{_L}0-9.,#/\-@:])
    (?P<value>
      (?P<lead>[0-9]{{3,6}}[ ])?[1-9][0-9]{{0,5}}[ ]
      (?P<name>{_CAP_WORD}(?:[ ](?:{_NAME_PARTICLE}[ ])?{_CAP_WORD}){{0,3}})
      [ ](?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat)[ ]?\#?[0-9]{{1,5}}[A-Za-z]?
    )
    (?![{_L}0-9])
    """,
    0.6,
)

# A post office box: "P.O. Box 149", "Postbox 53".
_PO_BOX = rule(
    "post_office_box",
    r"""
    (?<![A-Za-z0-9])
    (?P<value>(?:[0-9]{2,6}[ ])?(?:P\.[ ]?O\.[ ]?Box|PO[ ]Box|Postbox|Post[ ]Office[ ]Box)[ ][0-9]{1,6})
    (?![A-Za-z0-9])
    """,
    0.6,
)

# An intersection: "the corner of Bygget 64 and Komel Club".
_TOK = f"[{_L}0-9][{_L}0-9.'’/\\-]{{0,24}}"
_INTERSECTION = rule(
    "street_intersection",
    rf"""
    (?i:corner)[ ]of[ ](?:the[ ])?
    (?P<value>(?P<a>{_TOK}(?:[ ]{_TOK}){{0,5}})[ ]and[ ](?P<b>{_TOK}(?:[ ]{_TOK}){{0,4}}))
    """,
    0.6,
)
# Words that are no street name before a number in chat: "Windows 10", "Chapter 3", "Room 4".
_NOT_A_STREET_NAME = frozenset(
    [
        "windows",
        "version",
        "chapter",
        "page",
        "room",
        "level",
        "step",
        "part",
        "section",
        "season",
        "episode",
        "vol",
        "volume",
        "iphone",
        "android",
        "python",
        "java",
        "ios",
        "macos",
        "ubuntu",
        "debian",
        "fedora",
        "office",
        "table",
        "figure",
        "line",
        "item",
        "number",
        "no",
        "nr",
        "top",
        "day",
        "week",
        "month",
        "year",
        "grade",
        "class",
        "gate",
        "terminal",
        "platform",
        "bus",
        "flight",
        "seat",
        "row",
        "order",
        "ticket",
        "invoice",
        "case",
        "issue",
        "pr",
        "build",
        "release",
        "sprint",
        "phase",
        "stage",
        "round",
        "game",
        "match",
        "team",
        "group",
        "suite",
        "apt",
        "apartment",
        "unit",
        "flat",
        "floor",
        "box",
        "psc",
        "cmr",
        "qty",
    ]
)
_STREET_TYPE_WORDS = frozenset(
    w.lower() for w in (_STREET_TYPES + "|Turnpike|Route|Bridge|Pass|Parks|Park|Flat|Hill|Hills").split("|")
)


def _name_words_ok(words: list[str]) -> bool:
    """Every word is capitalised or a particle, the first capitalised and no chat word."""
    if not words or not words[0][:1].isupper() or words[0].lower().strip(".") in _NOT_A_STREET_NAME:
        return False
    return all(
        (w[:1].isupper() or w.lower() in _PARTICLES) and w.lower().strip(".") not in _NOT_A_STREET_NAME
        for w in words
    )


def _trim_name(words: list[str], types_end: bool = False) -> int:
    """How many words after a type word belong to the street name ("rue du centre", "Rue La Boétie")."""
    kept = 0
    content = False
    for i, word in enumerate(words):
        if word.lower() in _PARTICLES:
            continue
        if content and not word[:1].isupper():
            break
        low = word.lower().strip(".")
        if low in _NOT_A_PLACE_WORD or low in _NOT_A_STREET_NAME:
            break
        if low in _STREET_TYPE_WORDS and content:
            kept = i + 1 if types_end else kept
            break
        content = True
        kept = i + 1
    return kept


class IntlAddressRecognizer(FamilyRecognizer):
    """LOCATION: US military mail, continental European streets, intersections, address blocks."""

    ENTITIES = ENTITIES
    RULES = (
        _EN_MILITARY,
        _EN_EUROPEAN,
        _EU_TYPE_FIRST,
        _NAME_NUMBER,
        _NUMBER_NAME_UNIT,
        _PO_BOX,
        _INTERSECTION,
    )
    CONTEXT = context(en=("address", "live", "located", "ship", "deliver"), zh=("地址", "住址"))
    PREFILTER = re.compile(r"[0-9]")
    CONTEXT_BOOST = 0.1

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        start, end = match.span("value")
        word = nearby(text, start, end, _ADDRESS_KEYWORDS, before=30)
        if rule is _EN_MILITARY:
            return Verdict(
                rule.score, "US military mail address (unit or PSC, box, APO/FPO/DPO)", context_word=word
            )
        if rule is _INTERSECTION:
            return self._intersection(match, text, word)
        lower = False
        if rule is _EU_TYPE_FIRST:
            kind = match.group("type")
            if (
                kind.lower() in _ENGLISH_LOOKING_TYPES
                and not kind[:1].isupper()
                and (word is None or kind == "via")
            ):
                return None  # "via email"; "avenue de Provence" only after an address cue
            if kind.lower() in ("via", "av") and match.group("num1") is not None:
                return None  # "Release 2 Via Slack"
            words = match.group("name").split(" ")
            kept = _trim_name(words)
            if kept == 0:
                return None
            number_after = match.group("num") is not None and kept == len(words)
            if not number_after and match.group("num1") is None:
                return None  # a type and a name alone ("Via Roma") is a street, not an address
            lower = not any(w[:1].isupper() for w in words[:kept])
            if lower and word is None:
                return None
            if number_after:
                end = match.end("num")
            else:
                end = match.start("name") + len(" ".join(words[:kept]))
                if match.group("num1") is None:
                    return None
            why = "street type, name and house number (continental European)"
        elif rule is _NAME_NUMBER:
            words = match.group("name").split(" ")
            if not _name_words_ok(words):
                return None
            why = "street name and house number"
        elif rule is _NUMBER_NAME_UNIT:
            if not _name_words_ok(match.group("name").split(" ")):
                return None
            why = "house number, street name and unit"
        elif rule is _PO_BOX:
            why = "post office box"
        else:
            why = "street name with a continental European street suffix and a house number"
        new_end, lines, evidence = widen(text, end, lower=lower)
        if rule is _NAME_NUMBER and not (lines and evidence) and word is None and not evidence:
            return None
        if rule is _NUMBER_NAME_UNIT and new_end == end and word is None and match.group("lead") is None:
            return None  # "3 Deluxe Suite 5": a postcode before it, a city after it or an address cue
        if lines:
            why += f", {lines} more address line{'s' if lines > 1 else ''}"
        score = rule.score + (0.1 if lines else 0) + (0.1 if evidence else 0)
        return Verdict(
            round(min(score, 0.85), 2), why, context_word=word, span=(widen_start(text, start), new_end)
        )

    def _intersection(self, match: re.Match[str], text: str, word: str | None) -> Verdict | None:
        a = match.group("a").split(" ")
        b = match.group("b").split(" ")
        kept = _trim_name(b, types_end=True)
        if kept == 0 or not all(
            w[:1].isupper() or w[:1].isdigit() or w.lower() in _PARTICLES or w == "ul." for w in a
        ):
            return None
        parts = a + b[:kept]
        if not any(ch.isdigit() for w in parts for ch in w) and not any(
            w.lower().strip(".") in _STREET_TYPE_WORDS for w in parts
        ):
            return None
        end = match.start("b") + len(" ".join(b[:kept]))
        return Verdict(
            0.7,
            "street intersection (the corner of one street and another)",
            context_word=word,
            span=(match.start("value"), end),
        )


# --- countries ----------------------------------------------------------------------------

# Country names that are also given names or ordinary words ("Chad", "Jordan", "turkey
# sandwich", "Jersey number"): left to the NER model, which sees the sentence.
_AMBIGUOUS_COUNTRIES = frozenset(
    [
        "chad",
        "jordan",
        "jersey",
        "turkey",
        "guinea",
        "georgia",
        "israel",
        "niger",
        "mali",
        "panama",
        "man",
        "china",
        "india",
        "kenya",
        "jamaica",
        "dominica",
        "grenada",
        "montserrat",
        "aruba",
        "martinique",
        "reunion",
        "réunion",
        "mayotte",
        "guadeloupe",
        "norfolk island",
        "christmas island",
        "cocos",
        "peru",
        "cuba",
        "malta",
        "tonga",
        "samoa",
        "togo",
        "oman",
        "iran",
        "iraq",
        "sudan",
    ]
)
_COUNTRY_NAMES = frozenset(
    name
    for name in _COUNTRIES
    if name.isascii()
    and name.replace(" ", "").replace("-", "").isalpha()
    and name not in _AMBIGUOUS_COUNTRIES
)
_COUNTRY_NAME_ANYWHERE = re.compile(
    "|".join(re.escape(n) for n in sorted(_COUNTRY_NAMES, key=len, reverse=True)), re.IGNORECASE
)
_COUNTRY_WORDS = max(len(name.split(" ")) for name in _COUNTRY_NAMES)
# A run of capitalised words (with "and", "of", "the" between them): country names are looked up
# in it, so the scan is one pass, not one pass per name.
_COUNTRY = rule(
    "country_name",
    r"""
    (?<![A-Za-z\u00c0-\u024f\-])
    (?P<value>[A-Z][A-Za-z\-]{1,30}(?:[ ](?:and[ ]|of[ ]|the[ ]){0,2}[A-Z][A-Za-z\-]{1,30}){0,5})
    (?![A-Za-z\u00c0-\u024f\-])
    """,
    0.6,
)


class CountryRecognizer(FamilyRecognizer):
    """LOCATION: a country written with a capital ("Tunisia", "New Zealand", "CANADA").

    The English NER model reports most countries as places already; the list catches the ones
    it misses in a sentence it does not parse well. Lower-case mentions and countries whose
    names are also given names or common words are left to the model.
    """

    ENTITIES = ENTITIES
    RULES = (_COUNTRY,)
    CONTEXT = context(en=("live", "from", "moved", "travelling", "traveling"), zh=())
    CONTEXT_BOOST = 0.1

    def candidate_patterns(self) -> tuple[re.Pattern[str], ...]:
        """A country name in any case: ``check`` reports only runs that contain one."""
        return (_COUNTRY_NAME_ANYWHERE,)

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        found = _find_country(match.group("value"))
        if found is None:
            return None
        start, end = match.start("value") + found[0], match.start("value") + found[1]
        if _IN_ADDRESS_BEFORE.search(text, max(0, start - 80), start):
            return None  # the last part of an address line or block: the address reports it
        postcode = _POSTCODE_AFTER.match(text, end)
        if postcode:
            return Verdict(rule.score + 0.1, "country name and postcode", span=(start, postcode.end()))
        return Verdict(rule.score, "country name", span=(start, end))


def _find_country(run: str) -> tuple[int, int] | None:
    """The offsets in ``run`` of its first country name (the longest one starting there)."""
    words = [(m.start(), m.end()) for m in re.finditer(r"[^ ]+", run)]
    for i, (first, _) in enumerate(words):
        for j in range(min(len(words), i + _COUNTRY_WORDS), i, -1):
            last = words[j - 1][1]
            if run[first:last].lower() in _COUNTRY_NAMES:
                return first, last
    return None


# A country after a comma on an address line ("…, Mora de Rubielos, Spain"), or on a line of its
# own right under another non-blank line (an address block).
_IN_ADDRESS_BEFORE = re.compile(r"(?:,[ ]?|[^\s][ \t]*\n[ \t]{0,8}(?:[?•·*>\-–]{1,4}[ \t]{1,4})?)\Z")
_POSTCODE_AFTER = re.compile(r"[ ][0-9]{3,6}(?![0-9A-Za-z])")


def recognizers(language: str) -> list[EntityRecognizer]:
    """The Chinese, English and international street-address recognizers and country names."""
    found: list[EntityRecognizer] = [
        CnAddressRecognizer(language),
        EnAddressRecognizer(language),
        IntlAddressRecognizer(language),
    ]
    if language == "en":
        found.append(CountryRecognizer(language))
    return found
