"""International identifiers: US_SSN, US_PASSPORT, US_DRIVER_LICENSE, UK_NHS, UK_NINO, IBAN_CODE,
IP_ADDRESS and DATE_OF_BIRTH.

They replace Presidio's predefined recognizers for the same types, whose ``\\b`` patterns miss
values glued to Chinese text (``社安号536-90-4418``, ``IP是203.0.113.7吗``) and whose weak
patterns (any 9 digits is a passport, any letter and digits a driver licence) flood chat with
false alarms. The rules here:
- checksummed or structurally validated types (IBAN mod 97, NHS mod 11, SSN allocation rules,
  NINO prefixes, IP addresses) are found bare at "possible" and raised to "likely" by a keyword;
- types with no structure of their own (US passports and driver licences, dates of birth) are
  reported only next to their keyword;
- numbers that are something else (order numbers, prices, versions, section numbers, phone
  numbers with a country code) are excluded by ``recognizers.exclusions``.
"""

from __future__ import annotations

import datetime
import re

from presidio_analyzer import EntityRecognizer

from recognizers import exclusions, validators
from recognizers.families import _words
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, nearby, rule

ENTITIES: tuple[str, ...] = (
    "US_SSN",
    "US_PASSPORT",
    "US_DRIVER_LICENSE",
    "UK_NHS",
    "UK_NINO",
    "IBAN_CODE",
    "IP_ADDRESS",
    "DATE_OF_BIRTH",
)

# Words that say a grouped number is a telephone number (then it is not an SSN or NHS number).
_PHONE_WORDS = keywords(
    "phone", "tel", "call", "mobile", "cell", "fax", "电话", "電話", "手机", "手機", "传真"
)
# A country calling code right before: "+44 943 476 5919" is a phone number.
_CALLING_CODE_BEFORE = re.compile(r"(?:\+|00)[0-9]{1,3}[ \-]?\(?0?\)?[ \-]?$")


def _calling_code_before(text: str, start: int) -> bool:
    return bool(_CALLING_CODE_BEFORE.search(text[max(0, start - 9) : start]))


# --- US Social Security number ---------------------------------------------------------------

_SSN_WORDS = keywords(
    "SSN",
    "SSNs",
    "SSN#",
    "SS#",
    "social security",
    "social security number",
    "social security no",
    "soc sec",
    "社会安全号",
    "社会安全号码",
    "社會安全號碼",
    "社安号",
    "社安號",
    "美国社保号",
)

# 3-2-4 with one kind of separator (Presidio's "medium" pattern, minus its \b), or 9 digits
# in one run next to a keyword. Not a slice of a longer number, dotted number or token.
_SSN_GROUPED = rule(
    "us_ssn_grouped",
    r"""
    (?<![0-9A-Za-z.\-])
    (?P<value>[0-9]{3}(?P<sep>[\-. ])[0-9]{2}(?P=sep)[0-9]{4})
    (?![0-9A-Za-z]|[.\-][0-9])
    """,
    0.5,
)
_SSN_DIGITS = rule(
    "us_ssn_digits",
    r"(?<![0-9A-Za-z.\-])(?P<value>[0-9]{9})(?![0-9A-Za-z]|[.\-][0-9])",
    0.75,
)


def _bare_number_excluded(text: str, start: int, end: int) -> bool:
    """A keyword-less grouped number that chat context shows to be something else.

    An order or price word before it, a calling code, or a phone word nearby: then it is an
    order id, an amount or a phone number, not an SSN or NHS number.
    """
    return bool(
        exclusions.order_word(text, start)
        or exclusions.price_nearby(text, start, end)
        or _calling_code_before(text, start)
        or nearby(text, start, end, _PHONE_WORDS, before=20) is not None
    )


class ChatUsSsnRecognizer(FamilyRecognizer):
    """US_SSN: numbers the SSA could have issued; 9-digit runs only next to a keyword."""

    ENTITIES = ("US_SSN",)
    RULES = (_SSN_GROUPED, _SSN_DIGITS)
    CONTEXT = context(en=("ssn", "ssns", "social", "security"), zh=("社会安全号", "社会安全号码", "社安号"))
    PREFILTER = re.compile(r"[0-9]{3}[\-. ]?[0-9]{2}")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if not validators.us_ssn_ok(value):
            return None
        start, end = match.span("value")
        word = nearby(text, start, end, _SSN_WORDS, before=30, after=6)
        if word is not None:
            return Verdict(
                0.75,
                "US Social Security number: issuable area, group and serial, SSN keyword",
                context_word=word,
            )
        if rule is _SSN_DIGITS or _bare_number_excluded(text, start, end):
            return None
        score = 0.5 if match.group("sep") == "-" else 0.4
        return Verdict(score, "US Social Security number layout 3-2-4 with issuable area, group and serial")


