"""eCFR: which tracked sections changed (the versioner's version list), and their text.

`titles.json` says how far the title is up to date (`up_to_date_as_of`); no request ever asks
for a later date (eCFR answers 404). `versions/title-N.json?part=P` lists every section's
versions; a section's version id is its latest `amendment_date` on or before that date, so the
full text (`full/{date}/title-N.xml?part=P&section=S`) is fetched only when that id moved.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.sync.documents import SyncedDoc
from bot.sync.http import ApiClient, SourceFailure
from bot.sync.tracked import EcfrSource

SOURCE = "ecfr"
NAME = "eCFR"
TITLES = "api/versioner/v1/titles.json"


@dataclass(frozen=True)
class SectionVersion:
    """The newest version of one section the title is up to date for."""

    section: str
    part: int
    name: str
    amendment_date: date
    removed: bool

    @property
    def version(self) -> str:
        return self.amendment_date.isoformat()


def up_to_date_as_of(client: ApiClient, title: int) -> date:
    body = client.get_json(TITLES)
    for entry in _list(body, "titles"):
        if isinstance(entry, dict) and entry.get("number") == title:
            return _date(entry.get("up_to_date_as_of"), f"title {title} up_to_date_as_of")
    raise SourceFailure(f"malformed body from /{TITLES}: title {title} is not listed")


def latest_versions(client: ApiClient, title: int, part: int, as_of: date) -> dict[str, SectionVersion]:
    """Each section's newest version dated on or before `as_of`, by section number."""
    path = f"api/versioner/v1/versions/title-{title}.json"
    body = client.get_json(path, {"part": str(part)})
    latest: dict[str, SectionVersion] = {}
    for row in _list(body, "content_versions"):
        if not isinstance(row, dict) or row.get("type", "section") != "section":
            continue
        section = str(row.get("identifier") or "")
        amended = _date(row.get("amendment_date") or row.get("date"), f"{section} amendment_date")
        if not section or amended > as_of:
            continue
        seen = latest.get(section)
        if seen is None or amended >= seen.amendment_date:
            latest[section] = SectionVersion(
                section, part, str(row.get("name") or f"§ {section}"), amended, bool(row.get("removed"))
            )
    return latest


def section_text(client: ApiClient, title: int, version: SectionVersion, as_of: date) -> str:
    """The section's Markdown body as eCFR shows it on `as_of` (never a later date)."""
    path = f"api/versioner/v1/full/{as_of.isoformat()}/title-{title}.xml"
    xml = client.get_text(path, {"part": str(version.part), "section": version.section})
    return section_markdown(xml, version.section)


def section_markdown(xml: str, section: str) -> str:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise SourceFailure(f"malformed body for 15 CFR {section}: not XML ({exc})") from None
    node = next(
        (e for e in root.iter() if e.get("TYPE") == "SECTION" and e.get("N") == section),
        None,
    )
    if node is None:
        raise SourceFailure(f"malformed body for CFR section {section}: no SECTION element for it")
    head = _text(node.find("HEAD")) or f"§ {section}"
    blocks = [f"§ {head.removeprefix('§').strip()}"]
    for child in node:
        text = _text(child)
        if child.tag == "P" and text:
            blocks.append(text)
        elif child.tag == "CITA" and text:
            blocks.append(f"Source: {text.strip('[]')}")
    if len(blocks) == 1:
        raise SourceFailure(f"malformed body for CFR section {section}: the section has no text")
    return "\n\n".join(blocks) + "\n"


def to_document(title: int, version: SectionVersion, body: str, as_of: date) -> SyncedDoc:
    citation = f"{title} CFR {version.section}"
    slug = version.section.replace(".", "-")
    url = f"https://www.ecfr.gov/current/title-{title}/section-{version.section}"
    heading = version.name.removeprefix("§").strip()
    meta: dict[str, Any] = {
        "title": f"{title} CFR {heading}",
        "source_type": "regulation",
        "citation": citation,
        "url": url,
        "published": version.amendment_date,
        "as_of": as_of,
        "jurisdiction": "US",
        "legal_basis": "public",
        "status": {
            "state": "in_force",
            "date": version.amendment_date,
            "note": f"eCFR text as amended {version.version}.",
        },
        "lang": "en",
        "topics": ["ecfr", f"part-{version.part}", "synced"],
        "summary_zh": (
            f"《美国联邦法规》第{title}编第{version.section}节的官方文本（eCFR，{version.version} 修订版）。"
        ),
        "sources": [
            {
                "title": f"eCFR: {citation} as amended {version.version}",
                "url": f"https://www.ecfr.gov/on/{version.version}/title-{title}/section-{version.section}",
                "publisher": "Office of the Federal Register (eCFR)",
                "date": version.amendment_date,
                "reliability": "high",
            }
        ],
    }
    return SyncedDoc(
        SOURCE,
        citation,
        f"ecfr-{title}-cfr-{slug}",
        f"ecfr/ecfr-{title}-cfr-{slug}.md",
        version.version,
        version.amendment_date,
        meta,
        body,
    )


def tracked_sections(source: EcfrSource) -> list[tuple[int, str]]:
    return [(p.part, s) for p in source.parts for s in p.sections]


def _list(body: Any, key: str) -> list[Any]:
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, list):
        raise SourceFailure(f"malformed body from eCFR: no {key} list")
    return value


def _date(value: Any, what: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise SourceFailure(f"malformed body from eCFR: {what} is not a date ({value!r})") from None


def _text(node: ET.Element | None) -> str:
    return re.sub(r"\s+", " ", "".join(node.itertext())).strip() if node is not None else ""
