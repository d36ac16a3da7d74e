"""The front-matter schema of a knowledge document, checked field by field.

Every problem is collected (not just the first) so `basis kb check` can list
them all as `file: field: what is wrong`. Unknown fields are warnings; missing
required fields and wrong types are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from bot.models import SOURCE_TYPES, Problem, SourceRef, Status, StatusPeriod, Timeline

REQUIRED = ("id", "title", "source_type", "citation", "url", "as_of", "topics", "summary_zh", "sources")
KNOWN = set(REQUIRED) | {
    "published",
    "jurisdiction",
    "legal_basis",
    "status",
    "status_timeline",
    "lang",
    "fetched_at",
    "version",
}
LEGAL_BASIS = ("public", "not_public", "disputed")
STATUS_STATES = ("in_force", "suspended", "rescinded", "superseded", "proposed")
RELIABILITY = ("high", "medium", "low")
UNDATED = "undated"
LANGS = ("en", "zh")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_ID_CHARS = 120  # an id names a file; with a suffix and a temporary prefix it must stay under 255 bytes


@dataclass(frozen=True)
class Metadata:
    id: str
    title: str
    source_type: str
    citation: str
    url: str
    as_of: date | None
    published: date | None
    jurisdiction: str
    legal_basis: str | None
    status: Status | None
    timeline: Timeline | None
    lang: str
    topics: tuple[str, ...]
    summary_zh: str
    sources: tuple[SourceRef, ...]
    fetched_at: str = ""
    version: str = ""


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def error(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, field, message))

    def warn(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, field, message, "warning"))

    def text(self, data: dict[str, Any], field: str, *, required: bool = False) -> str:
        value = data.get(field)
        if value is None:
            if required:
                self.error(field, "missing (required)")
            return ""
        if not isinstance(value, str):
            self.error(field, f"must be text, got {type(value).__name__}")
            return ""
        if required and not value.strip():
            self.error(field, "is empty")
        return value.strip()

    def day(self, data: dict[str, Any], field: str, *, required: bool = False) -> date | None:
        value = data.get(field)
        if value is None:
            if required:
                self.error(field, "missing (required)")
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(field, f"must be a date like 2026-06-12, got {value!r}")
        return parsed

    def choice(self, data: dict[str, Any], field: str, allowed: tuple[str, ...]) -> str | None:
        value = data.get(field)
        if value is None:
            return None
        if value not in allowed:
            self.error(field, f"must be one of {', '.join(allowed)}, got {value!r}")
            return None
        return str(value)


def parse_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def validate_front_matter(data: dict[str, Any], file: str) -> tuple[Metadata | None, list[Problem]]:
    """Check front matter against the schema; returns metadata only when there is no error."""
    check = _Checker(file)
    for key in data:
        if key not in KNOWN:
            check.warn(key, "unknown field (ignored)")
    doc_id = check.text(data, "id", required=True)
    if doc_id and not ID_PATTERN.match(doc_id):
        check.error("id", f"must be a lowercase slug (a-z, 0-9, -), got {doc_id[:80]!r}")
    elif len(doc_id) > MAX_ID_CHARS:
        check.error("id", f"is {len(doc_id)} characters long; the limit is {MAX_ID_CHARS}")
    title = check.text(data, "title", required=True)
    source_type = data.get("source_type")
    if source_type is None:
        check.error("source_type", "missing (required)")
    elif source_type not in SOURCE_TYPES:
        check.error("source_type", f"must be one of {', '.join(SOURCE_TYPES)}, got {source_type!r}")
    citation = check.text(data, "citation", required=True)
    url = check.text(data, "url", required=True)
    if url and not url.startswith(("http://", "https://")):
        check.error("url", f"must start with http:// or https://, got {url!r}")
    as_of = check.day(data, "as_of", required=True)
    published = check.day(data, "published")
    jurisdiction = check.text(data, "jurisdiction") or "US"
    legal_basis = check.choice(data, "legal_basis", LEGAL_BASIS)
    lang = check.choice(data, "lang", LANGS) or "en"
    topics = _topics(data, check)
    summary_zh = check.text(data, "summary_zh", required=True)
    status = _status(data.get("status"), check)
    timeline = parse_timeline(data.get("status_timeline"), check)
    if status is not None and timeline is not None:
        check.error("status_timeline", "give either status or status_timeline, not both")
    elif timeline is not None:
        status = recorded_status(timeline)
    sources = _sources(data.get("sources"), check)
    fetched_at = _fetched_at(data.get("fetched_at"), check)
    version = check.text(data, "version")
    if any(p.severity == "error" for p in check.problems):
        return None, check.problems
    metadata = Metadata(
        id=doc_id,
        title=title,
        source_type=str(source_type),
        citation=citation,
        url=url,
        as_of=as_of,
        published=published,
        jurisdiction=jurisdiction,
        legal_basis=legal_basis,
        status=status,
        timeline=timeline,
        lang=lang,
        topics=topics,
        summary_zh=summary_zh,
        sources=sources,
        fetched_at=fetched_at,
        version=version,
    )
    return metadata, check.problems


def _fetched_at(value: object, check: _Checker) -> str:
    """When `basis sync` fetched this copy: an ISO date-time, kept as text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    try:
        return datetime.fromisoformat(str(value)).isoformat()
    except ValueError:
        check.error("fetched_at", f"must be a date-time like 2026-12-01T06:00:00+00:00, got {value!r}")
        return ""


