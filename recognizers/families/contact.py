"""Contact details: EMAIL_ADDRESS and PHONE_NUMBER (Chinese mobiles, landlines, international).

Phone numbers come from two recognizers:
- ``CnMobileRecognizer``: mainland mobiles in every way people write them (电话13812345678,
  +86 139 1234 5678, 138-1234-5678), checked against assigned segments;
- ``ChatPhoneRecognizer``: everything else that phonenumbers (libphonenumber's numbering plans)
  accepts with its country code (+4915207318846, +44 20 7946 0958), in a region the message
  names ("my Japanese number is 090-1234-5678", "Manila office"), or in one of the default
  regions and those sharing their calling codes (CN landlines 010-12345678, HK, TW, the North
  American plan, GB, DE, FR, IN, JP). A national number dialled with its trunk prefix 0
  (09171234567, 0532 123 45 67) that no named or default region accepts is still a phone number
  when some region's plan reads it as a mobile or fixed line, scored lower without a phone word
  (nearly every such run fits some plan: the trunk 0 and the length are the evidence, so
  account, id and code words veto it). It replaces Presidio's PhoneRecognizer: it finds numbers
  glued to Chinese text, drops service numbers (400/800 hotlines, freephone, premium rate),
  and excludes what only looks like a phone number (dates, times, IP addresses, versions,
  prices, order and tracking numbers, card numbers, and identifiers whose own checks pass in
  their own layout: SSNs written 3-2-4, NHS numbers written 3-3-4).
"""

from __future__ import annotations

import functools
import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers import exclusions, validators
from recognizers.families import _words
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, nearby, rule

ENTITIES: tuple[str, ...] = ("EMAIL_ADDRESS", "PHONE_NUMBER")

# --- e-mail ----------------------------------------------------------------------------

# Our own pattern instead of Presidio's (which needs tldextract and \b): local part of the
# usual unquoted characters (RFC 5322 dot-atom, 64 at most), then host labels (letters, digits,
# inner hyphens, 63 at most) and an alphabetic top-level label of 2–24 letters (or an IDNA
# xn-- label). The left boundary excludes local-part characters, so 联系jane@x.cn starts at
# "jane"; the right one refuses a longer host or a trailing hyphen.
_EMAIL = rule(
    "email_address",
    r"""
    (?<![A-Za-z0-9._%+\-])
    (?P<value>
        (?P<local>[A-Za-z0-9_%+\-](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?)
        @
        (?P<host>(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}
                 (?:[A-Za-z]{2,24}|xn--[A-Za-z0-9\-]{1,59}))
    )
    (?![A-Za-z0-9\-]|\.[A-Za-z0-9])
    """,
    0.8,
)

# "icon@2x.png": image-density suffixes and file extensions are not mail hosts.
_NOT_A_HOST = re.compile(
    r"(?:^[0-9]+(?:\.[0-9]+)?x\.|\.(?:png|jpe?g|gif|webp|svg|bmp|ico|tiff?|heic|pdf|js|ts|css|map|json|xml"
    r"|txt|md|zip|gz|tar|mp[34]|mov|avi|wav|py|go|rs|java|kt|swift|php|rb|exe|dll|so|lock)$)",
    re.IGNORECASE,
)


# scp-style "user@host:path" right after the address: a colon followed by a path character.
_SCP_PATH = re.compile(r":[A-Za-z0-9_~/.]")


class ChatEmailRecognizer(FamilyRecognizer):
    """EMAIL_ADDRESS, CJK-safe, without tldextract (no network, no public-suffix list)."""

    ENTITIES = ("EMAIL_ADDRESS",)
    RULES = (_EMAIL,)
    CONTEXT = context(
        en=("email", "e-mail", "mail", "address", "contact"),
        zh=("邮箱", "邮件", "电子邮件", "电邮", "邮箱地址", "联系"),
    )
    PREFILTER = re.compile("@")

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        local, host = match.group("local"), match.group("host")
        if ".." in local or _NOT_A_HOST.search(host):
            return None
        if _SCP_PATH.match(text, match.end("value")):
            return None  # git@github.com:org/repo.git: an SSH remote (user@host:path)
        return Verdict(rule.score, "e-mail address shape (local part, host, alphabetic top-level domain)")


