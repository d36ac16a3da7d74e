"""A report over a seeded log that includes hostile text, for the rendering tests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.discord_app.feedback import FeedbackStore
from bot.reporting.build import ReportOptions, build_report
from bot.reporting.model import CoverageReport
from tests.fakes import HashEmbedder
from tests.records.seed import NOW, USER_ID, Clock, answer, document, seeded_log

HOSTILE = "<script>alert('x')</script> [bold red]boom[/] <img src=https://example.org/x.png>"


@pytest.fixture
def rendered_report(tmp_path: Path) -> CoverageReport:
    rows = [
        (timedelta(days=d % 9, hours=d), answer(f"What is question {d}?", cited=("a",))) for d in range(12)
    ]
    rows += [
        (timedelta(hours=3), answer(HOSTILE, decline="request")),
        (timedelta(days=2), answer("What are Japan's export control laws?", decline="uncovered")),
        (timedelta(days=4), answer("Japan export control laws for chips", decline="uncovered")),
        (timedelta(days=5), answer("什么是日本出口管制法律？", decline="scope", lang="zh", answer_id="zh1")),
    ]
    log = seeded_log(tmp_path / "data", Clock(), rows)
    store = FeedbackStore.open(tmp_path / "data")
    store.remember("zh1", "什么是日本出口管制法律？", "zh", [])
    store.vote("zh1", USER_ID, up=False)
    documents = [document("a"), document("b"), document("c", as_of=None)]
    return build_report(log, documents, HashEmbedder(), ReportOptions(days=14), NOW)
