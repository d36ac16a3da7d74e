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

SEP = r"[/-]"
DASH = r"[-\u2010-\u2015]"
BILL_KINDS = {
    "house-bill": "H.R.",
    "senate-bill": "S.",
    "house-resolution": "H.Res.",
    "senate-resolution": "S.Res.",
    "house-joint-resolution": "H.J.Res.",
    "senate-joint-resolution": "S.J.Res.",
    "house-concurrent-resolution": "H.Con.Res.",
    "senate-concurrent-resolution": "S.Con.Res.",
}
BILL_CODES = {
    "hr": "H.R.",
    "s": "S.",
    "hres": "H.Res.",
    "sres": "S.Res.",
    "hjres": "H.J.Res.",
    "sjres": "S.J.Res.",
    "hconres": "H.Con.Res.",
    "sconres": "S.Con.Res.",
}
CONGRESS_GOV_BILL = re.compile(
    rf"congress\.gov{SEP}bill{SEP}(\d+)(?:st|nd|rd|th){SEP}congress{SEP}({'|'.join(BILL_KINDS)}){SEP}(\d+)",
    re.I,
)
GOVINFO_BILL = re.compile(
    rf"BILLS{DASH}(\d+)({'|'.join(sorted(BILL_CODES, key=len, reverse=True))})(\d+)[a-z]*", re.I
)
PUBLIC_LAW_URL = re.compile(r"PLAW-(\d+)publ(\d+)", re.I)
ECFR_SECTION = re.compile(
    rf"ecfr\.gov{SEP}.*?title{DASH}(\d+){SEP}(?:.*?{SEP})?section{DASH}(\d+\.\d+)", re.I
)
ECFR_PART = re.compile(rf"ecfr\.gov{SEP}.*?title{DASH}(\d+){SEP}(?:.*?{SEP})?part{DASH}(\d+)", re.I)
GOVINFO_CFR = re.compile(r"CFR-\d{4}-title(\d+)-vol\d+-(?:sec(\d+)-(\d+)|part(\d+))", re.I)
LII_CFR = re.compile(rf"law\.cornell\.edu{SEP}cfr{SEP}text{SEP}(\d+){SEP}(\d+)(?:\.(\d+))?", re.I)
FR_SITE = re.compile(
    rf"federalregister\.gov{SEP}(?:documents{SEP}\d{{4}}{SEP}\d{{2}}{SEP}\d{{2}}|d){SEP}(\d{{4}}-\d{{4,6}})",
    re.I,
)
GOVINFO_FR = re.compile(
    rf"govinfo\.gov{SEP}.*?FR-\d{{4}}-\d{{2}}-\d{{2}}{SEP}(?:.*?{SEP})?(\d{{4}}-\d{{4,6}})", re.I
)

LABEL = (
    r"H\.?\s?J\.?\s?Res\.?|S\.?\s?J\.?\s?Res\.?|H\.?\s?Con\.?\s?Res\.?|S\.?\s?Con\.?\s?Res\.?"
    r"|H\.?\s?Res\.?|S\.?\s?Res\.?|H\.?\s?R\.?|S\.?"
)
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
CFR_SECTION = re.compile(r"(\d+)\s*C\.?\s?F\.?\s?R\.?\s*(?:§+\s*)?(\d+)\.(\d+)", re.I)
CFR_PART = re.compile(r"(\d+)\s*C\.?\s?F\.?\s?R\.?\s*(?:Part|pt\.)\s*(\d+)", re.I)
EAR_SECTION = re.compile(r"§\s*(7[3-7]\d)\.(\d+)")
EAR_PART = re.compile(r"\bPart\s+(7[3-7]\d)\b", re.I)
SITE_SUFFIX = re.compile(r"\s+-\s+Content Details\b.*$", re.I)
FR_TITLE = re.compile(r"^Federal Register\s*::", re.I)
FR_CITATION = re.compile(r"(?:Document\s+)?Citation:\s*(\d+)\s+FR\s+(\d+)", re.I)
FR_NUMBER = re.compile(r"(?:FR\s+Doc\.|Document\s+Number:?)\s*(\d{4}-\d{4,6})", re.I)
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
    if found.source_type == "bill" and not found.url and found.congress:
        found = _bill(found.citation.split(" ")[0], found.citation.split(" ")[1], found.congress, found.name)
    return found