# --- US passport -------------------------------------------------------------------------------

# 9 digits (book and older cards), or a letter + 8 digits (Next Generation passports, 2021–).
_US_PASSPORT = rule(
    "us_passport",
    r"(?<![0-9A-Za-z])(?P<value>[0-9]{9}|[A-Za-z][0-9]{8})(?![0-9A-Za-z])",
    0.75,
)


class ChatUsPassportRecognizer(FamilyRecognizer):
    """US_PASSPORT: 9 digits or a letter + 8 digits, next to a passport keyword only."""

    ENTITIES = ("US_PASSPORT",)
    RULES = (_US_PASSPORT,)
    CONTEXT = context(en=("passport",), zh=("护照", "護照"))
    PREFILTER = _words.PASSPORT
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        start, end = match.span("value")
        if len(set(value[1:])) == 1:
            return None  # 000000000, A00000000: filler
        word = nearby(text, start, end, _words.PASSPORT, before=30, after=10)
        if word is None or _words.order_is_closer(text, start):
            return None
        american = nearby(text, start, end, _words.US_CUE, before=40, after=10)
        if value[0] in "EGDSPegdsp" and american is None:
            return None  # the Chinese passport series: CN_PASSPORT's
        how = "next to a passport keyword and a US cue" if american else "next to a passport keyword"
        return Verdict(rule.score, f"US passport number layout {how}", context_word=word)


# --- US driver licence ---------------------------------------------------------------------------

# State formats vary (1 letter + 7 digits in California, 9 digits in New York, 1 letter + 12
# digits in Florida, 8 digits in Texas …), so the value is any up-to-3-letter prefix, a digit
# and 3–18 more letters, digits or hyphens, and only right after a driver-licence keyword: the
# gap between them is a few words ("number", "is", "#", "no.", "（美国）") but no digits and no
# sentence end.
_DL = rule(
    "us_driver_license",
    r"""
    (?P<keyword>
        (?i: drivers?'?s?[ ]licen[cs]e | driving[ ]licen[cs]e | driver[ ]licen[cs]e
           | DL[ ]?\# | DLN | DL[ ]no\.? | DL[ ]number | (?-i:DL)[ ]?[:：] )
      | 驾照 | 駕照 | 驾驶证 | 駕駛證 | 驾驶执照 | 駕駛執照
    )
    (?: [^0-9\n。.!?！？;；] | (?<=[Nn]o)\. ){0,24}?
    (?<![0-9A-Za-z])
    (?P<value>[A-Za-z]{0,3}[0-9][0-9A-Za-z\-]{2,16}[0-9A-Za-z])
    (?![0-9A-Za-z\-])
    """,
    0.75,
)


class UsDriverLicenseRecognizer(FamilyRecognizer):
    """US_DRIVER_LICENSE: a licence-number shape right after a driver-licence keyword, never alone."""

    ENTITIES = ("US_DRIVER_LICENSE",)
    RULES = (_DL,)
    CONTEXT = context(en=("driver", "license", "licence", "driving"), zh=("驾照", "驾驶证", "駕照"))
    PREFILTER = re.compile(r"(?i:licen[cs]e|DLN?(?![a-z]))|驾照|駕照|驾驶|駕駛")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        digits = "".join(c for c in value if c.isdigit())
        if len(digits) < 4 or len(set(digits)) == 1 or exclusions.is_date_shaped(value):
            return None  # "expires 2027-06-30" follows the keyword too
        if validators.cn_resident_id_ok(value):
            return None  # a Chinese licence number is the holder's resident ID: CN_RESIDENT_ID
        return Verdict(
            rule.score,
            "driver-licence number shape right after a driver-licence keyword",
            context_word=match.group("keyword"),
        )


# --- UK NHS number --------------------------------------------------------------------------------

_NHS_WORDS = keywords(
    "NHS",
    "NHS number",
    "NHS no",
    "health service number",
    "NHS号码",
    "NHS號碼",
    "英国医保号",
    "英國醫保號",
)

