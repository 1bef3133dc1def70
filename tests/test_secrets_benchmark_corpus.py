"""The secrets benchmark's corpus builder: deterministic, with exact labelled spans (no timing here).

The peers (detect-secrets, CredSweeper) are not needed: only the corpus and the scoring are
tested, so the test runs wherever chatsweep's own dependencies are installed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from recognizers import catalogue, validators

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "secrets_benchmark.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("secrets_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["secrets_benchmark"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _snapshot(corpus: list) -> list[tuple[str, str, str, tuple]]:
    return [(m.id, m.conversation, m.text, m.labels) for m in corpus]


@pytest.mark.parametrize("holdout", [False, True])
def test_builder_is_deterministic(bench: ModuleType, holdout: bool) -> None:
    first = bench.build_corpus(11, 400, holdout=holdout)
    again = bench.build_corpus(11, 400, holdout=holdout)
    other = bench.build_corpus(12, 400, holdout=holdout)
    assert _snapshot(first) == _snapshot(again)
    assert _snapshot(first) != _snapshot(other)
    assert len(first) >= 400


# What each family's labelled span must look like when it covers exactly the value.
_SHAPES = {
    "GITHUB_TOKEN": lambda v: validators.github_token_ok(v) or v.startswith("github_pat_"),
    "NPM_TOKEN": validators.npm_token_ok,
    "PYPI_TOKEN": validators.pypi_token_ok,
    "JWT": lambda v: validators.jwt_header_alg(v) is not None,
    "AWS_ACCESS_KEY": validators.aws_access_key_ok,
    "DISCORD_TOKEN": validators.discord_token_ok,
    "PRIVATE_KEY": lambda v: v.startswith("-----BEGIN ") and v.endswith("PRIVATE KEY-----"),
    "GCP_SERVICE_ACCOUNT": lambda v: v.startswith("{") and v.endswith("}") and '"service_account"' in v,
    "VERIFICATION_CODE": lambda v: v.isdigit() and 4 <= len(v) <= 8,
    "CHAT_WEBHOOK": lambda v: v.startswith("https://"),
    "ALIBABA_ACCESS_KEY": lambda v: v.isalnum(),
    "TENCENT_SECRET": lambda v: v.isalnum(),
    "GOOGLE_API_KEY": lambda v: v.startswith("AIza") and len(v) == 39,
    "SENDGRID_KEY": lambda v: v.startswith("SG.") and v.count(".") == 2,
}


@pytest.mark.parametrize("holdout", [False, True])
def test_labels_are_exact_spans(bench: ModuleType, holdout: bool) -> None:
    corpus = bench.build_corpus(5, 1500, holdout=holdout)
    families = set()
    for m in corpus:
        previous_end = -1
        for label in sorted(m.labels, key=lambda la: la.start):
            value = m.text[label.start : label.end]
            families.add(label.entity)
            assert 0 <= label.start < label.end <= len(m.text), m.id
            assert label.start >= previous_end, f"{m.id}: overlapping labels"
            previous_end = label.end
            assert catalogue.info(label.entity).category == "secret", label.entity
            assert value == value.strip(), f"{m.id}: whitespace inside the span {value!r}"
            if label.entity not in ("PRIVATE_KEY", "GCP_SERVICE_ACCOUNT", "CONNECTION_STRING"):
                assert not any(c.isspace() for c in value), f"{m.id}: {value!r}"
            # Quotes and backticks are what the generator wraps values in; no value contains them.
            assert value[0] not in "`\"'“「" and value[-1] not in "`\"'”」", f"{m.id}: wrapper in {value!r}"
            check = _SHAPES.get(label.entity)
            assert check is None or check(value), f"{m.id}: {label.entity} span is not the value: {value!r}"
    assert len(families) >= 25, sorted(families)


def test_negatives_and_questions_carry_no_labels(bench: ModuleType) -> None:
    corpus = bench.build_corpus(5, 1500)
    kinds = {m.kind for m in corpus}
    assert {"filler", "secret", "negative", "question", "answer"} <= kinds
    assert all(not m.labels for m in corpus if m.kind in ("filler", "negative", "question"))
    assert all(m.labels for m in corpus if m.kind in ("secret", "answer"))


def test_jsonl_is_the_generic_contract(bench: ModuleType, tmp_path: Path) -> None:
    corpus = bench.build_corpus(3, 50)
    path = tmp_path / "chat.jsonl"
    bench.write_jsonl(corpus, path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [m.id for m in corpus]
    assert all({"id", "conversation", "author", "timestamp", "text"} <= set(r) for r in records)
    assert [r["text"] for r in records] == [m.text for m in corpus]


def test_scoring_overlap_rules(bench: ModuleType) -> None:
    label = bench.Label(4, 12, "PASSWORD")
    corpus = [bench.Msg("m1", "c", "a", 0, "pw: Hunter2!x and more", (label,), "secret")]
    right = {"m1": [(4, 12, "PASSWORD")]}
    wrong_family = {"m1": [(4, 12, "GENERIC_SECRET")]}
    elsewhere = {"m1": [(14, 17, "PASSWORD")]}
    assert bench.score(corpus, right, strict=True).overall.f1() == 1.0
    strict = bench.score(corpus, wrong_family, strict=True)
    assert strict.overall.tp_hits == 0 and strict.overall.missed == 1
    lenient = bench.score(corpus, wrong_family, strict=False)
    assert lenient.overall.found == 1 and lenient.families["PASSWORD"].tp_hits == 1
    far = bench.score(corpus, elsewhere, strict=False)
    assert far.overall.fp_hits == 1 and far.overall.missed == 1
