"""The HTML report without a browser: layout, escaping, the JSON island, CSP, languages, counts.

The browser tests (tests/test_html_browser.py) check what a reader sees and that the
script works; these check the page's text.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import string
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from reports import get_renderer
from reports.html_report import STATIC_FINDINGS, script_for_json
from reports.i18n import TEXTS, plural, resolve_report_lang
from scanner.model import InputSummary, ScanResult
from tests.html_results import big_result, rich_result
from tests.test_reports import HOSTILE, SECRET_VALUE, make_result

GOLDEN = Path(__file__).resolve().parent / "goldens" / "html_structure.txt"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
SECTIONS = (
    "summary",
    "duties",
    "charts",
    "people",
    "conversations",
    "findings",
    "not-inspected",
    "scan-details",
)


def render(result: ScanResult) -> str:
    return get_renderer("html").render(result)


def island(html: str) -> Any:
    match = re.search(r'<script type="application/json" id="findings-data">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


def inline_script(html: str) -> str:
    match = re.search(r"<script>(.*?)</script>", html, re.S)
    assert match is not None
    return match.group(1)


# --- labels -----------------------------------------------------------------------------


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_label_has_both_languages_and_the_same_fields() -> None:
    for key, entry in TEXTS.items():
        assert set(entry) == {"en", "zh"}, key
        assert entry["en"].strip() and entry["zh"].strip(), key
        assert _fields(entry["en"]) == _fields(entry["zh"]), key


def test_every_label_is_used() -> None:
    root = Path(__file__).resolve().parent.parent
    sources = "".join(
        (root / name).read_text(encoding="utf-8")
        for name in (
            "reports/templates/report.html.j2",
            "reports/templates/report.js",
            "reports/html_report.py",
            "scanner/cli.py",
        )
    )
    # looked up by a prefix and a value: severities, categories, likelihoods, states, parts
    dynamic = ("sev_", "cat_", "lik_", "tri_", "base_", "kind_", "part_", "advice_")
    unused = [
        key
        for key in TEXTS
        if not key.startswith(dynamic) and not re.search(rf"[\"'.]{re.escape(key)}[\"'\s,)]", sources)
    ]
    assert unused == []


def test_every_part_name_has_a_label() -> None:
    from scanner import model

    parts = [v for k, v in vars(model).items() if k.startswith("PART_")]
    assert len(parts) >= 9
    for name in (*parts, "author", "conversation", "file name"):
        assert f"part_{name}" in TEXTS, name


def test_plurals() -> None:
    assert plural("en", "n_message", 1) == "1 message"
    assert plural("en", "n_message", 0) == "0 messages"
    assert plural("en", "n_message", 1234) == "1,234 messages"
    assert plural("en", "n_person", 2) == "2 people"
    assert plural("zh", "n_message", 1) == "1 条消息"
    assert plural("zh", "n_message", 3) == "3 条消息"


def test_report_language_follows_the_messages_for_auto() -> None:
    assert resolve_report_lang("auto", {"zh": 60, "en": 40}) == "zh"
    assert resolve_report_lang("auto", {"zh": 50, "en": 50}) == "en"
    assert resolve_report_lang("auto", {}) == "en"
    assert resolve_report_lang("zh", {"en": 100}) == "zh"
    assert resolve_report_lang("en", {"zh": 100}) == "en"


def test_report_lang_setting_is_checked() -> None:
    from scanner.errors import UsageError
    from scanner.settings import resolve

    assert resolve({"report_lang": "zh"}, environ={}).report_lang == "zh"
    assert resolve({}, environ={"CHATSWEEP_REPORT_LANG": "EN"}).report_lang == "en"
    assert resolve({}, environ={}).report_lang == "auto"
    with pytest.raises(UsageError, match="report-lang"):
        resolve({"report_lang": "fr"}, environ={})


# --- layout -----------------------------------------------------------------------------


def test_sections_in_the_order_a_dpo_reads_them() -> None:
    html = render(rich_result())
    at = [html.index(f'<section class="{s}" id="{s}"') for s in SECTIONS]
    assert at == sorted(at)
    # options are folded away at the end, never above the findings
    assert html.index('<details class="scan">') > html.index('id="findings"')
    assert html.index(">fail_on<") > html.index('<details class="scan">')


def test_headline_and_counts() -> None:
    html = render(rich_result())
    assert "4 findings in 11 places; worst severity Critical." in html
    assert '<span class="card-value">2</span><span class="card-label">Affected people</span>' in html
    assert (
        '<span class="card-value">1</span><span class="card-label">People with special-category data</span>'
        in html
    )
    assert '<span class="card-value">1,234</span><span class="card-label">Messages scanned</span>' in html
    assert '<span class="card-value">1</span><span class="card-label">Unread items</span>' in html
    assert "1,234 messages · 2 inputs" in html
    # the inputs table's total is the sum of its rows
    assert '<td class="num">1,234</td><td class="num">12</td><td class="num">1</td></tr></tfoot>' in html


def test_one_of_each_is_singular() -> None:
    result = replace(
        make_result(),
        findings=make_result().findings[1:2],
        messages_scanned=1,
        inputs=(InputSummary(path="a.json", format="slack", messages=1),),
    )
    html = render(result)
    assert "1 finding in 1 place;" in html
    assert "1 message · 1 input<" in html
    assert "1 messages" not in html and "1 findings" not in html and "1 inputs" not in html


def test_duties_panel_says_it_is_not_legal_advice() -> None:
    html = render(rich_result())
    duties = html[html.index('id="duties"') : html.index('id="charts"')]
    assert "not legal advice" in duties
    assert "GDPR Art. 33/34" in duties and "triggered" in duties and "not triggered" in duties
    assert "2 people · 3 records" in duties
    assert "An automated first assessment, not legal advice." in duties  # the duties' own line
    zh = render(rich_result(lang="zh"))
    duties = zh[zh.index('id="duties"') : zh.index('id="charts"')]
    assert "GDPR 第 33/34 条" in duties and "72 小时内通知监管机构" in duties and "不构成法律意见" in duties
    assert "HIPAA Breach Notification Rule" in duties  # no Chinese text given: as it is
    # without duties of its own the panel still says it is not legal advice
    bare = render(replace(rich_result(), duties=()))
    assert "it is not legal advice" in bare[bare.index('id="duties"') : bare.index('id="charts"')]


def test_people_conversations_and_not_inspected() -> None:
    html = render(rich_result())
    people = html[html.index('id="people"') : html.index('id="conversations"')]
    assert "HEALTH_INFO" in people and 'class="is-special"' in people
    conversations = html[html.index('id="conversations"') : html.index('id="findings"')]
    # riskiest first, hottest colour
    assert conversations.index("#deploy") < conversations.index("人事部 HR")
    assert 'class="heat-4"' in conversations and "87.5" in conversations
    missing = html[html.index('id="not-inspected"') : html.index('id="scan-details"')]
    assert "scan.pdf" in missing and "application/pdf" in missing and "200.0 KB" in missing
    assert "notes.txt" not in missing  # inspected
    assert "invalid JSON" in missing


def test_charts_are_inline_svg_with_titles() -> None:
    html = render(rich_result())
    charts = html[html.index('id="charts"') : html.index('id="people"')]
    assert charts.count("<svg") == 3
    assert charts.count("<title") >= 3 and charts.count("<desc") == 3
    assert 'role="img"' in charts
    assert "2024-03" in charts


def test_static_findings_table_most_severe_first_with_a_note() -> None:
    html = render(big_result(STATIC_FINDINGS + 50))
    static = html[html.index('id="static-findings"') : html.index('id="findings-data"')]
    assert f"the first {STATIC_FINDINGS} of {STATIC_FINDINGS + 50:,} findings" in static
    assert "Only the first" not in render(rich_result())
    assert static.count('<tr class="sev-') == STATIC_FINDINGS
    ranks = [
        ("critical", "high", "medium", "low").index(s) for s in re.findall(r'<tr class="sev-(\w+)"', static)
    ]
    assert ranks == sorted(ranks)


def test_many_occurrences_keep_the_page_small() -> None:
    html = render(big_result(10_000, per_finding=20))
    assert len(html.encode("utf-8")) < 10 * 1024 * 1024
    data = island(html)
    assert all(len(f["o"]) == 3 and f["m"] == 17 for f in data["f"])
    small = island(render(big_result(100, per_finding=30)))
    assert all(len(f["o"]) == 20 and f["m"] == 10 for f in small["f"])


def test_no_findings() -> None:
    html = render(replace(make_result(), findings=()))
    assert "No findings." in html
    assert "<script" not in html


def test_show_values_warns() -> None:
    html = render(make_result(show_values=True))
    assert "Values shown." in html and SECRET_VALUE in html
    assert SECRET_VALUE in json.dumps(island(html), ensure_ascii=False)


def test_masked_report_holds_no_value() -> None:
    html = render(rich_result())
    assert "Values are masked" in html
    assert SECRET_VALUE not in html and "zhang.wei@example.com" not in html


# --- safety -----------------------------------------------------------------------------


def test_hostile_strings_are_escaped() -> None:
    html = render(rich_result(hostile=True))
    assert HOSTILE not in html
    # the JSON island and the report's own script, nothing else
    assert html.lower().count("<script") == 2
    assert html.count(ESCAPED) >= 8  # preview, explanation, names, skip reason, notice, people …
    data = island(html)
    assert any(HOSTILE in s for s in data["s"])  # the island holds the text as it was
    assert HOSTILE in data["f"][0]["o"][0][4]


def test_json_island_cannot_be_closed() -> None:
    evil = "</script><script>alert(1)</script><!--"
    assert "<" not in script_for_json({"x": evil, "y": "a\u2028b"})
    assert json.loads(script_for_json({"x": evil}))["x"] == evil
    base = rich_result()
    first = base.findings[0]
    first = replace(first, occurrences=(replace(first.occurrences[0], snippet=evil, author=evil),))
    html = render(replace(base, findings=(first, *base.findings[1:])))
    assert html.count("</script>") == 2
    assert island(html)["f"][0]["o"][0][4] == evil


def test_strict_content_security_policy() -> None:
    html = render(rich_result())
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None
    directives = dict(d.strip().split(" ", 1) for d in policy.group(1).split(";"))
    assert directives["default-src"] == "'none'"
    digest = base64.b64encode(hashlib.sha256(inline_script(html).encode("utf-8")).digest()).decode()
    assert directives["script-src"] == f"'sha256-{digest}'"
    assert "unsafe" not in directives["script-src"]
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None and html.count("<style") == 1
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode("utf-8")).digest()).decode()
    assert directives["style-src"] == f"'sha256-{digest}'"
    assert "unsafe" not in policy.group(1)
    assert not re.search(r"\sstyle=", html)  # an inline style attribute would be blocked


def test_self_contained() -> None:
    html = render(rich_result())
    markup = re.sub(r'<script type="application/json".*?</script>', "", html, flags=re.S)
    lowered = markup.lower()
    assert not re.search(r"<link\b", lowered)
    assert not re.search(r"\bsrc\s*=", lowered)
    assert "@import" not in lowered and "url(" not in lowered
    assert not re.search(r"href\s*=\s*\"(?!#)", lowered), "only in-page anchors"
    assert re.findall(r"https?://[^\s\"'<]+", lowered) == ["http://www.w3.org/2000/svg"] * 3


# --- languages --------------------------------------------------------------------------


def test_chinese_report() -> None:
    html = render(rich_result(lang="zh"))
    assert '<html lang="zh">' in html
    assert "<h1>个人信息泄露报告</h1>" in html
    assert "涉及敏感个人信息的人员" in html
    assert "不构成法律意见" in html
    assert '@top-center { content: "机密"; }' in html
    # English text from the export is marked as English on a Chinese page
    assert '<bdi lang="en">Ops Bot</bdi>' in html or '<bdi lang="en">#deploy</bdi>' in html
    assert island(html)["labels"]["sev0"] == "严重"
    assert island(html)["labels"]["part_attachment name"] == "附件名"


def test_chinese_names_are_marked_on_an_english_page() -> None:
    html = render(rich_result())
    assert '<html lang="en">' in html
    assert '<bdi lang="zh">人事部 HR</bdi>' in html
    assert "<bdi>#deploy</bdi>" in html


def test_cli_summary_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    from scanner import cli

    result = replace(rich_result(), report_lang="zh")
    cli._print_summary(result, [], 1, 2.0)
    err = capsys.readouterr().err
    assert "扫描概要" in err and "严重" in err and "1,234 条消息" in err and "受影响人员" in err
    cli._print_summary(replace(result, report_lang="en"), [], 1, 2.0)
    err = capsys.readouterr().err
    assert "1,234 messages from 2 inputs" in err and "1 file or record not read" in err


# --- golden outline ---------------------------------------------------------------------


class _Outline(HTMLParser):
    """Section ids, headings and table headers: the page's structure, not its bytes."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._capture: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section":
            self.lines.append(f"section#{attributes.get('id')}")
        elif tag in ("h1", "h2", "h3", "th", "summary", "figcaption"):
            self._capture, self._text = tag, []
        elif tag in ("svg", "table", "details", "form", "select", "nav"):
            self.lines.append(f"  {tag}" + (f"#{attributes['id']}" if attributes.get("id") else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._capture:
            words = " ".join("".join(self._text).split())
            self.lines.append(f"    {tag}: {words}")
            self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture:
            self._text.append(data)


def test_html_outline_golden(update_goldens: bool) -> None:
    html = render(rich_result(hostile=True))
    outline = _Outline()
    outline.feed(html)
    # where the hostile markup appears, escaped, with the markup just before it
    escaped = [
        f"escaped after: {html[m.start() - 40 : m.start()]!r}" for m in re.finditer(re.escape(ESCAPED), html)
    ]
    actual = "\n".join(outline.lines + escaped) + "\n"
    if update_goldens or not GOLDEN.exists():
        GOLDEN.write_text(actual, encoding="utf-8")
    assert actual == GOLDEN.read_text(encoding="utf-8")


def test_cli_report_lang(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.helpers import run_cli, write_jsonl

    export = write_jsonl(
        tmp_path / "chat.jsonl",
        [
            {"id": "1", "conversation": "群", "author": "王芳", "timestamp": "2024-05-01T09:00:00Z",
             "text": "我的邮箱是 wang.fang@example.org，明天见"},
            {"id": "2", "conversation": "群", "author": "李娜", "timestamp": "2024-05-01T09:01:00Z",
             "text": "好的，明天上午十点开会"},
        ],
    )  # fmt: skip
    out = tmp_path / "out"
    run = run_cli(capsys, "scan", str(export), "--no-ner", "--format", "html", "-o", str(out) + "/")
    assert "扫描概要" in run.stderr  # auto: most messages are Chinese
    html = (out / "chatsweep-report.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in html and "个人信息泄露报告" in html
    run = run_cli(
        capsys,
        "scan",
        str(export),
        "--no-ner",
        "--format",
        "html",
        "-o",
        str(out) + "/",
        "--report-lang",
        "en",
    )
    assert "chatsweep summary" in run.stderr and "2 messages from 1 input" in run.stderr
    html = (out / "chatsweep-report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert run_cli(capsys, "scan", str(export), "--no-ner", "--report-lang", "fr").code == 2