# --- Chinese mobile --------------------------------------------------------------------

_PHONE_KEYWORDS = keywords(
    "电话",
    "電話",
    "手机",
    "手機",
    "手机号",
    "联系方式",
    "聯繫方式",
    "联系电话",
    "致电",
    "打给",
    "打我",
    "微信",
    "号码",
    "phone",
    "mobile",
    "cell",
    "tel",
    "call",
    "whatsapp",
    "wechat",
    "text me",
    "contact",
    "座机",
    "座機",
    "固话",
    "固話",
    "传真",
    "傳真",
    "办公电话",
    "手机号码",
    "联系",
    "fax",
    "landline",
    "office",
    "telephone",
    "ring me",
    "reach me",
    "sms",
    "line",
    "telegram",
    "signal",
)

# Words that name a telephone itself (not "call", "contact" or "line", which go with meetings,
# lines of code and other numbers): enough for a number that only some region's plan accepts.
_PHONE_NOUNS = keywords(
    "phone",
    "telephone",
    "tel",
    "mobile",
    "cell",
    "cellphone",
    "fax",
    "whatsapp",
    "电话",
    "電話",
    "手机",
    "手機",
    "座机",
    "座機",
    "传真",
    "傳真",
)

# Words that make an 11-digit 3-4-4 number something else: Zoom and Tencent Meeting ids are
# written exactly like mobile numbers.
_NOT_A_PHONE = keywords(
    "meeting id", "meeting", "zoom", "会议号", "会议ID", "会议", "订单号", "单号", "order"
)
# Words that make a bare number with a leading 0 an account, an id or a code: without a phone
# word, such a number is a phone number only by its shape.
_NOT_A_BARE_PHONE = keywords(
    "account",
    "acct",
    "a/c",
    "id",
    "ref",
    "reference",
    "code",
    "pin",
    "otp",
    "password",
    "passcode",
    "customer",
    "member",
    "policy",
    "case",
    "employee",
    "staff",
    "student",
    "license",
    "licence",
    "routing",
    "aba",
    "sort code",
    "swift",
    "iban",
    "bsb",
    "isbn",
    "学号",
    "學號",
    "工号",
    "工號",
    "证号",
    "账号",
    "帳號",
    "账户",
    "帳戶",
    "卡号",
    "卡號",
    "验证码",
    "密码",
    "编码",
    "代码",
    "会员",
)
# Numbers printed in examples and forms: 13800138000 is China Mobile's well-known demo number.
_EXAMPLE_NUMBERS = frozenset({"13800138000"})

# 11 digits starting 1[3-9], optionally after +86 / 0086 / (+86), written whole or 3-4-4
# with spaces or hyphens. Digits and Latin letters may not touch either end (an order id or a
# longer number is not a phone number); Chinese characters may (电话13812345678).
_CN_MOBILE = rule(
    "cn_mobile",
    r"""
    (?<![0-9A-Za-z+])
    (?P<value>
        (?P<cc>(?:\+|00)86[ \-]?|\(\+?86\)[ ]?)?
        1[3-9][0-9] (?:[ \-]?[0-9]{4}){2}
    )
    (?![0-9A-Za-z])
    """,
    0.5,
)


class CnMobileRecognizer(FamilyRecognizer):
    """PHONE_NUMBER for mainland mobiles, checked against assigned segments (phonenumbers)."""

    ENTITIES = ("PHONE_NUMBER",)
    RULES = (_CN_MOBILE,)
    CONTEXT = context(
        en=("phone", "mobile", "cell", "tel", "telephone", "call", "contact", "number", "whatsapp"),
        zh=("电话", "手机", "手机号", "联系方式", "联系电话", "号码", "致电", "微信"),
    )
    PREFILTER = re.compile(r"1[3-9][0-9]")
    CONTEXT_BOOST = 0.3

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if not validators.cn_mobile_ok(value):
            return None
        digits = "".join(c for c in value if c.isdigit())[-11:]
        if digits in _EXAMPLE_NUMBERS or validators.is_placeholder(digits[3:]):
            return None  # 13800000000, 13888888888: filler, not a subscriber
        start, end = match.span("value")
        word = nearby(text, start, end, _PHONE_KEYWORDS, before=20)
        if word is None and nearby(text, start, end, _NOT_A_PHONE, before=25):
            return None
        if exclusions.price_nearby(text, start, end):
            return None  # ¥13812345678, 13800000000元: an amount
        if match.group("cc"):
            return Verdict(
                0.8,
                "mainland mobile number with +86 country code, in an assigned segment",
                validated=True,
                context_word=word,
            )
        return Verdict(
            rule.score,
            "11-digit mainland mobile number in an assigned segment (without a keyword it may be another id)",
            validated=True,
            context_word=word,
        )


