"""Unit tests for ``recognizers.validators``: each predicate, with its edge cases."""

from __future__ import annotations

import datetime
import zlib

import pytest

from recognizers import validators as v

# --- Luhn, card brands, test cards ------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        ("4000000000001232", True),
        ("4000000000001233", False),
        ("6222021234567890128", True),
        ("6222021234567890127", False),
        ("0", True),  # the Luhn sum of 0 is 0
        ("", False),
        ("4000 0000 0000 1232", False),  # separators are the caller's job
        ("40000000000012a2", False),
        ("٤٠٠٠", False),  # Arabic-Indic digits are not ASCII digits
    ],
)
def test_luhn_ok(digits: str, ok: bool) -> None:
    assert v.luhn_ok(digits) is ok


@pytest.mark.parametrize(
    ("digits", "brand"),
    [
        ("4000000000001232", "Visa"),
        ("4222222222222", "Visa"),  # 13 digits
        ("400000000000123", None),  # 15 digits: no Visa length
        ("5123456789012346", "Mastercard"),
        ("2223000000001237", "Mastercard"),
        ("2721000000000000", None),  # just past the 2-series range
        ("371234567890120", "American Express"),
        ("341234567890120", "American Express"),
        ("3712345678901200", None),  # Amex is 15 digits
        ("6011000000009872", "Discover"),
        ("6500000000000002", "Discover"),
        ("3530111333300125", "JCB"),
        ("30569309025904", "Diners Club"),
        ("2200000000000004", "Mir"),
        ("6222021234567890128", None),  # UnionPay belongs to CN_BANK_CARD
        ("9400000000001235", None),
        ("12ab", None),
    ],
)
def test_card_brand(digits: str, brand: str | None) -> None:
    assert v.card_brand(digits) == brand


def test_test_cards_are_known_and_luhn_valid() -> None:
    for number in ("4111111111111111", "4242424242424242", "5555555555554444", "378282246310005"):
        assert v.is_test_card(number)
    assert not v.is_test_card("4000000000001232")
    assert all(v.luhn_ok(n) for n in v.lexicon("test_cards.txt"))


# --- Chinese resident ID ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # GB 11643's own example
        "11010519491231002x",  # lower-case check character
        "110105 19491231 002X",  # spaces
        "440306199001019991",
        "310115200002291235",  # 29 February in a leap year
        "810000198506150012",  # Hong Kong residents' residence permit (province 81)
        "911000196809123455",  # 2023 foreign permanent-residence number (9 + province 11)
        "110105491231002",  # 15-digit legacy number, born 1949-12-31
    ],
)
def test_cn_resident_id_ok(number: str) -> None:
    assert v.cn_resident_id_ok(number)


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # checksum: should be X
        "110105194913310021",  # checksum valid, month 13
        "110105194902300020",  # checksum valid, 30 February
        "110105209912310029",  # checksum valid, born in the future
        "110105179912310024",  # checksum valid, born before 1880
        "990105194912310023",  # checksum valid, no province 99
        "11010519491231002",  # 17 characters
        "1101051949123100211",  # 19 characters
        "1101051949123100X2",  # X in the wrong place
        "110105491331002",  # 15 digits, month 13
        "990105491231002",  # 15 digits, no province 99
        "",
    ],
)
def test_cn_resident_id_rejects(number: str) -> None:
    assert not v.cn_resident_id_ok(number)


def test_cn_resident_id_checksum_is_stdnums_but_regions_are_province_level() -> None:
    from stdnum.cn import ric

    for number in ("11010519491231002X", "110105194912310021"):
        assert v.cn_resident_id_ok(number) == ric.is_valid(number)
    # stdnum also checks the county against the birth year (440306 dates from 1993); GB 11643
    # numbers keep their old region code for life, so a born-1990 holder is still valid here.
    assert v.cn_resident_id_ok("440306199001019991") and not ric.is_valid("440306199001019991")


def test_cn_resident_id_future_birth_date_is_relative_to_today() -> None:
    today = datetime.date.today()
    tomorrow = today + datetime.timedelta(days=1)
    from stdnum.cn import ric

    for day, ok in ((today, True), (tomorrow, False)):
        first17 = f"110105{day:%Y%m%d}001"
        assert v.cn_resident_id_ok(first17 + ric.calc_check_digit(first17 + "0")) is ok


# --- Chinese mobile ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["13812345678", "+86 139 1234 5678", "138-1234-5678", "0086 18612345678", "(+86) 15012345678"]
)
def test_cn_mobile_ok(number: str) -> None:
    assert v.cn_mobile_ok(number)


@pytest.mark.parametrize(
    "number",
    [
        "15412345678",  # 154 unassigned
        "19412345678",  # 194 unassigned
        "12012345678",  # not a mobile segment
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "23812345678",  # does not start with 1
        "+1 138 1234 5678",  # not a Chinese number
        "",
    ],
)
def test_cn_mobile_rejects(number: str) -> None:
    assert not v.cn_mobile_ok(number)


# --- GitHub -------------------------------------------------------------------------------


def _github(prefix: str, body: str) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    n, check = zlib.crc32(body.encode()), ""
    while n:
        n, r = divmod(n, 62)
        check = alphabet[r] + check
    return prefix + body + check.rjust(6, "0")


@pytest.mark.parametrize("prefix", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])
def test_github_token_ok(prefix: str) -> None:
    token = _github(prefix, "Chatsweep0Synthetic0Token00001")
    assert v.github_token_ok(token)
    assert token == _github(prefix, token[4:34])  # the helper is the documented scheme


