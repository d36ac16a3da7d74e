"""Curated documents are flagged when a synced source they list changed after their as_of."""

from __future__ import annotations

from datetime import date

import pytest

from bot.corpus.references import ref_from_url, with_refs
from bot.corpus.source_changes import changed_sources, source_keys, stale_problems
from bot.models import Document, SourceRef


def _curated(doc_id: str, *urls: str, as_of: date = date(2026, 11, 27)) -> Document:
    refs = tuple(SourceRef(title=u, url=u, date=date(2024, 1, 1)) for u in urls)
    return with_refs(Document(doc_id, doc_id, "text", f"rules/{doc_id}.md", "0", as_of=as_of, sources=refs))


def _synced(doc_id: str, url: str, citation: str, published: date) -> Document:
    return with_refs(
        Document(
            doc_id,
            citation,
            "text",
            f"synced/{doc_id}.md",
            "0",
            "regulation",
            citation,
            url,
            published=published,
            as_of=published,
            fetched_at="2026-12-01T06:00:00+00:00",
        )
    )


@pytest.mark.parametrize(
    ("url", "keys"),
    [
        ("https://www.ecfr.gov/current/title-15/section-734.13", ("ecfr:15:734.13", "ecfr:15:part-734")),
        (
            "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744/section-744.22",
            ("ecfr:15:744.22", "ecfr:15:part-744"),
        ),
        ("https://www.ecfr.gov/current/title-15/part-740", ("ecfr:15:part-740",)),
        ("https://www.federalregister.gov/d/2025-19001", ("fr:2025-19001",)),
        ("https://www.federalregister.gov/documents/2025/09/30/2025-19001/expansion", ("fr:2025-19001",)),
        ("https://www.congress.gov/bill/119th-congress/house-bill/3447", ("bill:119:house-bill:3447",)),
        ("https://www.reuters.com/some-story", ()),
    ],
)
def test_source_keys_match_across_url_styles(url: str, keys: tuple[str, ...]) -> None:
    assert source_keys(ref_from_url(url)) == keys


def test_only_documents_listing_a_source_changed_after_their_as_of_are_flagged() -> None:
    new = _synced(
        "ecfr-15-cfr-734-13",
        "https://www.ecfr.gov/current/title-15/section-734.13",
        "15 CFR 734.13",
        date(2026, 11, 30),
    )
    old = _synced(
        "ecfr-15-cfr-734-15",
        "https://www.ecfr.gov/current/title-15/section-734.15",
        "15 CFR 734.15",
        date(2023, 9, 18),
    )
    docs = [
        new,
        old,
        _curated("cites-734-13", "https://www.ecfr.gov/current/title-15/subtitle-B/part-734/section-734.13"),
        _curated("cites-734-15", "https://www.ecfr.gov/current/title-15/section-734.15"),
        _curated("cites-part-734", "https://www.ecfr.gov/current/title-15/part-734"),
        _curated(
            "written-later", "https://www.ecfr.gov/current/title-15/section-734.13", as_of=date(2026, 12, 1)
        ),
    ]
    flags = changed_sources(docs)
    assert set(flags) == {"cites-734-13", "cites-part-734"}
    assert flags["cites-734-13"][0].citation == "15 CFR 734.13"
    assert flags["cites-734-13"][0].changed_on == date(2026, 11, 30)
    (problem,) = [p for p in stale_problems(docs) if p.file == "rules/cites-734-13.md"]
    assert problem.severity == "warning" and problem.field == "sources"
    assert "synced/ecfr-15-cfr-734-13.md" in problem.message


def test_without_synced_copies_nothing_is_flagged() -> None:
    assert changed_sources([_curated("a", "https://www.ecfr.gov/current/title-15/section-734.13")]) == {}
