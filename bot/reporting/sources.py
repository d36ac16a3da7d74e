"""Which documents may be out of date: an old `as_of`, or a source that changed after it.

When a document's sources last changed is not known here; a sync step can record it in
`data/source-changes.json` (`{"doc-id": "2026-11-30", …}`, a date or an ISO time), and the
report compares it with the document's `as_of`. Without that file only `as_of` is checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.errors import ConfigError
from bot.models import Document
from bot.reporting.model import StaleDocument

CHANGES_FILE = "source-changes.json"


def read_source_changes(data_dir: Path) -> dict[str, date]:
    """Document id → the day its sources last changed, from `data_dir/source-changes.json`."""
    path = data_dir / CHANGES_FILE
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text("utf-8"))
        return {str(doc_id): _day(str(when)) for doc_id, when in dict(raw).items()}
    except (ValueError, TypeError) as exc:
        raise ConfigError(
            f"{path} should map document ids to dates (YYYY-MM-DD or ISO times): {exc}"
        ) from None


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


def _day(text: str) -> date:
    return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
