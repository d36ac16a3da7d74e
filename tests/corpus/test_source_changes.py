"""Curated documents are flagged when a synced source they list changed after their as_of."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.corpus.references import ref_from_url, with_refs
from bot.corpus.source_changes import changed_sources, source_keys, stale_problems
from bot.models import BillRef, CfrRef, Document, FrRef, OfficialRef, SourceRef, UscRef


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


@pytest.mark.parametrize(
    ("ref", "keys"),
    [
        (CfrRef(15, 734, "13", ("b",)), ("ecfr:15:734.13", "ecfr:15:part-734")),  # a paragraph is its section
        (CfrRef(15, 740), ("ecfr:15:part-740",)),
        (CfrRef(15), ()),
        (FrRef(90, 47201, "2025-19001"), ("fr:2025-19001",)),
        (FrRef(90, 47201), ()),  # synced copies are known by their document number
        (BillRef("s", 1705, 119), ("bill:119:senate-bill:1705",)),
        (BillRef("s", 1705), ()),
        (UscRef(50, "4817"), ()),
        (None, ()),
    ],
)
def test_source_keys_of_typed_references(ref: OfficialRef | None, keys: tuple[str, ...]) -> None:
    assert source_keys(ref) == keys


def test_a_bill_source_named_by_govinfo_matches_its_synced_congress_gov_copy() -> None:
    synced = replace(
        _synced(
            "bill-119-s-1705",
            "https://www.congress.gov/bill/119th-congress/senate-bill/1705",
            "S. 1705",
            date(2026, 12, 1),
        ),
        source_type="bill",
    )
    curated = _curated(
        "chips", "https://www.govinfo.gov/content/pkg/BILLS-119s1705is/html/BILLS-119s1705is.htm"
    )
    assert curated.sources[0].official == BillRef("s", 1705, 119)
    assert set(changed_sources([synced, curated])) == {"chips"}