def test_github_token_rejects() -> None:
    good = _github("ghp_", "Chatsweep0Synthetic0Token00001")
    assert not v.github_token_ok(good[:-1] + ("A" if good[-1] != "A" else "B"))  # checksum
    assert not v.github_token_ok(good[:10] + "X" + good[11:])  # body changed
    assert not v.github_token_ok("ghx_" + good[4:])  # unknown prefix
    assert not v.github_token_ok(good[:-1])  # length
    assert not v.github_token_ok("ghp_" + "x" * 36)
    assert not v.github_token_ok("ghp_Chatsweep0Synthetic0Token0000-_____")
    assert v.github_token_ok("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")  # the sample file's token


# --- AWS --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("AKIACHATSWEEPQ7R2ZKD", True),
        ("ASIACHATSWEEP4TEMP3K", True),
        ("ABIACHATSWEEPB2AR3R7", True),
        ("ACCACHATSWEEPCTX2345", True),
        ("AKIAIOSFODNN7EXAMPLE", False),  # AWS documentation
        ("AKIACHATSWEEPEXAMPLE", False),
        ("AKIAXXXXXXXXXXXXXXXX", False),
        ("AKIACHATSWEEPQ7R2Z0D", False),  # 0 is not base32
        ("AKIACHATSWEEPQ7R2Z1D", False),  # nor is 1
        ("akiachatsweepq7r2zkd", False),
        ("AKIDCHATSWEEPQ7R2ZKD", False),  # Tencent prefix, not AWS
        ("AKIACHATSWEEPQ7R2ZK", False),  # 19 characters
        ("AKIAAAAAAAAAAQ7R2ZKD", False),  # filler run
    ],
)
def test_aws_access_key_ok(value: str, ok: bool) -> None:
    assert v.aws_access_key_ok(value) is ok


# --- entropy, classes, placeholders, sequences, words -----------------------------------------


def test_shannon_entropy() -> None:
    assert v.shannon_entropy("") == 0.0
    assert v.shannon_entropy("aaaa") == 0.0
    assert v.shannon_entropy("ab") == pytest.approx(1.0)
    assert v.shannon_entropy("0123456789abcdef") == pytest.approx(4.0)
    assert v.shannon_entropy("cHaTsWeEp/SyNtHeTiC+sEcReT/k3Y/0nLy4TeSt") > 4.2


def test_char_classes() -> None:
    assert v.char_classes("") == 0
    assert v.char_classes("abc") == 1
    assert v.char_classes("abcDEF") == 2
    assert v.char_classes("abc123") == 2
    assert v.char_classes("Abc123!") == 4


@pytest.mark.parametrize(
    "value",
    [
        "${DB_PASSWORD}",
        "$DB_PASSWORD",
        "{{ vault.secret }}",
        "%API_KEY%",
        "<your-token>",
        "<你的密码>",
        "[redacted]",
        "xxxx",
        "XXXXXXXX",
        "****",
        "••••••",
        "0000",
        "changeme",
        "CHANGE_ME",
        "password",
        "Password!",  # normalised to "password"
        "example",
        "your_api_key_here",
        "my-secret-xxxx",
        "token...",
        "pre${VAR}post",
        "",
        "   ",
    ],
)
def test_is_placeholder(value: str) -> None:
    assert v.is_placeholder(value)


@pytest.mark.parametrize(
    "value",
    ["Hunter2-Chatsweep!", "Qx7!mPz2024", "$up3rS3cret", "Password123!", "admin", "123456", "P<a>ss9"],
)
def test_is_not_placeholder(value: str) -> None:
    assert not v.is_placeholder(value)


def test_is_sequential() -> None:
    assert v.is_sequential("abcdefgh")
    assert v.is_sequential("ABCDEFGH")
    assert v.is_sequential("12345678")
    assert v.is_sequential("qwertyui")
    assert not v.is_sequential("abc")  # too short to judge
    assert not v.is_sequential("Chatsweep9Synthetic")


def test_is_common_word() -> None:
    assert v.is_common_word("required")
    assert v.is_common_word("Incorrect")
    assert v.is_common_word("the")
    assert not v.is_common_word("hunter")
    assert not v.is_common_word("Qx7!mPz2024")


def test_lexicons_have_no_comments_or_blanks() -> None:
    for name in ("placeholders.txt", "test_cards.txt", "password_stopwords.txt"):
        lines = v.lexicon(name)
        assert lines and all(line and not line.startswith("#") for line in lines)
    assert all(line.isdigit() for line in v.lexicon("test_cards.txt"))


def test_phone_kind_anywhere_subscriber_only() -> None:
    regions = ("CN", "HK", "TW", "US", "GB", "DE", "FR", "IN", "JP")
    # A Philippine mobile (among other plans), though the UK reads the digits as premium rate.
    found = v.phone_kind_anywhere("09171234567", regions, subscriber=True)
    assert found is not None and found[1] in ("mobile", "fixed line", "fixed line or mobile")
    assert v.phone_kind_anywhere("09171234567", regions) is None  # any service reading vetoes
    # A freephone reading in a default region still vetoes a subscriber reading.
    assert v.phone_kind_anywhere("08001234567", regions, subscriber=True) is None
    assert v.phone_kind_anywhere("00123456789", regions, subscriber=True) is None
    # Written exactly as the UK prints a premium-rate number: that reading wins.
    assert v.phone_kind_anywhere("0917 123 4567", regions, subscriber=True) is None
    assert v.phone_kind_anywhere("0917-123-4567", regions, subscriber=True) is not None
