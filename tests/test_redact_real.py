"""Conformance: every real sample export (../shared/fixtures/real) redacts to a copy that reads
back with the same messages, and whose texts re-scan clean."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.model import Message
from scanner.pipeline import Scanner
from scanner.readers import detect
from scanner.redact import Thresholds, redact
from scanner.settings import Settings
from tests.conftest import REAL

KEY = b"redaction-test-key-0123456789abcdef0123"

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="the real sample corpus (../shared) is absent")


def _samples() -> list[Path]:
    if not REAL.is_dir():
        return []
    return sorted(source for platform in REAL.iterdir() if platform.is_dir() for source in platform.iterdir())


@pytest.fixture(scope="module")
def scanner() -> Iterator[Scanner]:
    yield Scanner(Settings(ner=False, fingerprint_key=KEY))


def _read(path: Path) -> list[tuple[str, str, str, str | None]]:
    plan, _ = detect(path)
    out = []
    for source, reader in plan:
        for m in reader.read(source):
            if isinstance(m, Message):
                ts = m.timestamp.isoformat() if m.timestamp else None
                out.append((reader.name, m.message_id, m.author.id, ts))
    return out


@pytest.mark.parametrize("sample", _samples(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_export_redacts_and_reads_back_the_same(sample: Path, tmp_path: Path, scanner: Scanner) -> None:
    out = tmp_path / sample.name
    result = redact(sample, out, scanner.settings, "mask", Thresholds(), scanner)
    assert [s.reason for s in result.not_patched] == []
    assert _read(out) == _read(sample)
    rescan = scanner.scan([out])
    assert [f.entity_type for f in rescan.findings for o in f.occurrences if o.part == "text"] == []
