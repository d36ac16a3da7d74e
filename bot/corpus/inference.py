"""Metadata for documents that carry no front matter, read from their own text.

Official texts arrive as they were published (or with a provenance comment
saying where they came from), so the source type, citation, URL and dates are
recognised from their titles and provenance rather than asked of a moderator.
"""

from __future__ import annotations

import re
from typing import Any

from bot.corpus.recognise import Official, recognise
from bot.corpus.references import FR_CITATION, FR_NUMBER
from bot.corpus.schema import parse_date
from bot.models import FrRef, Status

URL = re.compile(r"https?://[^\s<>()\"'|]+")
PUBLISHED = re.compile(r"published\s+(\d{4}-\d{2}-\d{2})")
BILL_FIELD = re.compile(
    r"^-\s*(Congress|Latest action|Introduced|Congress\.gov|Date accessed):\s*(.+)$", re.M
)
USC_CHAPTER = re.compile(r"CHAPTER\s+(\d+)", re.I)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def infer_metadata(
    name: str, title: str, text: str, provenance: str, url: str = "", header: str = ""
) -> dict[str, Any]:
    """Fields to set on a Document read from a file without front matter.

    `url` is the page's own address when it names one (an HTML canonical link); `header`
    the start of the whole page when the text is only its main part (a web page).
    """
    lowered = (name + " " + title).lower()
    heading = HEADING.search(text)
    own_urls = [u for u in (url, name, *URL.findall(provenance)) if u]
    official = recognise(title, heading.group(1) if heading else "", header or text, own_urls)
    if official and official.source_type == "bill":
        return _bill(official, title, text, url)
    fr = FR_CITATION.search(provenance)
    if fr:
        return _federal_register(fr, provenance)
    if official:
        fields = {
            "source_type": official.source_type,
            "citation": official.citation,
            "url": url or official.url,
        }
        return fields | ({"title": official.name} if official.name else {})
    if "ecfr" in lowered:
        return {"source_type": "regulation", "citation": "15 CFR", "url": _first_url(provenance)}
    if "u.s.c" in lowered or "usc" in lowered:
        chapter = USC_CHAPTER.search(title)
        title_no = re.search(r"usc(\d+)", name.lower())
        return {
            "source_type": "statute",
            "citation": f"{title_no.group(1) if title_no else '50'} U.S.C. "
            f"ch. {chapter.group(1) if chapter else ''}".strip(),
            "url": _first_url(provenance) or "https://uscode.house.gov/",
        }
    page = url or _first_url(provenance + "\n" + text)
    if "guidance" in lowered:
        return {"source_type": "guidance", "citation": title, "url": page}
    if "crs" in lowered or "gao" in lowered or "report" in lowered:
        return {"source_type": "analysis", "citation": title, "url": page}
    return {"source_type": "commentary", "citation": title, "url": page}


def _first_url(text: str) -> str:
    match = URL.search(text)
    return match.group(0).rstrip(".,;") if match else ""


def _bill(official: Official, title: str, text: str, url: str) -> dict[str, Any]:
    fields = {key.lower(): value.strip() for key, value in BILL_FIELD.findall(text)}
    congress = fields.get("congress", "").strip() or official.congress
    latest = fields.get("latest action", "")
    latest_date = parse_date(latest[:10])
    note = latest[10:].strip(" -:") if latest_date else latest
    return {
        "source_type": "bill",
        "title": f"{official.citation}: {official.name}" if official.name else title,
        "citation": official.citation + (f" ({congress}th)" if congress else ""),
        "url": fields.get("congress.gov", "") or url or official.url,
        "published": parse_date(fields.get("introduced", "")[:10]),
        "status": Status(
            state="proposed",
            date=latest_date,
            note=f"Latest action: {note}" if note else "",
            as_of=parse_date(fields.get("date accessed", "")[:10]),  # the bill data's own date
        ),
    }


def _federal_register(match: re.Match[str], provenance: str) -> dict[str, Any]:
    doc = FR_NUMBER.search(provenance)
    published = PUBLISHED.search(provenance)
    first = provenance.strip().splitlines()[0] if provenance.strip() else ""
    title = first.split(":", 1)[1].strip() if ":" in first else first
    fields: dict[str, Any] = {
        "source_type": "rule",
        "citation": FrRef(int(match.group(1)), int(match.group(2))).display(),
        "url": f"https://www.federalregister.gov/d/{doc.group(1)}" if doc else _first_url(provenance),
        "published": parse_date(published.group(1)) if published else None,
    }
    if title:
        fields["title"] = title
    return fields
