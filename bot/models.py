"""The data shapes that flow from documents to answers; frozen so stages cannot mutate each other's output."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

SourceType = Literal[
    "statute",
    "regulation",
    "rule",
    "guidance",
    "bill",
    "reporting",
    "analysis",
    "commentary",
    "explainer",
    "glossary",
]
SOURCE_TYPES: tuple[str, ...] = SourceType.__args__  # type: ignore[attr-defined]
LegalBasis = Literal["public", "not_public", "disputed"]
StatusState = Literal["in_force", "suspended", "rescinded", "superseded", "proposed"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a knowledge file, reported as `file: field: message`."""

    file: str
    field: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


@dataclass(frozen=True)
class SourceRef:
    title: str
    url: str
    publisher: str = ""
    date: date | None = None
    reliability: str = ""


@dataclass(frozen=True)
class Status:
    """The single recorded status of a rule or bill; `as_of` is the date that record is current as of
    (a bill's data date), when it differs from the document's own `as_of`."""

    state: StatusState
    date: date | None = None
    until: date | None = None
    note: str = ""
    as_of: date | None = None


@dataclass(frozen=True)
class StatusPeriod:
    """One stretch of a status timeline. `scheduled` marks a period the source provides for in
    advance (e.g. provisions restored when a suspension ends), not one recorded as having happened."""

    state: StatusState
    start: date | None = None
    until: date | None = None
    source: str = ""
    note: str = ""
    scheduled: bool = False


@dataclass(frozen=True)
class Timeline:
    """A status history in date order, what it is the status of, and the date it is current as of."""

    periods: tuple[StatusPeriod, ...]
    subject: str = ""
    subject_zh: str = ""
    as_of: date | None = None


def twin_key(sentence: str) -> str:
    """The id that aligns an English sentence with its Chinese twin: a hash of its words, so a
    reworded sentence loses its twin (and `basis kb check` says so) instead of keeping a stale one."""
    words = re.sub(r"\s+", " ", sentence).strip()
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str
    path: str
    sha256: str
    source_type: str = "explainer"
    citation: str = ""
    url: str = ""
    published: date | None = None
    as_of: date | None = None
    jurisdiction: str = "US"
    legal_basis: str | None = None
    status: Status | None = None
    timeline: Timeline | None = None
    lang: str = "en"
    topics: tuple[str, ...] = ()
    summary_zh: str = ""
    sources: tuple[SourceRef, ...] = ()
    provenance: str = ""
    fetched_at: str = ""  # set only on a copy written by `basis sync` (ISO time of the fetch)
    version: str = ""  # the official source's version id, for synced copies
    # Reviewed Chinese twins of quotable sentences: (twin_key(English sentence), Chinese sentence).
    twins: tuple[tuple[str, str], ...] = ()

    def twin(self, sentence: str) -> str | None:
        """The reviewed Chinese twin of one of this document's sentences, if the writers gave one."""
        key = twin_key(sentence)
        return next((zh for k, zh in self.twins if k == key), None)

    @property
    def current_as_of(self) -> date | None:
        """The date this text is current as of: a bill's data date, an explainer's or a synced
        version's `as_of`, else the publication date (rules, articles); None when undated."""
        if self.status is not None and self.status.as_of is not None:
            return self.status.as_of
        return self.as_of or self.published


@dataclass(frozen=True)
class Anchor:
    """Where a paragraph starts in its chunk's text, and that paragraph's heading path."""

    offset: int
    path: str


@dataclass(frozen=True)
class Chunk:
    """A stretch of one document section; `term` and `source` are set only for a glossary entry."""

    id: str
    doc_id: str
    heading: str
    text: str
    start: int
    end: int
    tokens: int
    anchors: tuple[Anchor, ...] = ()
    term: str = ""
    source: str = ""


@dataclass(frozen=True)
class Passage:
    chunk: Chunk
    document: Document
    rank: int
    score: float
    dense: float | None = None
    lexical: float | None = None


@dataclass(frozen=True)
class Citation:
    n: int
    passage: Passage
    pinpoint: str
    quote: str
    # Other passages quoted under the same number (another chunk of the same section), with
    # their quotes, so "Show passages" shows every passage the number stands for.
    more: tuple[tuple[Passage, str], ...] = ()

    @property
    def as_of(self) -> date | None:
        """The date the cited text is current as of (None for an undated source)."""
        return self.passage.document.current_as_of


@dataclass(frozen=True)
class Notice:
    code: str
    message: str


@dataclass(frozen=True)
class Answer:
    id: str
    question: str
    text: str
    mode: Literal["extractive", "llm", "abstained"]
    lang: str
    citations: tuple[Citation, ...] = ()
    warnings: tuple[Notice, ...] = ()
    suggestions: tuple[str, ...] = ()
    terms: tuple[tuple[str, str], ...] = ()
    footer: str = ""
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    decline: str = ""  # why it was declined: "request", "uncovered" or "scope"; "" when answered
    passages: tuple[Passage, ...] = ()  # the retrieved passages it was composed from, best first
    index_build: str = ""  # the published index build it was answered from (its folder name)

    @property
    def abstained(self) -> bool:
        """True when Basis declined to answer; `mode` is the one source of truth."""
        return self.mode == "abstained"


INTENT = "intent"  # the outcome of the audit line written before a knowledge-base change is made


@dataclass(frozen=True)
class AuditRecord:
    """Who changed (or read) what in the knowledge base, and when; one line of the audit trail."""

    action: str
    target: str
    actor: str
    sha256: str
    at: str
    source_url: str = ""
    change: str = ""  # links a change's intent line to its outcome line


def record(action: str, target: str, actor: str, sha256: str, source_url: str = "") -> AuditRecord:
    return AuditRecord(
        action,
        target,
        actor,
        sha256,
        datetime.now(UTC).isoformat(timespec="seconds"),
        source_url,
        uuid.uuid4().hex,
    )
