"""Hostile chat text against the renderers: nothing steers the reader, nothing bloats a report.

Every string here is synthetic and visibly fake. Chat-derived fields (author, conversation,
paths, explanation, preview, a --show-values value) carry ESC sequences, NUL, C1 controls,
bidi overrides and zero-width characters; each format must show them as visible escapes,
never pass them through raw.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from reports import get_renderer
from reports.csv_report import safe_cell
from reports.html_report import MAX_SHOWN_OCCURRENCES, chat_text
from reports.markdown_report import md_escape
from reports.sarif_report import MAX_RESULTS, file_uri, result_quota, split_location
from reports.textsafe import control_segments, json_escape_invisible, visible_controls
from scanner.model import Category, Finding, InputSummary, Likelihood, Occurrence, ScanResult, Severity

RLO = "\u202e"
# An author name that a bidi override makes read "CEO Office" when rendered raw.
SPOOFED_AUTHOR = RLO + "eciffO OEC"
ESC_CONVERSATION = "\x1b[2J\x1b[1;31mfake-channel\x1b[0m"
NUL_PATH = "exports/fake\x00.zip!chat\u200b.txt:7"
C1_EXPLANATION = "pattern match\x9b31m (fake)\x85next"
ZW_PREVIEW = "AKIA\u200b****\u2066FAKE\u2069"
ESC_VALUE = "FAKE\x1b]0;owned\x07VALUE"

# Characters no report may hold raw: C0 (but tab/LF/CR), DEL, C1, bidi, zero-width.
_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069]")
FORMATS = ("html", "json", "csv", "sarif", "md")


def occ(n: int, **kw: Any) -> Occurrence:
    fields: dict[str, Any] = {
        "input": "exports/fake-export",
        "conversation": "fake-room",
        "conversation_id": "C-FAKE",
        "message_id": f"fake-{n}",
        "author": "Fake Author",
        "author_id": "U-FAKE",
        "timestamp": "2024-01-01T00:00:00+00:00",
        "start": 0,
        "end": 4,
        "location": f"exports/fake-export/chat.jsonl:{n + 1}",
    }
    fields.update(kw)
    return Occurrence(**fields)


def finding(fid: str, occurrences: tuple[Occurrence, ...], **kw: Any) -> Finding:
    fields: dict[str, Any] = {
        "id": fid,
        "rule": "CS-S101",
        "entity_type": "AWS_ACCESS_KEY",
        "category": Category.SECRET,
        "severity": Severity.CRITICAL,
        "confidence": 0.9,
        "likelihood": Likelihood.LIKELY,
        "preview": "AKIA****FAKE",
        "fingerprint": f"hmac-sha256:{fid}",
        "explanation": "fake explanation",
        "occurrences": occurrences,
        "value": "AKIAFAKEFAKEFAKE0000",
    }
    fields.update(kw)
    return Finding(**fields)


def result(findings: tuple[Finding, ...], **kw: Any) -> ScanResult:
    fields: dict[str, Any] = {
        "tool_name": "chatsweep",
        "tool_version": "0.0.0-test",
        "inputs": (InputSummary(path="exports/fake-export", format="jsonl", messages=10),),
        "messages_scanned": 10,
        "started_at": datetime(2024, 1, 1, tzinfo=UTC),
        "finished_at": datetime(2024, 1, 1, 0, 1, tzinfo=UTC),
        "languages": {"en": 10},
        "models": {},
        "options": {},
        "findings": findings,
    }
    fields.update(kw)
    return ScanResult(**fields)


def hostile(show_values: bool = False) -> ScanResult:
    o = occ(
        0, author=SPOOFED_AUTHOR, conversation=ESC_CONVERSATION, location=NUL_PATH, input="exports/\x1bfake"
    )
    f = finding("F0001", (o,), explanation=C1_EXPLANATION, preview=ZW_PREVIEW, value=ESC_VALUE)
    return result(
        (f,),
        show_values=show_values,
        notices=("notice \x1b[5mblink",),
        inputs=(
            InputSummary(
                path="exports/\x1bfake",
                format="jsonl",
                messages=1,
                skipped=(),
            ),
        ),
    )


# --- 1. nothing from the chat steers the reader's eye ------------------------------------


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("show_values", [False, True])
def test_no_raw_control_or_bidi_character_in_any_format(name: str, show_values: bool) -> None:
    text = get_renderer(name).render(hostile(show_values))
    body = text.removeprefix("\ufeff")  # the CSV's byte order mark is ours, at the start only
    raw = sorted({f"U+{ord(c):04X}" for c in _RAW.findall(body)})
    assert raw == [], f"{name} holds raw {raw}"
    assert "\ufeff" not in body


@pytest.mark.parametrize("name", ["html", "csv", "sarif", "md"])
def test_controls_are_shown_as_visible_escapes(name: str) -> None:
    text = get_renderer(name).render(hostile(show_values=True))
    # the markers of every hostile field are there, as escapes the reader can see
    escapes = ["\\u202e", "\\x1b", "\\x00", "\\u200b"]
    if name != "csv":  # the CSV has no explanation column
        escapes.append("\\x9b")
    for escape in escapes:
        assert escape in text, (name, escape)
    if name == "sarif":
        json.loads(text)


@pytest.mark.parametrize("name", ["json", "sarif"])
def test_json_formats_stay_valid_and_keep_the_data(name: str) -> None:
    text = get_renderer(name).render(hostile(show_values=True))
    data = json.loads(text)
    if name == "json":
        f = data["findings"][0]
        assert f["occurrences"][0]["author"] == SPOOFED_AUTHOR  # exact, only escaped in the text
        assert f["occurrences"][0]["conversation"] == ESC_CONVERSATION
        assert f["explanation"] == C1_EXPLANATION and f["value"] == ESC_VALUE
        assert "\\u202e" in text


def test_html_wraps_chat_text_in_bdi_and_highlights_controls() -> None:
    html = get_renderer("html").render(hostile())
    cell = re.search(r'<td class="author">(.*?)</td>', html)
    assert cell is not None
    mark = '<span class="ctl" title="invisible control or direction character">\\u202e</span>'
    assert cell.group(1) == f"<bdi>{mark}eciffO OEC</bdi>"
    for raw_field in (ESC_CONVERSATION, NUL_PATH, C1_EXPLANATION, ZW_PREVIEW, "notice \x1b[5mblink"):
        shown = str(chat_text(raw_field))
        assert shown.startswith("<bdi>") and shown in html, raw_field
    assert "CEO Office" not in html


def test_markdown_marks_controls_as_code_spans() -> None:
    assert md_escape(SPOOFED_AUTHOR) == "`\\u202e`eciffO OEC"
    assert md_escape("a|\x1b[2J") == "a\\|`\\x1b`\\[2J"


def test_textsafe_segments_and_json_escape() -> None:
    assert control_segments("a\u202eb") == [("a", False), ("\\u202e", True), ("b", False)]
    assert "".join(p for p, _ in control_segments(ESC_CONVERSATION)) == visible_controls(ESC_CONVERSATION)
    raw = json.dumps({"k": "x\u202e\x85\u200by\\"}, ensure_ascii=False)
    escaped = json_escape_invisible(raw)
    assert not _RAW.search(escaped) and json.loads(escaped) == json.loads(raw)


# --- 2. CSV injection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "=1+1",
        " =1+1",
        "   +1",
        "\u00a0-1",
        "\u200b@SUM(A1)",
        '\ufeff=HYPERLINK("fake")',
        "\u3000=1",
        "\u202e=1",
        " \t =cmd",
        "\tplain",
        "\rplain",
        "＝1",
    ],
)
def test_csv_neutralises_formula_after_invisible_lead(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain", "a=b", "张伟 = boss", "", " x-1", "1-2"])
def test_csv_leaves_harmless_cells(cell: str) -> None:
    assert safe_cell(cell) == cell


def test_csv_cells_from_chat_never_start_a_formula() -> None:
    tricky = ('\u00a0=HYPERLINK("fake")', " +cmd", "\u200b@x", "\ufeff-1", "\t=1")
    occurrences = tuple(
        occ(i, author=t, conversation=t, location=t, message_id=t, input=t) for i, t in enumerate(tricky)
    )
    text = get_renderer("csv").render(
        result((finding("F1", occurrences, preview=tricky[0]),), show_values=True)
    )
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))[1:]
    assert len(rows) == len(tricky)
    for row in rows:
        for value in row:
            lead = value.lstrip(" \t\r\u00a0\u3000")
            assert not lead.startswith(("=", "+", "-", "@")), value


# --- 3. SARIF -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "message_id", "uri", "line"),
    [
        ("exports/chat.txt:12", "L12", "exports/chat.txt", 12),
        ("exports/wa.zip!WhatsApp Chat.txt:3", "L3", "exports/wa.zip!/WhatsApp%20Chat.txt", 3),
        ("exports/line.txt", "L44", "exports/line.txt", 44),  # only the message id says the line
        ("exports/chat.txt:L9", "x", "exports/chat.txt", 9),
        (
            "exports/slack/general/2024-01-01.json#/3",
            "1700000000.000100",
            "exports/slack/general/2024-01-01.json",
            None,
        ),
        ("exports/t.zip!result.json#/chats/list/0/messages/5", "5", "exports/t.zip!/result.json", None),
        ("exports/a.zip!inner.zip!c.jsonl:2", "m", "exports/a.zip!/inner.zip!/c.jsonl", 2),
        ("/abs/dir/chat.txt:5", "L5", "file:///abs/dir/chat.txt", 5),
    ],
)
def test_sarif_points_at_the_file_and_line(
    location: str, message_id: str, uri: str, line: int | None
) -> None:
    res = result((finding("F1", (occ(0, location=location, message_id=message_id),)),))
    log = json.loads(get_renderer("sarif").render(res))
    (sarif_result,) = log["runs"][0]["results"]
    physical = sarif_result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == uri
    o = res.findings[0].occurrences[0]
    if line is None:
        # A JSON pointer: the value's offsets in the text part the pointer leads to.
        assert physical["region"] == {"charOffset": o.start, "charLength": o.end - o.start}
    else:
        assert physical["region"] == {"startLine": line}


def test_split_location_and_file_uri() -> None:
    assert split_location("a/b.json#/x:12") == ("a/b.json", None)
    assert split_location("a.zip!b.txt:7") == ("a.zip!b.txt", 7)
    assert split_location("C:\\exports\\chat.txt:3") == ("C:\\exports\\chat.txt", 3)
    assert file_uri("dir!name/chat.txt") == "dir%21name/chat.txt"  # a '!' in a folder is not a zip


def test_sarif_caps_results_and_says_how_many_were_omitted() -> None:
    big = finding("F0001", tuple(occ(i) for i in range(40_000)), omitted_occurrences=123)
    small = tuple(
        finding(f"F{n:04d}", (occ(0), occ(1)), rule="CS-P002", severity=Severity.MEDIUM) for n in range(2, 5)
    )
    log = json.loads(get_renderer("sarif").render(result((big, *small))))
    run = log["runs"][0]
    results = run["results"]
    assert len(results) == MAX_RESULTS
    # the pasted-everywhere value does not crowd out the others
    by_finding: dict[str, int] = {}
    for r in results:
        by_finding[r["properties"]["id"]] = by_finding.get(r["properties"]["id"], 0) + 1
    assert all(by_finding[f.id] == 2 for f in small)
    omitted = 40_000 + 6 - MAX_RESULTS + 123
    assert run["properties"]["results_omitted"] == omitted
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any(str(omitted) in n and str(MAX_RESULTS) in n for n in notes)
    assert all(len(r["locations"]) == 1 for r in results)  # GitHub reads at most 1,000 per result


def test_result_quota_shares_fairly() -> None:
    assert result_quota([3, 2], 10) == [3, 2]
    assert result_quota([100, 1, 1], 10) == [8, 1, 1]
    assert result_quota([5, 5, 5], 4) == [2, 1, 1]
    assert result_quota([0, 7], 3) == [0, 3]
    assert sum(result_quota([40_000, *([3] * 2000)], MAX_RESULTS)) == MAX_RESULTS


# --- 4. bounded reports ----------------------------------------------------------------------


def _many(n: int, omitted: int = 0) -> ScanResult:
    return result((finding("F0001", tuple(occ(i) for i in range(n)), omitted_occurrences=omitted),))


@pytest.mark.parametrize("name", ["html", "md"])
def test_one_finding_of_40000_occurrences_renders_a_bounded_report(name: str) -> None:
    renderer = get_renderer(name)
    small = renderer.render(_many(MAX_SHOWN_OCCURRENCES))
    huge = renderer.render(_many(40_000, omitted=500))
    # Only the "and N more" line and the counts differ, not 40,000 rows.
    assert len(huge) - len(small) < 600
    rows = huge.count("fake-room")
    assert rows == small.count("fake-room") <= MAX_SHOWN_OCCURRENCES + 2
    more = 40_000 + 500 - MAX_SHOWN_OCCURRENCES
    if name == "html":  # the count of those not in the page, as the page's script shows it
        assert f'"m":{more},' in huge
    else:
        assert f"and {more:,} more" in huge or f"and {more} more" in huge


def test_html_counts_every_occurrence_including_omitted() -> None:
    html = get_renderer("html").render(_many(30, omitted=7))
    # 37 in all; the script's details list 20 (17 more), the table without script 5 (32 more)
    assert '"n":37,' in html and '"m":17,' in html and '"om":7' in html
    assert "and 32 more not shown here" in html and "7 were counted but not stored" in html


def test_json_and_csv_carry_every_stored_occurrence_and_the_omitted_count() -> None:
    res = _many(300, omitted=42)
    data = json.loads(get_renderer("json").render(res))
    (f,) = data["findings"]
    assert len(f["occurrences"]) == 300 and f["omitted_occurrences"] == 42
    assert data["summary"]["occurrences"] == 342
    rows = list(
        csv.DictReader(io.StringIO(get_renderer("csv").render(res).removeprefix("\ufeff"), newline=""))
    )
    assert len(rows) == 300 and {r["omitted_occurrences"] for r in rows} == {"42"}


# --- 5. key id -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["html", "md"])
def test_key_id_is_shown_with_the_scan_metadata(name: str) -> None:
    text = get_renderer(name).render(replace(_many(1), key_id="kid-fake-0123abcd"))
    assert "kid-fake-0123abcd" in text and "key id" in text.lower()
    assert "kid-" not in get_renderer(name).render(_many(1))
