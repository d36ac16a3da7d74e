"""`status_timeline` front matter: parsed, checked, kept through the index, and old `status` still valid."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.corpus.glossary_file import parse_glossary
from bot.corpus.loaders import document_from_bytes
from bot.errors import DocumentError
from bot.indexing.store import read_documents, write_documents
from bot.models import Status, StatusPeriod
from tests.helpers import front_matter_doc

TIMELINE = {
    "subject": "The rule",
    "subject_zh": "该规则",
    "periods": [
        {"status": "suspended", "from": "2025-11-10", "until": "2026-11-09", "source": "90 FR 50857"},
        {"status": "in_force", "from": "2026-11-10", "scheduled": True, "note": "Unless extended."},
    ],
}


def _load(**fields: object):
    return document_from_bytes(front_matter_doc("rule", **fields).encode(), "rule.md")


def test_a_timeline_is_parsed_and_gives_the_recorded_status() -> None:
    doc, problems = _load(status_timeline=TIMELINE)
    assert not [p for p in problems if p.severity == "error"]
    assert doc.timeline is not None
    assert doc.timeline.subject == "The rule" and doc.timeline.subject_zh == "该规则"
    assert doc.timeline.periods == (
        StatusPeriod("suspended", date(2025, 11, 10), date(2026, 11, 9), source="90 FR 50857"),
        StatusPeriod("in_force", date(2026, 11, 10), note="Unless extended.", scheduled=True),
    )
    # Code that reads one status sees the last recorded period, not the scheduled one.
    assert doc.status == Status("suspended", date(2025, 11, 10), date(2026, 11, 9))


def test_an_old_single_status_stays_valid_and_takes_a_data_date() -> None:
    doc, problems = _load(status={"state": "proposed", "date": "2026-03-26", "as_of": "2026-06-01"})
    assert not problems
    assert doc.status == Status("proposed", date(2026, 3, 26), as_of=date(2026, 6, 1))
    assert doc.timeline is None


@pytest.mark.parametrize(
    ("timeline", "field"),
    [
        ({"periods": []}, "status_timeline"),
        ({"periods": [{"status": "paused", "from": "2025-01-01"}]}, "status_timeline.periods[0].status"),
        ({"periods": [{"status": "in_force"}]}, "status_timeline.periods[0].from"),
        ({"periods": [{"status": "in_force", "from": "2025-02-01", "until": "2025-01-01"}]}, "until"),
        ({"periods": [{"status": "in_force", "from": "2025-01-01", "scheduled": "yes"}]}, "scheduled"),
        (
            {
                "periods": [
                    {"status": "in_force", "from": "2025-01-01"},
                    {"status": "suspended", "from": "2025-06-01"},
                ]
            },
            "status_timeline.periods",
        ),
        (
            {
                "periods": [
                    {"status": "in_force", "from": "2025-01-01", "until": "2025-06-01"},
                    {"status": "suspended", "from": "2025-06-01"},
                ]
            },
            "status_timeline.periods",
        ),
    ],
)
def test_a_malformed_timeline_is_an_error_naming_its_field(timeline: dict, field: str) -> None:
    with pytest.raises(DocumentError) as raised:
        _load(status_timeline=timeline)
    assert any(field in p.field for p in raised.value.problems), raised.value.problems


def test_status_and_status_timeline_together_are_an_error() -> None:
    with pytest.raises(DocumentError, match="either status or status_timeline"):
        _load(status={"state": "suspended"}, status_timeline=TIMELINE)


def test_the_timeline_survives_the_index_store(tmp_path: Path) -> None:
    doc, _ = _load(status_timeline={**TIMELINE, "as_of": "2026-11-27"})
    write_documents(tmp_path, [doc])
    (stored,) = read_documents(tmp_path)
    assert stored == doc


def test_a_glossary_entry_may_carry_a_timeline() -> None:
    entry = {
        "term": "Military End-User List",
        "aliases": [],
        "zh": ["军事最终用户清单"],
        "definition": "A list.",
        "citation": "15 CFR 744.21",
        "related": [],
        "status_timeline": {**TIMELINE, "as_of": "2026-11-27"},
    }
    (parsed,), problems = parse_glossary(yaml.safe_dump([entry]).encode(), "glossary.yaml")
    assert not problems
    assert parsed.timeline is not None and parsed.timeline.as_of == date(2026, 11, 27)
    broken = {**entry, "status_timeline": {"periods": [{"status": "in_force", "from": "soon"}]}}
    _, problems = parse_glossary(yaml.safe_dump([broken]).encode(), "glossary.yaml")
    assert [p.field for p in problems] == [
        "entry 1 (Military End-User List): status_timeline.periods[0].from"
    ]


def test_a_mirrored_bill_takes_its_data_date_from_the_file() -> None:
    text = (
        "# HR 3447: Chip Security Act\n\n- Congress: 119\n- Latest action: 2025-05-15 - Introduced in House\n"
        "- Date accessed: 2026-06-01T04:21:25.748028+00:00\n"
    )
    doc, _ = document_from_bytes(text.encode(), "hr3447.md")
    assert doc.status is not None and doc.status.as_of == date(2026, 6, 1)
    assert doc.current_as_of == date(2026, 6, 1)


def test_the_documented_example_is_valid() -> None:
    readme = (Path(__file__).resolve().parents[2] / "knowledge" / "README.md").read_text("utf-8")
    example = next(b for b in readme.split("```yaml\n")[1:] if b.startswith("status_timeline:"))
    doc, problems = _load(status_timeline=yaml.safe_load(example.split("```")[0])["status_timeline"])
    assert not problems
    assert doc.timeline is not None and [p.scheduled for p in doc.timeline.periods] == [False, False, True]
