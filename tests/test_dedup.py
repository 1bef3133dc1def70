"""Identical texts are analysed once: the report is the same with and without the text cache."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from benchmarks.throughput import corpus
from reports import get_renderer
from scanner.analyzer import AnalyzerConfig, ChatAnalyzer, Detection
from scanner.pipeline import Scanner, TextCache
from scanner.settings import Settings
from tests.helpers import REPO

EXAMPLES = REPO / "examples"

# Texts posted again and again: bot notices, acknowledgements, a pasted announcement.
REPEATED = [
    "ok",
    "thanks!",
    "收到，谢谢",
    "Jane Placeholder joined the channel",
    "Reminder: the on-call number is +44 20 7946 0958, mail ops@example.com",
    "build #4411 failed, token ghp_0123456789abcdefABCDEF0123456789abcd leaked in logs?",
    "我的电话13912345678，有事打我",
    "",
]


def repeated_corpus(path: Path, messages: int, seed: int = 7, repeat: float = 0.3) -> Path:
    """A generic JSONL chat of ``messages`` synthetic messages, about ``repeat`` of them
    texts seen before (the same text across conversations and authors)."""
    rng = random.Random(seed)
    # The generator's texts without placeholders ("thanks! merged") repeat too: drop those,
    # so about ``repeat`` of the messages, and no more, are texts seen before.
    fresh = iter(dict.fromkeys(corpus(3 * messages, seed)))
    seen: list[str] = []
    with path.open("w", encoding="utf-8") as fh:
        for i in range(messages):
            if seen and rng.random() < repeat:
                text = rng.choice(REPEATED) if rng.random() < 0.5 else rng.choice(seen)
            else:
                text = next(fresh)
                seen.append(text)
            conv = rng.randrange(40)
            record = {
                "id": f"m-{i}",
                "conversation": {"id": f"C-{conv}", "name": f"#room-{conv}", "kind": "channel"},
                "author": {"id": f"U-{i % 13}", "name": f"User {i % 13}"},
                "timestamp": 1709543100 + i,
                "text": text,
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _stable(result: Any) -> str:
    """The JSON report without its timing fields."""
    data = json.loads(get_renderer("json").render(result))
    data["scan"].pop("started_at")
    data["scan"].pop("finished_at")
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@pytest.fixture(scope="module")
def chats(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("repeats")
    return [EXAMPLES, repeated_corpus(folder / "repeats.jsonl", 1500)]


@pytest.mark.parametrize("size", [50_000, 7])  # 7: entries forgotten while repeats come back
def test_report_is_identical_with_and_without_the_text_cache(chats: list[Path], size: int) -> None:
    settings = Settings(ner=False, workers=1)
    analyzer = ChatAnalyzer(AnalyzerConfig(ner=False))
    calls: list[int] = []
    real = analyzer.analyze_batch

    def counting(items: Any) -> list[list[Detection]]:
        calls.append(len(items))
        return real(items)

    analyzer.analyze_batch = counting  # type: ignore[method-assign]
    cached = Scanner(settings, analyzer, text_cache=size).scan(chats)
    with_cache = sum(calls)
    calls.clear()
    plain = Scanner(settings, analyzer, text_cache=0).scan(chats)
    assert _stable(cached) == _stable(plain)
    assert cached.findings and cached.messages_scanned == plain.messages_scanned
    if size > 7:
        assert with_cache < 0.8 * sum(calls)  # the repeats were not analysed again


def test_process_pool_with_the_cache_matches_in_process(chats: list[Path]) -> None:
    plain = Scanner(Settings(ner=False, workers=1), text_cache=0).scan(chats)
    pooled = Scanner(Settings(ner=False, workers=2)).scan(chats)
    assert pooled.options["backend"] == "process-pool"
    a, b = json.loads(_stable(plain)), json.loads(_stable(pooled))
    for data in (a, b):
        data["scan"]["options"].pop("backend")
        data["scan"]["options"].pop("workers")
    assert a == b


def test_cache_stays_bounded_and_forgets_the_least_recently_used() -> None:
    cache = TextCache(100)
    d = [Detection("EMAIL_ADDRESS", 0, 5, 1.0, "", "r")]
    keys = [cache.key(f"text {i}", ("en",)) for i in range(1000)]
    for i, key in enumerate(keys):
        cache.put(key, d)
        if i >= 1:
            assert cache.get(keys[0]) is not None  # used again and again: kept
    assert len(cache) == 100
    assert cache.get(keys[1]) is None and cache.get(keys[-1]) == d
    assert cache.get(keys[-1]) is not cache.get(keys[-1])  # callers get their own list


def test_key_depends_on_text_and_languages_and_is_not_the_text() -> None:
    cache = TextCache()
    key = cache.key("ok", ("en",))
    assert len(key) == 16 and b"ok" not in key
    assert key == cache.key("ok", ("en",))
    assert key != cache.key("ok", ("zh",)) and key != cache.key("ok!", ("en",))
    assert key != TextCache().key("ok", ("en",))  # keyed per scanner


def test_no_cache_keeps_nothing() -> None:
    cache = TextCache(0)
    cache.put(cache.key("ok", None), [])
    assert len(cache) == 0


def test_scan_memory_is_bounded(chats: list[Path]) -> None:
    scanner = Scanner(Settings(ner=False, workers=1), text_cache=10)
    seen: list[int] = []
    original = TextCache.put

    def put(self: TextCache, key: bytes, detections: list[Detection]) -> None:
        original(self, key, detections)
        seen.append(len(self))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TextCache, "put", put)
        scanner.scan(chats)
    assert seen and max(seen) == 10


@pytest.mark.slow
def test_report_is_identical_with_ner(chats: list[Path]) -> None:
    settings = Settings(ner=True, workers=1)
    analyzer = ChatAnalyzer(AnalyzerConfig(ner=True))
    cached = Scanner(settings, analyzer).scan(chats)
    plain = Scanner(settings, analyzer, text_cache=0).scan(chats)
    assert _stable(cached) == _stable(plain)
