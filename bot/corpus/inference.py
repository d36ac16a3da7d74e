"""Metadata for documents that carry no front matter, read from their own text.

Official texts arrive as they were published (or with a provenance comment
saying where they came from), so the source type, citation, URL and dates are
recognised from their titles and provenance rather than asked of a moderator.
"""

from __future__ import annotations

import re
from typing import Any

from bot.corpus.schema import parse_date
from bot.models import Status

URL = re.compile(r"https?://[^\s<>()\"'|]+")
FR_CITATION = re.compile(r"Citation:\s*(\d+)\s+FR\s+(\d+)")
FR_DOC = re.compile(r"FR Doc\.\s*([0-9]{4}-[0-9]+)")
PUBLISHED = re.compile(r"published\s+(\d{4}-\d{2}-\d{2})")
BILL_TITLE = re.compile(r"^(H\.?\s?R\.?|S\.?|H\.?\s?Res\.?|S\.?\s?Res\.?)\s*(\d+)\s*:\s*(.+)$", re.I)
BILL_FIELD = re.compile(
    r"^-\s*(Congress|Latest action|Introduced|Congress\.gov|Date accessed):\s*(.+)$", re.M
)
CFR = re.compile(r"(\d+)\s+CFR", re.I)
USC_CHAPTER = re.compile(r"CHAPTER\s+(\d+)", re.I)
SECTION = re.compile(r"§\s*(\d{3}\.\d+)")
PART = re.compile(r"Part\s+(\d{3})", re.I)


def infer_metadata(name: str, title: str, text: str, provenance: str) -> dict[str, Any]:
    """Fields to set on a Document read from a file without front matter."""
    lowered = (name + " " + title).lower()
    bill = BILL_TITLE.match(title)
    if bill:
        return _bill(bill, text)
    fr = FR_CITATION.search(provenance)
    if fr:
        return _federal_register(fr, provenance)
    if CFR.search(title) or SECTION.search(title) or "ecfr" in lowered:
        return _regulation(title, provenance)
    if "u.s.c" in lowered or "usc" in lowered:
        chapter = USC_CHAPTER.search(title)
        title_no = re.search(r"usc(\d+)", name.lower())
        return {
            "source_type": "statute",
            "citation": f"{title_no.group(1) if title_no else '50'} U.S.C. "
            f"ch. {chapter.group(1) if chapter else ''}".strip(),
            "url": _first_url(provenance) or "https://uscode.house.gov/",
        }
    if "guidance" in lowered:
        return {"source_type": "guidance", "citation": title, "url": _first_url(provenance + "\n" + text)}
    if "crs" in lowered or "gao" in lowered or "report" in lowered:
        return {"source_type": "analysis", "citation": title, "url": _first_url(provenance + "\n" + text)}
    return {"source_type": "commentary", "citation": title, "url": _first_url(provenance + "\n" + text)}


def _regulation(title: str, provenance: str) -> dict[str, Any]:
    section = SECTION.search(title)
    part = PART.search(title)
    if section:
        citation = f"15 CFR {section.group(1)}"
        number = section.group(1).split(".")[0]
    else:
        number = part.group(1) if part else ""
        citation = f"15 CFR Part {number}" if number else "15 CFR"
    url = f"https://www.ecfr.gov/current/title-15/part-{number}" if number else ""
    return {"source_type": "regulation", "citation": citation, "url": url or _first_url(provenance)}


def _first_url(text: str) -> str:
    match = URL.search(text)
    return match.group(0).rstrip(".,;") if match else ""


def _bill(match: re.Match[str], text: str) -> dict[str, Any]:
    kind = re.sub(r"[\s.]", "", match.group(1)).upper()
    label = {"HR": "H.R.", "S": "S.", "HRES": "H.Res.", "SRES": "S.Res."}.get(kind, kind)
    fields = {key.lower(): value.strip() for key, value in BILL_FIELD.findall(text)}
    congress = fields.get("congress", "").strip()
    latest = fields.get("latest action", "")
    latest_date = parse_date(latest[:10])
    note = latest[10:].strip(" -:") if latest_date else latest
    return {
        "source_type": "bill",
        "title": f"{label} {match.group(2)}: {match.group(3).strip()}",
        "citation": f"{label} {match.group(2)}" + (f" ({congress}th)" if congress else ""),
        "url": fields.get("congress.gov", ""),
        "published": parse_date(fields.get("introduced", "")[:10]),
        "status": Status(
            state="proposed",
            date=latest_date,
            note=f"Latest action: {note}" if note else "",
            as_of=parse_date(fields.get("date accessed", "")[:10]),  # the bill data's own date
        ),
    }


def _federal_register(match: re.Match[str], provenance: str) -> dict[str, Any]:
    doc = FR_DOC.search(provenance)
    published = PUBLISHED.search(provenance)
    first = provenance.strip().splitlines()[0] if provenance.strip() else ""
    title = first.split(":", 1)[1].strip() if ":" in first else first
    fields: dict[str, Any] = {
        "source_type": "rule",
        "citation": f"{match.group(1)} FR {match.group(2)}",
        "url": f"https://www.federalregister.gov/d/{doc.group(1)}" if doc else _first_url(provenance),
        "published": parse_date(published.group(1)) if published else None,
    }
    if title:
        fields["title"] = title
    return fields
