"""The HTML report in a real browser: it renders, folds, and makes no network request.

Needs Playwright (``pip install playwright``) and Debian's Chromium (``apt-get install
chromium``); Playwright's own browser download is never used. Skipped when either is
missing, so the suite stays green where there is no browser.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reports import get_renderer, write_report
from tests.test_reports import HOSTILE, make_result

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


def _open(browser: Browser, tmp_path: Path, *, hostile: bool = False) -> tuple[Page, list[str]]:
    report = tmp_path / "report.html"
    write_report(get_renderer("html").render(make_result(hostile=hostile)), report)
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
