"""Statuses and dates described against today, so a lapsed status is never stated in the present tense.

Every status Basis shows — a cited rule's suspension, a bill's latest action, a glossary entry's
timeline in `/define` — is worded here by one function from the recorded timeline, the day the
record is current as of and `today` (passed in; the service owns the clock). A period whose end
has passed is told in the past tense, followed by what its source provides for next and where
to check; a bill of a Congress that has ended is labelled lapsed. Questions about the present
also get the newest date of the cited facts, and a stale notice past a setting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.answering.labels import message, state_label
from bot.corpus.references import ordinal
from bot.glossary import Glossary
from bot.models import (
    BillRef,
    CfrRef,
    Citation,
    Document,
    FrRef,
    Notice,
    OfficialRef,
    Status,
    StatusPeriod,
    Timeline,
    UscRef,
)
from bot.ranking.question import QuestionAnalysis

EVENT_STATES = ("rescinded", "superseded")  # happen on a day; never "since"


@dataclass(frozen=True)
class Tracked:
    """Something with a status: its timeline, its name when the timeline gives none, and the
    official references its citation names (where to check)."""

    timeline: Timeline
    name: str
    refs: tuple[OfficialRef, ...]
    titled: bool = False  # `name` is a document's title, which cannot be a sentence's subject

    @property
    def labelled(self) -> bool:
        """Whether the status reads as a label ("Status in “title”: rescinded on …") rather than
        a sentence about a subject: a title such as "The 2025 rule and its rescission" would
        make "… and its rescission was rescinded on …"."""
        return self.titled and not self.timeline.subject

    def subject(self, lang: str) -> str:
        """What the status is of, in the asker's language when the timeline says it in Chinese."""
        if lang == "zh" and self.timeline.subject_zh:
            return self.timeline.subject_zh
        return self.timeline.subject or self.name


def congress_end(number: int) -> date:
    """The day the `number`th Congress ends: noon, January 3 of year 1789 + 2N (the 119th: 2027-01-03)."""
    return date(1789 + 2 * number, 1, 3)


def congress_of(document: Document) -> int | None:
    """The Congress a bill belongs to, from the bills its citation and URL name ("119th Congress")."""
    named = (*document.refs, *((document.official,) if document.official else ()))
    numbers = [r.congress for r in named if isinstance(r, BillRef) and r.congress is not None]
    return max(numbers) if numbers else None


def where_to_check(refs: Iterable[OfficialRef], lang: str = "en") -> str | None:
    """The official place that carries the current text of what a citation names (its `refs`):
    eCFR for the CFR, congress.gov for a bill, federalregister.gov for a Federal Register document,
    the U.S. Code, in that order."""
    zh = lang == "zh"
    named = tuple(refs)
    if cfr := next((r for r in named if isinstance(r, CfrRef) and r.part is not None), None):
        section = f"{cfr.title} CFR {cfr.part}" + (f".{cfr.section}" if cfr.section else "")
        return f"eCFR（ecfr.gov）上的 {section}" if zh else f"{section} on eCFR (ecfr.gov)"
    if bill := next((r for r in named if isinstance(r, BillRef)), None):
        return f"Congress.gov 上的 {bill.display()}" if zh else f"{bill.display()} on Congress.gov"
    if any(isinstance(r, FrRef) and r.volume is not None for r in named):
        return "《联邦公报》（federalregister.gov）" if zh else "the Federal Register (federalregister.gov)"
    if any(isinstance(r, UscRef) for r in named):
        return "《美国法典》（uscode.house.gov）" if zh else "the U.S. Code (uscode.house.gov)"
    return None


def timeline_of(document: Document) -> Timeline | None:
    """The document's timeline; an old single `status` block is a timeline of one period."""
    if document.timeline is not None:
        return document.timeline
    if document.status is None:
        return None
    return single_period(document.status)


def single_period(status: Status) -> Timeline:
    period = StatusPeriod(state=status.state, start=status.date, until=status.until, note=status.note)
    return Timeline(periods=(period,), as_of=status.as_of)