# 10 digits printed 3-3-4 (the NHS's own layout) or in one run.
_NHS_GROUPED = rule(
    "uk_nhs_grouped",
    r"""
    (?<![0-9A-Za-z.\-])
    (?P<value>[0-9]{3}(?P<sep>[ \-])[0-9]{3}(?P=sep)[0-9]{4})
    (?![0-9A-Za-z]|[.\-][0-9]|[ ][0-9])
    """,
    0.5,
)
_NHS_DIGITS = rule(
    "uk_nhs_digits",
    r"(?<![0-9A-Za-z.\-])(?P<value>[0-9]{10})(?![0-9A-Za-z]|[.\-][0-9])",
    0.75,
)


class UkNhsRecognizer(FamilyRecognizer):
    """UK_NHS: 10-digit numbers with a valid mod-11 check digit (python-stdnum)."""

    ENTITIES = ("UK_NHS",)
    RULES = (_NHS_GROUPED, _NHS_DIGITS)
    CONTEXT = context(en=("nhs",), zh=("NHS号码", "英国医保号"))
    PREFILTER = re.compile(r"[0-9]{3}[ \-]?[0-9]{3}[ \-]?[0-9]{4}")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if not validators.uk_nhs_ok(value):
            return None
        start, end = match.span("value")
        word = nearby(text, start, end, _NHS_WORDS, before=30, after=6)
        if word is not None:
            return Verdict(
                0.85,
                "UK NHS number: mod-11 check digit valid, NHS keyword",
                validated=True,
                context_word=word,
            )
        # Without a keyword a 10-digit number that passes mod 11 (1 in 11 do) is as likely a
        # phone number, an order id or a Unix time: only the NHS's own 3-3-4 layout counts.
        if rule is _NHS_DIGITS or _bare_number_excluded(text, start, end):
            return None
        # 0.55: above a national phone number in the same layout (0.5), which phonenumbers
        # accepts far more loosely than 1 in 11.
        score = 0.55 if match.group("sep") == " " else 0.4
        return Verdict(score, "UK NHS number layout 3-3-4, mod-11 check digit valid", validated=True)


# --- UK National Insurance number ---------------------------------------------------------------

_NINO_WORDS = keywords(
    "national insurance",
    "national insurance number",
    "NI number",
    "NI no",
    "NINO",
    "NI#",
    "国民保险号",
    "國民保險號碼",
    "英国国民保险",
)

_NINO = rule(
    "uk_nino",
    r"""
    (?<![0-9A-Za-z])
    (?P<value>[A-Za-z]{2}[ ]?[0-9]{2}[ ]?[0-9]{2}[ ]?[0-9]{2}[ ]?[A-Da-d])
    (?![0-9A-Za-z])
    """,
    0.6,
)


class ChatUkNinoRecognizer(FamilyRecognizer):
    """UK_NINO: allocatable prefixes and suffixes (HMRC rules); lower case in one run scores lowest."""

    ENTITIES = ("UK_NINO",)
    RULES = (_NINO,)
    CONTEXT = context(en=("nino", "insurance", "national"), zh=("国民保险号", "國民保險號碼"))
    PREFILTER = re.compile(r"[A-Za-z]{2}[ ]?[0-9]{2}")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if not validators.uk_nino_ok(value):
            return None
        start, end = match.span("value")
        word = nearby(text, start, end, _NINO_WORDS, before=30, after=6)
        if word is not None:
            return Verdict(
                0.8, "UK National Insurance number: allocatable prefix and suffix, keyword", context_word=word
            )
        if value.isupper():
            return Verdict(
                rule.score, "UK National Insurance number layout with an allocatable prefix and suffix"
            )
        if not value.islower():
            return None  # "Ab123456c" is a token
        if " " not in value:
            # "tw987654a" in one run: the layout and HMRC's allocation rules hold, but so could
            # another lower-case id's; reported, at the lowest level.
            return Verdict(0.3, "lower-case run in the UK National Insurance number layout, allocatable")
        # Typed in lower case (forms and chat lower-case it), the printed groups (hh 01 02 03 d)
        # still carry the layout.
        return Verdict(
            0.45,
            "UK National Insurance number in its printed groups, lower case, allocatable prefix and suffix",
        )


# --- IBAN ---------------------------------------------------------------------------------------------

_IBAN_WORDS = keywords(
    "IBAN",
    "account",
    "bank account",
    "acct",
    "SWIFT",
    "BIC",
    "bank",
    "账号",
    "帳號",
    "账户",
    "帳戶",
    "银行账户",
    "收款账户",
    "国际银行账号",
    "汇款",
)

