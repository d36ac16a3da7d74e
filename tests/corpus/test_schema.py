"""Source dates in front matter: the date a source states, `undated`, and the date it was consulted."""

from __future__ import annotations

from typing import Any

from bot.corpus.schema import validate_front_matter


def _front_matter(*sources: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "doc",
        "title": "A document",
        "source_type": "explainer",
        "citation": "15 CFR 734.13",
        "url": "https://www.ecfr.gov/current/title-15/section-734.13",
        "as_of": "2026-11-27",
        "topics": ["export"],
        "summary_zh": "一句话。",
        "sources": [
            {"title": "Dated", "url": "https://example.org/a", "date": "2026-06-12"},
            *sources,
        ],
    }


def _source_problems(*sources: dict[str, Any]) -> list[tuple[str, str, str]]:
    meta, problems = validate_front_matter(_front_matter(*sources), "doc.md")
    assert meta is not None or any(p.severity == "error" for p in problems)
    return [(p.field, p.severity, p.message) for p in problems if p.field.startswith("sources[1]")]


def test_undated_is_accepted_without_a_warning() -> None:
    meta, problems = validate_front_matter(
        _front_matter({"title": "Blog", "url": "https://example.org/b", "date": "undated"}), "doc.md"
    )
    assert problems == []
    assert meta is not None and meta.document("text", "doc.md", "").sources[1].date is None


def test_a_missing_date_is_a_warning_that_names_undated() -> None:
    (problem,) = _source_problems({"title": "Blog", "url": "https://example.org/b"})
    assert problem[:2] == ("sources[1].date", "warning")
    assert "undated" in problem[2]


def test_a_date_equal_to_the_date_consulted_is_flagged() -> None:
    (problem,) = _source_problems(
        {"title": "FAQ", "url": "https://example.org/c", "date": "2026-11-27", "accessed": "2026-11-27"}
    )
    assert problem[:2] == ("sources[1].date", "warning")
    assert "consulted" in problem[2]


def test_accessed_with_undated_or_another_date_is_clean() -> None:
    assert (
        _source_problems(
            {"title": "FAQ", "url": "https://e.org/c", "date": "undated", "accessed": "2026-11-27"}
        )
        == []
    )
    assert (
        _source_problems(
            {"title": "FAQ", "url": "https://e.org/c", "date": "2026-06-01", "accessed": "2026-11-27"}
        )
        == []
    )


def test_bad_dates_are_errors() -> None:
    problems = _source_problems(
        {"title": "X", "url": "https://e.org/d", "date": "June 2026", "accessed": "soon"}
    )
    assert {(f, s) for f, s, _ in problems} == {
        ("sources[1].date", "error"),
        ("sources[1].accessed", "error"),
    }


def test_undated_sources_alone_do_not_date_a_document() -> None:
    data = _front_matter()
    data["sources"] = [{"title": "Blog", "url": "https://example.org/b", "date": "undated"}]
    meta, problems = validate_front_matter(data, "doc.md")
    assert meta is None
    assert any(p.field == "sources" and p.severity == "error" for p in problems)
