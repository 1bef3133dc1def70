"""Accuracy on public labelled datasets: chatsweep side by side with plain Presidio and secret scanners.

Reads the datasets that the modules in ``benchmarks/datasets/`` fetch into the local cache
(see ``benchmarks/datasets/__init__.py``; nothing is downloaded unless ``--fetch`` is given)
and scores, on the same examples:

  - ``chatsweep``: the real pipeline (``scanner.pipeline.Scanner``: reader, analyzer with NER,
    chat-context rules) over the examples written as generic JSONL, one message per example;
    ``chatsweep-no-ner`` is the same with ``--no-ner``;
  - ``presidio``: plain Presidio, ``AnalyzerEngine`` with the same spaCy model and its predefined
    recognizers, English only, its entity types mapped to chatsweep's where they mean the same
    thing. Chinese examples go through the same English engine: Presidio has no Chinese, and
    that is what a user of plain Presidio gets;
  - ``detect-secrets`` and ``credsweeper`` on datasets of secrets, run as
    ``benchmarks/secrets_benchmark.py`` runs them.

A tool is scored on the dataset's types it can report; a dataset none of whose types it
supports is skipped for that tool (Presidio on secrets, secret scanners on names).

Scoring ``spans`` (per type and micro over the dataset's types): predictions and labels are
matched one to one (a maximum matching); the primary figures count a match when the type is
the same and the spans overlap, ``xF1`` when the spans are exactly equal. On a dataset whose
type is ``SECRET``, every secret type a tool reports counts as ``SECRET``.
Scoring ``cases``: a case passes when the set of (type, start, end) a tool reports for the
case's types equals the expected set (which may be empty); cases the publisher marks with a
``skip_reason`` are counted apart.

The default split is ``dev``. Held-out splits (``test``, ``heldout``) are refused unless
``--i-know-this-is-held-out`` is given: never tune on them.

Usage: python benchmarks/accuracy.py [--fetch [--mirror-root DIR]] [--datasets a,b] [--split dev]
           [--limit N] [--langs en,zh] [--tools chatsweep,chatsweep-no-ner,presidio,...]
           [--errors N [--errors-tool NAME]] [--json FILE]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import datasets as ds  # noqa: E402 - after the path set-up above
from benchmarks.datasets import Example, Unavailable  # noqa: E402

TOOLS = ("chatsweep", "chatsweep-no-ner", "presidio", "detect-secrets", "credsweeper")
DEFAULT_TOOLS = ("chatsweep", "presidio", "detect-secrets", "credsweeper")
SECRET = "SECRET"
HELD_OUT = frozenset({"test", "heldout", "held-out", "holdout"})
SCORINGS = ("spans", "cases")
# Messages per scan: every scan keeps at most scanner.pipeline.MAX_OCCURRENCES places of one
# value, so a value repeated all over a large split would otherwise be undercounted.
CHUNK = 1_000

Pred = tuple[int, int, int, str]  # example index, start, end, type


# --- scoring -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Counts:
    gold: int = 0
    predicted: int = 0
    tp: int = 0  # matched pairs (one to one)

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        total = self.gold + self.predicted
        return 2 * self.tp / total if total else None

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.tp += other.tp

    def as_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "tp": self.tp,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def match(
    gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]], exact: bool
) -> list[tuple[int, int]]:
    """A maximum one-to-one matching of gold and predicted spans: pairs (gold index, pred index).

    Two spans can be matched when they overlap (``exact``: when they are equal). Augmenting
    paths in index order, so the result is deterministic.
    """

    def fits(g: tuple[int, int], p: tuple[int, int]) -> bool:
        return g == p if exact else g[0] < p[1] and p[0] < g[1]

    edges = [[j for j, p in enumerate(pred) if fits(g, p)] for g in gold]
    owner: dict[int, int] = {}  # pred index -> gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        if edges[i]:
            augment(i, set())
    return sorted((i, j) for j, i in owner.items())


@dataclass(slots=True)
class SpanScore:
    overlap: dict[str, Counts]
    exact: dict[str, Counts]
    # Unmatched (overlap) spans per type: (example index, start, end).
    misses: dict[str, list[tuple[int, int, int]]] = field(default_factory=lambda: defaultdict(list))
    false: dict[str, list[tuple[int, int, int]]] = field(default_factory=lambda: defaultdict(list))

    def micro(self, types: Iterable[str], exact: bool = False) -> Counts:
        total = Counts()
        table = self.exact if exact else self.overlap
        for t in types:
            total.add(table[t])
        return total


def _scored(ex: Example, types: Sequence[str]) -> list[str]:
    """The types ``ex`` is scored on: its own ``types`` when it names them, within ``types``."""
    return [t for t in types if ex.types is None or t in ex.types]


def score_spans(examples: Sequence[Example], preds: Iterable[Pred], types: Sequence[str]) -> SpanScore:
    """Per-type counts over ``types``: one-to-one matching, same type, overlap (and exact)."""
    by_key: dict[tuple[int, str], set[tuple[int, int]]] = defaultdict(set)
    for i, start, end, entity in preds:
        by_key[(i, entity)].add((start, end))
    result = SpanScore({t: Counts() for t in types}, {t: Counts() for t in types})
    for i, ex in enumerate(examples):
        for t in _scored(ex, types):
            gold = sorted({(s.start, s.end) for s in ex.spans if s.label == t})
            pred = sorted(by_key.get((i, t), ()))
            pairs = match(gold, pred, exact=False)
            exact_tp = len(set(gold) & set(pred))
            for table, tp in ((result.overlap, len(pairs)), (result.exact, exact_tp)):
                table[t].gold += len(gold)
                table[t].predicted += len(pred)
                table[t].tp += tp
            hit_gold = {g for g, _ in pairs}
            hit_pred = {p for _, p in pairs}
            result.misses[t].extend((i, *g) for k, g in enumerate(gold) if k not in hit_gold)
            result.false[t].extend((i, *p) for k, p in enumerate(pred) if k not in hit_pred)
    return result


Case = frozenset[tuple[str, int, int]]


@dataclass(slots=True)
class CaseScore:
    by_type: dict[str, list[int]]  # type -> [passed, total]
    passed: int = 0
    total: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # skip reason -> cases
    failures: list[tuple[int, Case, Case]] = field(default_factory=list)  # index, expected, reported

    @staticmethod
    def pct(passed: int, total: int) -> float | None:
        return 100 * passed / total if total else None


def score_cases(examples: Sequence[Example], preds: Iterable[Pred], types: Sequence[str]) -> CaseScore:
    """Pass/fail per case over ``types`` (the dataset's types the tool supports).

    A case is compared on its own ``types`` (else the dataset's) within ``types``; a case with
    none left is not counted. It is reported under those types when it names them, else under
    the types it expects (``(none)`` when it expects nothing).
    """
    reported: dict[int, set[tuple[str, int, int]]] = defaultdict(set)
    for i, start, end, entity in preds:
        reported[i].add((entity, start, end))
    result = CaseScore({t: [0, 0] for t in types})
    for i, ex in enumerate(examples):
        compared = _scored(ex, types)
        if not compared:
            continue
        if ex.skip_reason is not None:
            result.skipped[ex.skip_reason] += 1
            continue
        expected: Case = frozenset((s.label, s.start, s.end) for s in ex.spans if s.label in compared)
        got: Case = frozenset(r for r in reported.get(i, ()) if r[0] in compared)
        ok = expected == got
        about = compared if ex.types is not None else sorted({e for e, _, _ in expected}) or ["(none)"]
        for t in about:
            row = result.by_type.setdefault(t, [0, 0])
            row[0] += ok
            row[1] += 1
        result.passed += ok
        result.total += 1
        if not ok:
            result.failures.append((i, expected, got))
    return result


# --- datasets ------------------------------------------------------------------------------------------


def discover() -> tuple[list[ModuleType], list[str]]:
    """Dataset modules in ``benchmarks/datasets`` (those that define NAME, SPLITS, SCORING, TYPES)."""
    found: list[ModuleType] = []
    problems: list[str] = []
    for info in sorted(pkgutil.iter_modules(ds.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{ds.__name__}.{info.name}")
        except Exception as exc:  # a broken module must not hide the others
            problems.append(f"{info.name}: not loaded ({type(exc).__name__}: {exc})")
            continue
        if all(hasattr(module, a) for a in ("NAME", "SPLITS", "SCORING", "TYPES")):
            found.append(module)
    return found, problems


def mirror_for(module: ModuleType, root: Path | None) -> Path | None:
    """What ``fetch`` gets as its mirror.

    A module that names its publisher's repository in ``REPO`` ("owner/name") gets that
    repository's bare git dir under ``root`` (``owner+name/repo`` or ``owner+name``), or None
    when there is none (it then downloads). A module that reads several repositories gets
    ``root`` itself and finds them there.
    """
    if root is None:
        return None
    repo = getattr(module, "REPO", None)
    if not isinstance(repo, str):
        return root
    slug = root / repo.replace("/", "+")
    for candidate in (slug / "repo", slug):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def default_split(module: ModuleType) -> str | None:
    splits = tuple(module.SPLITS)
    if "dev" in splits:
        return "dev"
    usable = [s for s in splits if s not in HELD_OUT]
    return usable[0] if usable else None


def secret_category() -> frozenset[str]:
    """chatsweep's secret entity types (the catalogue's "secret" category)."""
    from recognizers.catalogue import CATALOGUE

    return frozenset(e.entity for e in CATALOGUE if e.category == "secret")


def is_secret_dataset(types: Iterable[str]) -> bool:
    return any(t == SECRET or t in secret_category() for t in types)


def as_secret(preds: Iterable[Pred], secret_types: Collection[str] | None) -> list[Pred]:
    """Predictions of secret types (all of them when ``secret_types`` is None) as SECRET.

    Where a tool reports one secret twice under different types (a connection string and the
    password inside it), the overlapping spans become one: their union.
    """
    out: list[Pred] = []
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i, start, end, entity in preds:
        if secret_types is None or entity in secret_types:
            spans[i].append((start, end))
        else:
            out.append((i, start, end, entity))
    for i, found in spans.items():
        merged: list[list[int]] = []
        for start, end in sorted(found):
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        out.extend((i, a, b, SECRET) for a, b in merged)
    return out


# --- the tools -------------------------------------------------------------------------------------------


def write_jsonl(examples: Sequence[Example], indices: Sequence[int], path: Path) -> None:
    """Examples as chatsweep's generic JSONL: message id = example index; one conversation each
    unless the example names its conversation (and author)."""
    with path.open("w", encoding="utf-8") as f:
        for i in indices:
            ex = examples[i]
            record = {
                "id": str(i),
                "conversation": ex.conversation or f"example-{i}",
                # A handle with digits: never taken for a participant's name in the text.
                "author": ex.author or "user1",
                "timestamp": 1_709_600_000 + 60 * i,
                "text": ex.text,
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def chunks(examples: Sequence[Example], size: int = CHUNK) -> list[list[int]]:
    """Example indices in runs of about ``size``, never splitting a conversation."""
    out: list[list[int]] = [[]]
    for i, ex in enumerate(examples):
        same = ex.conversation is not None and i > 0 and examples[i - 1].conversation == ex.conversation
        if len(out[-1]) >= size and not same:
            out.append([])
        out[-1].append(i)
    return [c for c in out if c]


class Chatsweep:
    """chatsweep's real pipeline, built once (loading the models is the slow part)."""

    def __init__(self, ner: bool, workers: int) -> None:
        from scanner.pipeline import Scanner
        from scanner.settings import Settings

        # A throw-away fingerprint key: the benchmark never touches the user's own.
        settings = Settings(ner=ner, formats=("json",), workers=workers, fingerprint_key=os.urandom(32))
        self.scanner = Scanner(settings)
        self.omitted = 0

    def run(self, examples: Sequence[Example]) -> list[Pred]:
        from scanner.errors import NothingReadError

        out: list[Pred] = []
        with tempfile.TemporaryDirectory(prefix="chatsweep-accuracy-") as tmp:
            for n, indices in enumerate(chunks(examples)):
                path = Path(tmp) / f"part{n}.jsonl"
                write_jsonl(examples, indices, path)
                try:
                    result = self.scanner.scan([path])
                except NothingReadError:  # only empty texts in this run: nothing to find
                    continue
                finally:
                    path.unlink()
                for finding in result.findings:
                    self.omitted += finding.omitted_occurrences
                    out.extend(
                        (int(o.message_id), o.start, o.end, finding.entity_type)
                        for o in finding.occurrences
                        if o.part == "text"
                    )
        return out


def presidio_map() -> dict[str, str]:
    """Presidio's entity types where they mean the same thing as ours (as ``pii_benchmark.py``)."""
    from benchmarks.pii_benchmark import PRESIDIO_MAP

    return dict(PRESIDIO_MAP)


class PlainPresidio:
    """Presidio as shipped (see ``benchmarks/pii_benchmark.py``), its types mapped to ours."""

    def __init__(self) -> None:
        from benchmarks.pii_benchmark import plain_presidio

        self.mapping = presidio_map()
        self.analyze = plain_presidio()

    def run(self, examples: Sequence[Example]) -> list[Pred]:
        out: list[Pred] = []
        for i, ex in enumerate(examples):
            for start, end, entity in self.analyze(ex.text):
                mapped = self.mapping.get(entity)
                if mapped is not None:
                    out.append((i, start, end, mapped))
        return out


def _peer_corpus(examples: Sequence[Example]) -> list[Any]:
    from benchmarks.secrets_benchmark import Msg

    return [
        Msg(str(i), ex.conversation or f"example-{i}", ex.author or "user1", 1_709_600_000 + 60 * i, ex.text)
        for i, ex in enumerate(examples)
    ]


def run_secret_peer(name: str, examples: Sequence[Example]) -> list[Pred]:
    from benchmarks import secrets_benchmark as sb

    runner = sb.run_detect_secrets if name == "detect-secrets" else sb.run_credsweeper
    hits = runner(_peer_corpus(examples))
    return [(int(mid), start, end, family) for mid, found in hits.items() for start, end, family in found]


def peer_supported(name: str) -> frozenset[str]:
    from benchmarks import secrets_benchmark as sb

    table = sb.DETECT_SECRETS_TYPES if name == "detect-secrets" else sb.CREDSWEEPER_TYPES
    return frozenset([*table.values(), "GENERIC_SECRET", SECRET])


def ensure_plain_presidio_is_plain() -> None:
    """Presidio's registry finds its recognizer classes by name among every loaded subclass of
    ``EntityRecognizer``: a class of ours with the name of one of Presidio's would be built
    into the peer baseline instead of Presidio's own."""
    from presidio_analyzer import EntityRecognizer

    def subclasses(cls: type) -> Iterable[type]:
        sub: type
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    theirs: set[str] = set()
    others: dict[str, str] = {}
    for cls in subclasses(EntityRecognizer):
        if cls.__module__.startswith("presidio_analyzer"):
            theirs.add(cls.__name__)
        else:
            others[cls.__name__] = cls.__module__
    clash = sorted(f"{name} ({others[name]})" for name in theirs & set(others))
    if clash:
        raise RuntimeError(
            f"plain Presidio would load recognizers that are not Presidio's: {', '.join(clash)}"
        )


# --- report -----------------------------------------------------------------------------------------


def _num(x: float | None, width: int = 5) -> str:
    return f"{'—':>{width}}" if x is None else f"{x:{width}.2f}"


def _pct(passed: int, total: int) -> str:
    p = CaseScore.pct(passed, total)
    return f"{'—':>16}" if p is None else f"{p:5.1f}% ({passed:>3}/{total:<3})"


def print_spans(
    title: str, types: Sequence[str], scores: dict[str, SpanScore], support: dict[str, set[str]]
) -> None:
    tools = list(scores)
    head = f"{'type':<22} {'gold':>5} | " + " | ".join(f"{t:^23}" for t in tools)
    print(f"\n## {title}")
    print(head)
    print(f"{'':<22} {'':>5} | " + " | ".join(f"{'P':>5} {'R':>5} {'F1':>5} {'xF1':>5}" for _ in tools))
    print("-" * len(head))

    def row(label: str, counts: Callable[[str, bool], Counts | None], gold: int) -> None:
        cells = []
        for tool in tools:
            c, x = counts(tool, False), counts(tool, True)
            if c is None or x is None:
                cells.append(f"{'—':^23}")
            else:
                cells.append(f"{_num(c.precision)} {_num(c.recall)} {_num(c.f1)} {_num(x.f1)}")
        print(f"{label:<22} {gold:>5} | " + " | ".join(cells))

    def one_type(t: str) -> Callable[[str, bool], Counts | None]:
        def counts(tool: str, exact: bool) -> Counts | None:
            if t not in support[tool]:
                return None
            return (scores[tool].exact if exact else scores[tool].overlap)[t]

        return counts

    first = next(iter(scores.values()))
    for t in types:
        row(t, one_type(t), first.overlap[t].gold)
    if len(types) == 1:
        return
    print("-" * len(head))
    row(
        "micro (its types)",
        lambda tool, exact: scores[tool].micro([t for t in types if t in support[tool]], exact),
        first.micro(types).gold,
    )
    common = [t for t in types if all(t in support[tool] for tool in tools)]
    if common and len(common) < len(types):
        row(
            "micro (types all have)",
            lambda tool, exact: scores[tool].micro(common, exact),
            first.micro(common).gold,
        )


def print_cases(title: str, types: Sequence[str], scores: dict[str, CaseScore]) -> None:
    tools = list(scores)
    rows = list(types) + sorted({t for s in scores.values() for t in s.by_type} - set(types))
    head = f"{'type':<22} | " + " | ".join(f"{t:^16}" for t in tools)
    print(f"\n## {title}")
    print(head)
    print("-" * len(head))
    for t in rows:
        cells = [_pct(*scores[tool].by_type.get(t, [0, 0])) for tool in tools]
        print(f"{t:<22} | " + " | ".join(cells))
    print("-" * len(head))
    print(f"{'overall':<22} | " + " | ".join(_pct(scores[tool].passed, scores[tool].total) for tool in tools))
    for tool in tools:
        skipped = scores[tool].skipped
        if skipped:
            reasons = "; ".join(f"{n} × {r}" for r, n in skipped.most_common(5))
            print(f"{tool}: {sum(skipped.values())} cases marked skip, counted apart ({reasons})")
            break


def marked(text: str, start: int, end: int, around: int = 60) -> str:
    """``text`` around ``start:end`` with the span in ⟦ ⟧, on one line."""
    a, b = max(0, start - around), min(len(text), end + around)
    out = (
        ("…" if a else "")
        + text[a:start]
        + "⟦"
        + text[start:end]
        + "⟧"
        + text[end:b]
        + ("…" if b < len(text) else "")
    )
    return out.replace("\n", "⏎")


def print_span_errors(
    tool: str, examples: Sequence[Example], score: SpanScore, types: Sequence[str], n: int
) -> None:
    for t in types:
        misses, false = score.misses.get(t, [])[:n], score.false.get(t, [])[:n]
        if not misses and not false:
            continue
        print(f"\n### {tool}: {t} (first {n} misses and false positives)")
        for i, a, b in misses:
            print(f"  miss  {examples[i].id}: {marked(examples[i].text, a, b)}")
        for i, a, b in false:
            there = [s.label for s in examples[i].spans if s.start < b and a < s.end]
            note = f"  [labelled {','.join(there)} here]" if there else ""
            print(f"  false {examples[i].id}: {marked(examples[i].text, a, b)}{note}")


def print_case_errors(tool: str, examples: Sequence[Example], score: CaseScore, n: int) -> None:
    if not score.failures:
        return
    print(f"\n### {tool}: first {n} failed cases")
    for i, expected, got in score.failures[:n]:
        ex = examples[i]
        text = ex.text if len(ex.text) <= 160 else ex.text[:160] + "…"
        print(f"  {ex.id}: {text!r}")
        for label, items in (("expected", expected), ("reported", got)):
            shown = ", ".join(f"{e} {a}-{b} {ex.text[a:b]!r}" for e, a, b in sorted(items)) or "nothing"
            print(f"      {label}: {shown}")


# --- main -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Job:
    module: ModuleType
    split: str
    examples: list[Example]


def _parse_list(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def main(argv: Sequence[str] | None = None, modules: Sequence[ModuleType] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--datasets", help="comma-separated dataset names (default: every one in the cache)")
    parser.add_argument(
        "--split", help="split to score (default: dev, else the dataset's first usable split)"
    )
    parser.add_argument("--i-know-this-is-held-out", action="store_true", help="allow test/held-out splits")
    parser.add_argument("--limit", type=int, help="score only the first N examples of each split")
    parser.add_argument("--langs", help="only examples in these languages (e.g. en or en,zh)")
    parser.add_argument(
        "--tools", help=f"comma-separated, from {', '.join(TOOLS)} (default: {', '.join(DEFAULT_TOOLS)})"
    )
    parser.add_argument("--fetch", action="store_true", help="fetch the datasets into the cache first")
    parser.add_argument("--fetch-only", action="store_true", help="fetch, then stop")
    parser.add_argument("--mirror-root", type=Path, help="folder of local git mirrors named owner+name")
    parser.add_argument("--errors", type=int, default=0, help="print N misses and N false positives per type")
    parser.add_argument(
        "--errors-tool", help="whose errors --errors prints (default: the first chatsweep run)"
    )
    parser.add_argument("--workers", type=int, default=1, help="chatsweep worker processes (default 1)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)

    tools = _parse_list(args.tools) or list(DEFAULT_TOOLS)
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        parser.error(f"unknown tool(s): {', '.join(unknown)}")
    if args.split in HELD_OUT:
        if not args.i_know_this_is_held_out:
            parser.error(f"{args.split!r} is a held-out split: never tune on it (--i-know-this-is-held-out)")
        print(
            f"WARNING: scoring the held-out split {args.split!r}: report it, never tune on it",
            file=sys.stderr,
        )
    langs = set(_parse_list(args.langs) or ())

    if modules is None:
        found, problems = discover()
        for p in problems:
            print(f"# {p}", file=sys.stderr)
    else:
        found = list(modules)
    by_name = {m.NAME: m for m in found}
    wanted = _parse_list(args.datasets)
    if wanted:
        missing = [w for w in wanted if w not in by_name]
        if missing:
            parser.error(
                f"unknown dataset(s): {', '.join(missing)} (known: {', '.join(sorted(by_name)) or 'none'})"
            )
        selected = [by_name[w] for w in wanted]
    else:
        selected = sorted(found, key=lambda m: m.NAME)

    if args.fetch or args.fetch_only:
        for module in selected:
            mirror = mirror_for(module, args.mirror_root)
            try:
                module.fetch(mirror)
            except Unavailable as exc:
                print(f"# {module.NAME}: not fetched: {exc}", file=sys.stderr)
            else:
                print(f"# {module.NAME}: fetched into {ds.cache_dir() / module.NAME}", file=sys.stderr)
        if args.fetch_only:
            return 0

    jobs: list[Job] = []
    for module in selected:
        if module.SCORING not in SCORINGS:
            print(f"# {module.NAME}: unknown SCORING {module.SCORING!r}; skipped", file=sys.stderr)
            continue
        split = args.split or default_split(module)
        if split is None or split not in module.SPLITS:
            print(
                f"# {module.NAME}: has no split {split or 'to score'} (splits: {', '.join(module.SPLITS)})",
                file=sys.stderr,
            )
            continue
        loaded = ds.read_split(module.NAME, split)
        if loaded is None:
            print(
                f"# {module.NAME}/{split}: not in the cache ({ds.cache_dir()}): run with --fetch",
                file=sys.stderr,
            )
            continue
        examples = [ex for ex in loaded if not langs or ex.lang in langs]
        if args.limit is not None:
            examples = examples[: args.limit]
        if not examples:
            print(f"# {module.NAME}/{split}: no examples left to score", file=sys.stderr)
            continue
        jobs.append(Job(module, split, examples))
    if not jobs:
        print("nothing to score", file=sys.stderr)
        return 1

    # Which tool runs on which dataset: the tools that support at least one of its types.
    runs: dict[str, list[str]] = {}
    support: dict[tuple[str, str], set[str]] = {}
    for job in jobs:
        types = list(job.module.TYPES)
        secret = is_secret_dataset(types)
        runs[job.module.NAME] = []
        for tool in tools:
            if tool.startswith("chatsweep"):
                can = set(types)
            elif tool == "presidio":
                can = set(presidio_map().values()) & set(types)
            else:
                can = set(peer_supported(tool) & set(types)) if secret else set()
            if can:
                runs[job.module.NAME].append(tool)
                support[(job.module.NAME, tool)] = can
            else:
                print(
                    f"# {job.module.NAME}: {tool} reports none of {', '.join(types)}; not run",
                    file=sys.stderr,
                )

    # Plain Presidio before anything of chatsweep is imported (see ensure_plain_presidio_is_plain).
    presidio = None
    if any("presidio" in r for r in runs.values()):
        ensure_plain_presidio_is_plain()
        presidio = PlainPresidio()
    engines: dict[str, Chatsweep] = {}

    report: dict[str, Any] = {
        "split": args.split,
        "limit": args.limit,
        "langs": sorted(langs) or None,
        "datasets": {},
    }
    for job in jobs:
        name, types = job.module.NAME, list(job.module.TYPES)
        secret_as_one = SECRET in types
        preds: dict[str, list[Pred]] = {}
        seconds: dict[str, float] = {}
        for tool in runs[name]:
            began = time.perf_counter()
            try:
                if tool.startswith("chatsweep"):
                    if tool not in engines:
                        engines[tool] = Chatsweep(ner=tool == "chatsweep", workers=args.workers)
                    preds[tool] = engines[tool].run(job.examples)
                elif tool == "presidio":
                    assert presidio is not None
                    preds[tool] = presidio.run(job.examples)
                else:
                    preds[tool] = run_secret_peer(tool, job.examples)
            except ImportError as exc:
                print(f"# {name}: {tool} not available ({exc}); skipped", file=sys.stderr)
                continue
            seconds[tool] = time.perf_counter() - began
            if secret_as_one:
                # chatsweep's secret types are SECRET; every hit of a secret scanner is one.
                preds[tool] = as_secret(
                    preds[tool], secret_category() if tool.startswith("chatsweep") else None
                )
        if not preds:
            continue
        langs_seen = Counter(ex.lang for ex in job.examples)
        title = (
            f"{name}/{job.split} ({job.module.SCORING}; {len(job.examples)} examples: "
            + ", ".join(f"{n} {lang}" for lang, n in sorted(langs_seen.items()))
            + ")"
        )
        entry: dict[str, Any] = {
            "split": job.split,
            "scoring": job.module.SCORING,
            "examples": len(job.examples),
            "languages": dict(langs_seen),
            "types": types,
            "tools": {},
        }
        error_tool = args.errors_tool or next(
            (t for t in preds if t.startswith("chatsweep")), next(iter(preds))
        )
        if job.module.SCORING == "spans":
            spans = {tool: score_spans(job.examples, p, types) for tool, p in preds.items()}
            tool_support = {tool: support[(name, tool)] for tool in preds}
            print_spans(title, types, spans, tool_support)
            for tool, s in spans.items():
                own = [t for t in types if t in tool_support[tool]]
                entry["tools"][tool] = {
                    "seconds": round(seconds[tool], 2),
                    "types": {t: {**s.overlap[t].as_dict(), "exact": s.exact[t].as_dict()} for t in own},
                    "micro": {**s.micro(own).as_dict(), "exact": s.micro(own, exact=True).as_dict()},
                }
            if args.errors and error_tool in spans:
                print_span_errors(error_tool, job.examples, spans[error_tool], types, args.errors)
        else:
            cases = {
                tool: score_cases(job.examples, p, [t for t in types if t in support[(name, tool)]])
                for tool, p in preds.items()
            }
            print_cases(title, types, cases)
            for tool, c in cases.items():
                entry["tools"][tool] = {
                    "seconds": round(seconds[tool], 2),
                    "types": {
                        t: {"passed": v[0], "cases": v[1], "pass_pct": CaseScore.pct(*v)}
                        for t, v in c.by_type.items()
                    },
                    "overall": {
                        "passed": c.passed,
                        "cases": c.total,
                        "pass_pct": CaseScore.pct(c.passed, c.total),
                    },
                    "skipped": dict(c.skipped),
                }
            if args.errors and error_tool in cases:
                print_case_errors(error_tool, job.examples, cases[error_tool], args.errors)
        print("time (s): " + ", ".join(f"{tool} {s:.1f}" for tool, s in seconds.items()))
        report["datasets"][name] = entry
    for tool, engine in engines.items():
        if engine.omitted:
            print(
                f"# {tool}: {engine.omitted} occurrences over the per-value cap were not counted",
                file=sys.stderr,
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
