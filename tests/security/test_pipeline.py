"""Hostile input against the pipeline: one record never ends a scan, memory stays bounded,
and identifiers in author, conversation and file names are masked and reported.

All data is synthetic: +1 202 555 01xx (the fictional 555-01xx range), example.com addresses.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tracemalloc
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scanner import pipeline
from scanner.analyzer import AnalyzerConfig, ChatAnalyzer, Detection
from scanner.context import ConversationState, default_rules
from scanner.model import Attachment, Author, Conversation, Message, ScanResult, Skipped
from scanner.pipeline import Scanner, scrub, scrub_message
from scanner.settings import Settings
from tests.helpers import run_cli, shared_analyzer, write_jsonl

PHONE = "+1 202 555 0143"
EMAIL = "jane.placeholder@example.com"
BOOM = "EXPLODE-ON-ANALYSIS"  # the fake analyzer raises on a message holding this
CRASH = "KILL-THE-WORKER"  # the fake analyzer ends its worker process on this
_FAKE_PATTERNS = (
    ("PHONE_NUMBER", re.compile(r"\+1 202 555 01[0-9]{2}")),
    ("EMAIL_ADDRESS", re.compile(r"[a-z.]+@example\.com")),
)
_PARENT = os.getpid()


class FakeAnalyzer:
    """Finds the synthetic phone numbers and addresses above; raises on ``BOOM``.

    Picklable and inherited by forked pool workers, so the same object runs in every backend.
    """

    config = AnalyzerConfig(ner=False)
    models = {"en": "fake"}

    def __init__(self) -> None:
        self.seen: list[list[str]] = []  # the texts of each call (in this process)

    def analyze_batch(self, items: Sequence[tuple[str, tuple[str, ...] | None]]) -> list[list[Detection]]:
        self.seen.append([text for text, _ in items])
        out: list[list[Detection]] = []
        for text, _ in items:
            if BOOM in text:
                raise ValueError("synthetic analyzer failure")
            if CRASH in text:
                if os.getpid() == _PARENT:
                    raise RuntimeError("would end the test process")
                os._exit(3)  # a worker dying mid-batch, as on a segfault or the OOM killer
            out.append(
                [
                    Detection(entity, m.start(), m.end(), 0.8, "fake pattern", "fake")
                    for entity, rx in _FAKE_PATTERNS
                    for m in rx.finditer(text)
                ]
            )
        return out


def _row(i: int, text: str, author: str = "ana", conversation: str = "ops") -> dict[str, Any]:
    return {
        "id": f"m{i}",
        "conversation": conversation,
        "author": author,
        "timestamp": "2024-05-01T09:00:00Z",
        "text": text,
    }


def _scan(path: Path, analyzer: Any = None, **settings: Any) -> ScanResult:
    options: dict[str, Any] = {"ner": False, "workers": 1, **settings}
    chosen: Any = analyzer if analyzer is not None else FakeAnalyzer()
    return Scanner(Settings(**options), analyzer=chosen).scan([path])


def _comparable(result: ScanResult) -> tuple[Any, ...]:
    return (
        [(f.id, f.occurrence_count, f.occurrences) for f in result.findings],
        [i.skipped for i in result.inputs],
        result.messages_scanned,
    )


# --- 1. one record never ends the scan ------------------------------------------------------


def test_scrub_replaces_lone_surrogates_and_keeps_offsets() -> None:
    dirty = "a\ud800b\udfffc 😀"
    assert scrub(dirty) == "a\ufffdb\ufffdc 😀"
    assert len(scrub(dirty)) == len(dirty)
    clean = "nothing to do 电话"
    assert scrub(clean) is clean


def test_scrub_message_covers_every_string() -> None:
    bad = "x\ud800"
    m = Message(
        platform="generic",
        source=f"in{bad}.jsonl",
        location=f"in{bad}.jsonl:1",
        conversation=Conversation(bad, bad, members=(bad,)),
        message_id=bad,
        author=Author(bad, bad),
        timestamp=None,
        text=bad,
        thread_id=bad,
        reply_to=bad,
        attachments=(Attachment(bad, mime=bad, path=bad),),
    )
    clean = scrub_message(m)
    # Every string of the scrubbed message encodes; none changed length.
    blob = repr(clean)
    assert "\\ud800" not in blob
    json.dumps(clean.text).encode()
    for value in (clean.text, clean.author.name, clean.conversation.members[0], clean.attachments[0].name):
        assert value == "x\ufffd"
        value.encode("utf-8")
    plain = Message(
        "generic", "in.jsonl", "in.jsonl:1", Conversation("c", "ops"), "m1", Author("u", "ana"), None, "ok"
    )
    assert scrub_message(plain) is plain  # the common case costs no copy


def test_lone_surrogate_record_is_scanned_and_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "chat.jsonl"
    # Written by hand: json.dumps would escape the escape. "\ud800" is a lone high surrogate.
    path.write_text(
        '{"id":"1","conversation":"ops \\ud800","author":"ana\\udc00","timestamp":"2024-05-01T09:00:00Z",'
        f'"text":"call {PHONE} \\ud800 now"}}\n'
        '{"id":"2","conversation":"ops","author":"bo","timestamp":"2024-05-01T09:01:00Z","text":"ok"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    run = run_cli(capsys, "scan", str(path), "--no-ner", "--format", "json,csv,md,sarif,html", "-o", str(out))
    assert run.code == 0, run.stderr  # a medium finding, default --fail-on high
    assert "Traceback" not in run.stderr
    report = json.loads((out / "chatsweep-report.json").read_text(encoding="utf-8"))
    assert report["scan"]["messages_scanned"] == 2
    assert [f["entity_type"] for f in report["findings"]] == ["PHONE_NUMBER"]
    for file in out.iterdir():
        file.read_bytes().decode("utf-8")  # every format was written and is valid UTF-8


def test_undecodable_file_name_does_not_end_the_scan(tmp_path: Path) -> None:
    from reports import get_renderer

    folder = tmp_path / "export"
    folder.mkdir()
    # A Latin-1 file name on a UTF-8 system: Python names it with a lone surrogate (\udce9).
    raw = os.fsencode(folder) + b"/caf\xe9.jsonl"
    with open(raw, "w", encoding="utf-8") as f:
        f.write(json.dumps(_row(1, f"call {PHONE}")) + "\n")
    result = _scan(folder)
    assert result.messages_scanned == 1
    (occurrence,) = result.findings[0].occurrences
    assert occurrence.location.endswith("caf\ufffd.jsonl:1")
    for name in ("json", "csv", "md", "sarif", "html"):
        get_renderer(name).render(result).encode("utf-8")


def _failing_input(tmp_path: Path, marker: str, n: int = 600, at: int = 300) -> Path:
    rows = [_row(i, f"line {i}: call {PHONE}" if i % 7 == 0 else f"line {i}") for i in range(n)]
    rows[at] = _row(at, f"{marker} and {EMAIL}")
    return write_jsonl(tmp_path / "chat.jsonl", rows)


def test_failing_message_is_skipped_in_process(tmp_path: Path) -> None:
    path = _failing_input(tmp_path, BOOM)
    analyzer = FakeAnalyzer()
    result = _scan(path, analyzer)
    (skipped,) = result.inputs[0].skipped
    assert skipped == Skipped(f"{path}:301", "analysis failed (ValueError)")
    assert result.messages_scanned == 599
    # The inputs table counts as the header does: the one not analysed is listed as skipped.
    assert result.inputs[0].messages == 599
    assert result.unread == 1
    # The batch around it was retried message by message: its other findings are kept.
    (phone,) = result.findings
    assert phone.occurrence_count == len(range(0, 600, 7))
    assert EMAIL[:4] not in repr(result)
    sizes = [len(call) for call in analyzer.seen if not call[0].startswith(str(tmp_path))]
    assert sizes == [256, 256, 88] + [1] * 256  # three batches, then the failed one message by message


def test_failing_message_is_skipped_in_the_process_pool(tmp_path: Path) -> None:
    path = _failing_input(tmp_path, BOOM)
    pooled = _scan(path, FakeAnalyzer(), workers=2)
    assert pooled.options["backend"] == "process-pool"
    assert _comparable(pooled) == _comparable(_scan(path, FakeAnalyzer()))


def test_a_worker_that_dies_loses_only_its_message(tmp_path: Path) -> None:
    path = _failing_input(tmp_path, CRASH, n=300, at=10)
    result = _scan(path, FakeAnalyzer(), workers=2)
    assert result.inputs[0].skipped == (Skipped(f"{path}:11", "analysis failed (BrokenProcessPool)"),)
    assert result.messages_scanned == 299
    assert result.findings[0].occurrence_count == len(range(0, 300, 7))


def test_cli_reports_a_failing_message_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ChatAnalyzer.analyze_batch

    def flaky(self: ChatAnalyzer, items: Sequence[tuple[str, tuple[str, ...] | None]]) -> Any:
        if any(BOOM in text for text, _ in items):
            raise KeyError("synthetic")
        return real(self, items)

    monkeypatch.setattr(ChatAnalyzer, "analyze_batch", flaky)
    path = _failing_input(tmp_path, BOOM, n=20, at=5)
    run = run_cli(capsys, "scan", str(path), "--no-ner", "--format", "json", "-o", "-")
    # Not an internal error: the scan finished and the report was written. (Which of 0/1/3 is
    # the CLI's rule for unread records, from ScanResult.unread: see the in-process tests.)
    assert run.code != 70, run.stderr
    assert "Traceback" not in run.stderr
    report = json.loads(run.stdout)
    assert report["scan"]["inputs"][0]["skipped"] == [
        {"location": f"{path}:6", "reason": "analysis failed (KeyError)"}
    ]
    assert report["summary"]["occurrences"] == len(range(0, 20, 7))


def test_debug_lets_the_analysis_error_through(tmp_path: Path) -> None:
    path = _failing_input(tmp_path, BOOM, n=10, at=3)
    with pytest.raises(ValueError, match="synthetic"):
        _scan(path, debug=True)


class _BrokenRule:
    name = "broken"

    def detect(self, message: Message, state: ConversationState, found: list[Detection]) -> list[Detection]:
        if "trigger" in message.text:
            raise RuntimeError("synthetic rule failure")
        return []


def test_a_failing_context_rule_is_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scanner.pipeline.default_rules", lambda: (_BrokenRule(), *default_rules()))
    path = write_jsonl(
        tmp_path / "chat.jsonl",
        [_row(0, "what's the vpn password?"), _row(1, f"trigger {PHONE}", "bo"), _row(2, "fine")],
    )
    result = _scan(path)
    assert result.inputs[0].skipped == (
        Skipped(f"{path}:2", "context rule broken failed (RuntimeError); scanned without it"),
    )
    assert result.messages_scanned == 3
    assert [f.entity_type for f in result.findings] == ["PHONE_NUMBER"]  # its own text still scanned
    with pytest.raises(RuntimeError):
        _scan(path, debug=True)


# --- 2. memory bounded ----------------------------------------------------------------------


def _repeats(n: int, conversations: int = 1) -> Any:
    conv = [Conversation(f"c{k}", f"chan {k}") for k in range(conversations)]
    author = Author("u1", "ana")
    text = f"call {PHONE}"
    det = [Detection("PHONE_NUMBER", 5, 5 + len(PHONE), 0.8, "fake", "fake")]
    when = datetime(2024, 5, 1, tzinfo=UTC)
    for i in range(n):
        m = Message(
            "generic", "in.jsonl", f"in.jsonl:{i + 1}", conv[i % conversations], f"m{i}", author, when, text
        )
        yield m, det


def _feed(state: Any, items: Any) -> None:
    for message, detections in items:
        state.add(message, detections, state.names(message))


def test_one_value_repeated_12000_times_keeps_memory_flat() -> None:
    state = pipeline._ScanState(Settings(ner=False), FakeAnalyzer())  # type: ignore[arg-type]
    stream = _repeats(12_000)
    tracemalloc.start()
    try:
        _feed(state, (next(stream) for _ in range(4_000)))
        after_cap, _ = tracemalloc.get_traced_memory()
        _feed(state, stream)
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Past the cap nothing is kept per occurrence: 8,000 more repeats, (almost) no more memory.
    # Uncapped, they held ~400 bytes each (3 MB, over ten times the bound).
    assert end - after_cap < 256 * 1024
    (finding,) = state.findings()
    assert len(finding.occurrences) == pipeline.MAX_OCCURRENCES
    assert finding.omitted_occurrences == 12_000 - pipeline.MAX_OCCURRENCES
    assert finding.occurrence_count == 12_000


def test_past_the_cap_each_new_conversation_still_shows_once() -> None:
    state = pipeline._ScanState(Settings(ner=False), FakeAnalyzer())  # type: ignore[arg-type]
    cap, extra = pipeline.MAX_OCCURRENCES, pipeline.MAX_EXTRA_CONVERSATIONS
    _feed(state, _repeats(cap))  # all in one conversation
    _feed(state, _repeats(2 * (extra + 500), conversations=extra + 500))  # c0 … then new ones, twice
    (finding,) = state.findings()
    assert len(finding.occurrences) == cap + extra
    assert finding.occurrence_count == cap + 2 * (extra + 500)
    conversations = {o.conversation_id for o in finding.occurrences}
    assert len(conversations) == extra + 1  # c0, then the first `extra` new ones


def test_capped_counts_reach_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reports import get_renderer

    monkeypatch.setattr(pipeline, "MAX_OCCURRENCES", 25)
    path = write_jsonl(tmp_path / "bot.jsonl", [_row(i, f"call {PHONE}") for i in range(300)])
    result = _scan(path)
    (finding,) = result.findings
    assert (len(finding.occurrences), finding.omitted_occurrences) == (25, 275)
    assert result.summary.occurrences == 300
    report = json.loads(get_renderer("json").render(result))
    assert report["summary"]["occurrences"] == 300
    assert len(report["findings"][0]["occurrences"]) == 25


# --- 3. identifiers in names ------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_analyzer() -> ChatAnalyzer:
    return shared_analyzer(AnalyzerConfig(ner=False))


def _named_input(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    return write_jsonl(
        folder / f"WhatsApp Chat with {PHONE}.jsonl",
        [
            _row(1, "see you at noon", author=PHONE, conversation=f"Chat with {PHONE}"),
            _row(2, "ok", author=EMAIL, conversation=f"Chat with {PHONE}"),
            _row(3, "again", author=PHONE, conversation=f"Chat with {PHONE}"),
            _row(4, f"my number is {PHONE}", author="ana", conversation="ops"),
        ],
    )


def test_identifiers_in_names_are_findings_with_their_part(
    tmp_path: Path, real_analyzer: ChatAnalyzer
) -> None:
    path = _named_input(tmp_path)
    result = _scan(path, real_analyzer)
    by_entity = {f.entity_type: f for f in result.findings}
    assert set(by_entity) == {"PHONE_NUMBER", "EMAIL_ADDRESS"}
    phone = by_entity["PHONE_NUMBER"]
    parts = sorted(o.part for o in phone.occurrences)
    # one per (name, conversation) for authors and conversations, one per file, one in text
    assert parts == ["author", "conversation", "file name", "text"]
    author = next(o for o in phone.occurrences if o.part == "author")
    assert (author.start, author.end) == (0, len(PHONE))
    file = next(o for o in phone.occurrences if o.part == "file name")
    assert str(path)[file.start : file.end] == PHONE
    assert [o.part for o in by_entity["EMAIL_ADDRESS"].occurrences] == ["author"]
    # Nothing in the result shows them in clear: not the names, not the input path.
    blob = repr(result)
    for clear in (PHONE, EMAIL, "555 0143"):
        assert clear not in blob
    assert phone.preview in result.inputs[0].path
    assert all(phone.preview in o.location for o in phone.occurrences)
    # Deterministic: the same input gives the same findings, ids and order.
    assert _comparable(_scan(path, real_analyzer)) == _comparable(result)


def test_e_mail_addresses_in_ids_are_masked(tmp_path: Path, real_analyzer: ChatAnalyzer) -> None:
    row = {**_row(1, f"call {PHONE}"), "author": {"id": EMAIL, "name": "Jane"}}
    path = write_jsonl(tmp_path / "chat.jsonl", [row])
    result = _scan(path, real_analyzer)
    (occurrence,) = result.findings[0].occurrences
    assert occurrence.author == "Jane"
    assert EMAIL not in occurrence.author_id and occurrence.author_id.endswith("@example.com")


def test_names_give_the_same_result_in_every_backend(tmp_path: Path, real_analyzer: ChatAnalyzer) -> None:
    path = _named_input(tmp_path)
    pooled = _scan(path, real_analyzer, workers=2)
    assert pooled.options["backend"] == "process-pool"
    assert _comparable(pooled) == _comparable(_scan(path, real_analyzer))
    assert pooled.inputs == _scan(path, real_analyzer).inputs


def test_names_stay_clear_with_show_values(tmp_path: Path, real_analyzer: ChatAnalyzer) -> None:
    path = _named_input(tmp_path)
    result = _scan(path, real_analyzer, show_values=True)
    assert result.inputs[0].path == str(path)
    authors = {o.author for f in result.findings for o in f.occurrences}
    assert {PHONE, EMAIL} <= authors
    assert {o.part for f in result.findings for o in f.occurrences} == {
        "author",
        "conversation",
        "file name",
        "text",
    }


def test_names_are_masked_in_all_five_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _named_input(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    run = run_cli(capsys, "scan", str(path), "--no-ner", "--format", "html,json,csv,sarif,md", "-o", str(out))
    assert run.code == 0, run.stderr
    files = sorted(out.iterdir())
    # The five reports and the deletion list written beside them.
    assert [f.name for f in files if f.name.startswith("chatsweep-report.")] and len(files) == 6
    for file in files:
        text = file.read_text(encoding="utf-8")
        for clear in (PHONE, EMAIL, "555 0143", "5550143", "jane.placeholder"):
            assert clear not in text, (file.name, clear)
    for clear in (PHONE, EMAIL):
        assert clear not in run.stderr


def test_whatsapp_export_named_after_a_phone_number(tmp_path: Path, real_analyzer: ChatAnalyzer) -> None:
    # An unsaved contact: WhatsApp names the file and the author by the number.
    path = tmp_path / f"WhatsApp Chat with {PHONE}.txt"
    path.write_text(
        f"27/11/2023, 09:13 - {PHONE}: Morning, can you help me with the form today?\n"
        "27/11/2023, 09:14 - Zhang Min: sure, send it over\n"
        f"27/11/2023, 09:15 - {PHONE}: thanks\n",
        encoding="utf-8",
    )
    result = _scan(path, real_analyzer)
    assert result.inputs[0].format == "whatsapp"
    (phone,) = result.findings
    # the reader names the conversation after the file, so it holds the number as well
    assert sorted(o.part for o in phone.occurrences) == ["author", "conversation", "file name"]
    assert PHONE not in repr(result)
    assert phone.preview in result.inputs[0].path


def test_names_are_analysed_once_and_only_when_they_may_hold_an_identifier(tmp_path: Path) -> None:
    analyzer = FakeAnalyzer()
    # distinct texts: one message batch of 30, told apart from the single-name calls
    rows = [_row(i, f"hello {i}", author=f"user {i % 3}", conversation="ops") for i in range(30)]
    path = write_jsonl(tmp_path / "chat.jsonl", rows)
    _scan(path, analyzer)
    names = [call[0] for call in analyzer.seen if len(call) == 1]
    # "ops" has neither a digit nor an "@"; each author and the file path once, however often seen.
    assert sorted(names) == sorted({str(path), "user 0", "user 1", "user 2"})


# --- 4. a missing input is said once --------------------------------------------------------


def test_missing_input_is_logged_at_info(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    present = write_jsonl(tmp_path / "chat.jsonl", [_row(1, "hello")])
    caplog.set_level(logging.INFO, logger="scanner")
    result = Scanner(Settings(ner=False, workers=1), analyzer=FakeAnalyzer()).scan(  # type: ignore[arg-type]
        [tmp_path / "missing.jsonl", present]
    )
    assert result.unread == 1
    records = [r for r in caplog.records if r.name == "scanner.pipeline" and "not read" in r.getMessage()]
    assert [r.levelno for r in records] == [logging.INFO]