# --- landlines and international numbers ---------------------------------------------------

#: Default regions for national-format numbers (each stands for its calling code: US for the
#: whole North American plan);
#: a number written with + or 00 names its own country and is accepted from anywhere.
PHONE_REGIONS = ("CN", "HK", "TW", "US", "GB", "DE", "FR", "IN", "JP")

# A run of digit groups as phone numbers are written: an optional country code (+44, 0044,
# (+44)), then groups of digits, the first possibly in brackets ((021)12345678, (202) 555-0143),
# joined by one space, hyphen or dot (optionally spaced: 555 - 0143). The separators are not
# optional between two digit groups, so a long digit run is one group and the match stays
# linear; after a + the whole number may be one run (+905321234567). An extension may follow
# (x4587, ext. 12). Not part of a token, a URL path or query, a decimal or a longer dotted
# number.
_PHONE_RUN = rule(
    "phone_number",
    r"""
    (?<![0-9A-Za-z_+/=\#&@.,\-])
    (?P<value>
        (?: \(?\+[ ]?[1-9][0-9]{0,14}\)? | \(?[0-9]{1,15}\)? )
        (?: (?: [ ]?[\-.][ ]? | [ ] | (?<=\)) ) \(?[0-9]{1,12}\)? ){0,7}
    )
    (?P<ext>[ ]?(?:x|ext\.?|extension)[ ]?[0-9]{1,6})?
    (?![0-9A-Za-z]|[.,:\-][0-9])
    """,
    0.5,
)
_CHUNK = re.compile(r"[^ ]+(?:[ ]?[\-.][ ]?[^ ]+)*")
_SSN_SHAPE = re.compile(r"[0-9]{3}-[0-9]{2}-[0-9]{4}")
# The layouts of identifiers with their own checks: an SSN 3-2-4, an NHS number 3-3-4.
_SSN_LAYOUT = re.compile(r"[0-9]{3}(?P<sep>[ .\-])[0-9]{2}(?P=sep)[0-9]{4}")
_NHS_LAYOUT = re.compile(r"[0-9]{3}(?P<sep>[ \-])[0-9]{3}(?P=sep)[0-9]{4}")
# Four or more dot-separated groups of 1–3 digits without a leading zero (192.168.1.1.1, an OID,
# a version): an address or a version, while dotted phone numbers lead with 0 (06.12.34.56.78).
_DOTTED_NUMBER = re.compile(r"(?:(?:0|[1-9][0-9]{0,2})\.){3,}(?:0|[1-9][0-9]{0,2})")
# National numbers dialled with the trunk prefix 0: 0, a non-zero digit, 9–11 digits in all
# (09171234567, 0532 123 45 67, 020 7946 0958, 06 12 34 56 78).
_TRUNK_LENGTH = re.compile(r"0[1-9][0-9]{7,9}")
_FILE_SUFFIX = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}\b")
# A decimal: one dot, an integer part of 1–3 digits and a fraction of 5 or more (0.87654321,
# 51.50741234), never how a phone number is grouped.
_DECIMAL = re.compile(r"[0-9]{1,3}\.[0-9]{5,}")
_CN_MOBILE_SHAPE = re.compile(
    r"(?:(?:\+|00)86[ \-]?|\(\+?86\)[ ]?)?1[0-9]{2}(?P<sep>[ \-]?)[0-9]{4}(?P=sep)[0-9]{4}"
)
# A letter-and-digit token around the run, to see whether the run is part of an ID or a card
# (110105 19491231 002X).
_AROUND = re.compile(r"[0-9A-Za-z ]{0,24}$")
_AROUND_AFTER = re.compile(r"[0-9A-Za-z ]{0,24}")


