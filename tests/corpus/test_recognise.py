"""Recognising official texts from titles, headings, URLs and printed headers."""

from __future__ import annotations

import pytest

from bot.corpus.recognise import from_header, from_title, from_url, recognise


@pytest.mark.parametrize(
    ("title", "citation", "name", "congress"),
    [
        ("S. 4281 - MATCH Act | Bill text", "S. 4281", "MATCH Act", ""),
        ("S 3519: Remote Access Security Act", "S. 3519", "Remote Access Security Act", ""),
        (
            "Text - H.R.2683 - 119th Congress (2025-2026): Remote Access Security Act | Congress.gov",
            "H.R. 2683",
            "Remote Access Security Act",
            "119",
        ),
        (
            "H.R. 2683 (IH) - Remote Access Security Act - Content Details - BILLS-119hr2683ih",
            "H.R. 2683",
            "Remote Access Security Act",
            "",
        ),
        ("S.4281 - MATCH Act 118th Congress (2023-2024)", "S. 4281", "MATCH Act", ""),
        ("H.Res. 12 \u2014 Honouring export officers", "H.Res. 12", "Honouring export officers", ""),
        ("S.J.Res. 7", "S.J.Res. 7", "", ""),
    ],
)
def test_bill_titles(title: str, citation: str, name: str, congress: str) -> None:
    found = from_title(title)
    assert found is not None and found.source_type == "bill"
    assert (found.citation, found.name, found.congress) == (citation, name, congress)


@pytest.mark.parametrize(
    "title",
    [
        "H.R. 2683 passes the House: what it means",
        "Senators debate chip rules",
        "Sanctions 2024 - an overview",
        "",
    ],
)
def test_titles_that_only_mention_a_bill_are_not_bills(title: str) -> None:
    found = from_title(title)
    assert found is None or found.source_type != "bill"


@pytest.mark.parametrize(
    ("title", "kind", "citation"),
    [
        ("eCFR :: 15 CFR 734.13 -- Export.", "regulation", "15 CFR 734.13"),
        ("15 CFR \u00a7 744.23 - Supercomputer end uses | LII", "regulation", "15 CFR 744.23"),
        ("eCFR :: 31 CFR Part 560 -- Iranian Transactions", "regulation", "31 CFR Part 560"),
        ("\u00a7 738.2 Commerce Control List (CCL) structure.", "regulation", "15 CFR 738.2"),
        ("Public Law 119-34", "statute", "Pub. L. 119-34"),
        ("Pub. L. 115\u2013232", "statute", "Pub. L. 115-232"),
    ],
)
def test_other_official_titles(title: str, kind: str, citation: str) -> None:
    found = from_title(title)
    assert found is not None and (found.source_type, found.citation) == (kind, citation)


@pytest.mark.parametrize(
    ("url", "kind", "citation"),
    [
        ("https://www.congress.gov/bill/119th-congress/house-bill/2683/text", "bill", "H.R. 2683"),
        ("https://www.congress.gov/bill/118th-congress/senate-joint-resolution/4", "bill", "S.J.Res. 4"),
        ("www.congress.gov-bill-119th-congress-senate-bill-3519-text.html", "bill", "S. 3519"),
        (
            "https://www.govinfo.gov/content/pkg/BILLS-119hr2683ih/html/BILLS-119hr2683ih.htm",
            "bill",
            "H.R. 2683",
        ),
        (
            "https://www.govinfo.gov/content/pkg/PLAW-119publ34/pdf/PLAW-119publ34.pdf",
            "statute",
            "Pub. L. 119-34",
        ),
        (
            "https://www.ecfr.gov/current/title-15/chapter-VII/subchapter-C/part-734/section-734.13",
            "regulation",
            "15 CFR 734.13",
        ),
        ("https://www.ecfr.gov/current/title-15/part-744", "regulation", "15 CFR Part 744"),
        ("www.ecfr.gov-current-title-15-part-744.html", "regulation", "15 CFR Part 744"),
        (
            "https://www.govinfo.gov/content/pkg/CFR-2024-title15-vol2/pdf/CFR-2024-title15-vol2-sec734-13.pdf",
            "regulation",
            "15 CFR 734.13",
        ),
        ("https://www.law.cornell.edu/cfr/text/15/772.1", "regulation", "15 CFR 772.1"),
        (
            "https://www.federalregister.gov/documents/2025/09/30/2025-19001/expansion-of-end-user-controls",
            "rule",
            "FR Doc. 2025-19001",
        ),
        ("https://www.federalregister.gov/d/2025-19846", "rule", "FR Doc. 2025-19846"),
        (
            "https://www.govinfo.gov/content/pkg/FR-2025-09-30/pdf/2025-19001.pdf",
            "rule",
            "FR Doc. 2025-19001",
        ),
    ],
)
def test_url_shapes(url: str, kind: str, citation: str) -> None:
    found = from_url(url)
    assert found is not None and (found.source_type, found.citation) == (kind, citation)


def test_an_fr_page_prefers_the_fr_citation_printed_on_it() -> None:
    found = from_url("https://www.federalregister.gov/d/2025-19001", "Document Citation: 90 FR 47201")
    assert found is not None and found.citation == "90 FR 47201"


def test_printed_headers() -> None:
    bill = from_header("119th CONGRESS\n  1st Session\n        H. R. 2683\n")
    assert bill is not None and (bill.citation, bill.congress) == ("H.R. 2683", "119")
    law = from_header("PUBLIC LAW 119\u201334\u2014DEC. 18, 2025")
    assert law is not None and law.citation == "Pub. L. 119-34"


def test_the_short_title_names_a_bill_that_has_only_a_number() -> None:
    text = "119th CONGRESS\n1st Session\nS. 3519\n\n"
    text += "This Act may be cited as the ``Remote Access Security Act''.\n"
    found = recognise("BILLS-119s3519is", "", text, [])
    assert found is not None and found.name == "Remote Access Security Act"


def test_urls_quoted_in_the_body_are_not_read() -> None:
    text = "See https://www.congress.gov/bill/118th-congress/senate-bill/4281 for the bill."
    assert recognise("Why the MATCH Act matters", "", text, []) is None
