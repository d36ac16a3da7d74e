"""Recognise an official text — bill, public law, CFR section or part, FR document — from what names it.

A page names itself in its URL (congress.gov, govinfo, ecfr.gov, federalregister.gov,
also as a saved file name where `/` became `-`), its title (`S. 4281 - MATCH Act |
Bill text`, `eCFR :: 15 CFR 734.13 -- Export.`, `Federal Register :: …`), its first
heading, or the header printed on the text itself (`119th CONGRESS 1st Session
H. R. 2683`, `PUBLIC LAW 119–34`). Only these are read, never URLs quoted in the
body: commentary that links a bill is not the bill.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.corpus.references import (
    CFR_PART,
    CFR_SECTION,
    DASH,
    FR_CITATION,
    FR_NUMBER,
    LABEL,
    bill_type,
    ordinal,
    ref_from_url,
)
from bot.models import BillRef, CfrRef, FrRef, OfficialRef

PUBLIC_LAW_URL = re.compile(r"PLAW-(\d+)publ(\d+)", re.I)

PAGE_TABS = (
    r"(?:Text|All Info|All Actions|Actions|Overview|Summary|Cosponsors|Committees|Related Bills"
    r"|Amendments|Titles|Subjects)"
)
BILL_TITLE = re.compile(
    rf"^(?:{PAGE_TABS}\s+{DASH}\s+)?(?P<label>{LABEL})\s*(?P<number>\d+)(?:\s*\([A-Z]{{2,3}}\))?"
    rf"(?:\s*{DASH}\s*(?P<congress>\d+)(?:st|nd|rd|th)\s+Congress(?:\s*\(\d{{4}}\s*{DASH}\s*\d{{4}}\))?)?"
    rf"\s*(?:(?::|\s{DASH}|{DASH}\s)\s*(?P<name>.+?))?\s*$",
    re.I,
)
TRAILING_CONGRESS = re.compile(
    rf"\s+\d+(?:st|nd|rd|th)\s+Congress(?:\s*\(\d{{4}}\s*{DASH}\s*\d{{4}}\))?\s*$", re.I
)
PUBLIC_LAW_TITLE = re.compile(
    rf"^(?:Public\s+Law|Pub\.\s?L\.?|P\.\s?L\.)\s*(?:No\.\s*)?(\d+)\s*{DASH}\s*(\d+)\b", re.I
)
EAR_SECTION = re.compile(r"§\s*(7[3-7]\d)\.(\d+)")
EAR_PART = re.compile(r"\bPart\s+(7[3-7]\d)\b", re.I)
SITE_SUFFIX = re.compile(r"\s+-\s+Content Details\b.*$", re.I)
FR_TITLE = re.compile(r"^Federal Register\s*::", re.I)
BILL_HEADER = re.compile(
    rf"(\d+)(?:st|nd|rd|th)\s+CONGRESS\s+\d+(?:st|nd|rd|th|d)\s+Session\s+(?P<label>{LABEL})\s*(?P<number>\d+)\b"
)
PUBLIC_LAW_HEADER = re.compile(rf"PUBLIC\s+LAW\s+(\d+)\s*{DASH}\s*(\d+)")
SHORT_TITLE = re.compile(r"may be cited as the\s+(?:``|\"|\u201c|')\s*(.+?)\s*(?:''|\"|\u201d|')", re.S)
HEADER_CHARS = 3000


@dataclass(frozen=True)
class Official:
    """What a page is: its source type, citation, and where the official copy lives."""

    source_type: str
    citation: str
    url: str = ""
    name: str = ""
    congress: str = ""
    ref: OfficialRef | None = None  # what `citation` displays; None for a public law


def recognise(title: str, heading: str, text: str, urls: list[str]) -> Official | None:
    """The official text a page is, from its own URLs, title, first heading or printed header.

    The first that names one decides what it is; the others that name the same text
    fill in what it lacks (a short title, the Congress, a link).
    """
    header = text[:HEADER_CHARS]
    candidates = [
        *(from_url(url, header) for url in urls),
        from_title(title, header),
        from_title(heading, header),
        from_url(title, header),
        from_header(header),
    ]
    named = [c for c in candidates if c is not None]
    if not named:
        return None
    found = named[0]
    for other in named[1:]:
        if (other.source_type, other.citation) == (found.source_type, found.citation):
            found = replace(
                found,
                name=found.name or other.name,
                congress=found.congress or other.congress,
                url=found.url or other.url,
            )
    if found.source_type == "bill" and not found.name and (short := SHORT_TITLE.search(header)):
        found = replace(found, name=short.group(1).strip())
    if isinstance(found.ref, BillRef) and not found.url and found.congress:
        found = _bill(replace(found.ref, congress=int(found.congress)), found.name)
    return found


def from_url(url: str, header: str = "") -> Official | None:
    if match := PUBLIC_LAW_URL.search(url):
        return _public_law(*match.groups())
    ref = ref_from_url(url)
    if isinstance(ref, BillRef):
        return _bill(ref)
    if isinstance(ref, CfrRef):
        return _cfr(ref)
    if isinstance(ref, FrRef):
        return _federal_register(ref.number, header)
    return None


def from_title(title: str, header: str = "") -> Official | None:
    """A title or heading; site names after ` | ` are dropped first."""
    title = SITE_SUFFIX.sub("", title.split(" | ")[0]).strip()
    if not title:
        return None
    if FR_TITLE.match(title):
        number = FR_NUMBER.search(header)
        return _federal_register(number.group(1) if number else "", header, FR_TITLE.sub("", title).strip())
    if match := BILL_TITLE.match(title):
        name = TRAILING_CONGRESS.sub("", match.group("name") or "").strip()
        congress = match.group("congress")
        ref = BillRef(
            bill_type(match.group("label")), int(match.group("number")), int(congress) if congress else None
        )
        return _bill(ref, name)
    if match := PUBLIC_LAW_TITLE.match(title):
        return _public_law(*match.groups())
    title = re.sub(r"^eCFR\s*::\s*", "", title, flags=re.I)
    if match := CFR_SECTION.search(title):
        title_no, part, section = match.groups()
        return _cfr(CfrRef(int(title_no), int(part), section))
    if match := CFR_PART.search(title):
        return _cfr(CfrRef(int(match.group(1)), int(match.group(2))))
    if match := EAR_SECTION.search(title):
        return _cfr(CfrRef(15, int(match.group(1)), match.group(2)))
    if match := EAR_PART.search(title):
        return _cfr(CfrRef(15, int(match.group(1))))
    return None


def from_header(header: str) -> Official | None:
    """The header printed at the top of an enrolled bill or a public law."""
    if match := BILL_HEADER.search(header):
        return _bill(
            BillRef(bill_type(match.group("label")), int(match.group("number")), int(match.group(1)))
        )
    if match := PUBLIC_LAW_HEADER.search(header):
        return _public_law(*match.groups())
    return None


def _bill(ref: BillRef, name: str = "") -> Official:
    congress = str(ref.congress) if ref.congress is not None else ""
    url = (
        f"https://www.congress.gov/bill/{ordinal(ref.congress)}-congress/{ref.page}/{ref.number}"
        if congress
        else ""
    )
    return Official("bill", ref.display(), url, name, congress, ref)


def _public_law(congress: str, number: str) -> Official:
    url = f"https://www.govinfo.gov/app/details/PLAW-{congress}publ{number}"
    return Official("statute", f"Pub. L. {congress}-{number}", url, congress=congress)


def _cfr(ref: CfrRef) -> Official:
    if ref.section:
        url = f"https://www.ecfr.gov/current/title-{ref.title}/section-{ref.part}.{ref.section}"
    else:
        url = f"https://www.ecfr.gov/current/title-{ref.title}/part-{ref.part}"
    return Official("regulation", ref.display(), url, ref=ref)


def _federal_register(number: str, header: str, name: str = "") -> Official:
    cited = FR_CITATION.search(header)
    ref = FrRef(int(cited.group(1)), int(cited.group(2)), number) if cited else FrRef(number=number)
    url = f"https://www.federalregister.gov/d/{number}" if number else ""
    return Official("rule", ref.display(), url, name, ref=ref)
