"""Previews give nothing back: a report plus our public source must not recover a value.

The attack: take a finding's preview, list every value consistent with it, fingerprint
each under every key our source could hold (every ``b"..."`` literal in the packages, the
empty key, and the built-in key older releases shipped) and compare with the finding's
fingerprint. Under the user's own key nothing may match; previews leaving more than 10^6
candidates are out of reach by construction. A self-check runs the same attack on the old
previews and the old key, where it does recover the value, so this test can fail.
"""

from __future__ import annotations

import ast
import io
import itertools
import json
import re
import string
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports import RENDERERS
from scanner import keys
from scanner.masking import canonical, fingerprint, key_id, mask
from scanner.model import Finding, ScanResult
from scanner.pipeline import Scanner
from scanner.settings import Settings
from tests.helpers import REPO, write_jsonl

EXAMPLES = REPO / "examples"
MAX_CANDIDATES = 10**6
# The built-in key releases before per-user keys shipped: public in our history forever.
OLD_PUBLIC_KEY = b"chatsweep/v1 default fingerprint key - set CHATSWEEP_FINGERPRINT_KEY"


def public_keys() -> set[bytes]:
    """Every bytes literal in scanner/, recognizers/ and reports/, the empty key and the old key."""
    found = {b"", OLD_PUBLIC_KEY}
    for package in ("scanner", "recognizers", "reports"):
        for path in (REPO / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for tok in tokenize.generate_tokens(io.StringIO(source).readline):
                if tok.type == tokenize.STRING and "b" in tok.string.split("'")[0].split('"')[0].lower():
                    value = ast.literal_eval(tok.string)
                    if isinstance(value, bytes):
                        found.add(value)
    return found


# What a hidden character of each digit-like entity can be.
_DIGITS = string.digits
_ALNUM = string.digits + string.ascii_uppercase
_CHARSET = {
    "PHONE_NUMBER": _DIGITS,
    "CREDIT_CARD": _DIGITS,
    "CN_BANK_CARD": _DIGITS,
    "US_SSN": _DIGITS,
    "UK_NHS": _DIGITS,
    "VERIFICATION_CODE": _DIGITS,
    "CN_RESIDENT_ID": _DIGITS + "X",
}
DIGIT_LIKE = {
    *_CHARSET,
    "IBAN_CODE", "UK_NINO", "HK_ID", "TW_ID", "CN_USCC", "MEDICAL_RECORD_NUMBER",
    "US_PASSPORT", "CN_PASSPORT",
}  # fmt: skip


def reveals_nothing(preview: str) -> bool:
    """Only stars and a length: every value of that length fits, the preview narrows nothing."""
    return not re.sub(r"\s*\[[^\]]*\]$", "", preview).strip("*")


def candidates(entity: str, preview: str) -> tuple[int, Iterator[str]]:
    """How many values fit ``preview``, and (when that is at most MAX_CANDIDATES) them all."""
    shape = re.sub(r"\s*\[[^\]]*\]$", "", preview)  # a trailing "[N chars]" says only the length
    prefix = ""
    m = re.match(r"^(\+\d{1,3}) ", shape)
    if m:  # a phone's country code
        prefix, shape = m.group(1), shape[m.end() :]
    charset = _CHARSET.get(entity, _ALNUM)
    hidden = shape.count("*")
    count = len(charset) ** hidden
    if "…" in shape or count > MAX_CANDIDATES:
        return max(count, MAX_CANDIDATES + 1), iter(())

    def fill() -> Iterator[str]:
        parts = shape.split("*")
        for combo in itertools.product(charset, repeat=hidden):
            yield prefix + "".join(p + c for p, c in zip(parts, (*combo, ""), strict=True))

    return count, fill()


def recover(finding: Finding, secrets: set[bytes]) -> str | None:
    """A value consistent with the preview whose fingerprint matches under a public key."""
    count, values = candidates(finding.entity_type, finding.preview)
    if count > MAX_CANDIDATES:
        return None
    for value in values:
        for key in secrets:
            if fingerprint(finding.entity_type, value, key) == finding.fingerprint:
                return value
    return None


# --- scans of the bundled examples under fresh installs ------------------------------------

EXTRA_ROWS = [
    ("m1", "IBAN DE89 3704 0044 0532 0130 00 for the refund"),
    ("m2", "SSN 078-05-1120 on the form"),
    ("m3", "NINO QQ 12 34 56 C please"),
    ("m4", "统一社会信用代码 91350100M000100Y43"),
    ("m5", "你的验证码是 482913，5分钟内有效"),
    ("m6", "the launch of Project Nightjar moves to May"),
    ("m7", "server at 203.0.113.7 is down"),
    ("m8", "card 4539 5260 1815 9083 exp 04/27"),
    ("m9", "call me on +86 138 0013 8000 or 13900139000"),
]


def _scan(scanner: Scanner, extra: Path) -> ScanResult:
    return scanner.scan([EXAMPLES, extra])


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Three scans of the examples: two by install A, one by install B (fresh config folders)."""
    root = tmp_path_factory.mktemp("previews")
    extra = write_jsonl(
        root / "extra.jsonl",
        [
            {"id": mid, "conversation": "test-room", "author": "test-author",
             "timestamp": "2024-05-01T09:00:00Z", "text": text}
            for mid, text in EXTRA_ROWS
        ],
    )  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(keys.ENV_VAR, raising=False)
        keys.clear_cache()
        scanner = Scanner(Settings(ner=False, show_values=True, custom_terms=("Project Nightjar",)))
        mp.setenv("XDG_CONFIG_HOME", str(root / "install-a"))
        a1 = _scan(scanner, extra)
        a2 = _scan(scanner, extra)
        key_a = keys.resolve_key(scanner.settings)
        mp.setenv("XDG_CONFIG_HOME", str(root / "install-b"))
        b = _scan(scanner, extra)
        key_b = keys.resolve_key(scanner.settings)
        yield {"a1": a1, "a2": a2, "b": b, "key_a": key_a, "key_b": key_b}
    keys.clear_cache()


def _findings(scans: dict[str, object], name: str) -> tuple[Finding, ...]:
    result = scans[name]
    assert isinstance(result, ScanResult)
    return result.findings


def test_the_attack_recovers_values_from_the_old_previews_and_key() -> None:
    # Self-check: the old scheme (138****5678 under the built-in key) falls to this attack.
    value = "13812345678"
    old = Finding(
        id="x", rule="x", entity_type="PHONE_NUMBER", category="personal",  # type: ignore[arg-type]
        severity="medium", confidence=1.0, likelihood="likely",  # type: ignore[arg-type]
        preview="138****5678", fingerprint=fingerprint("PHONE_NUMBER", value, OLD_PUBLIC_KEY),
        explanation="", occurrences=(),
    )  # fmt: skip
    assert recover(old, public_keys()) == value
    assert candidates("PHONE_NUMBER", mask("PHONE_NUMBER", value))[0] > MAX_CANDIDATES


def test_the_key_literals_were_found() -> None:
    found = public_keys()
    assert b"chatsweep key id" in found  # the key-id label in scanner/masking.py
    assert b"PK\x03\x04" in found  # the zip magic in scanner/readers/base.py


def test_no_finding_is_recovered_from_its_preview(scans: dict[str, object]) -> None:
    secrets = public_keys()
    findings = _findings(scans, "a1")
    digit_like = [f for f in findings if f.entity_type in DIGIT_LIKE]
    assert {"PHONE_NUMBER", "CREDIT_CARD", "CN_RESIDENT_ID", "CN_BANK_CARD", "IBAN_CODE", "US_SSN"} <= {
        f.entity_type for f in digit_like
    }
    enumerated = 0
    for f in digit_like:
        if reveals_nothing(f.preview):
            # A 6-digit code shown as its length only: listing all 10^6 codes would test the
            # key, not the preview (the key tests do that), and take half a minute.
            continue
        count, _ = candidates(f.entity_type, f.preview)
        enumerated += count <= MAX_CANDIDATES
        assert recover(f, secrets) is None, f.entity_type
    assert enumerated == 0  # and no preview of the examples even comes within reach


def _old_preview(entity: str, value: str) -> str:
    """The preview older releases wrote: three or four leading and four trailing characters."""
    v = canonical(entity, value)
    head = 3 if len(v) < 15 else 4
    return v[:head] + "*" * (len(v) - head - 4) + v[-4:]


def test_even_the_old_previews_recover_nothing_under_the_users_key(scans: dict[str, object]) -> None:
    # Defence in depth: were a preview as revealing as before, the user's key alone still
    # keeps every public key from confirming a guess.
    secrets = public_keys()
    tried = 0
    for f in _findings(scans, "a1"):
        if f.entity_type not in ("PHONE_NUMBER", "US_SSN") or f.value is None:
            continue
        weak = Finding(
            **{**{s: getattr(f, s) for s in f.__slots__}, "preview": _old_preview(f.entity_type, f.value)}
        )
        if candidates(f.entity_type, weak.preview)[0] <= 10**5:
            tried += 1
            assert recover(weak, secrets) is None
    assert tried >= 2


def test_digit_like_previews_leave_more_than_a_million_candidates(scans: dict[str, object]) -> None:
    for f in _findings(scans, "a1"):
        if f.entity_type in DIGIT_LIKE and not reveals_nothing(f.preview):
            assert candidates(f.entity_type, f.preview)[0] > MAX_CANDIDATES, (f.entity_type, f.preview)


# How many characters of the value a preview may show, by entity (beyond public parts: a
# phone's country code, an e-mail's domain, a secret's vendor prefix).
MAX_SHOWN = {
    "CREDIT_CARD": 4, "CN_BANK_CARD": 4, "PHONE_NUMBER": 3, "CN_RESIDENT_ID": 2, "IBAN_CODE": 6,
    "US_SSN": 2, "UK_NINO": 2, "UK_NHS": 2, "CN_USCC": 4, "EMAIL_ADDRESS": 1, "PASSWORD": 0,
    "VERIFICATION_CODE": 0, "CUSTOM": 0, "HEALTH_INFO": 0, "SPECIAL_CATEGORY": 0, "DATE_OF_BIRTH": 0,
    "LOCATION": 2, "IP_ADDRESS": 3, "FRAUD_INDICATOR": 3, "CONFIDENTIAL_MARKER": 3, "INTERNAL_URL": 0,
}  # fmt: skip


def shown(f: Finding) -> int:
    """Characters of the value the preview shows, public parts left out."""
    assert f.value is not None
    text = re.sub(r"\s*\[[^\]]*\]$", "", f.preview)
    if f.entity_type == "PHONE_NUMBER":
        text = re.sub(r"^\+\d{1,3} ", "", text)
    if f.entity_type == "EMAIL_ADDRESS":
        text = text.rpartition("@")[0]
    if f.entity_type == "INTERNAL_URL":
        text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    return sum(1 for ch in text if ch.isalnum())


def test_each_preview_shows_at_most_its_entitys_share(scans: dict[str, object]) -> None:
    findings = _findings(scans, "a1")
    seen = {f.entity_type for f in findings}
    assert {"CUSTOM", "VERIFICATION_CODE", "PASSWORD", "EMAIL_ADDRESS", "PERSON"} <= seen
    for f in findings:
        assert f.value is not None
        if f.category == "secret" and f.entity_type not in MAX_SHOWN:
            head = f.preview.split("*", 1)[0].split(" ", 1)[0]
            if f.entity_type == "PRIVATE_KEY":
                assert not head or head.startswith("-----BEGIN") or head.startswith("[private")
            else:  # a public vendor prefix, never more than half of the secret
                assert f.value.startswith(head) and len(head) <= len(f.value) // 2, f.entity_type
        elif f.entity_type == "PERSON":
            assert shown(f) <= len(f.value.split()), f.preview  # one initial a name part
        else:
            assert shown(f) <= MAX_SHOWN.get(f.entity_type, 4), (f.entity_type, f.preview)
        if f.entity_type in ("CUSTOM", "PASSWORD", "VERIFICATION_CODE"):
            assert canonical(f.entity_type, f.value) not in f.preview


def test_custom_terms_show_nothing_of_the_term(scans: dict[str, object]) -> None:
    custom = [f for f in _findings(scans, "a1") if f.entity_type == "CUSTOM"]
    assert custom and all(f.preview == "[custom term, 16 chars]" for f in custom)


# --- keys: per install, stable within one, never in a report -------------------------------


def _fingerprints(scans: dict[str, object], name: str) -> dict[str, str]:
    return {f"{f.entity_type}:{f.value}": f.fingerprint for f in _findings(scans, name)}


def test_two_installs_give_different_fingerprints(scans: dict[str, object]) -> None:
    a, b = _fingerprints(scans, "a1"), _fingerprints(scans, "b")
    assert a.keys() == b.keys() and a
    assert not set(a.values()) & set(b.values())
    assert scans["key_a"] != scans["key_b"]


def test_one_install_gives_the_same_fingerprints_twice(scans: dict[str, object]) -> None:
    assert _fingerprints(scans, "a1") == _fingerprints(scans, "a2")
    assert [f.preview for f in _findings(scans, "a1")] == [f.preview for f in _findings(scans, "a2")]


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_reports_name_the_key_but_never_hold_it(scans: dict[str, object], name: str) -> None:
    key = scans["key_a"]
    assert isinstance(key, bytes)
    result = scans["a1"]
    assert isinstance(result, ScanResult)
    assert result.key_id == key_id(key)
    text = RENDERERS[name].render(result)
    assert key.decode() not in text and key.hex() not in text
    assert key.decode().upper() not in text.upper()
    if name == "json":
        assert json.loads(text)["scan"]["key_id"] == key_id(key)


def test_the_user_key_file_is_the_only_place_the_key_lives(scans: dict[str, object], tmp_path: Path) -> None:
    key = scans["key_a"]
    assert isinstance(key, bytes)
    for package in ("scanner", "recognizers", "reports"):
        for path in (REPO / package).rglob("*.py"):
            assert key.decode() not in path.read_text(encoding="utf-8")