# Deletes every ASCII character but the digits (digit runs are ASCII: one table lookup each).
_ASCII_NON_DIGITS = {c: None for c in range(128) if not chr(c).isdigit()}


def _digits(value: str) -> str:
    if value.isascii():
        return value.translate(_ASCII_NON_DIGITS)
    return "".join(c for c in value if c.isdigit())


def _part_of_other_id(text: str, start: int, end: int) -> bool:
    """The run with its letter-and-digit neighbours is a resident ID or a Luhn-valid card number
    (110105 19491231 002X, 4000 0000 0000 1232): those recognizers report it, not this one."""
    before = _AROUND.search(text, max(0, start - 24), start)
    after = _AROUND_AFTER.match(text, end)
    left = before.group(0) if before else ""
    right = after.group(0) if after else ""
    run = text[start:end]
    for joined in (left + run + right, run + right, left + run, run):
        compact = joined.replace(" ", "")
        if validators.cn_resident_id_ok(compact[-18:]) or validators.cn_resident_id_ok(compact[:18]):
            return True
        if compact.isdigit() and 13 <= len(compact) <= 19 and validators.luhn_ok(compact):
            return True
    return False


def _shape_excluded(value: str) -> bool:
    """Shapes that phonenumbers may accept but that are something else in chat."""
    return (
        exclusions.is_date_shaped(value)
        or exclusions.is_time_shaped(value)
        or exclusions.is_year_range(value)
        or exclusions.is_ip_shaped(value)
        or bool(_SSN_SHAPE.fullmatch(value))
        or bool(_DOTTED_NUMBER.fullmatch(value))
        or bool(_DECIMAL.fullmatch(value))
    )


def _checked_identifier(value: str) -> str | None:
    """The identifier that ``value`` is in its own layout with its own check passing, if any.

    A phone number is weaker evidence: nearly any 7–15 digits are valid in some region's plan,
    while an SSN's allocation rules or an NHS number's mod-11 digit pass by chance for few
    numbers. An NHS-layout number that is also a valid North American number stays a phone
    number (3-3-4 is that plan's own layout, and 1 in 11 of them pass mod 11).
    """
    if _SSN_LAYOUT.fullmatch(value) and validators.us_ssn_ok(value):
        return "US Social Security number"
    if (
        _NHS_LAYOUT.fullmatch(value)
        and validators.uk_nhs_ok(value)
        and validators.phone_kind(value, ("US",)) is None
    ):
        return "NHS number"
    return None


# A phone label right before the number, as in a signature or a form ("Phone: ", "mobile - ",
# "电话：").
_LABEL_BEFORE = re.compile(
    r"(?:phone|tel|mobile|cell|fax|电话|電話|手机|手機)[ ]?(?:no\.?|number|#)?[ ]?[:：\-]?[ ]?$",
    re.IGNORECASE,
)


_WORD = re.compile(r"[a-z][a-z.'\-]*")


