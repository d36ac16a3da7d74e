"""Curated documents whose official sources changed after they were written.

A synced copy (a document with `fetched_at`, written by `basis sync`) carries the date its
official text last changed (`published`: the eCFR amendment date, the Federal Register
publication date, a bill's latest action). A curated document lists its sources by URL; when
one of them is a synced source that changed after the curated document's `as_of`, the
document is flagged: `basis kb check` warns and answers citing it carry a notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.models import BillRef, CfrRef, Document, FrRef, OfficialRef, Problem


@dataclass(frozen=True)
class SourceChange:
    """`citation` (a synced source of a curated document) changed on `changed_on`."""

    citation: str
    changed_on: date
    synced_path: str


def source_keys(ref: OfficialRef | None) -> tuple[str, ...]:
    """The keys an official source is known by (whatever URL style named it), most specific
    first. A synced section is found under its part too, so a document citing a whole part
    hears about its sections; a document citing one section hears only about that one."""
    if isinstance(ref, CfrRef) and ref.part is not None:
        part = f"ecfr:{ref.title}:part-{ref.part}"
        return (f"ecfr:{ref.title}:{ref.part}.{ref.section}", part) if ref.section else (part,)
    if isinstance(ref, FrRef) and ref.number:
        return (f"fr:{ref.number}",)
    if isinstance(ref, BillRef) and ref.congress is not None:
        return (f"bill:{ref.congress}:{ref.page}:{ref.number}",)
    return ()


def changed_sources(documents: Iterable[Document]) -> dict[str, tuple[SourceChange, ...]]:
    """Curated document id → the synced sources it lists that changed after its `as_of`."""
    docs = list(documents)
    synced: dict[str, list[Document]] = {}
    for doc in docs:
        if doc.fetched_at and doc.published:
            for key in source_keys(doc.official):
                synced.setdefault(key, []).append(doc)
    flags: dict[str, tuple[SourceChange, ...]] = {}
    if not synced:
        return flags
    for doc in docs:
        if doc.fetched_at or doc.as_of is None:
            continue
        wanted = {keys[0] for ref in doc.sources if (keys := source_keys(ref.official))}
        hits = {
            s.id: SourceChange(s.citation, s.published, s.path)
            for key in wanted
            for s in synced.get(key, ())
            if s.published and s.published > doc.as_of
        }
        if hits:
            flags[doc.id] = tuple(sorted(hits.values(), key=lambda c: (c.changed_on, c.citation)))
    return flags


def stale_problems(documents: Iterable[Document]) -> list[Problem]:
    """One `basis kb check` warning per curated document and changed source."""
    docs = list(documents)
    by_id = {d.id: d for d in docs}
    return [
        Problem(
            by_id[doc_id].path,
            "sources",
            f"the official text of {c.citation} changed on {c.changed_on.isoformat()}, after this "
            f"document's as_of {by_id[doc_id].as_of}; review it against {c.synced_path}",
            "warning",
        )
        for doc_id, changes in sorted(changed_sources(docs).items())
        for c in changes
    ]