# Country code, two check digits, 11–30 letters and digits, written in one run or in groups
# of four separated by spaces or hyphens. Lower case counts only next to a keyword ("my iban is
# gb42nawi…"): the mod-97 check is case-blind and a lower-case run is most often a word.
# The match may run into a following word ("… 7654 32 BANK"); ``check`` then drops trailing
# groups until the mod-97 check holds.
_IBAN = rule(
    "iban",
    r"""
    (?<![A-Za-z0-9\-])
    (?P<value>[A-Z]{2}[0-9]{2}(?:[ \-]?[A-Z0-9]){11,30}|[a-z]{2}[0-9]{2}(?:[ \-]?[a-z0-9]){11,30})
    (?![A-Za-z0-9])
    """,
    0.85,
)


class ChatIbanRecognizer(FamilyRecognizer):
    """IBAN_CODE: ISO 13616 mod-97 and per-country layout valid (python-stdnum), CJK-safe."""

    ENTITIES = ("IBAN_CODE",)
    RULES = (_IBAN,)
    CONTEXT = context(en=("iban", "account", "bank"), zh=("账号", "账户", "银行账户"))
    PREFILTER = re.compile(r"[A-Za-z]{2}[0-9]{2}")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        start, end = match.span("value")
        value = match.group("value")
        if "-" in value and " " in value:
            return None  # one kind of separator, as IBANs are printed
        while not validators.iban_ok(value):
            cut = max(value.rfind(" "), value.rfind("-"))
            if cut < 15:
                return None
            value = value[:cut]
        end = start + len(value)
        word = nearby(text, start, end, _IBAN_WORDS, before=30, after=6)
        letters = "".join(c for c in value if c.isalpha())
        if not letters.isupper() and (not letters.islower() or word is None):
            return None  # "LV80 bANK …": mixed case; lower case only next to a keyword
        return Verdict(
            rule.score,
            "IBAN: ISO 13616 mod-97 check digits and the country's length valid",
            validated=True,
            span=(start, end),
            context_word=word,
        )


# --- IP address ---------------------------------------------------------------------------------------

_IP_WORDS = keywords(
    "IP",
    "IPs",
    "IP address",
    "IPv4",
    "IPv6",
    "ip addr",
    "host",
    "server",
    "login from",
    "logged in from",
    "IP地址",
    "IP位址",
    "服务器",
    "伺服器",
    "主机",
    "登录IP",
)

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
# Four octets, not part of a longer dotted number (an OID, a five-part version), an IPv6
# address or a token; glued to "IP" is fine (登录IP192.168.1.1), and so is a colon after a
# label (ip:10.0.0.1, text::ffff:192.0.2.1), but not after a digit (a time, a port). A CIDR prefix length
# (192.168.1.0/24) belongs to the finding.
_IPV4 = rule(
    "ipv4",
    rf"""
    (?<![0-9.])(?<![0-9]:)(?:(?<![A-Za-z])|(?<=IP)|(?<=ip))
    (?P<value>{_OCTET}(?:\.{_OCTET}){{3}})
    (?P<prefix>/(?:3[0-2]|[12]?[0-9]))?
    (?![0-9A-Za-z]|\.[0-9])
    """,
    0.6,
)
# Colon-hex groups with at least two colons among the first two groups (so the lookahead stays
# bounded), an optional embedded IPv4 tail (::ffff:192.0.2.1); ``ipaddress`` has the last word.
# A zone id (fe80::1%eth0) and a CIDR prefix length (fe80::/10) belong to the finding.
_IPV6 = rule(
    "ipv6",
    rf"""
    (?<![0-9A-Za-z:.])
    (?P<value>
        (?=[0-9A-Fa-f]{{0,4}}:[0-9A-Fa-f]{{0,4}}:)
        [0-9A-Fa-f:]{{2,39}}
        (?:(?<=:){_OCTET}(?:\.{_OCTET}){{3}})?
    )
    (?P<zone>%[0-9A-Za-z_.\-]{{1,15}})?
    (?P<prefix>/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9]))?
    (?![0-9A-Za-z:]|\.[0-9])
    """,
    0.6,
)


