"""The input tree: folders, zips, nested zips, and the safety limits on hostile archives."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from scanner.errors import ReaderError
from scanner.readers import base, detect, ziparchive
from scanner.readers.base import Source, detect_encoding, read_text

CHAT = (
    '{"id": "1", "conversation": "c", "author": "a", "timestamp": 1700000000, "text": "hello"}\n'
    '{"id": "2", "conversation": "c", "author": "b", "timestamp": 1700000001, "text": "world"}\n'
)
WHATSAPP = "12/31/23, 23:59 - Jane Placeholder: happy new year\n01/01/24, 00:01 - Rob Example: same to you\n"


def _zip_bytes(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_folder_with_zips_inside_zips_is_read_without_unpacking(tmp_path: Path) -> None:
    inner = _zip_bytes({"WhatsApp Chat with Rob Example.txt": WHATSAPP})
    middle = _zip_bytes({"phone/chat.zip": inner, "notes.jsonl": CHAT})
    (tmp_path / "bundle.zip").write_bytes(middle)
    before = set(os.listdir(tmp_path))
    found, skipped = detect(tmp_path)
    assert set(os.listdir(tmp_path)) == before  # nothing unpacked to disk
    formats = sorted(reader.name for _, reader in found)
    assert formats == ["jsonl", "whatsapp"], skipped
    wa = next(src for src, r in found if r.name == "whatsapp")
    messages = [m for m in found[[r.name for _, r in found].index("whatsapp")][1].read(wa)]
    assert len(messages) == 2
    assert "bundle.zip!phone/chat.zip!" in messages[0].location


def test_nesting_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    data = _zip_bytes({"chat.jsonl": CHAT})
    for i in range(base.MAX_ZIP_DEPTH + 1):
        data = _zip_bytes({f"level{i}.zip": data})
    (tmp_path / "deep.zip").write_bytes(data)
    found, skipped = detect(tmp_path / "deep.zip")
    assert found == []
    assert any("nested more than" in s.reason for s in skipped)


def test_path_traversal_member_is_skipped_alone(tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    path.write_bytes(_zip_bytes({"../../etc/passwd.jsonl": CHAT, "chat.jsonl": CHAT}))
    source = Source.open(path)
    assert source.names() == ["chat.jsonl"]
    assert [s.reason for s in source.skipped] == [
        "unsafe member name (absolute, drive letter or '..'); not read"
    ]


def test_zip_bomb_ratio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(_zip_bytes({"big.jsonl": b"0" * (8 * 1024 * 1024)}))
    with pytest.raises(ReaderError, match="zip bomb"):
        Source.open(path)


def test_total_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ziparchive, "MAX_ZIP_TOTAL", 100)
    path = tmp_path / "big.zip"
    path.write_bytes(_zip_bytes({"a.jsonl": CHAT, "b.jsonl": CHAT}))
    with pytest.raises(ReaderError, match="size limit"):
        Source.open(path)


def test_broken_zip_is_a_reader_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(_zip_bytes({"a.jsonl": CHAT})[:-30])
    with pytest.raises(ReaderError):
        Source.open(path)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.jsonl"
    outside.write_text(CHAT, encoding="utf-8")
    export = tmp_path / "export"
    export.mkdir()
    (export / "chat.jsonl").write_text(CHAT, encoding="utf-8")
    (export / "link.jsonl").symlink_to(outside)
    assert [e.name for e in Source.open(export).entries()] == ["chat.jsonl"]
    with pytest.raises(ReaderError, match="symbolic link"):
        Source.open(export / "link.jsonl")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("中文测试，电话号码".encode("utf-8-sig"), "utf-8-sig"),
        ("中文测试".encode("utf-16"), "utf-16"),
        (b"hello", "utf-8"),
    ],
)
def test_detect_encoding_boms(data: bytes, encoding: str) -> None:
    assert detect_encoding(data) == encoding


@pytest.mark.parametrize("codec", ["gb18030", "big5", "cp1252"])
def test_legacy_encodings_decode(tmp_path: Path, codec: str) -> None:
    text = {
        "gb18030": "这是一个用于测试编码检测的中文句子，包含电话号码和地址信息。" * 4,
        "big5": "這是一個用於測試編碼偵測的中文句子，包含電話號碼和地址資訊。" * 4,
        "cp1252": "Café crème brûlée – naïve façade “quoted” résumé. " * 4,
    }[codec]
    path = tmp_path / "t.txt"
    path.write_bytes(text.encode(codec))
    decoded, enc = read_text(Source.open(path).entries()[0])
    assert decoded == text, enc


def test_progress_meter_counts_bytes_read(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(CHAT, encoding="utf-8")
    source = Source.open(path)
    with source.entries()[0].open() as fh:
        fh.read()
    assert source.meter.n == source.total_bytes == len(CHAT.encode())
