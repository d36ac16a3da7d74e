"""Official references — CFR, U.S.C., Federal Register, bills — read from citations and URLs.

The one parser of these numbers. A document's citation and URL, a source's URL and a glossary
entry's citation are read here once, when they are loaded (`with_refs`, `entry_refs`); everything
after that (pinpoints, links, where to check a status, which synced source changed) reads the
typed `CfrRef`, `UscRef`, `FrRef` and `BillRef` of `bot.models` and never the text again.
`recognise` uses the same patterns to tell what a page is from its title and URL.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.models import BILL_TYPES, BillRef, CfrRef, Document, FrRef, OfficialRef, SourceRef, UscRef

SEP = r"[/-]"
DASH = r"[-\u2010-\u2015]"
ORDINAL = r"(?:st|nd|rd|th)"
PARAGRAPHS = re.compile(r"\(([A-Za-z0-9]{1,4})\)")
BILL_PAGES = {page: code for code, (_, page) in BILL_TYPES.items()}

NUM = r"\d{1,9}"  # every number read is at most nine digits, so int() takes any text it is in

# In citation text.
CFR = r"C\.?\s?F\.?\s?R\.?"
CFR_SECTION = re.compile(rf"({NUM})\s*{CFR}\s*(?:§+\s*)?({NUM})\.({NUM})", re.I)
CFR_PART = re.compile(rf"({NUM})\s*{CFR}\s*(?:Part|pt\.)\s*({NUM})", re.I)
FR_CITATION = re.compile(r"(?:Document\s+)?Citation:\s*(\d{1,9})\s+FR\s+(\d{1,9})", re.I)
FR_NUMBER = re.compile(r"(?:FR\s+Doc\.|Document\s+Number:?)\s*(\d{4}-\d{4,6})", re.I)
LABEL = (
    r"H\.?\s?J\.?\s?Res\.?|S\.?\s?J\.?\s?Res\.?|H\.?\s?Con\.?\s?Res\.?|S\.?\s?Con\.?\s?Res\.?"
    r"|H\.?\s?Res\.?|S\.?\s?Res\.?|H\.?\s?R\.?|S\.?"
)
PARAS = r"(?:\([A-Za-z0-9]{1,4}\))*"
CITED = re.compile(
    rf"(?<![\w.])(?:"
    rf"(?P<cfr_title>{NUM})\s*{CFR}"
    rf"(?:\s*(?:§+\s*)?(?P<cfr_part>{NUM})\.(?P<cfr_section>{NUM})(?P<cfr_paras>{PARAS})"
    rf"|\s*(?:[Pp]art\s*|pt\.\s*|\s)(?P<cfr_whole_part>{NUM})(?![.\d])|(?![A-Za-z]))"
    rf"|(?P<usc_title>{NUM})\s+U\.S\.C\."
    rf"(?:\s+(?:§+\s*)?(?P<usc_section>{NUM}[a-z]?)(?P<usc_paras>{PARAS}))?"
    rf"|(?P<fr_volume>{NUM})\s+FR\s+(?P<fr_page>{NUM})(?:\s*\(FR\s+Doc\.\s*(?P<fr_doc>[\w-]+)\))?"
    rf"|FR\s+Doc\.\s*(?P<fr_number>\d{{4}}-\d{{4,6}})"
    rf"|(?P<bill_label>{LABEL})\s?(?P<bill_number>{NUM})"
    rf"(?:\s*\((?P<bill_congress>{NUM}){ORDINAL}(?:\s+Congress)?\)"
    rf"|,\s*(?P<bill_cong>{NUM}){ORDINAL}\s+Cong\b)?"
    rf")"
)

# In URLs (also a saved file name, where `/` became `-`).
CONGRESS_GOV_BILL = re.compile(
    rf"congress\.gov{SEP}bill{SEP}({NUM}){ORDINAL}{SEP}congress{SEP}({'|'.join(BILL_PAGES)}){SEP}({NUM})",
    re.I,
)
GOVINFO_BILL = re.compile(
    rf"BILLS{DASH}({NUM})({'|'.join(sorted(BILL_TYPES, key=len, reverse=True))})({NUM})[a-z]*", re.I
)
ECFR_SECTION = re.compile(
    rf"ecfr\.gov{SEP}.*?title{DASH}({NUM}){SEP}(?:.*?{SEP})?section{DASH}({NUM})\.({NUM})", re.I
)
ECFR_PART = re.compile(rf"ecfr\.gov{SEP}.*?title{DASH}({NUM}){SEP}(?:.*?{SEP})?part{DASH}({NUM})", re.I)
GOVINFO_CFR = re.compile(r"CFR-\d{4}-title(\d{1,9})-vol\d+-(?:sec(\d{1,9})-(\d{1,9})|part(\d{1,9}))", re.I)
LII_CFR = re.compile(rf"law\.cornell\.edu{SEP}cfr{SEP}text{SEP}({NUM}){SEP}({NUM})(?:\.({NUM}))?", re.I)
FR_SITE = re.compile(
    rf"federalregister\.gov{SEP}(?:documents{SEP}\d{{4}}{SEP}\d{{2}}{SEP}\d{{2}}|d){SEP}(\d{{4}}-\d{{4,6}})",
    re.I,
)
GOVINFO_FR = re.compile(
    rf"govinfo\.gov{SEP}.*?FR-\d{{4}}-\d{{2}}-\d{{2}}{SEP}(?:.*?{SEP})?(\d{{4}}-\d{{4,6}})", re.I
)


def parse_refs(text: str) -> tuple[OfficialRef, ...]:
    """Every official reference a citation names, in the order it names them
    (`15 CFR 734.13(a), (b); 50 U.S.C. 4801(3)` → the CFR paragraph, then the U.S.C. one)."""
    return tuple(_ref(match) for match in CITED.finditer(text))


def opening_code(text: str) -> CfrRef | UscRef | None:
    """The CFR or U.S.C. reference a citation opens with: the text of a regulation or statute,
    whose section headings a pinpoint names (`15 CFR` → `15 CFR 734.13(b)`)."""
    match = CITED.match(text)
    ref = _ref(match) if match else None
    return ref if isinstance(ref, CfrRef | UscRef) else None


def ref_from_url(url: str) -> OfficialRef | None:
    """The official text a URL is the page of, whatever the site's URL style; None for any other
    page. A Federal Register page gives the document number only."""
    if match := CONGRESS_GOV_BILL.search(url):
        congress, page, number = match.groups()
        return BillRef(BILL_PAGES[page.lower()], int(number), int(congress))
    if match := GOVINFO_BILL.search(url):
        congress, code, number = match.groups()
        return BillRef(code.lower(), int(number), int(congress))
    if match := ECFR_SECTION.search(url):
        title, part, section = match.groups()
        return CfrRef(int(title), int(part), section)
    if match := ECFR_PART.search(url):
        return CfrRef(int(match.group(1)), int(match.group(2)))
    if match := GOVINFO_CFR.search(url):
        title, part, section, whole_part = match.groups()
        return CfrRef(int(title), int(part), section) if section else CfrRef(int(title), int(whole_part))
    if match := LII_CFR.search(url):
        title, part, section = match.groups()
        return CfrRef(int(title), int(part), section or "")
    if match := FR_SITE.search(url) or GOVINFO_FR.search(url):
        return FrRef(number=match.group(1))
    return None


def bill_type(label: str) -> str:
    """The Congress.gov type code of a bill label as `LABEL` matches it (`H. R.`, `HR`, `S.J.Res.`
    → `hr`, `hr`, `sjres`)."""
    return re.sub(r"[\s.]", "", label).lower()


def with_refs(document: Document) -> Document:
    """The document with its official references read from its citation, URL and sources' URLs:
    done once, where a document is loaded (from a knowledge file or from a built index)."""
    return replace(
        document,
        refs=parse_refs(document.citation),
        code=opening_code(document.citation),
        official=ref_from_url(document.url),
        sources=tuple(_source_with_ref(s) for s in document.sources),
    )


def _source_with_ref(source: SourceRef) -> SourceRef:
    return replace(source, official=ref_from_url(source.url))


def _ref(match: re.Match[str]) -> OfficialRef:
    found = match.groupdict()
    if found["cfr_title"]:
        title = int(found["cfr_title"])
        if found["cfr_part"]:
            paragraphs = tuple(PARAGRAPHS.findall(found["cfr_paras"]))
            return CfrRef(title, int(found["cfr_part"]), found["cfr_section"], paragraphs)
        return CfrRef(title, int(found["cfr_whole_part"])) if found["cfr_whole_part"] else CfrRef(title)
    if found["usc_title"]:
        paragraphs = tuple(PARAGRAPHS.findall(found["usc_paras"] or ""))
        return UscRef(int(found["usc_title"]), found["usc_section"] or "", paragraphs)
    if found["fr_volume"]:
        return FrRef(int(found["fr_volume"]), int(found["fr_page"]), found["fr_doc"] or "")
    if found["fr_number"]:
        return FrRef(number=found["fr_number"])
    congress = found["bill_congress"] or found["bill_cong"]
    return BillRef(
        bill_type(found["bill_label"]), int(found["bill_number"]), int(congress) if congress else None
    )


def ordinal(number: int) -> str:
    """A Congress as cited and in congress.gov paths: 119 → "119th", 121 → "121st"."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
