"""Which documents may be out of date: an old `as_of`, or a source that changed after it.

When a document's sources last changed comes from `basis sync`'s copies (the same flags that
put "the official text changed" on answers); without synced copies only `as_of` is checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from bot.models import Document
from bot.reporting.model import StaleDocument


def stale_documents(
    documents: Iterable[Document], today: date, stale_days: int, changed: Mapping[str, date]
) -> list[StaleDocument]:
    """Documents to re-check, oldest `as_of` first (undated ones last)."""
    cutoff = today - timedelta(days=stale_days)
    found: list[StaleDocument] = []
    for doc in documents:
        if doc.source_type == "glossary":
            continue
        reasons = []
        source_changed = changed.get(doc.id)
        if doc.as_of is None:
            reasons.append("no as_of date")
        elif doc.as_of < cutoff:
            reasons.append(f"as_of older than {stale_days} days")
        if source_changed and (doc.as_of is None or source_changed > doc.as_of):
            reasons.append(f"source changed {source_changed.isoformat()}, after it was written")
        if reasons:
            found.append(StaleDocument(doc.id, doc.title, doc.as_of, source_changed, "; ".join(reasons)))
    return sorted(found, key=lambda s: (s.as_of is None, s.as_of or date.max, s.doc_id))
