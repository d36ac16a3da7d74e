"""The report's data: plain frozen records, so the text, JSON, HTML and Discord views agree."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from bot.records.questions import Downvoted

DECLINE_KINDS = {
    "request": "not Basis's job",
    "uncovered": "names something not covered",
    "scope": "below the scope threshold",
}


def decline_label(kind: str) -> str:
    """How a decline kind (`Answer.decline`) reads in a report."""
    return DECLINE_KINDS.get(kind, kind or "unknown")


@dataclass(frozen=True)
class Gap:
    """Declined questions that read alike: one thing the knowledge base may be missing."""

    count: int
    examples: tuple[str, ...]
    langs: tuple[str, ...]
    kinds: tuple[tuple[str, int], ...]
    last_asked: datetime


@dataclass(frozen=True)
class DocumentUse:
    doc_id: str
    title: str
    cited: int


@dataclass(frozen=True)
class StaleDocument:
    doc_id: str
    title: str
    as_of: date | None
    source_changed: date | None
    reason: str


@dataclass(frozen=True)
class Day:
    day: date
    questions: int
    declined: int

    @property
    def decline_rate(self) -> float | None:
        """None on a day without questions (no rate, not a rate of zero)."""
        return self.declined / self.questions if self.questions else None


@dataclass(frozen=True)
class Latency:
    count: int
    p50: float
    p90: float
    p95: float
    p99: float
    max: float


@dataclass(frozen=True)
class CoverageReport:
    generated_at: datetime
    since: datetime
    days: int
    questions: int
    declined: int
    langs: tuple[tuple[str, int], ...]
    up: int
    down: int
    gaps: tuple[Gap, ...]
    downvoted: tuple[Downvoted, ...]
    most_cited: tuple[DocumentUse, ...]
    never_cited: tuple[DocumentUse, ...]
    stale: tuple[StaleDocument, ...]
    latency: Latency | None
    per_day: tuple[Day, ...]

    @property
    def answered(self) -> int:
        return self.questions - self.declined

    @property
    def decline_rate(self) -> float:
        return self.declined / self.questions if self.questions else 0.0

    def as_json(self) -> dict[str, Any]:
        """Plain JSON types: dates as ISO text, pairs as objects."""
        data = _plain(asdict(self))
        data["answered"] = self.answered
        data["decline_rate"] = round(self.decline_rate, 4)
        data["langs"] = dict(self.langs)
        for gap in data["gaps"]:
            gap["kinds"] = dict(gap["kinds"])
        for day, shown in zip(self.per_day, data["per_day"], strict=True):
            shown["decline_rate"] = None if day.decline_rate is None else round(day.decline_rate, 4)
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return value
