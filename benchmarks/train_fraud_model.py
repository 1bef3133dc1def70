"""Train the fraud detector's model: a logistic regression over character and word n-grams.

A development tool (it needs scikit-learn, which chatsweep does not need to run): it writes
``recognizers/lexicons/fraud_model.txt``, the weights that ``recognizers.families.fraud`` reads;
at run time the model is a sum of weights, offline.

Training data, all of it ours or ordinary text, never a held-out or test split:
- scams and benign near misses written for chatsweep: benchmarks/data/fraud_dev.tsv and
  fraud_blind_a.tsv (fraud_blind_b.tsv is kept out: it measures the model);
- ordinary text as benign: the cached ``train`` splits of the NER data sets (news, Weibo posts,
  tweets), when fetched, and the generated chat of the PII and secrets benchmarks with seeds
  other than the ones those benchmarks (and fraud_benchmark's ``chat`` source) score.

    PYTHONPATH=. python benchmarks/train_fraud_model.py [--keep 6000] [--c 2.0]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.datasets import read_split  # noqa: E402
from recognizers.families import fraud  # noqa: E402

OUT = ROOT / "recognizers" / "lexicons" / fraud.MODEL_FILE
ORDINARY = ("cluener", "weibo_ner", "btc", "wnut17")


def tsv(name: str) -> list[tuple[str, str]]:
    out = []
    for line in (ROOT / "benchmarks" / "data" / f"{name}.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            cls, _lang, text = line.split("\t", 2)
            out.append((cls, text))
    return out


def ordinary(per_set: int, rng: random.Random) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name in ORDINARY:
        examples = list(read_split(name, "train") or [])
        texts = [ex.text for ex in examples]
        rng.shuffle(texts)
        out += [("benign", t) for t in texts[:per_set]]
    from benchmarks import pii_benchmark, secrets_benchmark

    out += [("benign", item.text) for item in pii_benchmark.build_corpus(2000, 97)]
    out += [("benign", m.text) for m in secrets_benchmark.build_corpus(98, 2000)]
    return out


def features(text: str) -> dict[str, float]:
    norm, _ = fraud.normalise(text)
    return dict.fromkeys(fraud.model_features(norm, fraud._shapes(norm)), 1.0)


def main(argv: list[str] | None = None) -> int:
    from sklearn.feature_extraction import DictVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--keep", type=int, default=6000, help="features kept (largest weights)")
    ap.add_argument("--c", type=float, default=2.0, help="inverse regularisation strength")
    ap.add_argument("--ordinary", type=int, default=3000, help="ordinary texts per NER data set")
    ap.add_argument("--sets", default="fraud_dev,fraud_blind_a", help="labelled sets of benchmarks/data")
    ap.add_argument("--out", type=Path, default=OUT, help="where to write the weights")
    args = ap.parse_args(argv)
    rng = random.Random(20261203)
    data = [row for name in args.sets.split(",") for row in tsv(name)] + ordinary(args.ordinary, rng)
    labels = [cls for cls, _ in data]
    vec = DictVectorizer()
    x = vec.fit_transform([features(t) for _, t in data])
    # Scams are few next to ordinary text: weigh the classes so that each counts alike.
    model = LogisticRegression(C=args.c, max_iter=3000, class_weight="balanced")
    model.fit(x, labels)
    classes = list(model.classes_)
    names = vec.get_feature_names_out()
    coef = model.coef_
    strength = abs(coef).max(axis=0)
    order = strength.argsort()[::-1][: args.keep]
    lines = [
        "# The fraud detector's model (recognizers/families/fraud.py): a logistic regression over the",
        "# features of fraud.model_features, trained by benchmarks/train_fraud_model.py (see its",
        "# docstring for the data: chatsweep's own synthetic scams and near misses, ordinary text).",
        f"# {len(data)} training texts; C={args.c}; the {len(order)} features of largest weight kept.",
        "# Format: classes, bias, then feature <TAB> class-index:weight … (weights under 0.01 dropped).",
        "classes\t" + " ".join(classes),
        "bias\t" + " ".join(f"{b:.4f}" for b in model.intercept_),
    ]
    for j in sorted(order, key=lambda j: names[j]):
        cells = [f"{k}:{coef[k, j]:.3f}" for k in range(len(classes)) if abs(coef[k, j]) >= 0.01]
        if cells and "\t" not in names[j] and "\n" not in names[j]:
            lines.append(f"{names[j]}\t{' '.join(cells)}")
    args.out.write_text("\n".join(lines) + "\n", "utf-8")
    named = " ".join(str(c) for c in classes)
    print(f"{args.out}: {len(lines) - 7} features, classes {named}, {len(data)} texts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
