"""Scan and redact exports the readers were not written against (see ``unseen_exports``).

For every generated export: the planted values are found in the right conversation, author and
message; the redacted copy is read by the same reader into the same messages; a scan of the copy
finds none of the planted values; and the copy differs from the original only inside the values.
"""

from __future__ import annotations

import difflib
import os
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from _pytest.mark.structures import ParameterSet

from reports.json_report import report_dict
from scanner.cli import main
from scanner.model import Message, MessageKind, ScanResult
from scanner.pipeline import Scanner, message_parts
from scanner.readers import detect
from scanner.redact import RedactResult, Thresholds, redact
from scanner.redact.patch import Edit, Record, decode, patch_file
from scanner.settings import Settings
from tests.unseen_exports import Case, Plant, build

KEY = "unseen-exports-test-key-0123456789abcdef"


def _cases(names: list[str]) -> list[ParameterSet]:
    return [pytest.param(n) for n in names]


@pytest.fixture(scope="module")
def settings() -> Iterator[Settings]:
    old = os.environ.get("CHATSWEEP_FINGERPRINT_KEY")
    os.environ["CHATSWEEP_FINGERPRINT_KEY"] = KEY
    yield Settings(ner=False, fingerprint_key=KEY.encode())
    if old is None:
        os.environ.pop("CHATSWEEP_FINGERPRINT_KEY", None)
    else:
        os.environ["CHATSWEEP_FINGERPRINT_KEY"] = old


@pytest.fixture(scope="module")
def scanner(settings: Settings) -> Scanner:
    return Scanner(settings)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    return {c.name: c for c in build(tmp_path_factory.mktemp("unseen"))}


def _catalogue() -> list[Case]:
    """The cases with their plants, for parametrisation (the files are written again per run)."""
    with tempfile.TemporaryDirectory() as tmp:
        return build(Path(tmp))


CATALOGUE = _catalogue()
CASE_NAMES = [c.name for c in CATALOGUE if not c.ner]


class _Run:
    def __init__(
        self,
        case: Case,
        scan: ScanResult,
        messages: list[Message],
        out: Path,
        result: RedactResult,
        after: list[Message],
        rescan: ScanResult,
    ) -> None:
        self.case, self.scan, self.messages, self.out = case, scan, messages, out
        self.result, self.after, self.rescan = result, after, rescan


def _read(path: Path) -> tuple[list[str], list[Message]]:
    plan, _ = detect(path)
    messages: list[Message] = []
    for source, reader in plan:
        messages.extend(m for m in reader.read(source) if isinstance(m, Message))
    return [reader.name for _, reader in plan], messages


@pytest.fixture(scope="module")
def runs() -> dict[str, _Run]:
    return {}


def _run(
    name: str,
    cases: dict[str, Case],
    runs: dict[str, _Run],
    settings: Settings,
    scanner: Scanner,
    tmp: pytest.TempPathFactory,
) -> _Run:
    if name not in runs:
        case = cases[name]
        _, messages = _read(case.path)
        scan = scanner.scan([case.path])
        out = tmp.mktemp("copy") / case.path.parent.name / case.path.name  # some ids name the folder
        out.parent.mkdir()
        result = redact(case.path, out, settings, "mask", Thresholds(), scanner)
        _, after = _read(out)
        rescan = scanner.scan([out])
        runs[name] = _Run(case, scan, messages, out, result, after, rescan)
    return runs[name]


def _holder(plant: Plant, messages: list[Message]) -> tuple[Message, str, str]:
    """The message holding the value, the text holding it and that text's part: the planted
    part, or the message text when the reader keeps that part in it (a link target left in
    Slack markup, a WhatsApp attachment line)."""
    for want_part in (plant.part, "text"):
        for m in messages:
            if plant.message_id is not None and m.message_id != plant.message_id:
                continue
            if want_part == "text":
                if plant.value in m.text:
                    return m, m.text, "text"
            else:
                for p in message_parts(m):  # the reader's parts and its attachments' names
                    if p.name == want_part and plant.value in p.text:
                        return m, p.text, p.name
    raise AssertionError(f"no message holds {plant.value!r} in its {plant.part}")


