"""The report's data end to end: a synthetic clinic export scanned, rendered in every
non-HTML format and compared with goldens; the JSON validated against its schema; SARIF
against the structure SARIF 2.1.0 requires; subjects, conversations, counts and the
``chatsweep subject`` command."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from reports import get_renderer
from reports.csv_report import COLUMNS, COLUMNS_2
from scanner import keys
from scanner.cli import main
from scanner.model import ScanResult
from scanner.pipeline import Scanner
from scanner.settings import Settings

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "report"
GOLDENS = HERE / "goldens"
SCHEMA = HERE.parent / "reports" / "schema" / "report-2.json"
KEY = "report-test-key-0123456789"  # a test key, visibly fake


def _scan(show_values: bool = False) -> ScanResult:
    settings = Settings(ner=False, workers=1, fingerprint_key=KEY.encode(), show_values=show_values)
    result = Scanner(settings).scan([Path("clinic.jsonl")])
    # Only the scan's own times differ between runs.
    moment = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    return replace(result, started_at=moment, finished_at=moment)


@pytest.fixture(scope="module")
def scans() -> Iterator[dict[bool, ScanResult]]:
    patch = pytest.MonkeyPatch()
    patch.chdir(FIXTURE)
    try:
        yield {False: _scan(), True: _scan(show_values=True)}
    finally:
        patch.undo()


@pytest.fixture
def scan(scans: dict[bool, ScanResult]) -> ScanResult:
    return scans[False]


# --- what the data says ----------------------------------------------------------------


def test_three_patients_three_findings_three_subjects(scan: ScanResult) -> None:
    health = [f for f in scan.findings if f.entity_type == "HEALTH_INFO"]
    assert len(health) == 3
    assert {f.detail for f in health} == {
        "health: diagnosis or medical condition",
        "health: mental-health condition",
    }
    owners = [s for s in scan.subjects if "HEALTH_INFO" in s.categories]
    assert len(owners) == 3
    assert all(s.special for s in owners)
    assert sorted(s.label for s in owners) == sorted(["张*", "李*", "王*"])
    for s in owners:
        assert "HEALTH_INFO" in s.categories and "PERSON" in s.categories
        assert len(set(s.identifiers) & {f.id for f in health}) == 1
    assert scan.summary.special_subjects == 3


def test_counts_agree(scan: ScanResult) -> None:
    (item,) = scan.inputs
    assert (item.messages, item.system_messages) == (6, 2)
    assert scan.messages_scanned == item.messages + item.system_messages
    md = get_renderer("md").render(scan)
    assert "8 messages (2 system) in 1 input ·" in md
    assert "| clinic.jsonl | jsonl | 6 | 2 | 0 |" in md


def test_system_messages_never_name_a_person_nor_an_author(scan: ScanResult) -> None:
    # "李强 joined the group" is a member event: no PERSON finding.
    assert not any(o.message_id == "m4" for f in scan.findings for o in f.occurrences)
    persons = [f for f in scan.findings if f.entity_type == "PERSON"]
    assert all(o.message_id not in ("m4", "m5") for f in persons for o in f.occurrences)
    (phone,) = [f for f in scan.findings for o in f.occurrences if o.message_id == "m5"]
    assert phone.entity_type == "PHONE_NUMBER"
    assert [(o.author, o.author_id) for o in phone.occurrences] == [("", "")]
    # Its subject is the number itself, not the member who "posted" the event.
    (owner,) = [s for s in scan.subjects if phone.id in s.identifiers]
    assert owner.identifiers == (phone.id,) and owner.label == phone.preview
    # The name in the event is still masked in the snippet.
    assert phone.occurrences[0].snippet is not None and "李强" not in phone.occurrences[0].snippet


def test_occurrence_severity_rises_in_a_large_channel(scan: ScanResult) -> None:
    (ssn,) = [f for f in scan.findings if f.entity_type == "US_SSN"]
    assert ssn.severity.value == "high"  # the catalogue's: exit codes keep their meaning
    assert [o.severity.value for o in ssn.occurrences if o.severity] == ["critical"]
    (dm,) = [
        f for f in scan.findings if f.entity_type == "PHONE_NUMBER" and f.occurrences[0].message_id == "m7"
    ]
    assert dm.occurrences[0].severity is not None and dm.occurrences[0].severity.value == "medium"


def test_snippets_mask_every_value(scan: ScanResult) -> None:
    for f in scan.findings:
        for o in f.occurrences:
            assert o.snippet
            for raw in (
                "13812345678",
                "13987654321",
                "536-90-4418",
                "张伟",
                "李娜",
                "王芳",
                "糖尿病",
                "抑郁症",
            ):
                assert raw not in o.snippet
    (ssn,) = [f for f in scan.findings if f.entity_type == "US_SSN"]
    assert ssn.occurrences[0].snippet == "for payroll: my SSN is *******18, thanks"


def test_show_values_snippets_show_the_value_only(scans: dict[bool, ScanResult]) -> None:
    shown = scans[True]
    (ssn,) = [f for f in shown.findings if f.entity_type == "US_SSN"]
    assert ssn.occurrences[0].snippet == "for payroll: my SSN is 536-90-4418, thanks"
    (zhang,) = [f for f in shown.findings if f.entity_type == "PERSON" and f.value == "张伟"]
    assert zhang.occurrences[0].snippet == "患者张伟确诊了[health info term, 3 chars]，请注意饮食。"


def test_conversations_by_risk(scan: ScanResult) -> None:
    rooms = scan.conversations
    assert [c.conversation for c in rooms] == ["ward-3", "all-hands", "alice-bob"]
    assert [c.risk for c in rooms] == sorted((c.risk for c in rooms), reverse=True)
    ward = rooms[0]
    assert (ward.kind, ward.members, ward.subjects) == ("group", 8, 4)
    assert ward.oldest == "2024-01-10T08:00:00+08:00"
    assert dict(ward.findings_by_severity) == {"critical": 0, "high": 3, "medium": 1, "low": 3}


# --- goldens ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "sarif", "md"])
def test_renderer_golden(scan: ScanResult, fmt: str, update_goldens: bool) -> None:
    path = GOLDENS / f"report2_clinic.{fmt}"
    actual = get_renderer(fmt).render(scan)
    if update_goldens or not path.exists():
        path.write_bytes(actual.encode("utf-8"))
    assert actual == path.read_bytes().decode("utf-8")


def test_streamed_json_is_json_dumps(scan: ScanResult) -> None:
    from reports.json_report import chunks, report_dict

    text = "".join(chunks(scan))
    assert json.loads(text) == report_dict(scan)
    empty = replace(scan, findings=(), subjects=(), conversations=())
    assert json.loads("".join(chunks(empty)))["findings"] == []


def test_csv_appends_the_schema_2_columns(scans: dict[bool, ScanResult]) -> None:
    for show in (False, True):
        rows = list(csv.reader(io.StringIO(get_renderer("csv").render(scans[show]).removeprefix("\ufeff"))))
        old = [*COLUMNS, "value"] if show else list(COLUMNS)
        assert rows[0] == [*old, *COLUMNS_2]
    by_name = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    ssn = next(r for r in by_name if r["entity_type"] == "US_SSN")
    assert ssn["occurrence_severity"] == "critical" and ssn["part"] == "text"
    assert ssn["snippet"] == "for payroll: my SSN is 536-90-4418, thanks"


# --- JSON Schema ----------------------------------------------------------------------


_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
    "number": (int, float),
    "integer": int,
}


def check(schema: dict[str, Any], value: Any, where: str = "$") -> list[str]:
    """The JSON Schema keywords report-2.json uses (type, enum, const, minimum, maximum,
    required, properties, additionalProperties, items, oneOf): a list of errors."""
    errors: list[str] = []
    if "oneOf" in schema:
        passing = [s for s in schema["oneOf"] if not check(s, value, where)]
        if len(passing) != 1:
            errors.append(f"{where}: matches {len(passing)} of oneOf")
        return errors
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(value, _TYPES[n]) and not (isinstance(value, bool) and n in ("integer", "number"))
            for n in names
        )
        if not ok:
            return [f"{where}: {type(value).__name__} is not {names}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: {value!r} is not {schema['const']!r}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, dict):
        for name in schema.get("required", ()):
            if name not in value:
                errors.append(f"{where}: missing {name}")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in props:
                errors += check(props[name], item, f"{where}.{name}")
            elif extra is False:
                errors.append(f"{where}: unexpected {name}")
            elif isinstance(extra, dict):
                errors += check(extra, item, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += check(schema["items"], item, f"{where}[{i}]")
    return errors


@pytest.mark.parametrize("show", [False, True])
def test_json_report_matches_its_schema(scans: dict[bool, ScanResult], show: bool) -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    data = json.loads(get_renderer("json").render(scans[show]))
    assert check(schema, data) == []
    assert data["schema_version"] == 2


def test_the_schema_checker_catches_errors(scan: ScanResult) -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    data = json.loads(get_renderer("json").render(scan))
    del data["findings"][0]["occurrences"][0]["snippet"]
    data["conversations"][0]["risk"] = "high"
    data["subjects"][0]["special"] = 1
    errors = check(schema, data)
    assert len(errors) == 3, errors


def test_the_schema_lists_every_field_written(scan: ScanResult) -> None:
    """A key in the report that the schema does not describe is a contract change."""
    schema = json.loads(SCHEMA.read_text("utf-8"))
    data = json.loads(get_renderer("json").render(scan))
    props = schema["properties"]
    assert set(data) == set(props)
    finding = props["findings"]["items"]["properties"]
    assert set(data["findings"][0]) <= set(finding)
    assert set(data["findings"][0]["occurrences"][0]) == set(finding["occurrences"]["items"]["properties"])
    assert set(data["subjects"][0]) == set(props["subjects"]["items"]["properties"])
    assert set(data["conversations"][0]) == set(props["conversations"]["items"]["properties"])
    assert set(data["summary"]) == set(props["summary"]["properties"])


# --- SARIF 2.1.0 structure ---------------------------------------------------------------

# The properties SARIF 2.1.0's schema allows on the objects written (additionalProperties
# is false on each of them); a property bag ("properties") takes anything.
SARIF_ALLOWED = {
    "result": {
        "guid", "correlationGuid", "ruleId", "ruleIndex", "rule", "kind", "level", "message",
        "analysisTarget", "locations", "webRequest", "webResponse", "fingerprints", "partialFingerprints",
        "codeFlows", "graphs",
        "graphTraversals", "stacks", "relatedLocations", "suppressions", "baselineState", "rank",
        "attachments", "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa", "occurrenceCount",
        "properties",
    },
    "location": {
        "id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships", "properties"
    },
    "physicalLocation": {"address", "artifactLocation", "region", "contextRegion", "properties"},
    "artifactLocation": {"uri", "uriBaseId", "index", "description", "properties"},
    "region": {
        "startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset",
        "byteLength", "snippet", "message", "sourceLanguage", "properties",
    },
    "artifactContent": {"text", "binary", "rendered", "properties"},
    "logicalLocation": {
        "name", "index", "fullyQualifiedName", "decoratedName", "parentIndex", "kind", "properties"
    },
    "artifact": {
        "description", "location", "parentIndex", "offset", "length", "roles", "mimeType", "contents",
        "encoding", "sourceLanguage", "hashes", "lastModifiedTimeUtc", "properties",
    },
}  # fmt: skip


def test_sarif_has_the_structure_sarif_requires(scan: ScanResult) -> None:
    log = json.loads(get_renderer("sarif").render(scan))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"]
    rule_ids = [r["id"] for r in driver["rules"]]
    files = [a["location"]["uri"] for a in run["artifacts"]]
    assert files == ["clinic.jsonl"]  # the file, not a folder
    assert all(set(a) <= SARIF_ALLOWED["artifact"] for a in run["artifacts"])
    assert run["columnKind"] in ("utf16CodeUnits", "unicodeCodePoints")
    assert run["results"]
    for result in run["results"]:
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("none", "note", "warning", "error")
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert files[artifact["index"]] == artifact["uri"]
        region = physical["region"]
        assert set(result) <= SARIF_ALLOWED["result"]
        assert set(location) <= SARIF_ALLOWED["location"]
        assert set(physical) <= SARIF_ALLOWED["physicalLocation"]
        assert set(artifact) <= SARIF_ALLOWED["artifactLocation"]
        assert set(region) <= SARIF_ALLOWED["region"]
        assert set(region["snippet"]) <= SARIF_ALLOWED["artifactContent"]
        assert all(set(x) <= SARIF_ALLOWED["logicalLocation"] for x in location["logicalLocations"])
        # A region needs a start: a line, or a character offset (SARIF 2.1.0 §3.30.2).
        assert region.get("startLine", 1) >= 1
        assert "startLine" in region or ("charOffset" in region and region["charOffset"] >= 0)
        assert region.get("charLength", 0) >= 0
        assert region["snippet"]["text"] == result["properties"]["snippet"]
        logical = location["logicalLocations"]
        assert [x["kind"] for x in logical] == ["namespace", "member"]
        assert logical[1]["name"] == result["properties"]["location"].rsplit(":", 1)[-1] or logical[1]["name"]
    ssn = next(r for r in run["results"] if r["properties"]["entity_type"] == "US_SSN")
    region = ssn["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 6  # the JSONL line of the message
    assert "536-90-4418" not in json.dumps(log)


# --- chatsweep subject ----------------------------------------------------------------------


@pytest.fixture
def report_file(scan: ScanResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "report.json"
    path.write_text(get_renderer("json").render(scan), encoding="utf-8")
    monkeypatch.setenv(keys.ENV_VAR, KEY)
    keys.clear_cache()
    return path


def test_subject_finds_one_person(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subject", str(report_file), "--match", "张伟"]) == 0
    out = capsys.readouterr().out
    assert "张*" in out and "health: diagnosis or medical condition" in out
    assert "ward-3" in out and "8 members" in out
    # Nothing of anyone else: not the other patients, not Bob's SSN, never a value or snippet.
    for other in ("李*", "王*", "*******18", "all-hands", "张伟", "确诊"):
        assert other not in out


def test_subject_json_and_other_identifiers(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subject", str(report_file), "--match", "+86 139 8765 4321", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (subject,) = data["subjects"]
    assert subject["label"] == "A." and subject["categories"] == ["PHONE_NUMBER"]
    assert [f["entity_type"] for f in data["findings"]] == ["PHONE_NUMBER"]
    assert data["findings"][0]["matched"] is True
    assert "snippet" not in data["findings"][0]["occurrences"][0]


def test_subject_not_found_exits_1(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subject", str(report_file), "--match", "nobody@example.org"]) == 1
    assert "no finding" in capsys.readouterr().err


def test_subject_usage_errors_exit_2(
    report_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["subject", str(report_file), "--match", "x", "--format", "xml"]) == 2
    assert main(["subject", str(tmp_path / "missing.json"), "--match", "x"]) == 2
    old = tmp_path / "v1.json"
    old.write_text(json.dumps({"schema_version": 1, "findings": []}), encoding="utf-8")
    assert main(["subject", str(old), "--match", "x"]) == 2
    monkeypatch.setenv(keys.ENV_VAR, "another-key-0123456789")
    keys.clear_cache()
    assert main(["subject", str(report_file), "--match", "张伟"]) == 2
    assert "fingerprint key" in capsys.readouterr().err
    key_file = tmp_path / "k"
    key_file.write_text(KEY, encoding="utf-8")
    key_file.chmod(0o600)
    assert main(["subject", str(report_file), "--match", "张伟", "--key-file", str(key_file)]) == 0


def test_refresh_recounts_after_findings_are_taken_out(scan: ScanResult) -> None:
    from scanner.exposure import refresh

    gone = {f.id for f in scan.findings if f.entity_type in ("HEALTH_INFO", "US_SSN")}
    left = replace(scan, findings=tuple(f for f in scan.findings if f.id not in gone))
    fresh = refresh(left, scan)
    ids = {f.id for f in fresh.findings}
    assert all(set(s.identifiers) <= ids and s.identifiers for s in fresh.subjects)
    assert not any(s.special for s in fresh.subjects)
    assert len(fresh.subjects) == len(scan.subjects) - 1  # Bob had only his SSN
    assert [c.conversation for c in fresh.conversations] == ["ward-3", "alice-bob"]
    ward = fresh.conversations[0]
    assert ward.findings_by_severity["high"] == 0 and ward.subjects == 4
    # Nothing taken out: the same result.
    assert refresh(scan, scan) is scan


def test_subject_finds_a_participant_by_name(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Bob is no finding (his name was never posted), but he posted his own SSN.
    assert main(["subject", str(report_file), "--match", "bob", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["label"] for s in data["subjects"]] == ["B."]
    assert [f["entity_type"] for f in data["findings"]] == ["US_SSN"]
    assert data["findings"][0]["matched"] is False


def test_streamed_json_is_exactly_json_dumps(scan: ScanResult) -> None:
    from reports.json_report import chunks, report_dict

    for result in (scan, replace(scan, findings=(), subjects=(), conversations=())):
        expected = json.dumps(report_dict(result), ensure_ascii=False, indent=2) + "\n"
        assert "".join(chunks(result)) == expected


@pytest.mark.parametrize(("show_values", "hostile"), [(False, False), (True, True)])
def test_hand_made_reports_match_the_schema(show_values: bool, hostile: bool) -> None:
    from tests.test_reports import make_result

    schema = json.loads(SCHEMA.read_text("utf-8"))
    data = json.loads(get_renderer("json").render(make_result(show_values=show_values, hostile=hostile)))
    assert check(schema, data) == []


@pytest.mark.ner
def test_three_english_patients_are_three_subjects(tmp_path: Path) -> None:
    rows = [
        ("e1", "Update: patient John Carter was diagnosed with diabetes last week."),
        ("e2", "Also Maria Lopez has epilepsy, she needs a follow-up."),
        ("e3", "And Peter Novak was diagnosed with asthma yesterday."),
    ]
    path = tmp_path / "en.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": i, "conversation": "clinic", "author": "Dr. Hale", "text": t}) + "\n"
            for i, t in rows
        ),
        encoding="utf-8",
    )
    result = Scanner(Settings(workers=1, fingerprint_key=KEY.encode())).scan([path])
    health = [f for f in result.findings if f.entity_type == "HEALTH_INFO"]
    assert len(health) == 3
    owners = [s for s in result.subjects if "HEALTH_INFO" in s.categories]
    assert sorted(s.label for s in owners) == ["J. C.", "M. L.", "P. N."]
    assert all(len(set(s.identifiers) & {f.id for f in health}) == 1 for s in owners)
