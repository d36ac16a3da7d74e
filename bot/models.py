"""The data shapes that flow from documents to answers; frozen so stages cannot mutate each other's output."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping, Sequence
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


# A bill's type as Congress.gov codes it → (its label in a citation, its page on congress.gov).
BILL_TYPES: dict[str, tuple[str, str]] = {
    "hr": ("H.R.", "house-bill"),
    "s": ("S.", "senate-bill"),
    "hres": ("H.Res.", "house-resolution"),
    "sres": ("S.Res.", "senate-resolution"),
    "hjres": ("H.J.Res.", "house-joint-resolution"),
    "sjres": ("S.J.Res.", "senate-joint-resolution"),
    "hconres": ("H.Con.Res.", "house-concurrent-resolution"),
    "sconres": ("S.Con.Res.", "senate-concurrent-resolution"),
}


def _marked(paragraphs: tuple[str, ...]) -> str:
    return "".join(f"({p})" for p in paragraphs)


@dataclass(frozen=True)
class CfrRef:
    """A Code of Federal Regulations reference: a whole title (`15 CFR`), a part (`15 CFR Part 744`)
    or a section (`734.13`: part 734, section "13") with its paragraph path (`(b)(1)`)."""

    title: int
    part: int | None = None
    section: str = ""
    paragraphs: tuple[str, ...] = ()

    def display(self) -> str:
        if self.part is None:
            return f"{self.title} CFR"
        if not self.section:
            return f"{self.title} CFR Part {self.part}"
        return f"{self.title} CFR {self.part}.{self.section}{_marked(self.paragraphs)}"

    def at(self, section: str, paragraphs: tuple[str, ...]) -> CfrRef | None:
        """The paragraph of this title a heading path names (`§ 734.13` › `(b)`); None when the
        heading's number is not a CFR section (`part.section`)."""
        part, dot, number = section.partition(".")
        return CfrRef(self.title, int(part), number, paragraphs) if dot and number else None


@dataclass(frozen=True)
class UscRef:
    """A United States Code reference: a title (`50 U.S.C.`) or a section with its paragraph path
    (`50 U.S.C. 4817(b)(1)`)."""

    title: int
    section: str = ""
    paragraphs: tuple[str, ...] = ()

    def display(self) -> str:
        if not self.section:
            return f"{self.title} U.S.C."
        return f"{self.title} U.S.C. {self.section}{_marked(self.paragraphs)}"

    def at(self, section: str, paragraphs: tuple[str, ...]) -> UscRef | None:
        """The paragraph of this title a heading path names (`§ 4817` › `(b)` › `(1)`)."""
        return UscRef(self.title, section, paragraphs)


@dataclass(frozen=True)
class FrRef:
    """A Federal Register document: where it is printed (volume and page, `90 FR 4544`) and its
    document number (`2025-00636`), either of which may be unknown."""

    volume: int | None = None
    page: int | None = None
    number: str = ""

    def display(self) -> str:
        if self.volume is not None and self.page is not None:
            return f"{self.volume} FR {self.page}"
        return f"FR Doc. {self.number}" if self.number else "Federal Register"


@dataclass(frozen=True)
class BillRef:
    """A bill or resolution: its type as Congress.gov codes it (`hr`, `s`, `hjres`, …), its number
    and, when known, its Congress."""

    type: str
    number: int
    congress: int | None = None

    def display(self) -> str:
        return f"{BILL_TYPES[self.type][0]} {self.number}"

    @property
    def page(self) -> str:
        """The bill type's path segment on congress.gov (`house-bill`)."""
        return BILL_TYPES[self.type][1]


OfficialRef = CfrRef | UscRef | FrRef | BillRef


@dataclass(frozen=True)
class SourceRef:
    title: str
    url: str
    publisher: str = ""
    date: date | None = None
    reliability: str = ""
    official: OfficialRef | None = None  # the official text its URL is the page of, read at load


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
    # Read once from `citation` and `url` when the document is loaded (`bot.corpus.references`):
    refs: tuple[OfficialRef, ...] = ()  # every official reference the citation names, in order
    code: CfrRef | UscRef | None = None  # the CFR or U.S.C. reference it opens with (for pinpoints)
    official: OfficialRef | None = None  # the official text its URL is the page of

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
    refs: tuple[OfficialRef, ...] = ()  # the official references `source` names, read at load


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
    refs: tuple[OfficialRef, ...] = ()  # the official references the pinpoint names

    @property
    def as_of(self) -> date | None:
        """The date the cited text is current as of (None for an undated source)."""
        return self.passage.document.current_as_of


@dataclass(frozen=True)
class Notice:
    code: str
    message: str


@dataclass(frozen=True)
class AnswerLine:
    """One line of an answer's text: quoted sentences with their `[n]` (or a framing line), or,
    with `original`, the exact English a translated sentence just above it rests on, which a
    front end may show in a quieter style (Discord subtext, dim in the terminal)."""

    text: str
    original: bool = False


def text_of(lines: Sequence[AnswerLine]) -> str:
    """An answer's plain text: its lines, one per line."""
    return "\n".join(line.text for line in lines)


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
    lines: tuple[AnswerLine, ...] = ()  # `text` line by line, for front ends; () for a decline

    def shown_lines(self) -> tuple[AnswerLine, ...]:
        """The lines to show: `lines` while they add up to `text`, else the whole text as one
        line (a decline has none, and a copy given another text no longer matches them)."""
        if self.lines and text_of(self.lines) == self.text:
            return self.lines
        return (AnswerLine(self.text),)

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