def _topics(data: dict[str, Any], check: _Checker) -> tuple[str, ...]:
    value = data.get("topics")
    if value is None:
        check.error("topics", "missing (required)")
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        check.error("topics", "must be a list of text tags")
        return ()
    return tuple(value)


def _status(value: object, check: _Checker) -> Status | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        check.error("status", "must be a mapping with state, date, until, note")
        return None
    state = value.get("state")
    if state not in STATUS_STATES:
        check.error("status.state", f"must be one of {', '.join(STATUS_STATES)}, got {state!r}")
        return None
    day = check.day(value, "date")
    until = check.day(value, "until")
    as_of = check.day(value, "as_of")
    note = value.get("note", "")
    if not isinstance(note, str):
        check.error("status.note", "must be text")
        note = ""
    for key in value:
        if key not in ("state", "date", "until", "note", "as_of"):
            check.warn(f"status.{key}", "unknown field (ignored)")
    return Status(state=state, date=day, until=until, note=note.strip(), as_of=as_of)


TIMELINE_KEYS = ("subject", "subject_zh", "as_of", "periods")
PERIOD_KEYS = ("status", "from", "until", "source", "note", "scheduled")


def parse_timeline(value: object, check: _Checker, field: str = "status_timeline") -> Timeline | None:
    """A `status_timeline` mapping (subject, as_of, periods) checked period by period: known states,
    a start date each, `until` not before `from`, periods in date order without overlap."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("periods"), list) or not value["periods"]:
        check.error(
            field, "must be a mapping with subject, subject_zh, as_of and a non-empty list of periods"
        )
        return None
    for key in value:
        if key not in TIMELINE_KEYS:
            check.warn(f"{field}.{key}", "unknown field (ignored)")
    subject = check.text(value, "subject")
    subject_zh = check.text(value, "subject_zh")
    as_of = check.day(value, "as_of")
    periods = [_period(item, f"{field}.periods[{i}]", check) for i, item in enumerate(value["periods"])]
    if any(p is None for p in periods):
        return None
    ordered = tuple(p for p in periods if p is not None)
    for i, (before, after) in enumerate(pairwise(ordered), start=1):
        if before.until is None or after.start is None or after.start <= before.until:
            check.error(f"{field}.periods[{i}]", "must start after the previous period's until")
    return Timeline(periods=ordered, subject=subject, subject_zh=subject_zh, as_of=as_of)


def read_timeline(value: object, file: str, field: str) -> tuple[Timeline | None, list[Problem]]:
    """`parse_timeline` for files outside the front matter (a glossary entry's status)."""
    check = _Checker(file)
    timeline = parse_timeline(value, check, field)
    return timeline, check.problems


def _period(item: object, where: str, check: _Checker) -> StatusPeriod | None:
    if not isinstance(item, dict):
        check.error(where, "must be a mapping with status, from, until, source, note")
        return None
    for key in item:
        if key not in PERIOD_KEYS:
            check.warn(f"{where}.{key}", "unknown field (ignored)")
    state = item.get("status")
    if state not in STATUS_STATES:
        check.error(f"{where}.status", f"must be one of {', '.join(STATUS_STATES)}, got {state!r}")
        return None
    start = parse_date(item.get("from"))
    if start is None:
        check.error(f"{where}.from", f"must be a date like 2026-06-12, got {item.get('from')!r}")
        return None
    until = parse_date(item.get("until")) if item.get("until") is not None else None
    if item.get("until") is not None and (until is None or until < start):
        check.error(f"{where}.until", "must be a date on or after from")
        return None
    scheduled = item.get("scheduled", False)
    if not isinstance(scheduled, bool):
        check.error(f"{where}.scheduled", "must be true or false")
        return None
    texts = {key: item.get(key, "") for key in ("source", "note")}
    if not all(isinstance(v, str) for v in texts.values()):
        check.error(where, "source and note must be text")
        return None
    return StatusPeriod(
        state=state,
        start=start,
        until=until,
        source=texts["source"].strip(),
        note=texts["note"].strip(),
        scheduled=scheduled,
    )


def recorded_status(timeline: Timeline) -> Status:
    """The timeline's last recorded (not scheduled) period as a single status, for code that reads one."""
    recorded = [p for p in timeline.periods if not p.scheduled] or list(timeline.periods)
    last = recorded[-1]
    return Status(state=last.state, date=last.start, until=last.until, note=last.note, as_of=timeline.as_of)


def _source_date(item: dict[str, Any], where: str, check: _Checker) -> date | None:
    """The publication date a source gives, or None when it gives none (`date: undated`).

    `accessed` is when we consulted the source; it is kept apart so a consulted date
    is never shown as the date a source was published.
    """
    raw = item.get("date")
    accessed = parse_date(item.get("accessed"))
    if item.get("accessed") is not None and accessed is None:
        check.error(f"{where}.accessed", f"not a date: {item.get('accessed')!r}")
    if raw == UNDATED:
        return None
    if raw is None:
        check.warn(f"{where}.date", f"missing; give the date the source states, or `date: {UNDATED}`")
        return None
    day = parse_date(raw)
    if day is None:
        check.error(f"{where}.date", f"not a date: {raw!r} (use YYYY-MM-DD or `{UNDATED}`)")
    elif day == accessed:
        check.warn(
            f"{where}.date",
            f"equals the date the source was consulted ({day}); give the date the source states, "
            f"or `date: {UNDATED}`",
        )
    return day


def _sources(value: object, check: _Checker) -> tuple[SourceRef, ...]:
    if value is None:
        check.error("sources", "missing (required): list each source with title, url and date")
        return ()
    if not isinstance(value, list) or not value:
        check.error("sources", "must be a non-empty list")
        return ()
    refs = []
    for i, item in enumerate(value):
        where = f"sources[{i}]"
        if not isinstance(item, dict):
            check.error(where, "must be a mapping with title, url, publisher, date")
            continue
        title = item.get("title")
        url = item.get("url")
        if not isinstance(title, str) or not title.strip():
            check.error(f"{where}.title", "missing")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            check.error(f"{where}.url", "missing or not an http(s) URL")
        day = _source_date(item, where, check)
        reliability = item.get("reliability", "")
        if reliability and reliability not in RELIABILITY:
            check.error(f"{where}.reliability", f"must be one of {', '.join(RELIABILITY)}")
        refs.append(
            SourceRef(
                title=str(title or ""),
                url=str(url or ""),
                publisher=str(item.get("publisher") or ""),
                date=day,
                reliability=str(reliability or ""),
            )
        )
    if refs and not any(r.url and r.date for r in refs):
        check.error("sources", "at least one source needs both a url and a date")
    return tuple(refs)
