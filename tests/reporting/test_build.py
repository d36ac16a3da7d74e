"""The report over a seeded question log with a fixed clock: groups, counts, documents, latency."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.discord_app.feedback import FeedbackStore
from bot.reporting.build import ReportOptions, build_report
from bot.reporting.model import CoverageReport
from tests.fakes import HashEmbedder
from tests.records.seed import NOW, USER_ID, Clock, answer, document, seeded_log

H = timedelta(hours=1)
D = timedelta(days=1)
DECLINED = [
    (1 * H, answer("What are Japan's export control laws?", decline="uncovered")),
    (2 * H, answer("Japan export control laws for chips", decline="uncovered")),
    (D + H, answer("Explain the export control laws of Japan", decline="scope")),
    (D + 2 * H, answer("Give me a pizza recipe", decline="request")),
    (2 * D, answer("Best pizza recipe please", decline="request")),
    (3 * D, answer("Write a poem about licences", decline="request")),
    (40 * D, answer("Korea export control laws", decline="uncovered")),  # before the window
]
ANSWERED = [
    (3 * H, answer("What is a deemed export?", cited=("deemed-export", "release"), ms=20, answer_id="a-de")),
    (D, answer("Who issued the directive?", cited=("deemed-export",), ms=60, answer_id="a-dir")),
    (2 * D + H, answer("什么是视同出口？", cited=("deemed-export",), lang="zh", ms=100)),
]
DOCUMENTS = [
    document("deemed-export"),
    document("release", as_of=date(2025, 1, 1)),
    document("bills", as_of=None),
    document("glossary", source_type="glossary"),
    document("entity-list"),
]


@pytest.fixture
def report(tmp_path: Path) -> CoverageReport:
    log = seeded_log(tmp_path, Clock(), DECLINED + ANSWERED)
    store = FeedbackStore.open(tmp_path)
    for answer_id, question in (("a-de", "What is a deemed export?"), ("a-dir", "Who issued the directive?")):
        store.remember(answer_id, question, "en", [])
    store.vote("a-de", USER_ID, up=False)
    store.vote("a-de", USER_ID + 1, up=False)
    store.vote("a-dir", USER_ID, up=True)
    options = ReportOptions(days=30, cluster_distance=0.4, stale_days=180)
    changed = {"deemed-export": date(2026, 11, 30), "entity-list": date(2026, 1, 1)}
    return build_report(log, DOCUMENTS, HashEmbedder(), options, NOW, source_changes=changed)


def test_counts_and_languages(report: CoverageReport):
    assert (report.questions, report.declined, report.answered) == (9, 6, 3)
    assert report.langs == (("en", 8), ("zh", 1))
    assert (report.up, report.down) == (1, 2)


def test_declined_questions_are_grouped_biggest_first(report: CoverageReport):
    assert [(g.count, len(g.examples)) for g in report.gaps] == [(3, 3), (2, 2), (1, 1)]
    japan, pizza, poem = report.gaps
    assert all("Japan" in e for e in japan.examples)
    assert dict(japan.kinds) == {"uncovered": 2, "scope": 1}
    assert japan.last_asked == NOW - H
    assert set(pizza.examples) == {"Give me a pizza recipe", "Best pizza recipe please"}
    assert poem.examples == ("Write a poem about licences",)


def test_downvoted_answers_with_their_text(report: CoverageReport):
    (down,) = report.downvoted
    assert (down.question, down.down, down.up, down.answer) == (
        "What is a deemed export?",
        2,
        0,
        "An answer to: What is a deemed export?",
    )


def test_cited_never_cited_and_stale_documents(report: CoverageReport):
    assert [(u.doc_id, u.cited) for u in report.most_cited] == [("deemed-export", 3), ("release", 1)]
    assert [u.doc_id for u in report.never_cited] == ["bills", "entity-list"]  # glossary aside
    stale = {s.doc_id: s.reason for s in report.stale}
    assert set(stale) == {"release", "deemed-export", "bills"}
    assert stale["release"] == "as_of older than 180 days"
    assert stale["deemed-export"] == "source changed 2026-11-30, after it was written"
    assert stale["bills"] == "no as_of date"
    assert [s.doc_id for s in report.stale] == ["release", "deemed-export", "bills"]


def test_latency_and_days(report: CoverageReport):
    assert report.latency is not None
    assert (report.latency.count, report.latency.p50, report.latency.max) == (9, 40.0, 100.0)
    assert len(report.per_day) == 31 and report.per_day[-1].day == NOW.date()
    today = report.per_day[-1]
    assert (today.questions, today.declined) == (3, 2)
    assert sum(d.questions for d in report.per_day) == 9


def test_json_is_plain(report: CoverageReport):
    data = json.loads(json.dumps(report.as_json()))
    assert data["decline_rate"] == round(6 / 9, 4) and data["langs"] == {"en": 8, "zh": 1}
    assert data["gaps"][0]["kinds"] == {"uncovered": 2, "scope": 1}
    assert data["per_day"][-1] == {"day": "2026-12-01", "questions": 3, "declined": 2, "decline_rate": 0.6667}


def test_an_empty_log_gives_an_empty_report(tmp_path: Path):
    log = seeded_log(tmp_path, Clock(), [])
    report = build_report(log, DOCUMENTS, HashEmbedder(), ReportOptions(days=7), NOW)
    assert (report.questions, report.gaps, report.latency, len(report.per_day)) == (0, (), None, 8)
    assert report.decline_rate == 0.0
