"""`basis kb check` on Chinese twins: coverage warnings, stale keys and figure mismatches as errors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.indexing.quotable import quotable_sentences
from bot.indexing.twin_check import TwinCoverage, document_twin_problems, review_knowledge, twin_problems
from bot.models import Document, twin_key
from tests.helpers import default_chunker

TEXT = (
    "## The directive\n\n"
    "On June 12, 2026, BIS sent a letter citing 15 CFR 744.22 to one laboratory.\n"
    "The letter has not been published by the agency.\n"
)
FIRST = "On June 12, 2026, BIS sent a letter citing 15 CFR 744.22 to one laboratory."
SECOND = "The letter has not been published by the agency."


def _doc(*twins: tuple[str, str]) -> Document:
    return Document(id="d", title="Directive", text=TEXT, path="event/d.md", sha256="0", twins=twins)


def test_the_test_document_has_two_quotable_sentences() -> None:
    assert quotable_sentences(_doc(), default_chunker()) == [FIRST, SECOND]


def test_missing_twins_are_one_warning_per_document() -> None:
    problems, coverage = document_twin_problems(
        _doc((twin_key(SECOND), "该信函尚未由该机构公布。")), default_chunker()
    )
    assert [(p.file, p.field, p.severity) for p in problems] == [("event/d.md", "twins", "warning")]
    assert "1 of 2" in problems[0].message
    assert coverage == TwinCoverage(documents=1, complete=0, sentences=2, twinned=1)


def test_a_complete_document_is_clean() -> None:
    doc = _doc(
        (twin_key(FIRST), "2026年6月12日，BIS向一家实验室发出一封援引15 CFR 744.22的信函。"),
        (twin_key(SECOND), "该信函尚未由该机构公布。"),
    )
    problems, coverage = document_twin_problems(doc, default_chunker())
    assert problems == []
    assert coverage == TwinCoverage(1, 1, 2, 2)


def test_a_stale_key_is_an_error() -> None:
    doc = _doc((twin_key("A sentence the writers since reworded."), "旧译文。"))
    problems, _ = document_twin_problems(doc, default_chunker())
    stale = [p for p in problems if p.severity == "error"]
    assert [(p.file, p.field) for p in stale] == [
        ("zh/d.yaml", f"key {twin_key('A sentence the writers since reworded.')}")
    ]
    assert "matches no quotable sentence" in stale[0].message


def test_a_twin_with_other_figures_is_an_error() -> None:
    doc = _doc((twin_key(FIRST), "2026年6月13日，BIS向一家实验室发出一封援引15 CFR 744.21的信函。"))
    (error,) = [p for p in document_twin_problems(doc, default_chunker())[0] if p.severity == "error"]
    assert "2026-06-12" in error.message and "744.21" in error.message


def test_the_glossary_is_not_counted() -> None:
    glossary = replace(_doc(), id="glossary", path="glossary.yaml")
    assert twin_problems([glossary], default_chunker()) == ([], TwinCoverage())


def test_review_and_cli_report_coverage_and_fail_on_a_stale_twin(knowledge_dir: Path) -> None:
    assert review_knowledge(knowledge_dir, default_chunker()).problems == []
    twin_file = knowledge_dir / "zh" / "smuggling-report.yaml"
    twin_file.write_text(
        twin_file.read_text("utf-8").replace("smuggled through shell companies", "smuggled via shell firms"),
        "utf-8",
    )
    result = CliRunner().invoke(app, ["kb", "check", str(knowledge_dir)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("error zh/smuggling-report.yaml: sentences[0]: key") for line in lines)
    assert (
        "Chinese twins: 13 of 15 quotable sentences (86.7%); 4 of 5 documents complete." in lines
    )  # the file is left out whole


def test_a_twin_that_is_not_chinese_is_an_error() -> None:
    problems, _ = document_twin_problems(_doc((twin_key(SECOND), SECOND)), default_chunker())
    (error,) = [p for p in problems if p.field.startswith("key ")]
    assert error.severity == "error" and "no Chinese" in error.message


def test_traditional_characters_are_a_warning() -> None:
    problems, _ = document_twin_problems(
        _doc((twin_key(SECOND), "該信函尚未由該機構公布。")), default_chunker()
    )
    (warning,) = [p for p in problems if p.field.startswith("key ")]
    assert warning.severity == "warning" and warning.message.endswith("該機構 are Traditional")


def test_a_simplified_word_opencc_rewrites_is_not_traditional() -> None:
    """OpenCC's phrase table turns the Simplified 覆盖 into 复盖; the writer did nothing wrong."""
    problems, _ = document_twin_problems(
        _doc((twin_key(SECOND), "该信函据报道覆盖了所有外国人。")), default_chunker()
    )
    assert [p for p in problems if "Traditional" in p.message] == []