def _plant_params() -> list[ParameterSet]:
    return [
        pytest.param(case.name, i, id=f"{case.name}-{p.part}-{p.entities[0]}-{i}")
        for case in CATALOGUE
        if not case.ner
        for i, p in enumerate(case.plants)
    ]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_the_expected_reader_reads_every_message(name: str, cases: dict[str, Case]) -> None:
    case = cases[name]
    readers, messages = _read(case.path)
    assert readers and set(readers) == {case.reader}, readers
    # a Lanying message's extension payload may come as a record of its own ("<id>#ext")
    messages = [m for m in messages if not m.message_id.endswith("#ext")]
    assert len(messages) == case.messages, [(m.message_id, m.author.name, m.text[:40]) for m in messages]


@pytest.mark.parametrize(("name", "index"), _plant_params())
def test_planted_value_is_found_where_it_was_written(
    name: str,
    index: int,
    cases: dict[str, Case],
    runs: dict[str, _Run],
    settings: Settings,
    scanner: Scanner,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    run = _run(name, cases, runs, settings, scanner, tmp_path_factory)
    plant = run.case.plants[index]
    message, text, part = _holder(plant, run.messages)
    assert plant.author in (message.author.id, message.author.name), message.author
    if plant.conversation is not None:
        assert plant.conversation in (message.conversation.id, message.conversation.name), (
            message.conversation
        )
    start = text.index(plant.value)
    end = start + len(plant.value)
    hits = [
        (f.entity_type, o)
        for f in run.scan.findings
        for o in f.occurrences
        if o.message_id == message.message_id and o.part == part and o.start < end and start < o.end
    ]
    assert hits, f"{plant.value!r} ({plant.entities[0]}) not found in {part} of {message.message_id}"
    entity, occurrence = hits[0]
    assert entity in plant.entities, (entity, plant.entities)
    # an author id that is itself an address or number is shown masked
    assert occurrence.author_id == message.author.id or "***" in occurrence.author_id, occurrence.author_id
    assert occurrence.conversation_id == message.conversation.id
    assert occurrence.conversation == message.conversation.name, (
        occurrence.conversation,
        message.conversation,
    )
    assert occurrence.author == message.author.name, (occurrence.author, message.author)
    if message.timestamp is None:
        assert occurrence.timestamp is None
    else:
        assert occurrence.timestamp is not None
        stamp = datetime.fromisoformat(occurrence.timestamp.replace("Z", "+00:00"))
        assert stamp == message.timestamp or stamp.replace(tzinfo=None) == message.timestamp, (
            occurrence.timestamp,
            message.timestamp,
        )
    # the value is gone from the redacted copy
    after = [m for m in run.after if m.message_id == message.message_id]
    assert after, "the redacted copy lost the message"
    left = [m.text for m in after if plant.value in m.text] + [
        p.text for m in after for p in m.parts if plant.value in p.text
    ]
    assert not left, left


@pytest.mark.parametrize("name", _cases(CASE_NAMES))
def test_redacted_copy_rereads_rescans_clean_and_keeps_every_other_byte(
    name: str,
    cases: dict[str, Case],
    runs: dict[str, _Run],
    settings: Settings,
    scanner: Scanner,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    run = _run(name, cases, runs, settings, scanner, tmp_path_factory)
    assert run.result.not_patched == [], run.result.not_patched
    assert run.result.unread == [], run.result.unread
    assert _read(run.out)[0] == _read(run.case.path)[0]
    before, after = run.messages, run.after
    assert [(m.message_id, m.author, m.timestamp, m.conversation.id) for m in after] == [
        (m.message_id, m.author, m.timestamp, m.conversation.id) for m in before
    ]
    texts = {p.value for p in run.case.plants if p.part == "text"}
    left = [
        (f.entity_type, o.message_id, o.part)
        for f in run.rescan.findings
        for o in f.occurrences
        if o.part == "text"
    ]
    assert left == [], left
    for m in after:
        for value in texts:
            assert value not in m.text, (value, m.message_id)
    files_before, files_after = _files(run.case.path), _files(run.out)
    raw = [_text(data) for data in files_after.values()]
    planted = {p.value for p in run.case.plants}
    copies = [value for value in planted if any(value in t for t in raw)]
    assert copies == [], "left elsewhere in the copy (a second copy in the file)"
    assert list(files_after) == list(files_before)
    changed = sum(_check_only_values_changed(files_before[k], files_after[k]) for k in files_before)
    assert changed >= sum(len(v) for v in texts) * 0.5


def _check_only_values_changed(before: bytes, after: bytes) -> int:
    """Every change replaces letters or digits with '*' (an escape inside a value may shrink
    to one character); nothing else in the file moves. Returns the characters changed."""
    if before == after:
        return 0
    decoded = decode(before, [])
    assert decoded is not None
    text, codec = decoded
    new = after.decode(codec, errors="surrogateescape")
    changed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, text, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        assert "*" in new[j1:j2] and not any(c.isalnum() for c in new[j1:j2]), (text[i1:i2], new[j1:j2])
        assert any(c.isalnum() for c in text[i1:i2])
        changed += i2 - i1
    return changed


def _text(data: bytes) -> str:
    """A file's text for a substring search, whatever its encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for codec in ("utf-8", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _files(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {
            p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
        }
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    return {"": path.read_bytes()}


@pytest.mark.parametrize("name", _cases(CASE_NAMES))
def test_report_counts_match_the_data(
    name: str,
    cases: dict[str, Case],
    runs: dict[str, _Run],
    settings: Settings,
    scanner: Scanner,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    run = _run(name, cases, runs, settings, scanner, tmp_path_factory)
    report = report_dict(run.scan)
    read = run.messages
    assert report["scan"]["messages_scanned"] == len(read)
    (summary,) = run.scan.inputs
    assert summary.format == run.case.reader
    assert summary.messages == sum(1 for m in read if m.kind is not MessageKind.SYSTEM)
    assert summary.system_messages == sum(1 for m in read if m.kind is MessageKind.SYSTEM)
    findings = report["findings"]
    assert report["summary"]["findings"] == len(findings)
    assert report["summary"]["occurrences"] == sum(
        len(f["occurrences"]) + f.get("omitted_occurrences", 0) for f in findings
    )
    by_entity: dict[str, int] = {}
    for f in findings:
        by_entity[f["entity_type"]] = by_entity.get(f["entity_type"], 0) + 1
    assert report["summary"]["by_entity"] == by_entity
    assert sum(report["summary"]["by_severity"].values()) == len(findings)
    for plant in run.case.plants:
        if plant.part == "text":
            assert by_entity.get(plant.entities[0], 0) or any(by_entity.get(e) for e in plant.entities), plant


def _attachment_params() -> list[str]:
    return [c.name for c in CATALOGUE if any(p.part == "attachment name" for p in c.plants)]


@pytest.mark.parametrize("name", _attachment_params())
def test_attachments_are_listed_in_the_input_summary(
    name: str,
    cases: dict[str, Case],
    runs: dict[str, _Run],
    settings: Settings,
    scanner: Scanner,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    run = _run(name, cases, runs, settings, scanner, tmp_path_factory)
    listed = " ".join(a.name for i in run.scan.inputs for a in i.attachments)
    for plant in run.case.plants:
        if plant.part == "attachment name":
            assert plant.value in listed or "passport_" in listed, listed


def test_a_value_split_over_json_strings_is_patched_in_every_piece() -> None:
    doc = (
        '{"messages": [{"id": 7, "text": ["card ", {"type": "bold", "text": "4305 1150"}, " 4042 2701 ok"],'
        ' "text_entities": [{"type": "plain", "text": "card "}, {"type": "bold", "text": "4305 1150"},'
        ' {"type": "plain", "text": " 4042 2701 ok"}]}]}'
    )
    text = "card 4305 1150 4042 2701 ok"
    record = Record("result.json#/messages/0", text, (Edit(5, 24, "**** **** **** ****"),))
    done = patch_file(doc.encode(), [record])
    assert done.failed == []
    assert done.data is not None
    out = done.data.decode()
    assert "4305" not in out and "2701" not in out
    assert out == doc.replace("4305 1150", "**** ****").replace(" 4042 2701", " **** ****")


def test_a_value_split_by_html_tags_keeps_the_tags() -> None:
    doc = '[{"Id": "1", "Body": {"Content": "<p>ref 139<em>1234</em>5678 ok</p>"}}]'
    record = Record("m.json#/0", "ref 13912345678 ok", (Edit(4, 15, "***********"),))
    done = patch_file(doc.encode(), [record])
    assert done.failed == []
    assert done.data is not None
    assert done.data.decode() == '[{"Id": "1", "Body": {"Content": "<p>ref ***<em>****</em>**** ok</p>"}}]'


def test_names_are_found_and_redacted_with_name_recognition(
    cases: dict[str, Case], settings: Settings, tmp_path: Path
) -> None:
    with_ner = Settings(ner=True, fingerprint_key=settings.fingerprint_key)
    ner = Scanner(with_ner)
    for case in (c for c in cases.values() if c.ner):
        _, messages = _read(case.path)
        scan = ner.scan([case.path])
        for plant in case.plants:
            message, text, _part = _holder(plant, messages)
            start = text.index(plant.value)
            found = {
                f.entity_type
                for f in scan.findings
                for o in f.occurrences
                if o.message_id == message.message_id and o.start < start + len(plant.value) and start < o.end
            }
            assert found & set(plant.entities), (plant.value, found)
        out = tmp_path / case.name / case.path.name
        out.parent.mkdir()
        result = redact(case.path, out, with_ner, "mask", Thresholds(), ner)
        assert result.not_patched == []
        _, after = _read(out)
        assert [(m.message_id, m.author, m.timestamp) for m in after] == [
            (m.message_id, m.author, m.timestamp) for m in messages
        ]
        raw = _text(out.read_bytes())
        assert [p.value for p in case.plants if p.value in raw] == []


@pytest.mark.parametrize(
    "name",
    ["slack zip nested folder", "telegram full account", "whatsapp utf-16 re-saved", "qq txt gb18030 crlf"],
)
def test_the_redact_command_writes_a_clean_copy(
    name: str,
    cases: dict[str, Case],
    settings: Settings,
    scanner: Scanner,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = cases[name]
    out = tmp_path / case.path.parent.name / case.path.name
    out.parent.mkdir()
    assert main(["redact", str(case.path), "-o", str(out), "--no-ner"]) == 0, capsys.readouterr().err
    rescan = scanner.scan([out])
    assert [
        (f.entity_type, o.message_id) for f in rescan.findings for o in f.occurrences if o.part == "text"
    ] == []
    assert len(_read(out)[1]) == len(_read(case.path)[1])


@pytest.mark.parametrize("operator", ["replace", "hash"])
@pytest.mark.parametrize(
    "name",
    ["slack folder", "mattermost bulk jsonl", "google chat takeout", "generic jsonl", "teams data export"],
)
def test_copies_redacted_with_placeholders_rescan_clean(
    name: str, operator: str, cases: dict[str, Case], settings: Settings, scanner: Scanner, tmp_path: Path
) -> None:
    case = cases[name]
    out = tmp_path / case.path.parent.name / case.path.name
    out.parent.mkdir()
    result = redact(case.path, out, settings, operator, Thresholds(), scanner)
    assert result.not_patched == [] and result.values > 0
    before, after = _read(case.path)[1], _read(out)[1]
    assert [(m.message_id, m.author, m.timestamp) for m in after] == [
        (m.message_id, m.author, m.timestamp) for m in before
    ]
    rescan = scanner.scan([out])
    assert [
        (f.entity_type, o.message_id) for f in rescan.findings for o in f.occurrences if o.part == "text"
    ] == []


def test_nothing_inside_a_redaction_placeholder_is_a_finding(scanner: Scanner) -> None:
    for text in (
        "deploy used key &lt;AWS_ACCESS_KEY&gt; :warning:",
        "key <AWS_ACCESS_KEY:3f9a2b7c1d0e>",
        "reset <https://git.example.com/reset?token=&lt;GITHUB_TOKEN&gt;|reset link>",
    ):
        assert scanner.analyzer.analyze(text) == [], text
    found = scanner.analyzer.analyze("<EMAIL_ADDRESS> then jo.smith@example.com")
    assert [d.entity for d in found] == ["EMAIL_ADDRESS"]


def test_a_part_is_patched_wherever_its_message_repeats_it() -> None:
    doc = (
        '[{"ts": "1.0", "text": "scan", "files": [{"name": "passport_SSN_536-90-4418.pdf",'
        ' "title": "passport_SSN_536-90-4418.pdf", "id": "F1"}],'
        ' "blocks": [{"type": "file", "alt": "passport_SSN_536-90-4418.pdf"}]}]'
    )
    part = Record(
        "f.json#/0/files/0/name",
        "passport_SSN_536-90-4418.pdf",
        (Edit(13, 24, "***-**-****"),),
        scope="f.json#/0",
    )
    done = patch_file(doc.encode(), [part])
    assert done.failed == []
    assert done.data is not None
    assert done.data.decode() == doc.replace("536-90-4418", "***-**-****")
