"""The one parser of official references: citations and URLs in, typed values out, and each
value displayed exactly as the citation text Basis showed before it was typed."""

from __future__ import annotations

from datetime import date

import pytest

from bot.corpus.references import opening_code, parse_refs, ref_from_url, with_refs
from bot.models import BillRef, CfrRef, Document, FrRef, SourceRef, UscRef


@pytest.mark.parametrize(
    ("citation", "refs"),
    [
        ("15 CFR 744.22", (CfrRef(15, 744, "22"),)),
        ("15 CFR 734.3(b)(1)(i)", (CfrRef(15, 734, "3", ("b", "1", "i")),)),
        ("15 CFR 734.13(a)-(b)", (CfrRef(15, 734, "13", ("a",)),)),  # a range keeps its first paragraph
        ("15 C.F.R. § 734.13(b)", (CfrRef(15, 734, "13", ("b",)),)),
        ("15 CFR part 740", (CfrRef(15, 740),)),
        ("15 CFR 740", (CfrRef(15, 740),)),
        ("Supplement No. 4 to 15 CFR part 744", (CfrRef(15, 744),)),
        ("15 CFR", (CfrRef(15),)),  # a whole title: an official text recognised only by its code
        ("50 U.S.C. 4817(b)(1)", (UscRef(50, "4817", ("b", "1")),)),
        ("50 U.S.C. 4801-4852 (esp. 4811)", (UscRef(50, "4801"),)),
        ("50 U.S.C. ch. 58", (UscRef(50),)),
        ("90 FR 4544", (FrRef(90, 4544),)),
        ("90 FR 9604 (FR Doc. 2025-02655)", (FrRef(90, 9604, "2025-02655"),)),
        ("FR Doc. 2025-19846", (FrRef(number="2025-19846"),)),
        ("H.R. 3447 (119th Congress)", (BillRef("hr", 3447, 119),)),
        ("H.R. 9999 (119th)", (BillRef("hr", 9999, 119),)),
        ("S. 3519, 119th Cong., sec. 2(a)", (BillRef("s", 3519, 119),)),
        ("H.J.Res. 12", (BillRef("hjres", 12),)),
        (
            "15 CFR 744.6(c), 744.11(c); 50 U.S.C. 4813(a)(15); "
            "H.R. 2683, S. 3519 (119th Congress); 90 FR 47201",
            (
                CfrRef(15, 744, "6", ("c",)),
                UscRef(50, "4813", ("a", "15")),
                BillRef("hr", 2683),
                BillRef("s", 3519, 119),
                FrRef(90, 47201),
            ),
        ),
    ],
)
def test_a_citation_names_its_references_in_order(citation: str, refs: tuple[object, ...]) -> None:
    assert parse_refs(citation) == refs


@pytest.mark.parametrize(
    "citation",
    [
        "",
        "Basis glossary",
        "Anthropic statement, 2026-06-12; The Verge, 2026-06-17",
        "U.S. Const. art. I, sec. 7",  # "S. 7" inside "U.S." is no Senate bill
        "U.S. 2026 exports",
        "Pub. L. 119-34",  # a public law is not one of the typed references
        "ECCN 3A090; NIST SP 800-145",
        "CFR 734.13",  # no title
        "15CFRS 734",
        "1" * 5000 + " CFR 734.13",  # a number no int() of a citation should be asked to read
    ],
)
def test_text_that_names_no_reference_gives_none(citation: str) -> None:
    assert parse_refs(citation) == ()


@pytest.mark.parametrize(
    "shown",
    [
        "15 CFR 744.22",
        "15 CFR 734.13(a)(1)(ii)",
        "15 CFR Part 734",
        "15 CFR",
        "50 U.S.C. 4817(b)(1)",
        "50 U.S.C.",
        "90 FR 4544",
        "FR Doc. 2025-19846",
        "H.R. 2683",
        "S. 1705",
        "H.Con.Res. 3",
    ],
)
def test_display_gives_back_the_citation_it_was_read_from(shown: str) -> None:
    (ref,) = parse_refs(shown)
    assert ref.display() == shown


