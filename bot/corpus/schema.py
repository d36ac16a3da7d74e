"""The front-matter schema of a knowledge document, as pydantic models.

The types are the rules: the Literals of `bot/models.py` for source type, legal basis and
status, dates that must be dates, URLs that must be http(s). Every problem is collected
(not just the first) so `basis kb check` can list them all as `file: field: what is wrong`
(`validation.py` words them). Unknown fields are warnings; missing required fields and
wrong types are errors. A valid front matter becomes a `Document` in one step, so the
fields are declared once here and once on `Document`, not a third time in between.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, ValidationInfo, field_validator

from bot.corpus.validation import (
    DATE_EXAMPLE,
    DateTimeText,
    Day,
    FileModel,
    HttpUrl,
    OptionalDay,
    RequiredText,
    Text,
    parse_date,
    validated,
)
from bot.models import (
    Document,
    LegalBasis,
    Problem,
    SourceRef,
    SourceType,
    Status,
    StatusPeriod,
    StatusState,
    Timeline,
)

__all__ = ["REQUIRED", "FrontMatter", "parse_date", "recorded_status", "validate_front_matter"]

UNDATED = "undated"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_ID_CHARS = 120  # an id names a file; with a suffix and a temporary prefix it must stay under 255 bytes
Lang = Literal["en", "zh"]
Reliability = Literal["high", "medium", "low"]


def _slug(value: str) -> str:
    """A document id: a lowercase slug short enough to name its file (the value shown is cut, so a
    hostile id of thousands of characters is still one readable line)."""
    if not ID_PATTERN.match(value):
        raise ValueError(f"must be a lowercase slug (a-z, 0-9, -), got {value[:80]!r}")
    if len(value) > MAX_ID_CHARS:
        raise ValueError(f"is {len(value)} characters long; the limit is {MAX_ID_CHARS}")
    return value


def _source_date(value: object) -> object:
    """The date a source states, `undated` when it states none, or absent (None: warned about)."""
    if value is None or value == UNDATED:
        return value
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"must be a date like {DATE_EXAMPLE} or `{UNDATED}`, got {value!r}")
    return parsed


Slug = Annotated[RequiredText, AfterValidator(_slug)]
SourceDate = Annotated[date | Literal["undated"] | None, BeforeValidator(_source_date)]


class StatusFields(FileModel):
    """`status:`, the single recorded status of a rule or bill (older form of a timeline)."""

    state: StatusState
    date: OptionalDay = None
    until: OptionalDay = None
    note: Text | None = None
    as_of: OptionalDay = None

    def status(self) -> Status:
        return Status(self.state, self.date, self.until, self.note or "", self.as_of)


class PeriodFields(FileModel):
    """One period of a `status_timeline`: `status`, `from`, `until`, `source`, `note`, `scheduled`."""

    state: StatusState = Field(alias="status")
    start: Day = Field(alias="from")
    until: OptionalDay = None
    source: Text | None = None
    note: Text | None = None
    scheduled: StrictBool = False

    @field_validator("until")
    @classmethod
    def _not_before_start(cls, until: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start")
        if until is not None and start is not None and until < start:
            raise ValueError(f"must be a date on or after from ({start}), got {until}")
        return until

    def period(self) -> StatusPeriod:
        source, note = self.source or "", self.note or ""
        return StatusPeriod(self.state, self.start, self.until, source, note, self.scheduled)


class TimelineFields(FileModel):
    """`status_timeline:` (front matter or a glossary entry): periods in date order, never overlapping."""

    subject: Text | None = None
    subject_zh: Text | None = None
    as_of: OptionalDay = None
    periods: list[PeriodFields] = Field(min_length=1)

    @field_validator("periods")
    @classmethod
    def _in_order(cls, periods: list[PeriodFields]) -> list[PeriodFields]:
        for i, (before, after) in enumerate(pairwise(periods), start=1):
            if before.until is None or after.start <= before.until:
                ended = f"ends {before.until}" if before.until else "has no until"
                raise ValueError(
                    f"period [{i}] (from {after.start}) must start after the previous period's until "
                    f"(period [{i - 1}] {ended})"
                )
        return periods

    def timeline(self) -> Timeline:
        periods = tuple(p.period() for p in self.periods)
        return Timeline(periods, self.subject or "", self.subject_zh or "", self.as_of)


class SourceFields(FileModel):
    """One entry of `sources:`; `accessed` is when we consulted it, kept apart from its own `date`."""

    title: RequiredText
    url: HttpUrl
    publisher: Text | None = None
    date: SourceDate = None
    accessed: OptionalDay = None
    reliability: Reliability | None = None

    def dated(self) -> date | None:
        return self.date if isinstance(self.date, date) else None

    def warnings(self, file: str, where: str) -> list[Problem]:
        """A missing date, or one equal to the day consulted, is probably not the source's own."""
        hint = f"give the date the source states, or `date: {UNDATED}`"
        if self.date is None:
            return [Problem(file, f"{where}.date", f"missing; {hint}", "warning")]
        if self.date == self.accessed:
            message = f"equals the date the source was consulted ({self.accessed}); {hint}"
            return [Problem(file, f"{where}.date", message, "warning")]
        return []

    def ref(self) -> SourceRef:
        return SourceRef(self.title, self.url, self.publisher or "", self.dated(), self.reliability or "")


