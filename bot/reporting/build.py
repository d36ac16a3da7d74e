"""Question log + documents → `CoverageReport`.

Declined questions are grouped with the embedder the index was built with (the same one that
answers questions), after `english` has put each in the form the dense retriever sees, so a
Chinese and an English question about the same missing thing can land in one group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from bot.indexing.embedder import Embedder
from bot.models import Document
from bot.records.questions import LoggedQuestion, QuestionRecords
from bot.reporting.clusters import group
from bot.reporting.model import CoverageReport, Day, DocumentUse, Gap, Latency
from bot.reporting.sources import stale_documents


@dataclass(frozen=True)
class ReportOptions:
    days: int = 30
    cluster_distance: float = 0.4
    stale_days: int = 180
    examples: int = 3
    top_documents: int = 10


def build_report(
    log: QuestionRecords,
    documents: Iterable[Document],
    embedder: Embedder,
    options: ReportOptions,
    now: datetime,
    english: Callable[[str], str] = str,
    source_changes: Mapping[str, date] | None = None,
) -> CoverageReport:
    """The report over the last `options.days` days before `now`."""
    documents = list(documents)
    since = now - timedelta(days=options.days)
    rows = log.since(since)
    up, down = log.votes(since)
    declined = [r for r in rows if r.declined]
    most, never = cited_documents(rows, documents, options.top_documents)
    return CoverageReport(
        generated_at=now,
        since=since,
        days=options.days,
        questions=len(rows),
        declined=len(declined),
        langs=tuple(sorted(Counter(r.lang for r in rows).items())),
        up=up,
        down=down,
        gaps=tuple(gaps(declined, embedder, options, english)),
        downvoted=tuple(log.downvoted(since)),
        most_cited=tuple(most),
        never_cited=tuple(never),
        stale=tuple(stale_documents(documents, now.date(), options.stale_days, source_changes or {})),
        latency=latency([r.latency_ms for r in rows]),
        per_day=tuple(per_day(rows, since.date(), now.date())),
    )


def gaps(
    declined: list[LoggedQuestion], embedder: Embedder, options: ReportOptions, english: Callable[[str], str]
) -> list[Gap]:
    if not declined:
        return []
    vectors = np.asarray(embedder.encode([english(r.question) for r in declined]), dtype=np.float32)
    found = []
    for rows in group(vectors, options.cluster_distance):
        members = [declined[i] for i in rows]
        examples: list[str] = []
        for member in members:
            if member.question.casefold() not in {e.casefold() for e in examples}:
                examples.append(member.question)
        found.append(
            Gap(
                count=len(members),
                examples=tuple(examples[: options.examples]),
                langs=tuple(sorted({m.lang for m in members})),
                kinds=tuple(Counter(m.decline_kind for m in members).most_common()),
                last_asked=max(m.asked_at for m in members),
            )
        )
    return found


def cited_documents(
    rows: list[LoggedQuestion], documents: list[Document], top: int
) -> tuple[list[DocumentUse], list[DocumentUse]]:
    """The `top` most cited documents, and every document no answer cited (glossary aside)."""
    counts = Counter(doc_id for r in rows for doc_id in r.cited)
    titles = {d.id: d.title for d in documents}
    most = [DocumentUse(doc_id, titles.get(doc_id, doc_id), n) for doc_id, n in counts.most_common(top)]
    never = [
        DocumentUse(d.id, d.title, 0)
        for d in sorted(documents, key=lambda d: d.id)
        if d.id not in counts and d.source_type != "glossary"
    ]
    return most, never


def latency(values: list[float]) -> Latency | None:
    if not values:
        return None
    p50, p90, p95, p99 = (round(float(v), 1) for v in np.percentile(values, [50, 90, 95, 99]))
    return Latency(len(values), p50, p90, p95, p99, round(max(values), 1))


def per_day(rows: list[LoggedQuestion], first: date, last: date) -> list[Day]:
    """One entry per calendar day (UTC) from `first` to `last`, days without questions included."""
    asked = Counter(r.asked_at.date() for r in rows)
    declined = Counter(r.asked_at.date() for r in rows if r.declined)
    days = (last - first).days + 1
    return [Day(day, asked[day], declined[day]) for day in (first + timedelta(days=i) for i in range(days))]
