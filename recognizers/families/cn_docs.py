"""Chinese, Hong Kong, Macau and Taiwan documents: passports, travel permits, ID cards, plates, USCC.

- CN_PASSPORT: E + 8 digits (e-passport), E + letter + 7 digits (the series after E99999999),
  G + 8 digits (older ordinary), D/S/P (+E) for diplomatic, service and public-affairs
  passports. No public checksum outside the MRZ, so only next to a passport keyword.
- CN_TRAVEL_PERMIT: 往来港澳通行证 (C + 8 digits, then C + letter + 7), 往来台湾通行证 (L/T + 8),
  港澳居民来往内地通行证 "回乡证" (H/M + 8, sometimes + 2 renewal digits), 台胞证 (8 digits,
  10 for older cards). All bare letter-and-digit shapes, so only next to their own keywords.
- HK_ID: one or two letters, 6 digits and a check character (A123456(3)); the check holds
  for 1 in 11 random values, so brackets or a keyword decide how sure.
- MO_ID: Macau resident card 1/5/7 + 6 digits + a check digit whose algorithm is not public:
  keyword only.
- TW_ID: national ID (letter + 1/2 + 8 digits), the 2021 resident certificate (letter + 8/9 +
  8 digits) and the old ARC (two letters + 8 digits), all with the Ministry of the Interior
  check digit; old ARCs only with a keyword.
- CN_LICENSE_PLATE: province character + issuing letter + 5 characters, new-energy plates with
  6 (D/F + 5, or 5 digits + D/F), and 挂/学/警/港/澳/领/使 suffixes; I and O are never used.
- CN_USCC (category business): 18 characters with the GB 32100 mod-31 check character and,
  inside it, the organisation code with its GB 11714 check.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import exclusions, validators
from recognizers.families import _words
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, nearby, rule

ENTITIES: tuple[str, ...] = (
    "CN_PASSPORT",
    "CN_TRAVEL_PERMIT",
    "HK_ID",
    "MO_ID",
    "TW_ID",
    "CN_LICENSE_PLATE",
    "CN_USCC",
)

# Letters the Chinese document series use: the Latin alphabet without I and O (read as 1, 0).
_L = "A-HJ-NP-Z"

# --- passports -----------------------------------------------------------------------------

_CN_PASSPORT = rule(
    "cn_passport",
    rf"""
    (?<![0-9A-Za-z])
    (?P<value>
        [Ee][0-9]{{8}}                 # ordinary e-passport, 2012–
      | [Ee][{_L}][0-9]{{7}}           # the series after E99999999 (EA0000001 …)
      | [Gg][0-9]{{8}}                 # ordinary passport, before e-passports
      | [DSPdsp](?:[0-9]{{8}}|[Ee][0-9]{{7}})  # diplomatic, service, public affairs (D/S/P + 8, DE/SE/PE + 7)
    )
    (?![0-9A-Za-z])
    """,
    0.75,
)


class CnPassportRecognizer(FamilyRecognizer):
    """CN_PASSPORT: E/G/D/S/P series numbers next to a passport keyword (and not an American one)."""

    ENTITIES = ("CN_PASSPORT",)
    RULES = (_CN_PASSPORT,)
    CONTEXT = context(en=("passport",), zh=("护照", "護照", "护照号", "护照号码"))
    PREFILTER = _words.PASSPORT
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        start, end = match.span("value")
        if len(set(value[-7:])) == 1:  # E00000000: filler
            return None
        word = nearby(text, start, end, _words.PASSPORT, before=30, after=10)
        if word is None or _words.order_is_closer(text, start):
            return None
        if nearby(text, start, end, _words.US_CUE, before=40, after=10):
            return None  # an American passport: US_PASSPORT's
        return Verdict(
            rule.score,
            "Chinese passport number series (E/G/D/S/P) next to a passport keyword",
            context_word=word,
        )


# --- travel permits ------------------------------------------------------------------------

_HKMO_WORDS = keywords(
    "港澳通行证",
    "港澳通行證",
    "往来港澳通行证",
    "往來港澳通行證",
    "通行证",
    "通行證",
    "exit-entry permit",
    "two-way permit",
    "travel permit",
    "EEP",
)
_TW_PERMIT_WORDS = keywords(
    "台湾通行证",
    "臺灣通行證",
    "往来台湾通行证",
    "往來臺灣通行證",
    "赴台通行证",
    "大通证",
    "通行证",
    "通行證",
    "travel permit",
)
_HOME_RETURN_WORDS = keywords(
    "回乡证",
    "回鄉證",
    "回乡卡",
    "港澳居民来往内地通行证",
    "港澳居民來往內地通行證",
    "来往内地通行证",
    "來往內地通行證",
    "通行证",
    "通行證",
    "home return permit",
    "home-return permit",
    "mainland travel permit",
    "travel permit",
)
_TW_COMPATRIOT_WORDS = keywords(
    "台胞证",
    "台胞證",
    "臺胞證",
    "台湾居民来往大陆通行证",
    "臺灣居民來往大陸通行證",
    "台湾同胞证",
    "MTP",
    "taiwan compatriot permit",
    "mainland travel permit for taiwan residents",
)

_HKMO_PERMIT = rule(
    "hk_macau_travel_permit",
    rf"(?<![0-9A-Za-z])(?P<value>[Cc](?:[0-9]{{8}}|[{_L}][0-9]{{7}}))(?![0-9A-Za-z])",
    0.75,
)
_TW_PERMIT = rule("taiwan_travel_permit", r"(?<![0-9A-Za-z])(?P<value>[LTlt][0-9]{8})(?![0-9A-Za-z])", 0.75)
_HOME_RETURN = rule(
    "home_return_permit", r"(?<![0-9A-Za-z])(?P<value>[HMhm][0-9]{8}(?:[0-9]{2})?)(?![0-9A-Za-z])", 0.75
)
_TW_COMPATRIOT = rule(
    "taiwan_compatriot_permit", r"(?<![0-9A-Za-z])(?P<value>[0-9]{8}(?:[0-9]{2})?)(?![0-9A-Za-z])", 0.75
)

_PERMIT_WORDS: dict[str, tuple[re.Pattern[str], str]] = {
    _HKMO_PERMIT.name: (_HKMO_WORDS, "mainland residents' Hong Kong/Macau travel permit (C series)"),
    _TW_PERMIT.name: (_TW_PERMIT_WORDS, "mainland residents' Taiwan travel permit (L/T series)"),
    _HOME_RETURN.name: (
        _HOME_RETURN_WORDS,
        "Home Return Permit of a Hong Kong or Macau resident (H/M series)",
    ),
    _TW_COMPATRIOT.name: (_TW_COMPATRIOT_WORDS, "Taiwan Compatriot Permit (台胞证) number"),
}


class CnTravelPermitRecognizer(FamilyRecognizer):
    """CN_TRAVEL_PERMIT: Hong Kong/Macau/Taiwan travel permits, each next to its own keyword."""

    ENTITIES = ("CN_TRAVEL_PERMIT",)
    RULES = (_HKMO_PERMIT, _TW_PERMIT, _HOME_RETURN, _TW_COMPATRIOT)
    CONTEXT = context(
        en=("permit",),
        zh=("通行证", "通行證", "回乡证", "台胞证", "港澳通行证"),
    )
    PREFILTER = re.compile(
        r"通行|回乡|回鄉|台胞|臺胞|同胞证|(?i:permit|EEP|MTP)",
    )
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        start, end = match.span("value")
        words, what = _PERMIT_WORDS[rule.name]
        # Permit names are long (台湾居民来往大陆通行证, Mainland Travel Permit for Taiwan Residents).
        word = nearby(text, start, end, words, before=50, after=10)
        value = match.group("value")
        if word is None or len(set(value[-7:])) == 1 or _words.order_is_closer(text, start, words):
            return None
        if rule is _TW_COMPATRIOT and len(value) == 8 and exclusions.is_timestamp(value):
            return None  # 台胞证有效期20290611: a date next to the keyword, not the number
        return Verdict(rule.score, f"{what} next to its keyword", context_word=word)


# --- Hong Kong ID --------------------------------------------------------------------------

_HK_WORDS = keywords(
    "香港身份证",
    "香港身份證",
    "身份證",
    "身份证",
    "身份證號碼",
    "HKID",
    "HK ID",
    "HKIC",
    "Hong Kong ID",
    "Hong Kong identity card",
    "identity card",
    "ID card",
    "ID no",
    "ID number",
)

# The check character in brackets is how the card prints it and how people copy it:
# A123456(3), AB987654(A), also with a space or full-width brackets. Without brackets the
# shape (letter + 7 characters) is common in part numbers, so it needs a keyword to be likely.
_HK_ID = rule(
    "hk_id",
    r"""
    (?<![0-9A-Za-z])
    (?P<value>
        [A-Z]{1,2}[0-9]{6}
        (?: (?P<bracket>[ ]?[(（][0-9A][)）]) | [0-9A] )
    )
    (?![0-9A-Za-z])
    """,
    0.8,
)


class HkIdRecognizer(FamilyRecognizer):
    """HK_ID: Hong Kong identity card numbers whose check character holds."""

    ENTITIES = ("HK_ID",)
    RULES = (_HK_ID,)
    CONTEXT = context(en=("hkid", "identity", "id"), zh=("香港身份证", "身份證", "身份证"))
    PREFILTER = re.compile(r"[A-Z][0-9]{6}")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        if not validators.hk_id_ok(match.group("value")):
            return None
        start, end = match.span("value")
        word = nearby(text, start, end, _HK_WORDS, before=30, after=8)
        bracketed = match.group("bracket") is not None
        if word is None and not bracketed and exclusions.order_word(text, start):
            return None
        if bracketed:
            score, how = (0.85 if word else 0.8), "check character in brackets"
        else:
            score, how = (0.75 if word else 0.5), "check character without brackets"
        return Verdict(
            score,
            f"Hong Kong identity card number: check character valid, {how}",
            validated=True,
            context_word=word,
        )


# --- Macau ID ------------------------------------------------------------------------------

_MO_WORDS = keywords(
    "澳门身份证",
    "澳門身份證",
    "澳门居民身份证",
    "澳門居民身份證",
    "澳門永久性居民身份證",
    "澳门永久性居民身份证",
    "BIR",
    "Macau ID",
    "Macao ID",
    "Macau identity card",
    "Macao identity card",
    "Macau resident identity card",
)

_MO_ID = rule(
    "macau_id",
    r"""
    (?<![0-9A-Za-z/])
    (?P<value>
        [157] (?: [0-9]{6}[ ]?[(（][0-9][)）]   # 1234567(8), as printed
                | /[0-9]{6}/[0-9]              # 1/234567/8, the official notation
                | [0-9]{7} )                   # 12345678
    )
    (?![0-9A-Za-z/])
    """,
    0.75,
)


class MacauIdRecognizer(FamilyRecognizer):
    """MO_ID: Macau resident identity card numbers, next to a Macau ID keyword only."""

    ENTITIES = ("MO_ID",)
    RULES = (_MO_ID,)
    CONTEXT = context(en=("macau", "macao", "bir"), zh=("澳门身份证", "澳門身份證"))
    PREFILTER = re.compile(r"澳门|澳門|(?i:macau|macao|BIR)")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        start, end = match.span("value")
        if not validators.macau_id_shape_ok(match.group("value")):
            return None
        word = nearby(text, start, end, _MO_WORDS, before=30, after=8)
        if word is None:
            return None
        return Verdict(
            rule.score,
            "Macau resident identity card layout (1/5/7, six digits, check digit) next to a Macau ID keyword",
            context_word=word,
        )


# --- Taiwan ID -----------------------------------------------------------------------------

_TW_WORDS = keywords(
    "身分證",
    "身分證字號",
    "身份證字號",
    "身分证",
    "身份证",
    "身份證",
    "台湾身份证",
    "臺灣身分證",
    "統一證號",
    "统一证号",
    "居留證",
    "居留证",
    "居留證號",
    "ARC",
    "Taiwan ID",
    "national ID",
    "resident certificate",
    "ID number",
    "ID no",
    "ID card",
)

_TW_ID = rule(
    "tw_id",
    r"""
    (?<![0-9A-Za-z])
    (?P<value> [A-Z] [1289A-D] [0-9]{8} )   # area letter, sex/kind, 7 digits, check digit
    (?![0-9A-Za-z])
    """,
    0.65,
)

_TW_KINDS = {
    "national": "Taiwan national ID",
    "resident": "Taiwan resident certificate number (2021 format)",
    "resident_old": "Taiwan resident certificate number (old ARC format)",
}


class TwIdRecognizer(FamilyRecognizer):
    """TW_ID: Taiwan national IDs and resident certificate numbers whose check digit holds."""

    ENTITIES = ("TW_ID",)
    RULES = (_TW_ID,)
    CONTEXT = context(en=("id", "arc", "taiwan", "identity"), zh=("身分證", "身份证", "统一证号", "居留證"))
    PREFILTER = re.compile(r"[A-Z][1289A-D][0-9]{8}")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        kind = validators.tw_id_kind(match.group("value"))
        if kind is None:
            return None
        start, end = match.span("value")
        word = nearby(text, start, end, _TW_WORDS, before=30, after=8)
        if word is None and (kind == "resident_old" or exclusions.order_word(text, start)):
            return None  # the old ARC check is weak (two letters + 8 digits is a common code shape)
        score = 0.8 if word else rule.score
        return Verdict(score, f"{_TW_KINDS[kind]}: check digit valid", validated=True, context_word=word)


# --- licence plates ------------------------------------------------------------------------

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼滬雲遼魯蘇贛晉陝閩貴粵寧瓊"
_PLATE_WORDS = keywords(
    "车牌",
    "車牌",
    "车牌号",
    "車牌號",
    "车牌号码",
    "号牌",
    "號牌",
    "车号",
    "車號",
    "牌照",
    "plate",
    "license plate",
    "licence plate",
    "number plate",
    "registration plate",
    "car reg",
)

# Province character, issuing-authority letter, an optional separator (京A·12345), then:
# 6 characters for new-energy plates (D/F + letter-or-digit + 4 digits for small vehicles,
# 5 digits + D/F for large ones) or 5 characters, the last possibly 挂 (trailer), 学 (driving
# school), 警 (police), 港/澳 (cross-border), 领 (consulate), 试/超 (test, oversize).
# Embassy plates are 使 + 6 digits.
_PLATE = rule(
    "cn_license_plate",
    rf"""
    (?P<value>
        [{_PROVINCES}] [{_L}] [ ·•・\-]?
        (?: [DF][{_L}0-9][0-9]{{4}}
          | [0-9]{{5}}[DF]
          | [{_L}0-9]{{4}}[{_L}0-9挂掛学學警港澳领領使试試超]
        )
      | 使[0-9]{{3}}[ ·]?[0-9]{{3}}
    )
    (?![0-9A-Za-z])
    """,
    0.6,
)


class CnLicensePlateRecognizer(FamilyRecognizer):
    """CN_LICENSE_PLATE: mainland plates incl. new-energy and special suffixes."""

    ENTITIES = ("CN_LICENSE_PLATE",)
    RULES = (_PLATE,)
    CONTEXT = context(en=("plate", "car", "vehicle"), zh=("车牌", "車牌", "车牌号", "号牌"))
    CONTEXT_BOOST = 0.15
    PREFILTER = re.compile(rf"[{_PROVINCES}][{_L}]|使[0-9]")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if sum(c.isdigit() for c in value) < 2:
            return None  # plates are mostly digits; 京AB·CDEF is a word, not a plate
        start, end = match.span("value")
        word = nearby(text, start, end, _PLATE_WORDS, before=20, after=6)
        score = 0.75 if word else rule.score
        kind = "new-energy " if len(value.replace("·", "").replace(" ", "").replace("-", "")) == 8 else ""
        return Verdict(
            score, f"mainland {kind}licence plate layout (province, issuer letter, serial)", context_word=word
        )


# --- unified social credit code ------------------------------------------------------------

_USCC_WORDS = keywords(
    "统一社会信用代码",
    "統一社會信用代碼",
    "社会信用代码",
    "信用代码",
    "信用代碼",
    "税号",
    "稅號",
    "纳税人识别号",
    "營業執照",
    "营业执照",
    "USCC",
    "credit code",
    "tax id",
    "business license",
    "business licence",
)

_USCC = rule(
    "cn_uscc",
    r"""
    (?<![0-9A-Za-z])
    (?P<value>
        [0-9ANY][0-9A-HJ-NPQRTUWXY]      # registering authority, entity category
        [0-9]{6}                         # GB/T 2260 region code
        [0-9A-HJ-NPQRTUWXY]{9}           # organisation code (8 + its own check character)
        [0-9A-HJ-NPQRTUWXY]              # GB 32100 check character
    )
    (?![0-9A-Za-z])
    """,
    0.85,
)


class CnUsccRecognizer(FamilyRecognizer):
    """CN_USCC: unified social credit codes whose GB 32100 check character holds."""

    ENTITIES = ("CN_USCC",)
    RULES = (_USCC,)
    CONTEXT = context(en=("uscc", "credit", "tax"), zh=("统一社会信用代码", "信用代码", "税号", "营业执照"))
    PREFILTER = re.compile(r"[0-9]{6}")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if not validators.cn_uscc_ok(value):
            return None
        start, end = match.span("value")
        word = nearby(text, start, end, _USCC_WORDS, before=30, after=8)
        org = validators.uscc_org_code_ok(value)
        if (
            word is None
            and value.isdigit()
            and (not org or validators.cn_resident_id_shaped(value) or exclusions.order_word(text, start))
        ):
            # 18 bare digits: as likely a (mistyped) resident ID or an order number that passes
            # the checks by chance (mod 31 alone: 1 in 31 of any number does)
            return None
        if org:
            score, how = rule.score, "GB 32100 check character and GB 11714 organisation-code check valid"
        else:
            score, how = (0.75 if word else 0.6), "GB 32100 check character valid"
        if value.startswith("92"):
            how += "; 92 = individual business (个体工商户): identifies a person"
        return Verdict(score, f"unified social credit code: {how}", validated=True, context_word=word)


def recognizers(language: str) -> list[EntityRecognizer]:
    """The Chinese/HK/Macau/Taiwan document recognizers for ``language``."""
    return [
        CnPassportRecognizer(language),
        CnTravelPermitRecognizer(language),
        HkIdRecognizer(language),
        MacauIdRecognizer(language),
        TwIdRecognizer(language),
        CnLicensePlateRecognizer(language),
        CnUsccRecognizer(language),
    ]
