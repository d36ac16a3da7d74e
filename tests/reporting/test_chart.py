"""The chart: an inline, scalable, deterministic SVG with text labels."""

from __future__ import annotations

from datetime import date, timedelta

from bot.reporting.chart import questions_chart
from bot.reporting.model import Day

DAYS = tuple(Day(date(2026, 11, 1) + timedelta(days=i), i % 4, i % 2) for i in range(14))


def test_an_inline_svg_that_scales():
    svg = questions_chart(DAYS)
    head = svg.split(">", 1)[0]
    assert svg.startswith("<svg") and "viewBox=" in head
    assert "width=" not in head and "height=" not in head
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert "decline rate" in svg and "11-01" in svg  # text stays text


def test_same_data_same_file():
    assert questions_chart(DAYS) == questions_chart(DAYS)
    assert questions_chart(DAYS) != questions_chart(DAYS[:-1])


def test_days_without_questions_have_no_rate():
    assert DAYS[0].decline_rate is None and DAYS[1].decline_rate == 1.0
