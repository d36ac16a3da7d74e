"""Federal Register: BIS documents published since a date, each new one fetched with its text.

The search (`documents.json`) is paged by `next_page_url` and sliced by publication date, since
the API caps how many results one search returns; a slice that still reports more than the cap
is halved. Each new document's JSON and plain text are fetched; a correction names, and links
to, the document it corrects (`correction_of`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from bot.corpus.webpage import html_to_text
from bot.sync.documents import SyncedDoc
from bot.sync.http import ApiClient, SourceFailure
from bot.sync.tracked import FederalRegisterSource

SOURCE = "federal_register"
NAME = "Federal Register"
SEARCH = "api/v1/documents.json"
RESULT_CAP = 10_000
FIELDS = (
    "document_number",
    "title",
    "type",
    "publication_date",
    "citation",
    "html_url",
    "correction_of",
)
DOC_NUMBER = re.compile(r"\b(\d{4}-\d{4,6})\b")
TYPES = {"Rule": "rule", "Proposed Rule": "rule", "Notice": "guidance"}


# What an FR document number looks like (2026-01001, E6-12345, C1-2026-01001, R1-…): it becomes a
# file name and a URL path, so a newline, slash or 300 characters from the API is a failure.
DOCUMENT_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}")


def slices(since: date, until: date, days: int) -> Iterator[tuple[date, date]]:
    """[since, until] cut into windows of at most `days` days, oldest first."""
    start = since
    while start <= until:
        end = min(start + timedelta(days=days - 1), until)
        yield start, end
        start = end + timedelta(days=1)


def listed(client: ApiClient, source: FederalRegisterSource, today: date) -> list[dict[str, Any]]:
    """Every document the search lists for the tracked agencies, newest first, no duplicates."""
    found: dict[str, dict[str, Any]] = {}
    windows = list(slices(source.since, today, source.slice_days))
    while windows:
        start, end = windows.pop(0)
        page = client.get_json(SEARCH, _params(source, start, end))
        count = page.get("count", 0) if isinstance(page, dict) else 0
        if isinstance(count, int) and count > RESULT_CAP and start < end:
            middle = start + (end - start) // 2
            windows[:0] = [(start, middle), (middle + timedelta(days=1), end)]
            continue
        for _ in range(RESULT_CAP // source.per_page + 1):
            for row in _results(page):
                found.setdefault(row["document_number"], row)
            following = page.get("next_page_url")
            if not following:
                break
            page = client.get_json(str(following))
        else:
            raise SourceFailure(f"malformed paging from /{SEARCH}: next_page_url never ends")
    return sorted(found.values(), key=lambda r: str(r.get("publication_date")), reverse=True)


def _params(source: FederalRegisterSource, start: date, end: date) -> list[tuple[str, str]]:
    params = [("conditions[agencies][]", slug) for slug in source.agencies]
    params += [
        ("conditions[publication_date][gte]", start.isoformat()),
        ("conditions[publication_date][lte]", end.isoformat()),
        *(("fields[]", f) for f in FIELDS),
        ("per_page", str(source.per_page)),
        ("order", "newest"),
    ]
    return params


def _results(page: Any) -> list[dict[str, Any]]:
    rows = page.get("results", []) if isinstance(page, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) and r.get("document_number") for r in rows):
        raise SourceFailure(f"malformed body from /{SEARCH}: results is not a list of documents")
    for row in rows:
        number = str(row["document_number"])
        if not DOCUMENT_NUMBER.fullmatch(number):
            raise SourceFailure(
                f"malformed body from /{SEARCH}: document number {number[:40]!r} is not like 2026-01001"
            )
    return rows


def fetch_document(client: ApiClient, number: str, dates: Mapping[str, str]) -> SyncedDoc:
    """One document's JSON and its text (plain text, else the HTML body), as a SyncedDoc;
    `dates` are the listed documents' publication dates, for the document a correction corrects."""
    detail = client.get_json(f"api/v1/documents/{number}.json")
    if not isinstance(detail, dict) or detail.get("document_number") != number:
        raise SourceFailure(f"malformed body for FR Doc. {number}: not that document's JSON")
    if detail.get("raw_text_url"):
        text = client.get_text(str(detail["raw_text_url"]))
    elif detail.get("body_html_url"):
        text = html_to_text(client.get_text(str(detail["body_html_url"])))[1]
    else:
        raise SourceFailure(f"malformed body for FR Doc. {number}: no raw_text_url or body_html_url")
    return to_document(detail, text, dates)


def corrected_number(detail: dict[str, Any]) -> str | None:
    """The document number a correction corrects (`correction_of` is a number or a URL)."""
    match = DOC_NUMBER.search(str(detail.get("correction_of") or ""))
    return match.group(1) if match else None


def to_document(detail: dict[str, Any], text: str, dates: Mapping[str, str]) -> SyncedDoc:
    number = str(detail["document_number"])
    published = _date(detail.get("publication_date"), number)
    citation = str(detail.get("citation") or f"FR Doc. {number}")
    url = f"https://www.federalregister.gov/d/{number}"
    kind = str(detail.get("type") or "Rule")
    title = str(detail.get("title") or f"FR Doc. {number}").strip()
    sources = [_source(f"{title} (FR Doc. {number})", url, published.isoformat())]
    lines = [f"# {title}", f"{kind}, {citation} (FR Doc. {number}), published {published.isoformat()}."]
    corrects = corrected_number(detail)
    if corrects:
        corrected_url = f"https://www.federalregister.gov/d/{corrects}"
        lines.append(f"This document corrects FR Doc. {corrects}: {corrected_url}")
        if corrects in dates:
            sources.append(
                _source(f"FR Doc. {corrects} (the corrected document)", corrected_url, dates[corrects])
            )
    if detail.get("abstract"):
        lines += ["## Summary", str(detail["abstract"]).strip()]
    lines += ["## Text", text.strip() or "(no text)"]
    meta: dict[str, Any] = {
        "title": title,
        "source_type": TYPES.get(kind, "rule"),
        "citation": f"{citation} (FR Doc. {number})",
        "url": url,
        "published": published,
        "as_of": published,
        "jurisdiction": "US",
        "legal_basis": "public",
        "lang": "en",
        "topics": ["federal-register", "bis", "synced", *(["correction"] if corrects else [])],
        "summary_zh": f"联邦公报 {citation}（FR Doc. {number}，{published.isoformat()} 发布）的官方文本。",
        "sources": sources,
    }
    return SyncedDoc(
        SOURCE,
        f"FR Doc. {number}",
        f"fr-{number}",
        f"federal-register/fr-{number}.md",
        f"{number}@{published.isoformat()}",
        published,
        meta,
        "\n\n".join(lines) + "\n",
    )


def _source(title: str, url: str, day: str) -> dict[str, str]:
    return {"title": title, "url": url, "publisher": "Federal Register", "date": day, "reliability": "high"}


def _date(value: Any, number: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise SourceFailure(f"malformed body for FR Doc. {number}: publication_date {value!r}") from None