@functools.cache
def _region_names() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Names and demonyms in Latin script (looked up as words and word pairs and triples), and
    those in Chinese (looked up as substrings), each with its region."""
    names = validators.phone_region_names()
    latin = {n.rstrip(".'-"): r for n, r in names.items() if n.isascii()}
    chinese = tuple((n, r) for n, r in names.items() if not n.isascii())
    return latin, chinese


def context_regions(text: str, start: int, end: int, before: int = 60, after: int = 30) -> tuple[str, ...]:
    """Regions that the words around a number name: "my Japanese number", "Manila, Philippines",
    "日本的号码" (country names from phonenumbers' data, demonyms from a lexicon)."""
    latin, chinese = _region_names()
    window = text[max(0, start - before) : min(len(text), end + after)].lower()
    words = [w.rstrip(".'-") or w for w in _WORD.findall(window)]
    found: list[str] = []
    for n in (1, 2, 3):
        for k in range(len(words) - n + 1):
            region = latin.get(" ".join(words[k : k + n]))
            if region is not None:
                found.append(region)
    if not window.isascii():
        found.extend(region for name, region in chinese if name in window)
    return tuple(dict.fromkeys(found))


class ChatPhoneRecognizer(FamilyRecognizer):
    """PHONE_NUMBER: landlines and international numbers valid in a default region (phonenumbers).

    Scores: with + or 00 (the number names its country) 0.7; national layout with separators
    or brackets 0.5; digits in one run only next to a phone keyword. A phone keyword nearby
    adds 0.3. Mainland mobiles are left to ``CnMobileRecognizer``.
    """

    ENTITIES = ("PHONE_NUMBER",)
    RULES = (_PHONE_RUN,)
    CONTEXT = context(
        en=("phone", "tel", "telephone", "call", "mobile", "cell", "fax", "contact", "number", "whatsapp"),
        zh=("电话", "座机", "固话", "传真", "联系电话", "联系方式", "手机", "号码"),
    )
    PREFILTER = re.compile(r"[0-9](?:[ \-.()]{0,3}[0-9]){6}")
    CONTEXT_BOOST = 0.3
    OWN_CONTEXT = True  # keywords are weighed in _judge(); Presidio's enhancer must not add more

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Find digit runs, then the longest space-separated stretch of each that is a valid number."""
        if entities and "PHONE_NUMBER" not in entities:
            return []
        if self.PREFILTER is not None and not self.PREFILTER.search(text):
            return []
        results: list[RecognizerResult] = []
        matches = list(_PHONE_RUN.regex.finditer(text))
        # Numbers written with their country code name a region for the national-format numbers
        # beside them ("+905321234567, or at work 05359876543").
        message_regions = tuple(
            dict.fromkeys(
                region
                for m in matches
                if m.group("value").lstrip("(").startswith("+")
                for region in (validators.phone_region(m.group("value")),)
                if region is not None
            )
        )
        cards = (
            exclusions.card_spans(text) if any(len(_digits(m.group("value"))) >= 13 for m in matches) else []
        )
        for match in matches:
            start, end = match.span("value")
            run = text[start:end]
            total = len(_digits(run))
            international = run.lstrip("(").startswith("+")
            if total < 7 or _shape_excluded(run):
                continue
            if total >= 12 and not international and _part_of_other_id(text, start, end):
                continue
            if (
                exclusions.price_nearby(text, start, end)
                or exclusions.version_before(text, start)
                or exclusions.is_isbn(text, start, end)
            ):
                continue  # the context speaks for the whole run, not just its first number
            # A run may join a number to its neighbours ("room 5 202-555-0143", "2024-06-11
            # 13812345678"): try stretches of whole space-separated chunks, longest first.
            chunks = [(start + m.start(), start + m.end()) for m in _CHUNK.finditer(run)]
            sizes = [len(_digits(text[a:b])) for a, b in chunks]
            if max(sizes) < 2:
                continue  # 1 2 3 4 5 6 7: a list
            if total >= 13 and len(sizes) >= 3 and all(n == 4 for n in sizes[:-1]) and sizes[-1] <= 4:
                continue  # 6217 0000 1000 0000 027: card-style groups (valid or not), no phone inside
            usable = [
                b - a == n or not _shape_excluded(text[a:b]) for (a, b), n in zip(chunks, sizes, strict=True)
            ]
            # A run that starts with a country code names its country: no national number
            # may be cut out of its middle ("+44 7700 900123" is invalid, "7700 900123" no answer).
            last_start = (
                1 if text[chunks[0][0] : chunks[0][1]].lstrip("(").startswith(("+", "00")) else len(chunks)
            )
            i = 0
            # "Phone: 72 128 827": right after a keyword, the whole run is the number, however grouped.
            labelled = _LABEL_BEFORE.search(text, max(0, start - 12), start) is not None
            # The whole run when no verdict took it: if it is a service number as written (0900 123
            # 4567), no shorter number inside it counts. Asked only once a shorter one would count.
            unclaimed: tuple[int, int] | None = None
            while i < last_start:
                for j in range(min(len(chunks), i + 6), i, -1):
                    if not 7 <= sum(sizes[i:j]) <= 15 or not all(usable[i:j]):
                        continue
                    whole_run = labelled and i == 0 and j == len(chunks) and min(sizes) >= 2
                    if not whole_run and not _plausible_grouping(text, chunks, sizes, i, j):
                        continue
                    a, b = chunks[i][0], chunks[j - 1][1]
                    if any(c_start < b and a < c_end for c_start, c_end in cards):
                        continue  # a card number or a part of one
                    verdict = self._judge(text, a, b, whole=j == len(chunks), regions=message_regions)
                    if verdict is None:
                        if i == 0 and j == len(chunks):
                            unclaimed = (a, b)
                        continue
                    if unclaimed is not None:
                        if _service_run(text, *unclaimed, message_regions):
                            i = last_start  # 0900 123 4567: a premium-rate number, nothing inside it
                            break
                        unclaimed = None
                    if b == end and match.group("ext"):
                        b = match.end("ext")  # the extension belongs to the number
                    results.append(self._result("PHONE_NUMBER", a, b, _PHONE_RUN, verdict))
                    i = j - 1
                    break
                i += 1
        return list(EntityRecognizer.remove_duplicates(results)) if results else []

    def _judge(
        self, text: str, start: int, end: int, whole: bool = True, regions: tuple[str, ...] = ()
    ) -> Verdict | None:
        """A verdict on ``text[start:end]``, a stretch of a digit run (``whole``: all of it);
        ``regions`` are those of the numbers with a country code in the same text."""
        value = text[start:end]
        digits = _digits(value)
        if not 7 <= len(digits) <= 15 or _shape_excluded(value) or exclusions.is_repetitive(digits):
            return None
        if _CN_MOBILE_SHAPE.fullmatch(value):
            # 11 digits starting with 1 are a mainland mobile or nothing: CnMobileRecognizer
            # decides (segments, meeting ids); 15412345678 is not a US +1 541 number in chat.
            return None
        international = value.lstrip("(").startswith(("+", "00"))
        grouped = digits != value.lstrip("+")
        word = nearby(text, start, end, _PHONE_KEYWORDS, before=20)
        if word is None and not international and _checked_identifier(value):
            return None  # 078 05 1123, 401-023-2137: an SSN, an NHS number (reported as such)
        preferred: tuple[str, ...] = ()
        if not international:
            preferred = tuple(dict.fromkeys(context_regions(text, start, end) + regions))
        # A national number written with its trunk prefix 0 (09171234567, 0532 123 45 67): the
        # way people write their own number at home, and rare for ids of other kinds, which
        # lead with a significant digit or with 00.
        trunk = not international and _TRUNK_LENGTH.fullmatch(digits) is not None
        bare = False  # one run of digits, no keyword: only as dialled in some region, with its 0
        if word is None:
            if not international and len(digits) < 8:
                return None  # 555 0143 alone: as likely a count or a time
            if not (international or grouped):
                if not digits.startswith("0"):
                    return None  # 2025550143 alone: as likely an id, a count or a time
                bare = True  # 05359876543: the trunk 0 is written
            if exclusions.order_word(text, start) or nearby(text, start, end, _NOT_A_PHONE, before=25):
                return None
        elif _words.order_is_closer(text, start, _PHONE_KEYWORDS):
            return None  # "phone? — order 2025550143 shipped": the nearer keyword wins
        if (
            exclusions.price_nearby(text, start, end)
            or exclusions.version_before(text, start)
            or exclusions.is_isbn(text, start, end)
            or (not grouped and exclusions.is_timestamp(digits))
            or (not international and exclusions.street_after(text, end))  # "17031 2202 Rissik St"
        ):
            return None
        if bare:
            region = next((r for r in preferred if validators.phone_dialled_in(value, r)), None)
            if region is not None:
                why = f"number as dialled in {region}, a region the message names or shows"
                return Verdict(0.45, why, validated=True)
            # 9 digits with a 0 are as often a routing number or a padded id: 10–11 alone.
            return self._dialled_somewhere(text, start, end, whole and trunk and len(digits) >= 10, None)
        found = validators.phone_kind(value, PHONE_REGIONS, preferred)
        if (
            found is None
            and not international
            and whole
            and nearby(text, start, end, _PHONE_NOUNS, before=20)
        ):
            # "mobile: 0917 123 4567": the word says phone; some region's plan must agree.
            found = validators.phone_kind_anywhere(value, PHONE_REGIONS)
        if found is None and whole and trunk:
            # "0917-123-4567", "call 0532 123 45 67": no default region, but dialled with its
            # trunk 0, a mobile or fixed-line number in some region's plan.
            return self._dialled_somewhere(text, start, end, True, word)
        if found is None:
            region = validators.phone_possible(value) if word is not None and whole else None
            if region is None:
                return None  # in no region's plan, or a service number (400/800, freephone)
            # "mobile: +44 7700 900123": the country's length, an unassigned (or reserved) range.
            why = f"{region} number with country code and a phone keyword; length fits, range not assigned"
            return Verdict(0.35, why, validated=False, context_word=word)
        plans, kind = found
        if international:
            why = f"{plans} {kind} number with country code, valid in its numbering plan"
            return Verdict(0.7, why, validated=True, context_word=word)
        if plans.startswith("CN") and kind == "fixed line" and digits.startswith("0"):
            why = "mainland landline with area code (区号), valid in the numbering plan"
        else:
            why = f"{kind} number in national format, valid in the numbering plan of {plans}"
        return Verdict(0.5 if grouped else 0.45, why, validated=True, context_word=word)

    @staticmethod
    def _dialled_somewhere(text: str, start: int, end: int, trunk: bool, word: str | None) -> Verdict | None:
        """A verdict on a national number with its trunk 0 that no default or named region
        accepts: a mobile or fixed-line number as dialled in some region's plan. Lower than a
        number in a default region: the message does not say which country it is from."""
        if not trunk:
            return None
        value = text[start:end]
        found = validators.phone_kind_anywhere(value, PHONE_REGIONS, subscriber=True)
        if found is not None and word is None and nearby(text, start, end, _NOT_A_BARE_PHONE, before=25):
            return None  # "account 0345678901": an account number, not a line
        if found is not None and word is None and _FILE_SUFFIX.match(text, end):
            return None  # "0412345678.pdf": a file name
        if found is None:
            return None
        plans, kind = found
        why = f"{kind} number with its trunk prefix 0, as dialled in {plans} (the message names no country)"
        return Verdict(0.4 if word is None else 0.45, why, validated=True, context_word=word)


def _service_run(text: str, start: int, end: int, regions: tuple[str, ...]) -> bool:
    """The whole run is a service number as written, in no region the text names or shows."""
    value = text[start:end]
    if value.lstrip("(").startswith("+") or not validators.phone_is_service(value, PHONE_REGIONS):
        return False
    return validators.phone_kind(value, (), context_regions(text, start, end) + regions) is None


def _plausible_grouping(text: str, chunks: list[tuple[int, int]], sizes: list[int], i: int, j: int) -> bool:
    """How a number may be grouped when it is written in space-separated chunks i…j-1.

    "5 202-555-0143" and "12 13812345678" are a count or a room number before a phone number,
    and "1 2 3 4 5 6 7" is a list. A first chunk of 1–2 digits is a trunk or area prefix only
    as "1" before a 3-digit chunk (US: 1 202 555 0143), as 0x (FR 06 12 34 56 78) or as a trunk
    0 written apart (TR 0 532 123 45 67); a country
    code (+33) or a bracketed chunk may always lead; from the third chunk on, every chunk has
    at least 2 digits (+33 6 12 34 56 78).
    """
    if j - i == 1:
        return True
    first = text[chunks[i][0] : chunks[i][1]]
    if first.startswith("+"):
        return True  # the country's plan decides (+30 21 0 1234567)
    if any(size < 2 for size in sizes[i + 2 : j]):
        return False
    if first.startswith("(") or sizes[i] >= 3:
        return True
    if first == "0":
        return sizes[i + 1] >= 2  # the trunk 0 written apart: 0 532 123 45 67, 0 (917) 123 4567
    return (first == "1" and sizes[i + 1] == 3) or (len(first) == 2 and first.startswith("0"))


def recognizers(language: str) -> list[EntityRecognizer]:
    """The e-mail and phone-number recognizers for ``language``."""
    return [ChatEmailRecognizer(language), CnMobileRecognizer(language), ChatPhoneRecognizer(language)]