def is_bill(document: Document) -> bool:
    return document.source_type == "bill" or (
        document.status is not None and document.status.state == "proposed"
    )


def document_status(document: Document, today: date, lang: str = "en") -> str | None:
    """The one sentence that states a document's status on `today`, or None when there is nothing to
    warn about (no status, or simply in force)."""
    if is_bill(document):
        return bill_status(document, document.status, today, lang) if document.status else None
    timeline = timeline_of(document)
    if timeline is None or not noteworthy(timeline):
        return None
    tracked = Tracked(timeline, document.title, document.refs, titled=True)
    return describe(tracked, today, document.as_of, lang)


def entry_status(tracked: Tracked | None, today: date, lang: str = "en") -> str | None:
    """A glossary entry's status sentence (for `/define` and for answers citing the entry)."""
    if tracked is None or not noteworthy(tracked.timeline):
        return None
    return describe(tracked, today, None, lang)


def define_status(glossary: Glossary, term: str, today: date) -> tuple[str, ...]:
    """A glossary entry's status on `today` for `/define`, in English and Chinese (empty when none)."""
    tracked = tracked_entry(glossary, term)
    lines = (entry_status(tracked, today, "en"), entry_status(tracked, today, "zh"))
    return tuple(line for line in lines if line)


def tracked_entry(glossary: Glossary, term: str) -> Tracked | None:
    entry = glossary.get(term) if term else None
    if entry is None or entry.timeline is None:
        return None
    return Tracked(entry.timeline, entry.term, entry.refs)


def noteworthy(timeline: Timeline) -> bool:
    """A status worth a warning: anything but a plain, open-ended "in force"."""
    only = timeline.periods[0]
    return len(timeline.periods) > 1 or only.state != "in_force" or only.until is not None


def describe(tracked: Tracked, today: date, default_as_of: date | None, lang: str = "en") -> str:
    """The status on `today`: present tense inside a recorded period (with its end date), past
    tense once it has ended, then what its source provides for next and where to check."""
    timeline = tracked.timeline
    as_of = timeline.as_of or default_as_of
    periods = timeline.periods
    recorded = [p for p in periods if not p.scheduled]
    current = next((p for p in reversed(recorded) if p.start is None or p.start <= today), None)
    form = "_label" if tracked.labelled else ""
    if current is None:  # nothing recorded has started yet
        first = periods[0]
        return _sentence([_period(f"period_future{form}", first, tracked.subject(lang), lang)], lang)
    following = [p for p in periods[periods.index(current) + 1 :] if p.scheduled]
    ongoing = current.until is None or today <= current.until
    if current.state in EVENT_STATES:
        parts = [_period(f"period_event{form}", current, tracked.subject(lang), lang)]
    elif ongoing:
        key = "period_present_until" if current.until else "period_present"
        parts = [_period(f"{key}{form}", current, tracked.subject(lang), lang)]
    else:
        parts = [_period(f"period_past{form}", current, tracked.subject(lang), lang)]
    if following:
        parts.append(_scheduled(following[0], current, periods, lang))
    if not ongoing:
        place = where_to_check(tracked.refs, lang) or message("official_sources", lang)
        change = message("change_extension" if current.state == "suspended" else "change_later", lang)
        key = "no_record" if as_of else "no_record_undated"
        parts.append(message(key, lang, as_of=as_of.isoformat() if as_of else "", change=change, place=place))
    return _sentence(parts, lang)


def bill_status(document: Document, status: Status, today: date, lang: str = "en") -> str:
    """ "Latest recorded action on DATE (data as of DATE)", or lapsed once its Congress has ended."""
    as_of = status.as_of or document.as_of
    data = message("bill_data", lang, as_of=as_of.isoformat()) if as_of else ""
    acted = status.date.isoformat() if status.date else "?"
    congress = congress_of(document)
    citation = document.citation or document.title
    if status.state == "proposed" and congress is not None and today >= congress_end(congress):
        number = str(congress) if lang == "zh" else ordinal(congress)
        end = congress_end(congress).isoformat()
        return message(
            "bill_lapsed", lang, citation=citation, congress=number, end=end, date=acted, data=data
        )
    return message("bill_action", lang, citation=citation, date=acted, data=data)