class IpAddressRecognizer(FamilyRecognizer):
    """IP_ADDRESS: IPv4 and IPv6 addresses (``ipaddress``); private ones score lower, and
    addresses of no single host (0.0.0.0, multicast, broadcast) lowest."""

    ENTITIES = ("IP_ADDRESS",)
    RULES = (_IPV4, _IPV6)
    CONTEXT = context(en=("ip", "ipv4", "ipv6", "address", "host"), zh=("IP地址", "地址", "服务器"))
    PREFILTER = re.compile(r"[0-9]\.[0-9]{1,3}\.[0-9]|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        start, end = match.span("value")
        suffix = match.group("prefix") or ""
        if rule is _IPV6:
            suffix = (match.group("zone") or "") + suffix
            hexdigits = sum(c in "0123456789abcdefABCDEF" for c in value)
            needed = 3 if suffix else 5  # "fe80::/10", "fe80::1%eth0" are written so on purpose
            if not any(c.isdigit() for c in value) or (hexdigits < needed and value != "::1"):
                return None  # "a::b", "10::20", "1::2": slices and scopes, not addresses
        kind = validators.ip_kind(value)
        if kind is None:
            return None
        end += len(suffix)
        if exclusions.version_before(text, start) or exclusions.section_before(text, start):
            return None
        word = nearby(text, start, end, _IP_WORDS, before=25, after=6)
        version = "IPv6" if rule is _IPV6 else "IPv4"
        if kind == "special":
            score = 0.2
            why = f"{version} address of no single host (unspecified, multicast or broadcast)"
        elif kind == "private":
            score = 0.45 if word else 0.3
            why = f"{version} address in a private, loopback or link-local range (internal, rarely personal)"
        else:
            score = 0.75 if word else rule.score
            why = f"public {version} address"
        return Verdict(score, why, validated=True, span=(start, end), context_word=word)


# --- date of birth -------------------------------------------------------------------------------------

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTH_NUMBER = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for name in names
}

# The date layouts people type: ISO and its slash/dot variants, day-month-year or
# month-day-year with 2- or 4-digit years, Chinese 1990年1月1日, English month names, and
# 8 compact digits. Which one is the birth date is decided by the keyword in ``check``.
_DATE = rf"""
    (?<![0-9A-Za-z])
    (?P<value>
        (?P<iso>(?:19|20)[0-9]{{2}}(?P<s1>[\-/.])[0-9]{{1,2}}(?P=s1)[0-9]{{1,2}})
      | (?P<dmy>[0-9]{{1,2}}(?P<s2>[\-/.])[0-9]{{1,2}}(?P=s2)(?:(?:19|20)[0-9]{{2}}|[0-9]{{2}}))
      | (?P<zh>(?:19|20)[0-9]{{2}}[ ]?年[ ]?[0-9]{{1,2}}[ ]?月[ ]?[0-9]{{1,2}}[ ]?[日号號]?)
      | (?P<mdy>(?i:{_MONTHS})\.?[ ]{{1,2}}[0-9]{{1,2}}(?i:st|nd|rd|th)?,?[ ]{{1,2}}(?:19|20)[0-9]{{2}})
      | (?P<dmy_name>[0-9]{{1,2}}(?i:st|nd|rd|th)?[ ](?i:of[ ])?(?i:{_MONTHS})\.?,?[ ](?:19|20)[0-9]{{2}})
      | (?P<compact>(?:19|20)[0-9]{{6}})
      # month and day without a year ("my birthday is March 3rd", "生日3月5日"): a partial
      # date of birth, HIPAA's "dates (except year)"; reported lower, see ``check``
      | (?P<md_name>(?i:{_MONTHS})\.?[ ]{{1,2}}[0-9]{{1,2}}(?i:st|nd|rd|th)?)
      | (?P<dm_name>[0-9]{{1,2}}(?i:st|nd|rd|th)?[ ](?i:of[ ])?(?i:{_MONTHS}))
      | (?P<zh_md>[0-9]{{1,2}}[ ]?月[ ]?[0-9]{{1,2}}[ ]?[日号號])
    )
    (?![0-9A-Za-z])
"""
_DOB = rule("date_of_birth", _DATE, 0.75)
_MONTH_NAME = re.compile(rf"(?<![A-Za-z]){_MONTHS}(?![A-Za-z])", re.IGNORECASE)