def from_url(url: str, header: str = "") -> Official | None:
    if match := CONGRESS_GOV_BILL.search(url):
        congress, kind, number = match.groups()
        return _bill(BILL_KINDS[kind.lower()], number, congress)
    if match := GOVINFO_BILL.search(url):
        congress, code, number = match.groups()
        return _bill(BILL_CODES[code.lower()], number, congress)
    if match := PUBLIC_LAW_URL.search(url):
        return _public_law(*match.groups())
    if match := ECFR_SECTION.search(url):
        return _cfr_section(match.group(1), *match.group(2).split("."))
    if match := ECFR_PART.search(url):
        return _cfr_part(*match.groups())
    if match := GOVINFO_CFR.search(url):
        title, part, section, whole_part = match.groups()
        return _cfr_section(title, part, section) if section else _cfr_part(title, whole_part)
    if match := LII_CFR.search(url):
        title, part, section = match.groups()
        return _cfr_section(title, part, section) if section else _cfr_part(title, part)
    if match := FR_SITE.search(url) or GOVINFO_FR.search(url):
        return _federal_register(match.group(1), header)
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
        return _bill(_label(match.group("label")), match.group("number"), match.group("congress") or "", name)
    if match := PUBLIC_LAW_TITLE.match(title):
        return _public_law(*match.groups())
    title = re.sub(r"^eCFR\s*::\s*", "", title, flags=re.I)
    if match := CFR_SECTION.search(title):
        return _cfr_section(*match.groups())
    if match := CFR_PART.search(title):
        return _cfr_part(*match.groups())
    if match := EAR_SECTION.search(title):
        return _cfr_section("15", *match.groups())
    if match := EAR_PART.search(title):
        return _cfr_part("15", match.group(1))
    return None


def from_header(header: str) -> Official | None:
    """The header printed at the top of an enrolled bill or a public law."""
    if match := BILL_HEADER.search(header):
        return _bill(_label(match.group("label")), match.group("number"), match.group(1))
    if match := PUBLIC_LAW_HEADER.search(header):
        return _public_law(*match.groups())
    return None


def _label(raw: str) -> str:
    code = re.sub(r"[\s.]", "", raw).lower()
    return BILL_CODES.get(code, raw)


def _bill(label: str, number: str, congress: str, name: str = "") -> Official:
    kind = next(k for k, v in BILL_KINDS.items() if v == label)
    url = f"https://www.congress.gov/bill/{_ordinal(congress)}-congress/{kind}/{number}" if congress else ""
    return Official("bill", f"{label} {number}", url, name, congress)


def _public_law(congress: str, number: str) -> Official:
    url = f"https://www.govinfo.gov/app/details/PLAW-{congress}publ{number}"
    return Official("statute", f"Pub. L. {congress}-{number}", url, congress=congress)


def _cfr_section(title: str, part: str, section: str) -> Official:
    url = f"https://www.ecfr.gov/current/title-{title}/section-{part}.{section}"
    return Official("regulation", f"{title} CFR {part}.{section}", url)


def _cfr_part(title: str, part: str) -> Official:
    return Official(
        "regulation", f"{title} CFR Part {part}", f"https://www.ecfr.gov/current/title-{title}/part-{part}"
    )


def _federal_register(number: str, header: str, name: str = "") -> Official:
    cited = FR_CITATION.search(header)
    if cited:
        citation = f"{cited.group(1)} FR {cited.group(2)}"
    else:
        citation = f"FR Doc. {number}" if number else "Federal Register"
    url = f"https://www.federalregister.gov/d/{number}" if number else ""
    return Official("rule", citation, url, name)


def _ordinal(number: str) -> str:
    value = int(number)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"
