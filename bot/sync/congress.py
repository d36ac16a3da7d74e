"""Congress.gov: a tracked bill's latest action and its date become the bill's status document.

Needs an api.data.gov key (sent as the `X-Api-Key` header, so it never appears in a URL or a
log line); without one the source is skipped with one line saying so.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.corpus.references import ordinal
from bot.models import BillRef
from bot.sync.documents import SyncedDoc
from bot.sync.http import ApiClient, SourceFailure
from bot.sync.tracked import TrackedBill

SOURCE = "congress"
NAME = "Congress.gov"
NO_KEY = "skipped: no API key; set BASIS_CONGRESS_API_KEY (a free api.data.gov key) to sync bill status"
SHOWN_ACTIONS = 15


def citation(bill: TrackedBill) -> str:
    return f"{_ref(bill).display()} ({ordinal(bill.congress)} Congress)"


def _ref(bill: TrackedBill) -> BillRef:
    return BillRef(bill.type, bill.number, bill.congress)


def fetch_bill(client: ApiClient, bill: TrackedBill, today: date) -> SyncedDoc:
    path = f"v3/bill/{bill.congress}/{bill.type}/{bill.number}"
    data = client.get_json(path, {"format": "json"})
    info = data.get("bill") if isinstance(data, dict) else None
    if not isinstance(info, dict) or not isinstance(info.get("latestAction"), dict):
        raise SourceFailure(f"malformed body for {citation(bill)}: no bill.latestAction")
    actions = client.get_json(f"{path}/actions", {"format": "json", "limit": "250"})
    rows = actions.get("actions") if isinstance(actions, dict) else None
    if not isinstance(rows, list):
        raise SourceFailure(f"malformed body for {citation(bill)}: no actions list")
    return to_document(bill, info, [r for r in rows if isinstance(r, dict)], today)


def to_document(
    bill: TrackedBill, info: dict[str, Any], actions: list[dict[str, Any]], today: date
) -> SyncedDoc:
    cite = citation(bill)
    latest = info["latestAction"]
    acted = _date(latest.get("actionDate"), cite)
    text = str(latest.get("text") or "").strip()
    title = str(info.get("title") or cite).strip()
    url = f"https://www.congress.gov/bill/{ordinal(bill.congress)}-congress/{_ref(bill).page}/{bill.number}"
    law = text.startswith("Became Public Law")
    lines = [
        f"# {cite}: {title}",
        "## Latest action",
        f"Latest recorded action on {acted.isoformat()}: {text}",
        "## Actions",
        *(f"- {a.get('actionDate', '?')}: {str(a.get('text', '')).strip()}" for a in actions[:SHOWN_ACTIONS]),
    ]
    if len(actions) > SHOWN_ACTIONS:
        lines.append(f"({len(actions) - SHOWN_ACTIONS} earlier actions on Congress.gov.)")
    meta: dict[str, Any] = {
        "title": f"{cite}: {title}",
        "source_type": "statute" if law else "bill",
        "citation": cite,
        "url": url,
        "published": acted,
        "as_of": today,
        "jurisdiction": "US",
        "legal_basis": "public",
        "status": {
            "state": "in_force" if law else "proposed",
            "date": acted,
            "note": f"Latest recorded action on {acted.isoformat()}: {text}",
        },
        "lang": "en",
        "topics": ["bill", "congress", "synced"],
        "summary_zh": f"{cite}（{title}）的国会记录：最新行动日期 {acted.isoformat()}。",
        "sources": [
            {
                "title": f"{cite}: bill page and actions",
                "url": url,
                "publisher": "Congress.gov (Library of Congress)",
                "date": acted,
                "reliability": "high",
            }
        ],
    }
    slug = f"{bill.congress}-{bill.type}-{bill.number}"
    return SyncedDoc(
        SOURCE,
        cite,
        f"bill-{slug}",
        f"congress/bill-{slug}.md",
        f"{acted.isoformat()}:{text}",
        acted,
        meta,
        "\n\n".join(lines) + "\n",
    )


def _date(value: Any, cite: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise SourceFailure(f"malformed body for {cite}: actionDate {value!r}") from None
