"""Official texts imported as pages are recognised as what they are (issue 11, item 1).

Each page in tests/fixtures/pages is shaped like the real one (title, canonical link,
navigation and footer, the header printed on the text) from congress.gov, govinfo,
ecfr.gov and federalregister.gov, or saved under the name a URL import gives it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.answering.labels import source_label
from bot.corpus.loaders import load_document

pytestmark = pytest.mark.faults
PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def _load(name: str, tmp_path: Path):
    shutil.copy(PAGES / name, tmp_path / name)
    doc, _ = load_document(tmp_path / name, tmp_path)
    return doc


@pytest.mark.parametrize(
    ("page", "title", "citation", "url"),
    [
        # The page of the report: `<title>S. 4281 - MATCH Act | Bill text</title>`, no canonical link.
        ("s4281-match-act.html", "S. 4281: MATCH Act", "S. 4281", ""),
        # congress.gov's own title shape, `Text - H.R.2683 - 119th Congress (2025-2026): …`.
        (
            "congress-hr2683-text.html",
            "H.R. 2683: Remote Access Security Act",
            "H.R. 2683 (119th)",
            "https://www.congress.gov/bill/119th-congress/house-bill/2683/text",
        ),
        # govinfo's HTML rendition: a package id as title, the bill's printed header as text.
        (
            "BILLS-119s3519is.htm",
            "S. 3519",
            "S. 3519 (119th)",
            "https://www.congress.gov/bill/119th-congress/senate-bill/3519",
        ),
    ],
)
def test_bill_pages_are_bills(tmp_path: Path, page: str, title: str, citation: str, url: str) -> None:
    doc = _load(page, tmp_path)
    assert doc.source_type == "bill"
    assert source_label("bill") != source_label("commentary")
    assert doc.title.startswith(title)
    assert doc.citation.startswith(citation)
    assert doc.status is not None and doc.status.state == "proposed"
    if url:
        assert doc.url == url


def test_the_reported_match_act_page_carries_its_congress_from_the_heading(tmp_path: Path) -> None:
    doc = _load("s4281-match-act.html", tmp_path)
    assert (doc.source_type, doc.citation) == ("bill", "S. 4281 (118th)")
    assert doc.url == "https://www.congress.gov/bill/118th-congress/senate-bill/4281"


@pytest.mark.parametrize("page", ["PLAW-119publ34.htm", "plaw-119-34.txt"])
def test_public_laws_are_statutes(tmp_path: Path, page: str) -> None:
    doc = _load(page, tmp_path)
    assert (doc.source_type, doc.citation) == ("statute", "Pub. L. 119-34")
    assert doc.url == "https://www.govinfo.gov/app/details/PLAW-119publ34"


@pytest.mark.parametrize(
    ("page", "citation", "url"),
    [
        (
            "ecfr-734-13.html",
            "15 CFR 734.13",
            "https://www.ecfr.gov/current/title-15/chapter-VII/subchapter-C/part-734/section-734.13",
        ),
        ("ecfr-part-744.html", "15 CFR Part 744", "https://www.ecfr.gov/current/title-15/part-744"),
    ],
)
def test_ecfr_pages_are_regulations(tmp_path: Path, page: str, citation: str, url: str) -> None:
    doc = _load(page, tmp_path)
    assert (doc.source_type, doc.citation, doc.url) == ("regulation", citation, url)


def test_a_federal_register_page_is_a_rule_with_its_fr_citation(tmp_path: Path) -> None:
    doc = _load("fr-2025-19001.html", tmp_path)
    assert (doc.source_type, doc.citation) == ("rule", "90 FR 47201")
    assert doc.title == "Expansion of End-User Controls To Cover Affiliates of Certain Listed Entities"
    assert doc.url.startswith("https://www.federalregister.gov/documents/2025/09/30/2025-19001/")


def test_a_page_saved_under_its_url_is_recognised_by_that_name(tmp_path: Path) -> None:
    doc = _load("www.federalregister.gov-d-2025-19846.html", tmp_path)
    assert (doc.source_type, doc.citation) == ("rule", "FR Doc. 2025-19846")
    assert doc.url == "https://www.federalregister.gov/d/2025-19846"


def test_commentary_that_links_a_bill_is_not_the_bill(tmp_path: Path) -> None:
    doc = _load("match-act-analysis.html", tmp_path)
    assert doc.source_type == "commentary"
