"""pydantic's errors as `file: field: what is wrong` lines, with the field as written in YAML."""

from __future__ import annotations

from typing import Any

import pytest

from bot.corpus.schema import FrontMatter, validate_front_matter
from bot.corpus.validation import field_path, unknown_fields
from tests.helpers import VALID_META


def _problems(**changes: Any) -> list[str]:
    data = {"id": "doc", **VALID_META, **changes}
    return [f"{p.severity} {p.field}: {p.message}" for p in validate_front_matter(data, "doc.md")[1]]


def test_locations_read_as_yaml_paths() -> None:
    assert field_path(("sources", 1, "date")) == "sources[1].date"
    assert field_path(("status_timeline", "periods", 0, "from")) == "status_timeline.periods[0].from"
    assert field_path(()) == ""


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({"title": 12}, "error title: must be text, got int"),
        ({"title": "  "}, "error title: is empty"),
        ({"title": None}, "error title: missing (required)"),
        ({"id": "Doc_1"}, "error id: must be a lowercase slug (a-z, 0-9, -), got 'Doc_1'"),
        (
            {"legal_basis": "secret"},
            "error legal_basis: must be one of public, not_public, disputed, got 'secret'",
        ),
        (
            {"url": "ftp://example.org"},
            "error url: must start with http:// or https://, got 'ftp://example.org'",
        ),
        ({"topics": ["a", 3]}, "error topics[1]: must be text, got int"),
        ({"sources": []}, "error sources: must be a non-empty list"),
        (
            {"status": "in force"},
            "error status: must be a mapping with state, date, until, note, as_of, got str",
        ),
        (
            {
                "status_timeline": {
                    "periods": [{"status": "in_force", "from": "2025-01-01", "scheduled": "yes"}]
                }
            },
            "error status_timeline.periods[0].scheduled: must be true or false, got 'yes'",
        ),
        ({"colour": "blue"}, "warning colour: unknown field (ignored)"),
    ],
)
def test_each_error_is_one_line_naming_the_value_given(changes: dict[str, Any], line: str) -> None:
    assert _problems(**changes) == [line]


def test_a_bare_number_is_not_read_as_a_timestamp() -> None:
    """pydantic's own date type would take 2026 as seconds after 1970."""
    assert _problems(as_of=2026) == ["error as_of: must be a date like 2026-06-12, got 2026"]


def test_a_missing_list_of_mappings_says_what_each_holds() -> None:
    data = {"id": "doc", **VALID_META}
    del data["sources"]
    (problem,) = validate_front_matter(data, "doc.md")[1]
    assert problem.message == (
        "missing (required): a list of mappings with title, url, publisher, date, accessed, reliability"
    )


def test_unknown_keys_are_found_inside_nested_mappings_and_lists() -> None:
    data = {
        "colour": 1,
        "status": {"state": "proposed", "mood": "calm"},
        "status_timeline": {"periods": [{"status": "in_force", "from": "2025-01-01", "why": "x"}]},
        "sources": [{"title": "t"}, {"title": "u", "tone": "dry"}],
    }
    assert unknown_fields(FrontMatter, data) == [
        "colour",
        "status.mood",
        "status_timeline.periods[0].why",
        "sources[1].tone",
    ]


def test_unknown_keys_are_warned_about_even_when_the_front_matter_has_errors() -> None:
    assert _problems(title=12, colour="blue") == [
        "warning colour: unknown field (ignored)",
        "error title: must be text, got int",
    ]
