"""Text, JSON and HTML views: user text stays data, the HTML is self-contained, no user ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rich.console import Console

from bot.records.store import FILE_NAME
from bot.reporting.html import render_html
from bot.reporting.model import CoverageReport
from bot.reporting.text import print_report
from tests.records.seed import USER_ID
from tests.reporting.conftest import HOSTILE


def test_html_escapes_user_text_and_loads_nothing(rendered_report: CoverageReport):
    html = render_html(rendered_report)
    assert HOSTILE not in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "什么是日本出口管制法律？" in html
    assert re.findall(r"<script>", html) == ["<script>"]  # only the inline sorter
    assert not re.search(r"<[a-z]+[^>]*\s(src|href)=", html)  # no element loads anything
    assert "default-src 'none'" in html
    assert html.count("<svg") == 1 and 'width="' not in html.split("<svg", 1)[1].split(">", 1)[0]


def test_text_output_prints_markup_literally(rendered_report: CoverageReport):
    console = Console(record=True, width=200)
    print_report(console, rendered_report)
    text = console.export_text()
    assert "[bold red]boom[/]" in text and "Japan" in text
    assert "16 questions, 12 answered, 4 declined (25%)" in text
    assert "p50" in text


def test_no_user_id_in_report_or_database(rendered_report: CoverageReport, tmp_path: Path):
    views = [render_html(rendered_report), json.dumps(rendered_report.as_json(), ensure_ascii=False)]
    console = Console(record=True, width=200)
    print_report(console, rendered_report)
    views.append(console.export_text())
    assert all(str(USER_ID) not in view for view in views)
    assert str(USER_ID).encode() not in (tmp_path / "data" / FILE_NAME).read_bytes()
