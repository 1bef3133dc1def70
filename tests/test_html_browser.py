"""The HTML report in a real browser: it renders, folds, and makes no network request.

Needs Playwright (``pip install playwright``) and Debian's Chromium (``apt-get install
chromium``); Playwright's own browser download is never used. Skipped when either is
missing, so the suite stays green where there is no browser.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reports import get_renderer, write_report
from scanner.model import ScanResult
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


def _open(
    browser: Browser, tmp_path: Path, *, hostile: bool = False, result: ScanResult | None = None
) -> tuple[Page, list[str]]:
    report = tmp_path / "report.html"
    write_report(get_renderer("html").render(result or make_result(hostile=hostile)), report)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    def on_dialog(dialog: Dialog) -> None:
        # An alert() would mean injected script ran; record it as a failure, never block on it.
        requests.append(f"dialog:{dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    return page, requests


def test_report_renders_offline(browser: Browser, tmp_path: Path) -> None:
    page, requests = _open(browser, tmp_path)
    try:
        assert page.title().startswith("chatsweep leak report")
        for severity in ("critical", "high", "medium", "low"):
            assert page.locator(f"#sev-{severity}").is_visible()

        details = page.locator("details.occurrences").first
        rows = details.locator("tbody tr")
        assert not rows.first.is_visible()
        details.locator("summary").click()
        assert details.get_attribute("open") is not None
        assert rows.first.is_visible()

        # the CSS-only filter hides a severity without any script
        page.locator("label.sev-low").click()
        assert not page.locator("#sev-low").is_visible()
        page.locator("label.sev-low").click()

        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        assert (tmp_path / "report.png").stat().st_size > 0
    finally:
        page.close()
    remote = [url for url in requests if not url.startswith(LOCAL_SCHEMES)]
    assert remote == []


def test_hostile_strings_do_not_run(browser: Browser, tmp_path: Path) -> None:
    page, requests = _open(browser, tmp_path, hostile=True)
    try:
        assert page.locator("script").count() == 0
        assert HOSTILE in page.locator("body").inner_text()
    finally:
        page.close()
    assert [url for url in requests if not url.startswith(LOCAL_SCHEMES)] == []


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

    page, requests = _open(browser, tmp_path, result=_spoofed_result())
    try:
        cell = page.locator("td.author").first
        assert cell.locator("bdi").count() == 1
        shown = cell.inner_text()
        assert "\\u202e" in shown and "\u202e" not in shown  # the override is shown, not obeyed
        first, second = cell.evaluate(_LETTER_X)
        assert first < second, "the author cell reads reversed"
        assert cell.locator(".ctl").is_visible()
    finally:
        page.close()
    assert [url for url in requests if not url.startswith(LOCAL_SCHEMES)] == []
