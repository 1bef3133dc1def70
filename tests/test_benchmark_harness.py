"""The accuracy harness over public datasets: its scoring on hand-made inputs (exact figures),
the cache form's optional keys, and runs end to end on a tiny dataset in a temporary cache."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import pytest

from benchmarks import accuracy as acc
from benchmarks.datasets import Example, Span, Unavailable, read_split, split_path, write_split


def ex(text: str, *spans: tuple[int, int, str], **extra: object) -> Example:
    return Example(f"x{len(text)}", text, "en", [Span(a, b, label) for a, b, label in spans], **extra)  # type: ignore[arg-type]


# --- matching and span scores ------------------------------------------------------------------------


def test_match_is_one_to_one_and_maximum() -> None:
    # One wide prediction over two gold spans matches only one of them.
    assert acc.match([(0, 5), (6, 10)], [(0, 10)], exact=False) == [(0, 0)]
    # Greedy would give gold 0 the prediction both want and leave gold 1 unmatched.
    assert acc.match([(0, 10), (12, 15)], [(5, 13), (0, 3)], exact=False) == [(0, 1), (1, 0)]
    # Touching is not overlapping (ends are exclusive).
    assert acc.match([(0, 5)], [(5, 9)], exact=False) == []
    assert acc.match([(0, 5), (6, 9)], [(0, 5), (6, 8)], exact=True) == [(0, 0)]


def test_span_scores_exact_figures() -> None:
    examples = [
        ex("Alice met Bob in Paris", (0, 5, "PERSON"), (10, 13, "PERSON"), (17, 22, "LOCATION")),
        ex("nothing here at all"),
        ex("Dr Carol Smith", (3, 14, "PERSON")),
    ]
    preds = [
        (0, 0, 5, "PERSON"),  # exact
        (0, 10, 22, "PERSON"),  # overlaps Bob (and Paris, of another type)
        (1, 0, 7, "PERSON"),  # false positive
        (2, 0, 8, "PERSON"),  # overlaps, not exact
        (2, 0, 8, "PERSON"),  # the same prediction twice counts once
        (0, 17, 22, "EMAIL_ADDRESS"),  # a type not scored: ignored
    ]
    s = acc.score_spans(examples, preds, ["PERSON", "LOCATION"])
    person = s.overlap["PERSON"]
    assert (person.gold, person.predicted, person.tp) == (3, 4, 3)
    assert person.precision == Fraction(3, 4) and person.recall == 1.0
    assert person.f1 == pytest.approx(6 / 7)
    exact = s.exact["PERSON"]
    assert (exact.gold, exact.predicted, exact.tp) == (3, 4, 1)
    assert exact.f1 == pytest.approx(2 / 7)
    location = s.overlap["LOCATION"]
    assert (location.gold, location.predicted, location.tp) == (1, 0, 0)
    assert location.precision is None and location.recall == 0.0 and location.f1 == 0.0
    micro = s.micro(["PERSON", "LOCATION"])
    assert (micro.gold, micro.predicted, micro.tp) == (4, 4, 3)
    assert micro.f1 == pytest.approx(0.75)
    assert s.misses["LOCATION"] == [(0, 17, 22)]
    assert s.false["PERSON"] == [(1, 0, 7)]


def test_span_scores_nothing_labelled_nothing_found() -> None:
    s = acc.score_spans([ex("plain text")], [], ["PERSON"])
    c = s.overlap["PERSON"]
    assert (c.precision, c.recall, c.f1) == (None, None, None)


def test_example_types_limit_what_it_is_scored_on() -> None:
    examples = [ex("Alice in Paris", (0, 5, "PERSON"), (9, 14, "LOCATION"), types=("PERSON",))]
    s = acc.score_spans(examples, [(0, 9, 14, "LOCATION")], ["PERSON", "LOCATION"])
    assert s.overlap["LOCATION"].gold == 0 and s.overlap["LOCATION"].predicted == 0
    assert s.overlap["PERSON"].gold == 1


def test_secret_types_become_one_secret_and_nested_reports_merge() -> None:
    preds = [
        (0, 10, 60, "CONNECTION_STRING"),
        (0, 30, 46, "PASSWORD"),  # inside the connection string: the same secret
        (0, 70, 80, "PASSWORD"),
        (0, 0, 5, "PERSON"),  # not a secret type: kept as it is
        (1, 3, 9, "GITHUB_TOKEN"),
    ]
    merged = acc.as_secret(preds, {"CONNECTION_STRING", "PASSWORD", "GITHUB_TOKEN"})
    assert sorted(merged) == [
        (0, 0, 5, "PERSON"),
        (0, 10, 60, "SECRET"),
        (0, 70, 80, "SECRET"),
        (1, 3, 9, "SECRET"),
    ]
    # A peer's hits are all secrets, whatever their family.
    assert acc.as_secret([(0, 1, 4, "Whatever")], None) == [(0, 1, 4, "SECRET")]


# --- cases ---------------------------------------------------------------------------------------------


def test_cases_pass_on_equal_sets_only() -> None:
    examples = [
        ex("card 4111111111111111", (5, 21, "CREDIT_CARD"), types=("CREDIT_CARD",)),  # passes
        ex("card 4111 1111 1111 1111", (5, 24, "CREDIT_CARD"), types=("CREDIT_CARD",)),  # span too short
        ex("no card 1234", types=("CREDIT_CARD",)),  # expects nothing, gets nothing: passes
        ex("no card 5678", types=("CREDIT_CARD",)),  # expects nothing, gets one: fails
        ex("mail a@b.co", (5, 11, "EMAIL_ADDRESS"), types=("EMAIL_ADDRESS",), skip_reason="known gap"),
        ex("call 555 0100", (5, 13, "PHONE_NUMBER")),  # no types: filed under what it expects
        ex("nothing at all"),  # no types, expects nothing: "(none)"
    ]
    preds = [
        (0, 5, 21, "CREDIT_CARD"),
        (0, 0, 4, "PERSON"),  # another type than the case's: not compared
        (1, 5, 19, "CREDIT_CARD"),
        (3, 8, 12, "CREDIT_CARD"),
        (5, 5, 13, "PHONE_NUMBER"),
    ]
    types = ["CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER"]
    c = acc.score_cases(examples, preds, types)
    assert (c.passed, c.total) == (4, 6)
    assert c.by_type["CREDIT_CARD"] == [2, 4]
    assert c.by_type["PHONE_NUMBER"] == [1, 1]
    assert c.by_type["EMAIL_ADDRESS"] == [0, 0]
    assert c.by_type["(none)"] == [1, 1]
    assert c.skipped == {"known gap": 1}
    assert [i for i, _, _ in c.failures] == [1, 3]
    assert acc.CaseScore.pct(2, 4) == 50.0 and acc.CaseScore.pct(0, 0) is None


def test_cases_of_types_a_tool_lacks_are_not_counted() -> None:
    examples = [
        ex("NHS 943 476 5919", (4, 16, "UK_NHS"), types=("UK_NHS",)),
        ex("x", types=("CN_RESIDENT_ID",)),
    ]
    c = acc.score_cases(examples, [(0, 4, 16, "UK_NHS")], ["UK_NHS"])
    assert (c.passed, c.total) == (1, 1)


# --- the cache form ------------------------------------------------------------------------------------


def test_optional_keys_round_trip_and_old_records_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATSWEEP_BENCH_CACHE", str(tmp_path))
    write_split(
        "tiny",
        "dev",
        [
            ex("a b", (0, 1, "PERSON")),
            ex("c d e", types=("PERSON",), skip_reason="why", conversation="c1", author="Bob"),
        ],
    )
    lines = split_path("tiny", "dev").read_text(encoding="utf-8").splitlines()
    assert set(json.loads(lines[0])) == {"id", "text", "lang", "spans"}  # nothing new unless set
    back = list(read_split("tiny", "dev") or [])
    assert back[1].types == ("PERSON",) and back[1].skip_reason == "why"
    assert (back[1].conversation, back[1].author) == ("c1", "Bob")
    assert back[0].types is None and back[0].skip_reason is None and back[0].conversation is None


def test_mirror_for_finds_owner_plus_name(tmp_path: Path) -> None:
    git = tmp_path / "leondz+emerging_entities_17" / "repo"
    git.mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/master\n")
    one = ModuleType("one")
    one.REPO = "leondz/emerging_entities_17"  # type: ignore[attr-defined]
    absent = ModuleType("absent")
    absent.REPO = "nobody/nothing"  # type: ignore[attr-defined]
    several = ModuleType("several")
    assert acc.mirror_for(one, tmp_path) == git
    assert acc.mirror_for(absent, tmp_path) is None
    assert acc.mirror_for(several, tmp_path) == tmp_path
    assert acc.mirror_for(one, None) is None


def test_discover_finds_only_dataset_modules() -> None:
    found, problems = acc.discover()
    assert problems == []
    for module in found:
        assert module.SCORING in acc.SCORINGS and module.SPLITS and module.TYPES


def test_chunks_keep_conversations_together() -> None:
    examples = [ex("a"), ex("b", conversation="c"), ex("c", conversation="c"), ex("d")]
    assert acc.chunks(examples, size=2) == [[0, 1, 2], [3]]


# --- end to end -----------------------------------------------------------------------------------------

# Synthetic values only.
PII = [
    ("write to jane.placeholder@mailbox-demo.com today", (9, 42, "EMAIL_ADDRESS")),
    ("nothing personal in this sentence", None),
    ("my mail is bob.sample@fakemail-demo.net ok", (11, 39, "EMAIL_ADDRESS")),
]


def _module(name: str, scoring: str, types: tuple[str, ...], examples: list[Example] | None) -> ModuleType:
    module = ModuleType(f"benchmarks.datasets.{name}")
    module.NAME = name  # type: ignore[attr-defined]
    module.SPLITS = ("dev", "test")  # type: ignore[attr-defined]
    module.SCORING = scoring  # type: ignore[attr-defined]
    module.TYPES = types  # type: ignore[attr-defined]
    module.LICENCE = "synthetic"  # type: ignore[attr-defined]

    def fetch(mirror: Path | None = None) -> None:
        if examples is None:
            raise Unavailable("offline")
        write_split(name, "dev", examples)

    module.fetch = fetch  # type: ignore[attr-defined]
    return module


def _pii_examples() -> list[Example]:
    return [
        Example(f"dev/{i}", text, "en", [Span(*span)] if span else []) for i, (text, span) in enumerate(PII)
    ]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHATSWEEP_BENCH_CACHE", str(tmp_path / "cache"))
    return tmp_path


def test_end_to_end_without_ner(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spans = _module("tiny_pii", "spans", ("EMAIL_ADDRESS",), _pii_examples())
    cases = _module(
        "tiny_cases",
        "cases",
        ("EMAIL_ADDRESS",),
        [
            Example("c/0", PII[0][0], "en", [Span(9, 42, "EMAIL_ADDRESS")], types=("EMAIL_ADDRESS",)),
            Example("c/1", PII[1][0], "en", [], types=("EMAIL_ADDRESS",)),
            Example("c/3", "", "en", [], types=("EMAIL_ADDRESS",)),  # an empty text is read as nothing
            Example("c/2", "a@b", "en", [Span(0, 3, "EMAIL_ADDRESS")], skip_reason="too short to tell"),
        ],
    )
    offline = _module("tiny_offline", "spans", ("PERSON",), None)
    out = cache / "figures.json"
    argv = ["--fetch", "--tools", "chatsweep-no-ner", "--json", str(out), "--errors", "3"]
    assert acc.main(argv, modules=[spans, cases, offline]) == 0
    printed = capsys.readouterr()
    assert "tiny_offline: not fetched: offline" in printed.err
    assert "## tiny_pii/dev (spans; 3 examples: 3 en)" in printed.out
    assert "## tiny_cases/dev (cases; 4 examples: 4 en)" in printed.out
    assert "1 cases marked skip" in printed.out
    figures = json.loads(out.read_text(encoding="utf-8"))
    email = figures["datasets"]["tiny_pii"]["tools"]["chatsweep-no-ner"]["types"]["EMAIL_ADDRESS"]
    assert (email["gold"], email["predicted"], email["tp"], email["f1"]) == (2, 2, 2, 1.0)
    assert email["exact"]["tp"] == 2
    overall = figures["datasets"]["tiny_cases"]["tools"]["chatsweep-no-ner"]["overall"]
    assert overall == {"passed": 3, "cases": 3, "pass_pct": 100.0}
    assert "tiny_offline" not in figures["datasets"]


def test_secret_types_count_as_secret(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "prod db: postgres://app_admin:Vq7ZrT2mW9xKp4Ls@10.20.30.40:5432/orders"
    at = text.index("postgres")
    secrets = _module(
        "tiny_secrets",
        "spans",
        ("SECRET",),
        [Example("s/0", text, "en", [Span(at, len(text), "SECRET")]), Example("s/1", "lunch at noon?", "en")],
    )
    out = cache / "figures.json"
    assert acc.main(["--fetch", "--tools", "chatsweep-no-ner", "--json", str(out)], modules=[secrets]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    secret = figures["datasets"]["tiny_secrets"]["tools"]["chatsweep-no-ner"]["types"]["SECRET"]
    assert secret["gold"] == 1 and secret["tp"] == 1 and secret["precision"] == 1.0


def test_held_out_split_is_refused_without_the_flag(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = _module("tiny_pii", "spans", ("EMAIL_ADDRESS",), _pii_examples())
    with pytest.raises(SystemExit) as stop:
        acc.main(["--split", "test", "--tools", "chatsweep-no-ner"], modules=[module])
    assert stop.value.code == 2
    assert "held-out" in capsys.readouterr().err
    # With the flag it warns, and a split not in the cache is skipped with its reason.
    assert acc.main(["--split", "test", "--i-know-this-is-held-out"], modules=[module]) == 1
    err = capsys.readouterr().err
    assert "WARNING" in err and "tiny_pii/test: not in the cache" in err


def test_presidio_is_not_run_where_it_has_none_of_the_types(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = _module("tiny_zh", "spans", ("CN_RESIDENT_ID",), [Example("z/0", "你好", "zh")])
    module.fetch()
    assert acc.main(["--tools", "presidio"], modules=[module]) == 0
    assert "presidio reports none of CN_RESIDENT_ID; not run" in capsys.readouterr().err


@pytest.mark.ner
def test_end_to_end_with_ner_beside_plain_presidio(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Yesterday Olivia Whitaker flew from London to Chicago."
    module = _module(
        "tiny_ner",
        "spans",
        ("PERSON", "LOCATION"),
        [
            Example(
                "n/0",
                text,
                "en",
                [Span(10, 25, "PERSON"), Span(36, 42, "LOCATION"), Span(46, 53, "LOCATION")],
            ),
            Example("n/1", "请联系张伟，他在上海", "zh", [Span(3, 5, "PERSON"), Span(8, 10, "LOCATION")]),
        ],
    )
    out = cache / "figures.json"
    argv = ["--fetch", "--tools", "chatsweep,presidio", "--json", str(out)]
    assert acc.main(argv, modules=[module]) == 0
    tools = json.loads(out.read_text(encoding="utf-8"))["datasets"]["tiny_ner"]["tools"]
    assert set(tools) == {"chatsweep", "presidio"}
    # Both see the English sentence; Presidio's English engine runs on the Chinese one too.
    for name in ("chatsweep", "presidio"):
        assert tools[name]["types"]["PERSON"]["gold"] == 2
        assert tools[name]["types"]["PERSON"]["tp"] >= 1
    assert tools["chatsweep"]["micro"]["tp"] >= 4


def test_a_run_of_only_empty_texts_finds_nothing() -> None:
    engine = acc.Chatsweep(ner=False, workers=1)
    assert engine.run([Example("e/0", "", "en"), Example("e/1", "", "en")]) == []
