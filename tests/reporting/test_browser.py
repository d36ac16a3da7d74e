"""The HTML report in a real headless Chromium (Debian's `chromium`, driven by Playwright).

Asserts the chart and the tables render with no console errors and no requests, that the
tables are there with JavaScript off, that sorting works with it on, that a phone-sized
screen needs no sideways scrolling, and saves screenshots in the test's temporary folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.reporting.html import render_html
from bot.reporting.model import CoverageReport

pytestmark = pytest.mark.browser

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
TABLES = ("gaps", "downvoted", "most-cited", "never-cited", "stale", "latency")


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    pytest.skip("no chromium on PATH: `apt-get install -y chromium` (.ci/run does it when apt is available)")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    path = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a test dependency")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page_file(rendered_report: CoverageReport, tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    path.write_text(render_html(rendered_report), encoding="utf-8")
    return path


def _open(browser, path: Path, **context):
    page = browser.new_context(**context).new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems, requests


def test_chart_and_tables_render_without_errors(browser, page_file: Path, tmp_path: Path):
    page, problems, requests = _open(browser, page_file, viewport={"width": 1200, "height": 900})
    chart = page.locator("#chart svg")
    box = chart.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 200
    assert page.locator("#chart svg text").count() > 5  # axis labels drawn as text
    assert page.locator("#chart svg path").count() > 10  # bars and the rate line
    for table in TABLES:
        assert page.locator(f"table#{table} tbody tr").count() >= 1, table
        assert page.locator(f"table#{table}").is_visible()
    assert "alert" in page.locator("table#gaps").inner_text()  # the hostile question, as text
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert problems == []
    assert requests == [page_file.as_uri()]


def test_tables_are_readable_without_javascript(browser, page_file: Path):
    page, problems, _ = _open(browser, page_file, java_script_enabled=False)
    rows = page.locator("table#gaps tbody tr")
    assert rows.count() == 3 and rows.first.inner_text().startswith("2")
    assert page.locator("table#downvoted tbody tr").first.inner_text().startswith("1")
    assert page.locator("#chart svg").is_visible()
    assert problems == []


def test_headers_sort_the_table(browser, page_file: Path):
    page, problems, _ = _open(browser, page_file)
    counts = "table#gaps tbody tr td:first-child"
    before = page.locator(counts).all_inner_texts()
    page.locator("table#gaps th").first.click()
    descending = page.locator(counts).all_inner_texts()
    page.locator("table#gaps th").first.click()
    ascending = page.locator(counts).all_inner_texts()
    assert descending == sorted(before, key=int, reverse=True)
    assert ascending == sorted(before, key=int)
    assert problems == []


def test_readable_on_a_phone(browser, page_file: Path, tmp_path: Path):
    page, problems, _ = _open(browser, page_file, viewport={"width": 390, "height": 844}, is_mobile=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    label = page.evaluate("getComputedStyle(document.querySelector('table#gaps td'), '::before').content")
    assert label == '"asked: "'  # cells carry their column name when the table is stacked
    page.screenshot(path=str(tmp_path / "report-phone.png"), full_page=True)
    assert problems == []


def test_a_long_unbroken_question_wraps_inside_its_column(
    browser, rendered_report: CoverageReport, tmp_path: Path
):
    """Issue 23 item 11: 400 characters without a space used to widen the gaps table off-screen."""
    from dataclasses import replace

    unbroken = "Whyis" + "x" * 400 + "?"
    first = replace(rendered_report.gaps[0], examples=(unbroken,))
    path = tmp_path / "long.html"
    path.write_text(render_html(replace(rendered_report, gaps=(first, *rendered_report.gaps[1:]))), "utf-8")
    page, problems, _ = _open(browser, path, viewport={"width": 1200, "height": 900})
    widths = page.evaluate(
        "(() => { const t = document.querySelector('table#gaps');"
        " return [t.scrollWidth, t.parentElement.clientWidth]; })()"
    )
    assert widths[0] <= widths[1], widths
    assert unbroken in page.locator("table#gaps").inner_text().replace("\n", "")
    assert problems == []
