"""FRAUD_INDICATOR on labelled scam and genuine messages: precision and recall per scam class.

Sources (``--source``, repeatable; default all that are available):
- ``synthetic``: benchmarks/data/fraud_dev.tsv, scams of every class and benign near misses
  (bank notices, refunds, colleagues asking for a code, anti-fraud warnings) written for chatsweep;
- ``blind_a``, ``blind_b``: benchmarks/data/fraud_blind_a.tsv and fraud_blind_b.tsv, scams of the four
  commonest kinds (police, loan, service, boss) and benign operator, bank, logistics, marketing and
  government notices, written as SMS and chat are, before the rules were read; tune on A only, and
  quote B (never tuned on);
- ``evasion``: the synthetic scams rewritten as evaders do (traditional characters, full-width
  letters, symbols between characters, look-alike letters) and forwarded with a question;
- ``fraud_tw_quiz``: the cached split (``--split``, default dev) of benchmarks/datasets/fraud_tw_quiz.py;
- ``chat``: the generated bilingual chat of benchmarks/pii_benchmark.py and secrets_benchmark.py
  (``--messages`` each), ordinary messages: every report there is a false alarm;
- ``corpora``: ordinary public text (news, Weibo posts, tweets) of the cached dev splits of the
  NER data sets (cluener, weibo_ner, msra_ner, btc, wnut17), when fetched.

A message counts as found when the detector reports it (one finding per message); the class is
judged apart (``class ok``: the reported class is the labelled one). The old detector (the
lexicon matcher of ``--baseline`` git ref, default ``main``) runs side by side when git has it.

    PYTHONPATH=. python benchmarks/fraud_benchmark.py [--source NAME] [--split dev] [--misses]
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
import tempfile
import types
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.datasets import read_split  # noqa: E402
from recognizers.families import fraud  # noqa: E402

Case = tuple[str, str, str]  # (source, class or "benign", text)


def synthetic(name: str = "fraud_dev", source: str = "synthetic") -> list[Case]:
    out: list[Case] = []
    for line in (ROOT / "benchmarks" / "data" / f"{name}.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            cls, _lang, text = line.split("\t", 2)
            out.append((source, cls, text))
    return out


_HOMO = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с"})


def evasion(cases: list[Case]) -> list[Case]:
    """Each synthetic scam once, rewritten one way in turn; plus forwarded copies."""
    import opencc

    s2t = opencc.OpenCC("s2t")
    ways: list[Callable[[str], str]] = [
        s2t.convert,
        lambda t: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in t),
        lambda t: "*".join(t[:12]) + t[12:] if fraud._HAN.search(t) else t.replace(" ", "  "),
        lambda t: t.translate(_HOMO),
    ]
    out: list[Case] = []
    scams = [c for c in cases if c[1] != "benign"]
    for i, (_, cls, text) in enumerate(scams):
        out.append(("evasion", cls, ways[i % len(ways)](text)))
        if i % 3 == 0:
            zh = fraud._HAN.search(text) is not None
            fwd = (
                f"收到一条短信：「{text}」这是诈骗吗？"
                if zh
                else f'Is this a scam? I got this text: "{text}"'
            )
            out.append(("forwarded", cls, fwd))
    return out


def quiz(split: str) -> list[Case]:
    examples = read_split("fraud_tw_quiz", split)
    if examples is None:
        print("fraud_tw_quiz: not fetched (python -c 'from benchmarks.datasets import fraud_tw_quiz; ...')")
        return []
    return [("fraud_tw_quiz", (ex.types or ("benign",))[0], ex.text) for ex in examples]


def ordinary_chat(messages: int) -> list[Case]:
    """The generated chat of the PII and secrets benchmarks: ordinary messages, none of them fraud."""
    from benchmarks import pii_benchmark, secrets_benchmark

    out: list[Case] = [("pii_chat", "benign", item.text) for item in pii_benchmark.build_corpus(messages, 1)]
    out += [("secrets_chat", "benign", m.text) for m in secrets_benchmark.build_corpus(20240605, messages)]
    return out


#: Cached dev splits of other benchmarks whose text is ordinary (news, Weibo posts, tweets).
TEXT_CORPORA = ("cluener", "weibo_ner", "msra_ner", "btc", "wnut17")


def text_corpora() -> list[Case]:
    """Ordinary public text from the cached NER dev splits: a report there is (almost always) wrong."""
    out: list[Case] = []
    for name in TEXT_CORPORA:
        examples = read_split(name, "dev")
        if examples is not None:
            out += [(name, "benign", ex.text) for ex in examples]
    return out


def old_detector(ref: str) -> Callable[[str], bool] | None:
    """The fraud recognizer of git ``ref`` with its own lexicons, or None when git lacks it."""
    try:
        files = {
            p: subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{ref}:recognizers/{p}"], check=True, capture_output=True
            ).stdout.decode()
            for p in (
                "families/fraud.py",
                "families/_phrases.py",
                "lexicons/fraud_en.txt",
                "lexicons/fraud_zh.txt",
            )
        }
    except (OSError, subprocess.CalledProcessError):
        return None
    if "# category:" not in files["lexicons/fraud_zh.txt"]:
        return None
    from recognizers.families import _phrases

    lexicons = {p.split("/")[-1]: text for p, text in files.items() if p.startswith("lexicons/")}

    def load(*names: str) -> tuple[_phrases.Term, ...]:
        tmp = Path(tempfile.mkdtemp(prefix="fraud-baseline-"))
        for name in names:
            (tmp / name).write_text(lexicons[name], "utf-8")
        terms: list[_phrases.Term] = []
        for name in names:  # the old format: "# category: X" / "# cue: X" and marked terms
            kind = group = ""
            for raw in (tmp / name).read_text("utf-8").splitlines():
                line = raw.strip()
                head = re.fullmatch(r"#[ ]*(category|cue):[ ]*([a-z_]+)", line)
                if head:
                    kind, group = head.group(1), head.group(2)
                elif line and not line.startswith("#"):
                    mark = line[0] if line[:2] in ("! ", "? ") else ""
                    terms.append(_phrases.Term(line[2:].strip() if mark else line, kind, group, mark, name))
        return tuple(terms)

    shim = types.SimpleNamespace(**{k: getattr(_phrases, k) for k in dir(_phrases) if not k.startswith("__")})
    shim.load = load
    name = "fraud_baseline"
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    source = files["families/fraud.py"].replace("from recognizers.families import _phrases", "")
    module.__dict__["_phrases"] = shim
    exec(compile(source, "baseline fraud", "exec"), module.__dict__)
    rec = module.FraudIndicatorRecognizer("zh")
    return lambda text: bool(rec.analyze(text, entities=None))


def report(name: str, cases: list[Case], found: list[bool], classes: list[str] | None) -> None:
    tp = sum(1 for (_, c, _), f in zip(cases, found, strict=True) if f and c != "benign")
    fp = sum(1 for (_, c, _), f in zip(cases, found, strict=True) if f and c == "benign")
    pos = sum(1 for _, c, _ in cases if c != "benign")
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / pos if pos else 1.0
    print(f"  {name:<8} precision {p:.3f}  recall {r:.3f}  ({tp}/{pos} scams, {fp} false alarms)")
    per: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    ok: Counter[str] = Counter()
    for i, ((_, c, _), f) in enumerate(zip(cases, found, strict=True)):
        if c == "benign":
            continue
        per[c] += 1
        hit[c] += f
        ok[c] += bool(f and classes is not None and classes[i] == c)
    cells = []
    for c in fraud.CLASSES:
        if per[c]:
            cell = f"{c} {hit[c] / per[c]:.2f}"
            if classes is not None:
                cell += f" (class ok {ok[c]}/{hit[c]})"
            cells.append(cell)
    print("           recall by class: " + ", ".join(cells))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sources = ("synthetic", "blind_a", "blind_b", "evasion", "fraud_tw_quiz", "chat", "corpora")
    ap.add_argument("--source", action="append", choices=sources)
    ap.add_argument("--messages", type=int, default=1500, help="messages of each generated chat corpus")
    ap.add_argument("--split", default="dev", help="split of cached data sets (tune on dev only)")
    ap.add_argument("--baseline", default="main", help="git ref of the old detector")
    ap.add_argument("--misses", action="store_true", help="print misses and false alarms")
    args = ap.parse_args(argv)
    wanted = args.source or list(sources)
    base = synthetic()
    sets: dict[str, list[Case]] = {}
    if "synthetic" in wanted:
        sets["synthetic"] = base
    for blind in ("blind_a", "blind_b"):
        if blind in wanted:
            sets[blind] = synthetic(f"fraud_{blind}", blind)
    if "evasion" in wanted:
        sets["evasion"] = evasion(base)
    if "fraud_tw_quiz" in wanted:
        sets[f"fraud_tw_quiz/{args.split}"] = quiz(args.split)
    if "chat" in wanted:
        sets["ordinary chat"] = ordinary_chat(args.messages)
    if "corpora" in wanted:
        sets["ordinary text"] = text_corpora()
    old = old_detector(args.baseline)
    everything: list[Case] = []
    for name, cases in [*sets.items(), ("all", [])]:
        cases = cases or everything
        if name != "all":
            everything += cases
        if not cases:
            continue
        results = [fraud.assess(t) for _, _, t in cases]
        print(f"{name}: {len(cases)} messages")
        report("new", cases, [r.flagged for r in results], [r.cls for r in results])
        if old is not None:
            report("old", cases, [old(t) for _, _, t in cases], None)
        if args.misses and name != "all":
            for (_src, c, t), r in zip(cases, results, strict=True):
                if (c == "benign") == r.flagged or (r.flagged and r.cls != c):
                    tag = "FALSE ALARM" if c == "benign" else ("MISS" if not r.flagged else f"CLASS {r.cls}")
                    print(f"    {tag} [{c}] total={r.total} model={r.model:.2f} {t[:110]!r} {r.ngrams}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