def test_display_of_what_only_a_url_or_header_names() -> None:
    assert FrRef().display() == "Federal Register"
    assert FrRef(90, 9604, "2025-02655").display() == "90 FR 9604"  # the printed place wins
    assert BillRef("sjres", 7, 119).display() == "S.J.Res. 7"
    assert BillRef("hr", 1).page == "house-bill"


def test_a_pinpoint_moves_a_code_reference_to_a_section_and_paragraph() -> None:
    assert CfrRef(15).at("734.13", ("b", "1")) == CfrRef(15, 734, "13", ("b", "1"))
    assert CfrRef(15, 744, "22").at("744.6", ()) == CfrRef(15, 744, "6")
    assert CfrRef(15).at("744", ("b",)) is None  # `§ 744` is no CFR section
    assert UscRef(50).at("4817", ("b",)) == UscRef(50, "4817", ("b",))


@pytest.mark.parametrize(
    ("citation", "code"),
    [
        ("15 CFR 744.22; 50 U.S.C. 4817(b)(1) (as reported)", CfrRef(15, 744, "22")),
        ("15 CFR", CfrRef(15)),
        ("50 U.S.C. ch. 58", UscRef(50)),
        ("ECCN 3A090 (Supp. No. 1 to 15 CFR part 774); 15 CFR 744.23", None),  # opens with no code
        ("90 FR 4544 (FR Doc. 2025-00636)", None),  # a rule is no code
        ("H.R. 3447 (119th Congress)", None),
    ],
)
def test_the_code_a_citation_opens_with(citation: str, code: object) -> None:
    assert opening_code(citation) == code


@pytest.mark.parametrize(
    ("url", "ref"),
    [
        ("https://www.ecfr.gov/current/title-15/section-734.13", CfrRef(15, 734, "13")),
        ("https://www.ecfr.gov/current/title-15/subtitle-B/part-744/section-744.22", CfrRef(15, 744, "22")),
        ("https://www.ecfr.gov/current/title-15/part-740", CfrRef(15, 740)),
        ("https://www.law.cornell.edu/cfr/text/15/772.1", CfrRef(15, 772, "1")),
        ("https://www.federalregister.gov/d/2025-19001", FrRef(number="2025-19001")),
        ("https://www.congress.gov/bill/119th-congress/senate-bill/1705", BillRef("s", 1705, 119)),
        (
            "https://www.govinfo.gov/content/pkg/BILLS-119hr2683ih/html/BILLS-119hr2683ih.htm",
            BillRef("hr", 2683, 119),
        ),
        ("https://www.reuters.com/some-story", None),
        ("https://www.ecfr.gov/current/title-15/section-" + "7" * 5000 + ".1", None),
        ("https://www.congress.gov/bill/" + "1" * 5000 + "th-congress/house-bill/5", None),  # raised before
        ("", None),
    ],
)
def test_a_url_names_the_official_text_it_is_the_page_of(url: str, ref: object) -> None:
    assert ref_from_url(url) == ref


def test_with_refs_reads_citation_url_and_sources_once() -> None:
    doc = with_refs(
        Document(
            "d",
            "A rule",
            "Text.",
            "d.md",
            "0",
            citation="15 CFR 744.11(a)(1); 90 FR 47201",
            url="https://www.ecfr.gov/current/title-15/section-744.11",
            sources=(
                SourceRef("FR", "https://www.federalregister.gov/d/2025-19001", date=date(2025, 9, 30)),
            ),
        )
    )
    assert doc.refs == (CfrRef(15, 744, "11", ("a", "1")), FrRef(90, 47201))
    assert doc.code == CfrRef(15, 744, "11", ("a", "1"))
    assert doc.official == CfrRef(15, 744, "11")
    assert doc.sources[0].official == FrRef(number="2025-19001")
    assert with_refs(doc) == doc  # reading again finds the same