class FrontMatter(FileModel):
    """The YAML header of a curated (or synced) knowledge document."""

    id: Slug
    title: RequiredText
    source_type: SourceType
    citation: RequiredText
    url: HttpUrl
    as_of: Day
    published: OptionalDay = None
    jurisdiction: Text | None = None
    legal_basis: LegalBasis | None = None
    lang: Lang | None = None
    topics: list[str]
    summary_zh: RequiredText
    status: StatusFields | None = None
    status_timeline: TimelineFields | None = None
    sources: list[SourceFields] = Field(min_length=1)
    fetched_at: DateTimeText = None
    version: Text | None = None

    @field_validator("status_timeline")
    @classmethod
    def _one_status_form(cls, timeline: TimelineFields | None, info: ValidationInfo) -> TimelineFields | None:
        if timeline is not None and info.data.get("status") is not None:
            raise ValueError("give either status or status_timeline, not both")
        return timeline

    @field_validator("sources")
    @classmethod
    def _one_dated_source(cls, sources: list[SourceFields]) -> list[SourceFields]:
        if not any(s.dated() for s in sources):
            raise ValueError("at least one source needs both a url and a date")
        return sources

    def warnings(self, file: str) -> list[Problem]:
        return [p for i, s in enumerate(self.sources) for p in s.warnings(file, f"sources[{i}]")]

    def document(self, text: str, path: str, sha256: str) -> Document:
        """The document this front matter heads; a timeline also gives its last recorded status."""
        timeline = self.status_timeline.timeline() if self.status_timeline else None
        status = recorded_status(timeline) if timeline else (self.status.status() if self.status else None)
        return Document(
            id=self.id,
            title=self.title,
            text=text,
            path=path,
            sha256=sha256,
            source_type=self.source_type,
            citation=self.citation,
            url=self.url,
            published=self.published,
            as_of=self.as_of,
            jurisdiction=self.jurisdiction or "US",
            legal_basis=self.legal_basis,
            status=status,
            timeline=timeline,
            lang=self.lang or "en",
            topics=tuple(self.topics),
            summary_zh=self.summary_zh,
            sources=tuple(s.ref() for s in self.sources),
            fetched_at=self.fetched_at or "",
            version=self.version or "",
        )


REQUIRED = tuple(name for name, info in FrontMatter.model_fields.items() if info.is_required())


def validate_front_matter(data: dict[str, object], file: str) -> tuple[FrontMatter | None, list[Problem]]:
    """Check front matter against the schema; returns it only when there is no error."""
    front, problems = validated(FrontMatter, data, file)
    if front is not None:
        problems.extend(front.warnings(file))
    return front, problems


def recorded_status(timeline: Timeline) -> Status:
    """The timeline's last recorded (not scheduled) period as a single status, for code that reads one."""
    recorded = [p for p in timeline.periods if not p.scheduled] or list(timeline.periods)
    last = recorded[-1]
    return Status(state=last.state, date=last.start, until=last.until, note=last.note, as_of=timeline.as_of)