_DOB_WORDS = keywords(
    "DOB",
    "D.O.B.",
    "D.O.B",
    "date of birth",
    "birth date",
    "birthdate",
    "birthday",
    "bday",
    "born",
    "born on",
    "出生日期",
    "出生年月日",
    "出生年月",
    "出生于",
    "出生於",
    "出生",
    "生日",
    "生于",
    "生於",
    "出生日",
    "诞生于",
)
# "1990年1月1日出生", "1990-01-01生" — but not 生效 (takes effect), 生产 (made), 生成 (created).
_DOB_AFTER = re.compile(r"[ ]?(?:出生|生(?![效产產成活意气氣])|\(DOB\)|（DOB）)")
_BIRTHDAY_ONLY = frozenset({"birthday", "bday", "生日"})


def _date_parts(match: re.Match[str]) -> list[tuple[int, int, int]]:
    """The (year, month, day) readings of a date match (two for an ambiguous 01/02/1990)."""
    numbers = [int(n) for n in re.findall(r"[0-9]+", match.group("value"))]
    if match.group("iso") or match.group("zh"):
        return [(numbers[0], numbers[1], numbers[2])]
    if match.group("compact"):
        digits = match.group("compact")
        return [(int(digits[:4]), int(digits[4:6]), int(digits[6:]))]
    if match.group("dmy"):
        day_or_month, month_or_day, year = numbers
        if year < 100:
            year += 1900 if year > datetime.date.today().year % 100 else 2000
        return [(year, month_or_day, day_or_month), (year, day_or_month, month_or_day)]
    if match.group("zh_md"):
        return [(0, numbers[0], numbers[1])]
    name = _MONTH_NAME.search(match.group("value"))
    month = _MONTH_NUMBER.get(name.group(0).lower()) if name else None
    day = numbers[0]
    year = numbers[-1] if len(numbers) > 1 else 0  # 0: no year written
    return [(year, month, day)] if month else []


def _birth_date_ok(year: int, month: int, day: int, birthday_only: bool) -> bool:
    try:
        born = datetime.date(year or 2000, month, day)  # no year: any day of a leap year
    except ValueError:
        return False
    if not year:
        return True
    today = datetime.date.today()
    # "birthday party on 2024-06-11" is an event: a birth date said with "birthday" alone must
    # be at least a year old; with "born" or "DOB" any past date counts (a newborn has one).
    latest = today - datetime.timedelta(days=365) if birthday_only else today
    return datetime.date(1900, 1, 1) <= born <= latest


class DateOfBirthRecognizer(FamilyRecognizer):
    """DATE_OF_BIRTH: a real past date in an English or Chinese layout, next to a birth keyword only."""

    ENTITIES = ("DATE_OF_BIRTH",)
    RULES = (_DOB,)
    CONTEXT = context(en=("dob", "birth", "born", "birthday"), zh=("出生日期", "生日", "出生"))
    PREFILTER = re.compile(r"(?i:DOB|D\.O\.B|birth|born|bday)|出生|生日|生于|生於|诞生")
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        start, end = match.span("value")
        word = self._keyword_before(text, start)
        if word is None:
            after = _DOB_AFTER.match(text, end)
            word = after.group(0).strip() if after else None
        if word is None:
            return None
        birthday_only = word.lower() in _BIRTHDAY_ONLY
        if not any(_birth_date_ok(y, m, d, birthday_only) for y, m, d in _date_parts(match)):
            return None
        if match.group("md_name") or match.group("dm_name") or match.group("zh_md"):
            # month and day only: part of a birth date (HIPAA counts it), less identifying
            return Verdict(0.55, "a month and day next to a birthday keyword (no year)", context_word=word)
        return Verdict(rule.score, "a real past date next to a date-of-birth keyword", context_word=word)

    @staticmethod
    def _keyword_before(text: str, start: int) -> str | None:
        """The closest birth keyword within 30 characters before, with no other date in between
        ("born 1990-01-01, joined 2015-03-01": the second date is not a birth date)."""
        matches = list(_DOB_WORDS.finditer(text, max(0, start - 30), start))
        if not matches or _DOB.regex.search(text, matches[-1].end(), start):
            return None
        return matches[-1].group(0)


def recognizers(language: str) -> list[EntityRecognizer]:
    """The international identifier recognizers for ``language``."""
    return [
        ChatUsSsnRecognizer(language),
        ChatUsPassportRecognizer(language),
        UsDriverLicenseRecognizer(language),
        UkNhsRecognizer(language),
        ChatUkNinoRecognizer(language),
        ChatIbanRecognizer(language),
        IpAddressRecognizer(language),
        DateOfBirthRecognizer(language),
    ]
