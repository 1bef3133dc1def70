"""Renderers: the JSON contract, determinism, escaping, masking, file permissions."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import reports
from reports import RENDERERS, get_renderer, write_report
from reports.csv_report import safe_cell
from reports.html_report import FOLD_AFTER
from reports.markdown_report import md_escape
from reports.sarif_report import artifact_uri
from scanner.model import (
    Category,
    Finding,
    InputSummary,
    Likelihood,
    Occurrence,
    ScanResult,
    Severity,
    Skipped,
)

GOLDENS = Path(__file__).resolve().parent / "goldens"
HOSTILE = "<script>alert(1)</script>"
# A value that only a --show-values report may contain; visibly fake.
SECRET_VALUE = "AKIAZZZZFAKEFAKE0000"
EMAIL_VALUE = "zhang.wei@example.com"

CST = timezone(timedelta(hours=8))


def occurrence(
    n: int, *, conversation: str = "项目群 Project", author: str = "张伟 Zhang Wei", **kw: Any
) -> Occurrence:
    fields: dict[str, Any] = {
        "input": "exports/slack.zip",
        "conversation": conversation,
        "conversation_id": "C01",
        "message_id": f"1700000000.{n:06d}",
        "author": author,
        "author_id": "U01",
        "timestamp": f"2024-03-01T09:{n % 60:02d}:00+08:00",
        "start": 4,
        "end": 24,
        "location": f"exports/slack.zip!general/2024-03-01.json:{n + 1}",
    }
    fields.update(kw)
    return Occurrence(**fields)


def make_result(*, show_values: bool = False, hostile: bool = False) -> ScanResult:
    """A hand-built result: every severity, EN/ZH names, a folded occurrence list, a skip.

    ``value`` is filled on every finding whatever ``show_values`` says, to prove the
    renderers (not only the pipeline) keep it out of a masked report.
    """
    bad = HOSTILE if hostile else ""
    findings = (
        Finding(
            id="F0001",
            rule="CS-S101",
            entity_type="AWS_ACCESS_KEY",
            category=Category.SECRET,
            severity=Severity.CRITICAL,
            confidence=0.95,
            likelihood=Likelihood.LIKELY,
            preview="AKIA************0000" + bad,
            fingerprint="hmac-sha256:0f3a9c1d2e4b5a6978877665544332211",
            explanation="AWS access key id shape (AKIA + 16) with 'aws' context word" + bad,
            occurrences=tuple(
                occurrence(i, conversation="#deploy" + bad, author="Ops Bot" + bad)
                for i in range(FOLD_AFTER + 2)
            ),
            value=SECRET_VALUE,
        ),
        Finding(
            id="F0002",
            rule="CS-P104",
            entity_type="CN_RESIDENT_ID",
            category=Category.PERSONAL,
            severity=Severity.HIGH,
            confidence=0.9,
            likelihood=Likelihood.LIKELY,
            preview="1101**********123X",
            fingerprint="hmac-sha256:aa11bb22cc33dd44ee55ff6677889900",
            explanation="GB 11643 checksum valid; 身份证 context",
            occurrences=(
                occurrence(
                    100, conversation="人事部 HR", author="李娜", conversation_id="G7", author_id="U7"
                ),
            ),
            value="11010519491231002X",
        ),
        Finding(
            id="F0003",
            rule="CS-P002",
            entity_type="EMAIL_ADDRESS",
            category=Category.PERSONAL,
            severity=Severity.MEDIUM,
            confidence=0.6,
            likelihood=Likelihood.POSSIBLE,
            preview="z********@e******.com",
            fingerprint="hmac-sha256:1234567890abcdef1234567890abcdef",
            explanation="e-mail pattern | shared in a group of 12 `members`",
            occurrences=(
                occurrence(5, author='=HYPERLINK("x")', timestamp=None),
                occurrence(6, conversation="+cmd|' /C calc'!A0", location="chat.jsonl#/7"),
            ),
            value=EMAIL_VALUE,
        ),
        Finding(
            id="F0004",
            rule="CS-B302",
            entity_type="CONFIDENTIAL_MARKER",
            category=Category.BUSINESS,
            severity=Severity.LOW,
            confidence=0.3,
            likelihood=Likelihood.UNLIKELY,
            preview="机*",
            fingerprint="hmac-sha256:feedfacefeedfacefeedfacefeedface",
            explanation="confidentiality marker (Chinese), 保密 context",
            occurrences=(
                occurrence(7, input="/data/wechat export/聊天记录.txt", location="聊天记录.txt:42"),
            ),
            value="机密",
        ),
    )
    return ScanResult(
        tool_name="chatsweep",
        tool_version="0.1.0",
        inputs=(
            InputSummary(
                path="exports/slack.zip",
                format="slack",
                messages=1200,
                skipped=(
                    Skipped(location="exports/slack.zip:random/2024-02-30.json", reason="invalid JSON" + bad),
                ),
                system_messages=12,
                encoding="utf-8",
            ),
            InputSummary(path="/data/wechat export/聊天记录.txt", format="wechat-txt", messages=34),
        ),
        messages_scanned=1234,
        started_at=datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC),
        finished_at=datetime(2024, 5, 1, 18, 2, 13, tzinfo=CST),
        languages={"zh": 400, "en": 830, "mixed": 4},
        models={"en": "en_core_web_sm 3.8.0", "zh": "jieba 0.42.1"},
        options={"fail_on": "high", "lang": "auto", "entities": ("PERSON", "EMAIL_ADDRESS"), "workers": 2},
        findings=findings,
        show_values=show_values,
        notices=("names not scanned by a model (--no-ner)" + bad,),
    )


def render(name: str, result: ScanResult) -> str:
    return get_renderer(name).render(result)


# --- registry ---------------------------------------------------------------------------


def test_registry_lists_every_renderer_module() -> None:
    assert set(RENDERERS) == {"json", "html", "csv", "sarif", "md"}
    modules = {p.stem for p in Path(reports.__file__).parent.glob("*_report.py")}
    registered = {type(r).__module__.rsplit(".", 1)[-1] for r in RENDERERS.values()}
    assert modules == registered
    for name, renderer in RENDERERS.items():
        assert renderer.name == name
        assert renderer.extension and "." not in renderer.extension


def test_get_renderer_unknown_names_the_choices() -> None:
    assert get_renderer(" JSON ").name == "json"
    with pytest.raises(ValueError, match="choose from json, html"):
        get_renderer("pdf")


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_every_renderer_is_deterministic(name: str) -> None:
    assert render(name, make_result()) == render(name, make_result())


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_every_renderer_handles_an_empty_scan(name: str) -> None:
    empty = replace(make_result(), findings=(), inputs=(), notices=(), languages={}, models={}, options={})
    assert render(name, empty)


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_masked_reports_never_hold_values(name: str) -> None:
    text = render(name, make_result(show_values=False))
    for f in make_result().findings:
        assert f.value is not None and f.value not in text, (name, f.entity_type)


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_show_values_reports_hold_values(name: str) -> None:
    text = render(name, make_result(show_values=True))
    assert SECRET_VALUE in text
    assert EMAIL_VALUE in text


# --- JSON -------------------------------------------------------------------------------

TOP_KEYS = {
    "schema_version",
    "tool",
    "scan",
    "summary",
    "findings",
    "subjects",
    "conversations",
    "duties",
    "resolved",
}
TOOL_KEYS = {"name", "version"}
SCAN_KEYS = {"inputs", "messages_scanned", "started_at", "finished_at", "languages", "models", "options"}
INPUT_KEYS = {"path", "format", "messages", "skipped"}
SKIPPED_KEYS = {"location", "reason"}
SUMMARY_KEYS = {
    "findings",
    "occurrences",
    "subjects",
    "by_severity",
    "by_category",
    "by_entity",
    "special_subjects",
}
FINDING_KEYS = {
    "id",
    "rule",
    "entity_type",
    "category",
    "severity",
    "confidence",
    "preview",
    "fingerprint",
    "explanation",
    "occurrences",
}
OCCURRENCE_KEYS = {"input", "conversation", "message_id", "author", "timestamp", "start", "end", "location"}


def test_json_has_the_contract_keys() -> None:
    data = json.loads(render("json", make_result()))
    assert set(data) == TOP_KEYS
    assert data["schema_version"] == 2
    assert set(data["tool"]) == TOOL_KEYS
    assert data["tool"] == {"name": "chatsweep", "version": "0.1.0"}
    assert set(data["scan"]) >= SCAN_KEYS
    for item in data["scan"]["inputs"]:
        assert set(item) >= INPUT_KEYS
        for skipped in item["skipped"]:
            assert set(skipped) == SKIPPED_KEYS
    assert set(data["summary"]) == SUMMARY_KEYS
    assert data["findings"]
    for finding in data["findings"]:
        assert set(finding) >= FINDING_KEYS
        assert "value" not in finding
        for occ in finding["occurrences"]:
            assert set(occ) >= OCCURRENCE_KEYS


def test_json_contract_values() -> None:
    result = make_result()
    data = json.loads(render("json", result))
    scan = data["scan"]
    assert scan["started_at"] == "2024-05-01T10:00:00Z"
    assert scan["finished_at"] == "2024-05-01T10:02:13Z"  # converted to UTC
    assert list(scan["languages"])[:2] == ["en", "zh"]
    assert scan["languages"] == {"en": 830, "zh": 400, "mixed": 4}
    assert scan["inputs"][0]["skipped"] == [
        {"location": "exports/slack.zip:random/2024-02-30.json", "reason": "invalid JSON"}
    ]
    assert scan["options"]["entities"] == ["PERSON", "EMAIL_ADDRESS"]
    summary = data["summary"]
    assert summary["findings"] == 4
    assert summary["occurrences"] == FOLD_AFTER + 2 + 1 + 2 + 1
    assert summary["by_severity"] == {"critical": 1, "high": 1, "medium": 1, "low": 1}
    assert summary["by_category"] == {"personal": 2, "secret": 1, "business": 1, "fraud": 0}
    assert [f["id"] for f in data["findings"]] == ["F0001", "F0002", "F0003", "F0004"]
    first = data["findings"][0]
    assert first["severity"] == "critical" and first["category"] == "secret"
    assert first["likelihood"] == "likely"
    assert first["occurrences"][0]["start"] == 4 and first["occurrences"][0]["end"] == 24
    assert data["findings"][2]["occurrences"][0]["timestamp"] is None


def test_json_contract_key_order() -> None:
    data = json.loads(render("json", make_result()))
    assert list(data) == [
        "schema_version",
        "tool",
        "scan",
        "summary",
        "findings",
        "subjects",
        "conversations",
        "duties",
        "resolved",
    ]
    contract_order = [k for k in data["findings"][0] if k in FINDING_KEYS]
    assert contract_order == [
        "id",
        "rule",
        "entity_type",
        "category",
        "severity",
        "confidence",
        "preview",
        "fingerprint",
        "explanation",
        "occurrences",
    ]


def test_json_round_trips_and_keeps_chinese() -> None:
    text = render("json", make_result())
    assert "项目群 Project" in text and "\\u" not in text
    assert text.endswith("}\n")
    data = json.loads(text)
    assert json.dumps(data, ensure_ascii=False, indent=2) + "\n" == text


def test_json_value_only_with_show_values() -> None:
    masked = json.loads(render("json", make_result(show_values=False)))
    shown = json.loads(render("json", make_result(show_values=True)))
    assert all("value" not in f for f in masked["findings"])
    assert [f["value"] for f in shown["findings"]] == [
        SECRET_VALUE,
        "11010519491231002X",
        EMAIL_VALUE,
        "机密",
    ]
    assert masked["scan"]["show_values"] is False and shown["scan"]["show_values"] is True


def test_json_golden(update_goldens: bool) -> None:
    path = GOLDENS / "report.json"
    actual = render("json", make_result())
    if update_goldens or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


# The HTML report's tests are in tests/test_html_report.py and tests/test_html_browser.py.


# --- CSV --------------------------------------------------------------------------------


def _csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_csv_one_row_per_occurrence() -> None:
    result = make_result()
    rows = _csv_rows(render("csv", result))
    assert len(rows) == result.summary.occurrences
    assert list(rows[0])[:3] == ["finding_id", "rule", "entity_type"]
    assert "value" not in rows[0]
    assert rows[0]["severity"] == "critical" and rows[0]["conversation"] == "#deploy"
    assert {r["conversation"] for r in rows} >= {"人事部 HR"}


def test_csv_guards_formula_injection() -> None:
    rows = _csv_rows(render("csv", make_result()))
    authors = {r["author"] for r in rows}
    conversations = {r["conversation"] for r in rows}
    assert '\'=HYPERLINK("x")' in authors
    assert "'+cmd|' /C calc'!A0" in conversations
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1"])
def test_safe_cell_prefixes_triggers(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


def test_safe_cell_leaves_plain_text() -> None:
    assert safe_cell("张伟 = boss") == "张伟 = boss"


def test_csv_show_values_column() -> None:
    rows = _csv_rows(render("csv", make_result(show_values=True)))
    assert rows[0]["value"] == SECRET_VALUE


# --- SARIF ------------------------------------------------------------------------------


def test_sarif_structure() -> None:
    result = make_result()
    log = json.loads(render("sarif", result))
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "chatsweep"
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {f.rule for f in result.findings}
    assert rules["CS-S101"]["name"] == "AWS_ACCESS_KEY"
    assert rules["CS-S101"]["defaultConfiguration"]["level"] == "error"
    assert rules["CS-P104"]["defaultConfiguration"]["level"] == "error"
    assert rules["CS-P002"]["defaultConfiguration"]["level"] == "warning"
    assert rules["CS-B302"]["defaultConfiguration"]["level"] == "note"
    assert rules["CS-S101"]["properties"]["category"] == "secret"
    assert rules["CS-S101"]["shortDescription"]["text"]

    results = run["results"]
    # one result per occurrence, in finding order
    assert len(results) == sum(len(f.occurrences) for f in result.findings)
    expected = [(f, o) for f in result.findings for o in f.occurrences]
    assert run["properties"]["results_omitted"] == 0
    for sarif_result, (finding, occ) in zip(results, expected, strict=True):
        assert sarif_result["ruleId"] == finding.rule
        assert driver["rules"][sarif_result["ruleIndex"]]["id"] == finding.rule
        assert sarif_result["partialFingerprints"]["chatsweep/v1"] == finding.fingerprint
        assert len(sarif_result["locations"]) == 1
        assert finding.preview in sarif_result["message"]["text"]
        assert finding.entity_type in sarif_result["message"]["text"]
        assert sarif_result["properties"]["location"] == occ.location
    assert len({r["partialFingerprints"]["chatsweep/occurrence/v1"] for r in results}) == len(results)
    assert results[0]["level"] == "error" and results[-1]["level"] == "note"

    first = results[0]["locations"][0]
    # the file inside the export (a zip member), with the line of the location
    uri = first["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "exports/slack.zip!/general/2024-03-01.json"
    assert first["physicalLocation"]["region"] == {"startLine": 1}
    names = [loc["name"] for loc in first["logicalLocations"]]
    assert names == ["#deploy", "1700000000.000000"]
    # a JSON pointer location: the value's offsets in the text part the pointer leads to
    email = [r for r in results if r["ruleId"] == "CS-P002"]
    pointer = email[1]["locations"][0]["physicalLocation"]
    assert pointer["artifactLocation"]["uri"] == "chat.jsonl"
    assert pointer["region"] == {"charOffset": 4, "charLength": 20}
    # an absolute path with a space and Chinese becomes a file URI
    low = results[-1]["locations"][0]["physicalLocation"]
    assert low["artifactLocation"]["uri"] == "%E8%81%8A%E5%A4%A9%E8%AE%B0%E5%BD%95.txt"
    assert low["region"] == {"startLine": 42}
    # the artifacts are the files, each result pointing at its own by index
    files = [a["location"]["uri"] for a in run["artifacts"]]
    for r in results:
        located = r["locations"][0]["physicalLocation"]["artifactLocation"]
        assert files[located["index"]] == located["uri"]
    inputs = [i["uri"] for i in run["properties"]["inputs"]]
    assert inputs[1].startswith("file:///data/wechat%20export/")
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("invalid JSON" in n["message"]["text"] for n in notes)


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("exports/a b.zip", "exports/a%20b.zip"),
        ("/tmp/x.json", "file:///tmp/x.json"),
        ("C:\\Users\\dpo\\chat.txt", "file:///C:/Users/dpo/chat.txt"),
        ("exports\\slack.zip", "exports/slack.zip"),
    ],
)
def test_artifact_uri(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


# --- Markdown ---------------------------------------------------------------------------


def test_markdown_escapes_cells() -> None:
    text = render("md", make_result())
    assert "e-mail pattern \\| shared in a group of 12 \\`members\\`" in text
    assert "+cmd\\|' /C calc'!A0" not in text  # `!` escaped too
    assert "+cmd\\|' /C calc'\\!A0" in text
    # every table row has the same number of unescaped pipes as its header
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        if not lines:
            continue
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
        assert len(widths) == 1, lines


def test_markdown_escapes_html_and_newlines() -> None:
    assert md_escape(HOSTILE) == "\\<script\\>alert(1)\\</script\\>"
    assert md_escape("a\r\nb|c") == "a b\\|c"


def test_markdown_content() -> None:
    text = render("md", make_result())
    assert text.startswith("# chatsweep leak report")
    assert "| critical | 1 |" in text
    assert "names not scanned by a model (--no-ner)" in text
    assert "exports/slack.zip:random/2024-02-30.json" in text


# --- write_report -----------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_report_is_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    write_report("<p>张伟</p>", target)
    assert _mode(target) == 0o600
    assert target.read_text(encoding="utf-8") == "<p>张伟</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left


def test_write_report_tightens_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    write_report("new", target)
    assert _mode(target) == 0o600
    assert target.read_text(encoding="utf-8") == "new"


def test_write_report_ignores_a_loose_umask(tmp_path: Path) -> None:
    old = os.umask(0o000)
    try:
        write_report("x", tmp_path / "r.csv")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "r.csv") == 0o600


def test_write_report_failure_leaves_no_temporary(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_report("x", tmp_path / "missing-dir" / "r.md")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_write_report_never_replaces_a_device() -> None:
    write_report("x", Path("/dev/null"))
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


# --- streamed reports ------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", [False, True])
@pytest.mark.parametrize("empty", [False, True])
def test_streamed_json_is_the_rendered_json(tmp_path: Path, hostile: bool, empty: bool) -> None:
    from reports import write_rendered
    from reports.json_report import report_dict
    from reports.textsafe import json_escape_invisible

    result = make_result(hostile=hostile)
    if empty:
        result = replace(result, findings=())
    rendered = render("json", result)
    whole = json_escape_invisible(json.dumps(report_dict(result), ensure_ascii=False, indent=2)) + "\n"
    assert rendered == whole
    target = tmp_path / "report.json"
    write_rendered(get_renderer("json"), result, target)
    assert target.read_bytes() == rendered.encode("utf-8")
    assert _mode(target) == 0o600


def test_write_rendered_renders_formats_that_cannot_stream(tmp_path: Path) -> None:
    from reports import write_rendered

    result = make_result()
    target = tmp_path / "report.md"
    write_rendered(get_renderer("md"), result, target)
    assert target.read_text(encoding="utf-8") == render("md", result)
    assert _mode(target) == 0o600
