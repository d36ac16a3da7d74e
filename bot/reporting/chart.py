"""Questions per day and the decline rate, drawn by matplotlib as an SVG to inline in HTML.

Text stays text (`svg.fonttype: none`), so the chart is small and sharp on any screen; the
fixed hash salt makes the same data give the same file.
"""

from __future__ import annotations

import io
import math
import re

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.reporting.model import Day

ANSWERED, DECLINED, RATE = "#4c78a8", "#e45756", "#222222"
SIZE = re.compile(r'\s(width|height)="[^"]*"')


def questions_chart(days: tuple[Day, ...]) -> str:
    """An `<svg>` element (no XML prolog) that scales to its container's width; a bare Figure
    needs no pyplot or GUI backend."""
    labels = [d.day.strftime("%m-%d") for d in days]
    answered = [d.questions - d.declined for d in days]
    declined = [d.declined for d in days]
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "basis-report"}):
        figure = Figure(figsize=(8, 3.2), layout="constrained")
        axes = figure.add_subplot()
        x = range(len(days))
        axes.bar(x, answered, color=ANSWERED, label="answered")
        axes.bar(x, declined, bottom=answered, color=DECLINED, label="declined")
        axes.set_ylabel("questions")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        step = max(1, len(days) // 10)
        axes.set_xticks(list(x)[::step], labels[::step])
        rate = axes.twinx()
        rates = [math.nan if d.decline_rate is None else d.decline_rate for d in days]
        rate.plot(x, rates, color=RATE, marker="o", markersize=3, label="decline rate")
        rate.set_ylim(0, 1)
        rate.yaxis.set_major_formatter(PercentFormatter(1.0))
        rate.set_ylabel("decline rate")
        handles = axes.get_legend_handles_labels()[0] + rate.get_legend_handles_labels()[0]
        axes.legend(handles=handles, loc="upper left", frameon=False, fontsize="small")
        axes.spines["top"].set_visible(False)
        rate.spines["top"].set_visible(False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    head, rest = svg.split(">", 1)
    head = SIZE.sub("", head) + ' role="img" aria-label="Questions per day and decline rate"'
    return head + ">" + rest
