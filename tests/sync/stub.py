"""A stub of the eCFR, Federal Register and Congress.gov APIs on 127.0.0.1, shaped like the real ones.

Responses follow the APIs' documentation (field names, paging, error bodies), kept small. The
data is mutable so a test can amend a section, and `fail` forces a failure on a path prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.helpers import Request, Response

KEY = "test-congress-key"
AGENCY = "industry-and-security-bureau"


def section_xml(section: str, heading: str, paragraphs: list[str], cita: str) -> str:
    body = "".join(f"<P>{p}</P>" for p in paragraphs)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<DIV8 N="{section}" NODE="15:2.1.3.4.21.0.1.{section}" '
        f'TYPE="SECTION"><HEAD>§ {section} {heading}</HEAD>{body}<CITA TYPE="N">[{cita}]</CITA></DIV8>'
    )


def version(section: str, part: str, name: str, amended: str, removed: bool = False) -> dict[str, Any]:
    return {
        "date": amended,
        "amendment_date": amended,
        "issue_date": amended,
        "identifier": section,
        "name": f"§ {section} {name}",
        "part": part,
        "substantive": True,
        "removed": removed,
        "subpart": None,
        "title": "15",
        "type": "section",
    }


def fr_doc(number: str, title: str, day: str, page: int, correction_of: str | None = None) -> dict[str, Any]:
    return {
        "document_number": number,
        "title": title,
        "type": "Rule",
        "abstract": f"BIS amends the Export Administration Regulations ({title.lower()}).",
        "publication_date": day,
        "citation": f"91 FR {page}",
        "html_url": f"https://www.federalregister.gov/documents/{day.replace('-', '/')}/{number}/x",
        "correction_of": correction_of,
        "agencies": [{"name": "Industry and Security Bureau", "slug": AGENCY}],
    }


@dataclass
class ApiStub:
    """State of the three fake APIs; `handle` answers one request like the real service would."""

    base: str = ""
    up_to_date_as_of: str = "2026-11-27"
    versions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    documents: list[dict[str, Any]] = field(default_factory=list)
    texts_fr: dict[str, str] = field(default_factory=dict)
    bills: dict[str, dict[str, Any]] = field(default_factory=dict)
    actions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    fail: dict[str, Response] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    @classmethod
    def default(cls) -> ApiStub:
        stub = cls()
        stub.versions = {
            "734": [
                version("734.13", "734", "Export.", "2016-06-03"),
                version("734.13", "734", "Export.", "2023-09-18"),
                version("734.15", "734", "Release.", "2023-09-18"),
                version("734.15", "734", "Release.", "2026-12-15"),  # scheduled, past up_to_date_as_of
            ],
            "744": [version("744.11", "744", "License requirements for entities.", "2025-09-30")],
        }
        stub.texts = {
            "734.13": section_xml(
                "734.13",
                "Export.",
                [
                    "(a) Except as set forth in §§ 734.17 and 734.18, export means:",
                    "(1) An actual shipment or transmission out of the United States of an item.",
                    "(2) Releasing or otherwise transferring technology or source code to a foreign "
                    "person in the United States (a <I>deemed export</I>).",
                    "(b) Any release in the United States of technology or source code to a foreign "
                    "person is a deemed export to the foreign person's most recent country of citizenship.",
                ],
                "81 FR 35603, June 3, 2016",
            ),
            "734.15": section_xml(
                "734.15",
                "Release.",
                ["(a) Technology and software are released through visual or other inspection."],
                "81 FR 35606, June 3, 2016",
            ),
            "744.11": section_xml(
                "744.11",
                "License requirements for entities.",
                ["(a) A license is required for items subject to the EAR when a listed entity is a party."],
                "90 FR 47201, Sept. 30, 2025",
            ),
        }
        stub.documents = [
            fr_doc("2026-01001", "Revisions to the Entity List", "2026-01-15", 2001),
            fr_doc("2026-09002", "Export Controls on Quantum Items", "2026-05-01", 9002),
            fr_doc(
                "2026-17003", "Revisions to the Entity List; Correction", "2026-09-10", 17003, "2026-01001"
            ),
        ]
        stub.texts_fr = {
            d["document_number"]: f"{d['title']}. The rule text in plain form." for d in stub.documents
        }
        stub.bills = {
            "119/hr/3447": {
                "congress": 119,
                "type": "HR",
                "number": "3447",
                "title": "Chip Security Act",
                "introducedDate": "2025-05-15",
                "originChamber": "House",
                "latestAction": {
                    "actionDate": "2026-03-26",
                    "text": "Ordered to be Reported (Amended) by the Yeas and Nays: 42 - 0.",
                },
                "updateDate": "2026-04-02T08:00:00Z",
            }
        }
        stub.actions = {
            "119/hr/3447": [
                {
                    "actionDate": "2026-03-26",
                    "text": "Ordered to be Reported (Amended) by the Yeas and Nays: 42 - 0.",
                    "type": "Committee",
                },
                {
                    "actionDate": "2025-05-15",
                    "text": "Referred to the House Committee on Foreign Affairs.",
                    "type": "IntroReferral",
                },
            ]
        }
        return stub

    def amend_734_13(self, day: str = "2026-11-30") -> None:
        """A new version of § 734.13 on `day`, with new wording in paragraph (b)."""
        self.up_to_date_as_of = day
        self.versions["734"].append(version("734.13", "734", "Export.", day))
        self.texts["734.13"] = self.texts["734.13"].replace(
            "most recent country of citizenship.",
            "most recent country of citizenship, including any release of quantum lattice keys.",
        )

    def publish_fr(self) -> None:
        """A new BIS document in the Federal Register."""
        doc = fr_doc("2026-22004", "Additions to the Entity List", "2026-11-20", 22004)
        self.documents.append(doc)
        self.texts_fr[doc["document_number"]] = "Additions to the Entity List. Rule text."

    def act_on_bill(self) -> None:
        """A later action on H.R. 3447."""
        action = {"actionDate": "2026-11-30", "text": "Passed/agreed to in House.", "type": "Floor"}
        self.bills["119/hr/3447"]["latestAction"] = action
        self.actions["119/hr/3447"].insert(0, action)

    # The server side.

    def handle(self, request: Request) -> Response:
        url = urlsplit(request.path)
        query = parse_qs(url.query)
        self.requests.append(request.path)
        for prefix, response in self.fail.items():
            if url.path.startswith(prefix):
                return response
        path = url.path
        if path == "/api/versioner/v1/titles.json":
            return Response.json(
                {
                    "titles": [
                        {
                            "number": 15,
                            "name": "Commerce and Foreign Trade",
                            "up_to_date_as_of": self.up_to_date_as_of,
                            "reserved": False,
                        }
                    ],
                    "meta": {"date": self.up_to_date_as_of},
                }
            )
        if path == "/api/versioner/v1/versions/title-15.json":
            rows = self.versions.get(query.get("part", [""])[0], [])
            return Response.json(
                {"content_versions": rows, "meta": {"title": "15", "result_count": len(rows)}}
            )
        if path.startswith("/api/versioner/v1/full/"):
            day = path.split("/")[5]
            if day > self.up_to_date_as_of:
                return Response.json({"error": f"The date {day} is after the title's up-to-date date."}, 404)
            xml = self.texts.get(query.get("section", [""])[0])
            return Response(200, xml.encode(), {"Content-Type": "application/xml"}) if xml else Response(404)
        if path == "/api/v1/documents.json":
            return self._search(query)
        if path.startswith("/api/v1/documents/") and path.endswith(".json"):
            number = path.rsplit("/", 1)[1].removesuffix(".json")
            doc = next((d for d in self.documents if d["document_number"] == number), None)
            if doc is None:
                return Response.json({"status": 404, "message": "Not found"}, 404)
            return Response.json(
                {
                    **doc,
                    "raw_text_url": f"{self.base}/documents/full_text/text/{number}.txt",
                    "body_html_url": f"{self.base}/documents/full_text/html/{number}.html",
                }
            )
        if path.startswith("/documents/full_text/text/"):
            number = path.rsplit("/", 1)[1].removesuffix(".txt")
            return Response(200, self.texts_fr[number].encode(), {"Content-Type": "text/plain"})
        if path.startswith("/v3/bill/"):
            return self._bill(request, path, query)
        return Response.json({"error": "no such route"}, 404)

    def _search(self, query: dict[str, list[str]]) -> Response:
        agencies = query.get("conditions[agencies][]", [])
        unknown = [a for a in agencies if a != AGENCY]
        if unknown:
            return Response.json(
                {
                    "status": 400,
                    "errors": {"conditions": {"agencies": [f"{unknown[0]} is not a valid agency"]}},
                },
                400,
            )
        gte = query.get("conditions[publication_date][gte]", ["0000"])[0]
        lte = query.get("conditions[publication_date][lte]", ["9999"])[0]
        rows = sorted(
            (d for d in self.documents if gte <= d["publication_date"] <= lte),
            key=lambda d: d["publication_date"],
            reverse=True,
        )
        per_page = int(query.get("per_page", ["20"])[0])
        page = int(query.get("page", ["1"])[0])
        fields = query.get("fields[]")
        shown = [
            {k: v for k, v in d.items() if not fields or k in fields}
            for d in rows[(page - 1) * per_page : page * per_page]
        ]
        pages = max(1, -(-len(rows) // per_page))
        body: dict[str, Any] = {
            "count": len(rows),
            "description": "Documents from Industry and Security Bureau",
            "total_pages": pages,
            "results": shown,
        }
        if page < pages:
            params = [(k, v) for k, vs in query.items() if k != "page" for v in vs] + [
                ("page", str(page + 1))
            ]
            body["next_page_url"] = f"{self.base}/api/v1/documents.json?{urlencode(params)}"
        return Response.json(body)

    def _bill(self, request: Request, path: str, query: dict[str, list[str]]) -> Response:
        key = request.headers.get("X-Api-Key") or query.get("api_key", [""])[0]
        if key != KEY:
            return Response.json(
                {
                    "error": {
                        "code": "API_KEY_MISSING",
                        "message": "No api_key was supplied. Get one at https://api.congress.gov/sign-up",
                    }
                },
                403,
            )
        parts = path.removeprefix("/v3/bill/").split("/")
        bill = "/".join(parts[:3])
        if bill not in self.bills:
            return Response.json({"error": f"Unknown bill {bill}"}, 404)
        if len(parts) == 4 and parts[3] == "actions":
            rows = self.actions.get(bill, [])
            return Response.json(
                {"actions": rows, "pagination": {"count": len(rows)}, "request": {"billNumber": parts[2]}}
            )
        return Response.json(
            {"bill": self.bills[bill], "request": {"contentType": "application/json", "format": "json"}}
        )
