"""The HTML report in a real browser: it loads fast at 10,000 findings, searches, filters,
sorts, shows details, prints, reads with scripts off, and runs nothing it was given.

Needs Playwright (``pip install playwright``) and Debian's Chromium (``apt-get install
chromium``); Playwright's own browser download is never used. Skipped when either is
missing, so the suite stays green where there is no browser. One browser serves the
module; the 10,000-finding report is rendered once.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reports import get_renderer, write_report
from scanner.model import Finding, ScanResult
from tests.html_results import big_result, rich_result
from tests.test_reports import HOSTILE, make_result, occurrence

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
if CHROMIUM is None:
    pytest.skip("no chromium binary (apt-get install chromium)", allow_module_level=True)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_SCHEMES = ("file:", "data:", "about:")
BIG = 10_000
# Said to load in under 2 s; asserted loosely so a busy test machine does not fail it.
LOAD_LIMIT_S = 6.0
MAX_BYTES = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="module")
def big() -> ScanResult:
    return big_result(BIG)


@pytest.fixture(scope="module")
def big_report(big: ScanResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "report.html"
    write_report(get_renderer("html").render(big), path)
    return path


class Opened:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.events: list[str] = []  # requests, dialogs, script errors, CSP violations


def _open(browser: Browser, path: Path, *, scripts: bool = True) -> Opened:
    context = browser.new_context(java_script_enabled=scripts, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    opened = Opened(page)
    page.on("request", lambda request: opened.events.append(request.url))

    def on_dialog(dialog: Dialog) -> None:
        # An alert() would mean injected script ran; record it as a failure, never block on it.
        opened.events.append(f"dialog:{dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: opened.events.append(f"error:{error}"))
    page.on("console", lambda message: opened.events.append(f"console:{message.text}"))
    page.goto(path.as_uri())
    if scripts:
        page.wait_for_selector("html[data-ready]", timeout=20_000)
    return opened


def _close(opened: Opened) -> None:
    context = opened.page.context
    opened.page.close()
    context.close()
    assert [e for e in opened.events if not e.startswith(LOCAL_SCHEMES)] == []


def _write(result: ScanResult, tmp_path: Path, name: str = "report.html") -> Path:
    path = tmp_path / name
    write_report(get_renderer("html").render(result), path)
    return path


def _total(page: Page) -> int:
    match = re.search(r"of ([\d,]+) findings?", page.locator("#page-info").inner_text())
    assert match is not None
    return int(match.group(1).replace(",", ""))


# --- scale ------------------------------------------------------------------------------


def test_ten_thousand_findings_load_fast(browser: Browser, big_report: Path) -> None:
    size = big_report.stat().st_size
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(big_report.as_uri())
        page.wait_for_selector("html[data-ready]", timeout=30_000)
        seconds = time.perf_counter() - started
        nodes = page.evaluate("document.getElementsByTagName('*').length")
        print(f"\n10,000-finding report: {size / 1e6:.1f} MB, loaded in {seconds:.2f} s, {nodes:,} elements")
        assert size < MAX_BYTES
        assert seconds < LOAD_LIMIT_S
        assert page.locator("#finding-rows tr.finding-row").count() == 100
        assert _total(page) == BIG
        assert page.locator("#static-findings").count() == 0  # the fallback made way
        # the stylesheet applied under the policy (allowed by its hash)
        background = page.locator(".masthead").evaluate("(e) => getComputedStyle(e).backgroundColor")
        assert background == "rgb(36, 64, 107)"
        # printing lays out every selected finding up to a bound, not only the page on screen
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert page.locator("#finding-rows tr.finding-row").count() == 2_000
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
        assert page.locator("#finding-rows tr.finding-row").count() == 100
    finally:
        page.close()
        context.close()


def _count(big: ScanResult, keep: Callable[[Finding], bool]) -> int:
    return sum(1 for f in big.findings if keep(f))


def test_search_every_filter_and_paging(browser: Browser, big_report: Path, big: ScanResult) -> None:
    opened = _open(browser, big_report)
    page = opened.page
    try:
        page.fill("#q", "needle")
        sync_api.expect(page.locator("#page-info")).to_contain_text("1 of 1 finding ·")
        assert page.locator("tr.finding-row").count() == 1
        assert page.locator("tr.finding-row").get_attribute("id") == "finding-F00043"
        page.fill("#q", "")
        sync_api.expect(page.locator("#page-info")).to_contain_text(f"of {BIG:,} findings")

        def select(selector: str, label: str, expected: int) -> None:
            page.select_option(selector, label=label)
            assert _total(page) == expected, (selector, label)
            page.select_option(selector, value="")

        select("#f-type", "AWS_ACCESS_KEY", _count(big, lambda f: f.entity_type == "AWS_ACCESS_KEY"))
        select("#f-cat", "Fraud", _count(big, lambda f: f.category.value == "fraud"))
        select("#f-sev", "High", _count(big, lambda f: f.severity.value == "high"))
        select("#f-lik", "likely", _count(big, lambda f: f.likelihood.value == "likely"))
        select(
            "#f-conv",
            "客服 Support",
            _count(big, lambda f: any(o.conversation == "客服 Support" for o in f.occurrences)),
        )
        select("#f-author", "李娜", _count(big, lambda f: any(o.author == "李娜" for o in f.occurrences)))

        page.fill("#f-from", "2023-02-01")
        page.fill("#f-to", "2023-02-10")
        page.dispatch_event("#f-to", "change")
        in_range = _count(
            big,
            lambda f: any(
                o.timestamp and "2023-02-01" <= o.timestamp[:10] <= "2023-02-10" for o in f.occurrences
            ),
        )
        assert 0 < in_range < BIG and _total(page) == in_range

        # filters combine; reset clears them all
        page.select_option("#f-sev", label="Critical")
        both = _count(
            big,
            lambda f: (
                f.severity.value == "critical"
                and any(
                    o.timestamp and "2023-02-01" <= o.timestamp[:10] <= "2023-02-10" for o in f.occurrences
                )
            ),
        )
        assert _total(page) == both
        page.click("#f-reset")
        sync_api.expect(page.locator("#page-info")).to_contain_text(f"of {BIG:,} findings")

        first = page.locator("tr.finding-row").first.get_attribute("id")
        page.click("#next")
        assert "page 2 of 100" in page.locator("#page-info").inner_text()
        assert page.locator("tr.finding-row").first.get_attribute("id") != first
    finally:
        _close(opened)


def test_sorting(browser: Browser, big_report: Path) -> None:
    opened = _open(browser, big_report)
    page = opened.page
    try:
        badges = page.locator("tr.finding-row .sev-badge").all_text_contents()
        assert badges[0] == "Critical"  # most severe first by default
        header = page.locator("th[data-sort='n'] button")
        header.click()
        counts = [int(c) for c in page.locator("tr.finding-row td:nth-child(7)").all_inner_texts()]
        assert counts[0] == 3 and counts == sorted(counts, reverse=True)
        assert page.locator("th[data-sort='n']").get_attribute("aria-sort") == "descending"
        header.click()
        counts = [int(c) for c in page.locator("tr.finding-row td:nth-child(7)").all_inner_texts()]
        assert counts[0] == 1 and counts == sorted(counts)
        page.locator("th[data-sort='p'] button").click()
        assert page.locator("tr.finding-row code.preview").first.inner_text() == "v00000****"
    finally:
        _close(opened)


# --- details, print, scripts off --------------------------------------------------------


def test_details_on_click(browser: Browser, tmp_path: Path) -> None:
    opened = _open(browser, _write(rich_result(), tmp_path))
    page = opened.page
    try:
        row = page.locator("#finding-F0001")
        row.click()
        assert row.get_attribute("aria-expanded") == "true"
        details = page.locator("tr.finding-details")
        assert details.count() == 1
        text = details.inner_text()
        assert "Revoke the key in the AWS console" in text and "rotated on Monday" in text
        assert "key ***** for the deploy bot" in text
        # five occurrences shown, the other two behind a disclosure
        visible = details.locator("table.occurrence-table").first.locator("tbody tr")
        assert visible.count() == 5
        more = details.locator("details.occurrences")
        assert not more.locator("tbody tr").first.is_visible()
        more.locator("summary").click()
        assert more.locator("tbody tr").count() == 2 and more.locator("tbody tr").first.is_visible()
        # an https permalink is a link; a javascript: one is not
        links = details.locator("a.permalink")
        assert links.count() == 1
        assert links.get_attribute("href") == "https://example.slack.com/archives/C01/p1700000000000001"
        assert links.get_attribute("rel") == "noopener noreferrer"
        row.press("Enter")  # keyboard closes it again
        assert page.locator("tr.finding-details").count() == 0
    finally:
        _close(opened)


def test_scripts_off_still_reads(browser: Browser, big_report: Path) -> None:
    opened = _open(browser, big_report, scripts=False)
    page = opened.page
    try:
        assert page.locator("#finding-app").is_hidden()
        assert page.locator("#static-findings").is_visible()
        assert "Only the first 200 of 10,000 findings" in page.locator("#static-findings .note").inner_text()
        rows = page.locator("#static-findings > .table-scroll > table > tbody > tr")
        assert rows.count() == 200
        # a row's details open without script, with its occurrences
        rows.first.locator("details.why summary").click()
        assert rows.first.locator("td.snippet").first.is_visible()
        for section in ("summary", "duties", "charts", "people", "conversations", "not-inspected"):
            assert page.locator(f"#{section}").is_visible()
        assert page.locator("#chart-months").is_visible()
    finally:
        _close(opened)


def _twenty_eight() -> ScanResult:
    base = rich_result()
    extra = big_result(28 - len(base.findings)).findings
    findings: tuple[Finding, ...] = (*base.findings, *(replace(f, id=f"F9{f.id[1:]}") for f in extra))
    return replace(base, findings=findings)


def test_print_to_pdf(browser: Browser, tmp_path: Path) -> None:
    opened = _open(browser, _write(_twenty_eight(), tmp_path))
    pdf = tmp_path / "report.pdf"
    try:
        opened.page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    finally:
        _close(opened)
    data = pdf.read_bytes()
    try:
        from pdfminer.high_level import extract_text
        from pdfminer.pdfpage import PDFPage
    except ImportError:  # no PDF text tool: bound the page count instead
        pages = len(re.findall(rb"/Type\s*/Page\b", data))
        assert 1 <= pages <= 8
        return
    with pdf.open("rb") as handle:
        pages = sum(1 for _ in PDFPage.get_pages(handle))
    print(f"\n28-finding report printed on {pages} pages")
    assert 1 <= pages <= 8
    summary_page = extract_text(str(pdf), page_numbers=[0])
    assert "Summary" in summary_page and "Assessment" in summary_page
    for n in range(pages):
        page_text = extract_text(str(pdf), page_numbers=[n])
        assert "CONFIDENTIAL" in page_text, n
        assert f"{n + 1} / {pages}" in page_text, n
        body = page_text.replace("CONFIDENTIAL", "").replace(f"{n + 1} / {pages}", "")
        assert len(body.split()) > 20, f"page {n + 1} is (nearly) empty"


# --- nothing from the export runs -------------------------------------------------------


def test_injected_markup_never_runs(browser: Browser, tmp_path: Path) -> None:
    opened = _open(browser, _write(rich_result(hostile=True), tmp_path))
    page = opened.page
    try:
        page.evaluate("window.__injected = 0")
        assert page.locator("script").count() == 2  # the JSON island and the report's own script
        page.locator("#finding-F0001").click()
        page.locator("details.occurrences summary").click()
        page.fill("#q", "script")
        page.wait_for_timeout(300)
        assert page.locator("script").count() == 2
        body = page.locator("body").inner_text()
        assert HOSTILE in body
        # the hostile text is shown as text in every place it came from
        for where in ("td.author", "td.snippet", "#conversations td", "#people td", "#not-inspected td"):
            assert any(HOSTILE in t for t in page.locator(where).all_inner_texts()), where
    finally:
        _close(opened)


# An author name that a right-to-left override renders as "CEO Office" (synthetic).
SPOOFED = "\u202eeciffO OEC"

# The on-screen x of the first two letters of "eciffO OEC" inside ``root``: in reading
# order the first is left of the second; an override puts it on the right. (Two letters of
# one word, so a narrow cell that wraps the name does not change the answer.)
_LETTER_X = """
(root) => {
  const word = "eciffO OEC";
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(word);
    if (at < 0) continue;
    const x = (i) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return range.getBoundingClientRect().left;
    };
    return [x(at), x(at + 1)];
  }
  return null;
}
"""


def _spoofed_result() -> ScanResult:
    base = make_result()
    first = replace(base.findings[0], occurrences=(occurrence(1, author=SPOOFED, conversation=SPOOFED),))
    return replace(base, findings=(first, *base.findings[1:]))


def test_bidi_override_in_an_author_does_not_reverse_the_cell(browser: Browser, tmp_path: Path) -> None:
    # Control: the same name written raw into a page does render reversed, so the
    # measurement below can tell the difference.
    raw = browser.new_page()
    try:
        raw.set_content(f"<table><tr><td id='c'>{SPOOFED}</td></tr></table>")
        first, second = raw.locator("#c").evaluate(_LETTER_X)
        assert first > second, "an unprotected override renders reversed"
    finally:
        raw.close()

    opened = _open(browser, _write(_spoofed_result(), tmp_path))
    page = opened.page
    try:
        page.locator("#finding-F0001").click()
        cell = page.locator("td.author").first
        assert cell.locator("bdi").count() == 1
        shown = cell.inner_text()
        assert "\\u202e" in shown and "\u202e" not in shown  # the override is shown, not obeyed
        first, second = cell.evaluate(_LETTER_X)
        assert first < second, "the author cell reads reversed"
        assert cell.locator(".ctl").is_visible()
    finally:
        _close(opened)