def status_notices(
    citations: tuple[Citation, ...], glossary: Glossary, today: date, lang: str
) -> list[Notice]:
    """One `status` notice per status history the cited documents and glossary entries state.

    A glossary entry and an explainer often record the same history (the affiliates rule's
    suspension); it is stated once, in the document's words, which name the text to check.
    """
    notices: list[Notice] = []
    seen: set[object] = set()
    for citation in sorted(citations, key=lambda c: bool(c.passage.chunk.term)):
        doc = citation.passage.document
        term = citation.passage.chunk.term
        tracked = tracked_entry(glossary, term) if term else None
        timeline = tracked.timeline if tracked else (None if term else timeline_of(doc))
        name = term or doc.title
        key = _history(timeline, name) if timeline and not is_bill(doc) else f"{doc.id}:{term}"
        if key in seen:
            continue
        seen.add(key)
        line = entry_status(tracked, today, lang) if term else document_status(doc, today, lang)
        if line:
            notices.append(Notice("status", line))
    return notices


def _history(timeline: Timeline, name: str) -> tuple[object, ...]:
    """What a timeline says, without its wording: its subject (else the name of what carries it)
    and its periods' states and dates."""
    periods = tuple((p.state, p.start, p.until, p.scheduled) for p in timeline.periods)
    return (timeline.subject or name, periods)


def currency_notices(
    analysis: QuestionAnalysis,
    citations: tuple[Citation, ...],
    glossary: Glossary,
    today: date,
    lang: str,
    stale_after_days: int,
) -> list[Notice]:
    """For a question about the present: the newest date of the cited facts, and a stale notice
    naming the official places to check when that date is more than `stale_after_days` old."""
    if not citations or not analysis.present:
        return []
    dates = [c.as_of for c in citations if c.as_of]
    dates += [t.timeline.as_of for t in _entries(citations, glossary) if t.timeline.as_of]
    if not dates:
        return []
    newest = max(dates)
    notices = [
        Notice("as_of", message("as_of_notice", lang, newest=newest.isoformat(), today=today.isoformat()))
    ]
    days = (today - newest).days
    if days > stale_after_days:
        places = _places((c.passage.document.refs for c in citations), lang)
        notices.append(Notice("stale", message("stale_notice", lang, days=str(days), places=places)))
    return notices


def _entries(citations: tuple[Citation, ...], glossary: Glossary) -> list[Tracked]:
    found = (tracked_entry(glossary, c.passage.chunk.term) for c in citations if c.passage.chunk.term)
    return [t for t in found if t is not None]


def _places(cited: Iterable[tuple[OfficialRef, ...]], lang: str) -> str:
    places = list(dict.fromkeys(p for p in (where_to_check(refs, lang) for refs in cited) if p))
    if not places:
        return message("official_sources", lang)
    return "、".join(places) if lang == "zh" else ", ".join(places)


def _period(key: str, period: StatusPeriod, subject: str, lang: str) -> str:
    source = (f"（{period.source}）" if lang == "zh" else f" ({period.source})") if period.source else ""
    return message(
        key,
        lang,
        subject=subject,
        state=state_label(period.state, lang),
        start=period.start.isoformat() if period.start else "?",
        until=period.until.isoformat() if period.until else "?",
        source=source,
    )


def _scheduled(
    period: StatusPeriod, after: StatusPeriod, periods: tuple[StatusPeriod, ...], lang: str
) -> str:
    earlier = periods[: periods.index(period)]
    again = message("again", lang) if any(p.state == period.state for p in earlier) else ""
    condition = message("unless_extended" if after.state == "suspended" else "unless_changed", lang)
    source = period.source or after.source
    return message(
        "scheduled",
        lang,
        source=message("same_source", lang) if source == after.source else source,
        state=state_label(period.state, lang),
        again=again,
        start=period.start.isoformat() if period.start else "?",
        condition=condition,
    )


def _sentence(parts: list[str], lang: str) -> str:
    return ("；".join(parts) + "。") if lang == "zh" else ("; ".join(parts) + ".")
