"""`basis kb check`: every problem as `file: field: what is wrong`, exit 1 on any error."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.corpus.check import check_knowledge
from tests.helpers import front_matter_doc

runner = CliRunner()


def _break(knowledge_dir: Path) -> None:
    (knowledge_dir / "bad-yaml.md").write_text('---\nid: bad-yaml\ntitle: "open\n---\nBody\n', "utf-8")
    (knowledge_dir / "wrong-types.md").write_text(
        front_matter_doc("wrong-types", title=12, source_type="memo", topics="tag", colour="blue"), "utf-8"
    )
    (knowledge_dir / "empty.md").write_bytes(b"")
    (knowledge_dir / "junk.txt").write_bytes(b"\x00\xff\x00 junk")


def test_fixture_knowledge_is_clean(knowledge_dir: Path) -> None:
    assert check_knowledge(knowledge_dir) == []
    result = runner.invoke(app, ["kb", "check", str(knowledge_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Chinese twins: 15 of 15 quotable sentences (100.0%); 5 of 5 documents complete.",
        "0 errors, 0 warnings.",
    ]


def test_check_lists_every_problem(knowledge_dir: Path) -> None:
    _break(knowledge_dir)
    problems = {(p.file, p.field, p.severity) for p in check_knowledge(knowledge_dir)}
    assert problems == {
        ("bad-yaml.md", "front matter", "error"),
        ("wrong-types.md", "title", "error"),
        ("wrong-types.md", "source_type", "error"),
        ("wrong-types.md", "topics", "error"),
        ("wrong-types.md", "colour", "warning"),
        ("empty.md", "file", "error"),
        ("junk.txt", "file", "error"),
    }


def test_cli_output_format_and_exit_code(knowledge_dir: Path) -> None:
    _break(knowledge_dir)
    result = runner.invoke(app, ["kb", "check", str(knowledge_dir)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "6 errors, 1 warnings."
    # One problem per line, `severity file: field: what is wrong`, never wrapped (output is piped here).
    lines = [re.sub(r"malformed YAML at line \d+$", "malformed YAML at line N", line) for line in lines]
    assert lines[-2].startswith("Chinese twins: ")
    assert sorted(lines[:-2]) == sorted(
        [
            "error bad-yaml.md: front matter: malformed YAML at line N",
            "error wrong-types.md: title: must be text, got int",
            "error wrong-types.md: source_type: must be one of statute, regulation, rule, guidance, bill, "
            "reporting, analysis, commentary, explainer, glossary, got 'memo'",
            "error wrong-types.md: topics: must be a list, got str",
            "warning wrong-types.md: colour: unknown field (ignored)",
            "error empty.md: file: is empty",
            "error junk.txt: file: binary data, not text",
        ]
    )


def test_warnings_alone_exit_zero(knowledge_dir: Path) -> None:
    (knowledge_dir / "extra.md").write_text(front_matter_doc("extra", colour="blue"), "utf-8")
    result = runner.invoke(app, ["kb", "check", str(knowledge_dir)])
    assert result.exit_code == 0
    assert "warning extra.md: colour: unknown field (ignored)" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "0 errors, 1 warnings."


def test_glossary_problems_are_checked(knowledge_dir: Path) -> None:
    glossary = knowledge_dir / "glossary.yaml"
    glossary.write_text(
        glossary.read_text("utf-8")
        + "- term: orphan\n  aliases: []\n  zh: []\n  definition: d\n  citation: c\n  related: [nowhere]\n"
        + "- term: incomplete\n  definition: d\n",
        "utf-8",
    )
    problems = {(p.file, p.field, p.severity, p.message) for p in check_knowledge(knowledge_dir)}
    assert ("glossary.yaml", "orphan", "warning", "related term 'nowhere' is not in the glossary") in problems
    assert any(
        f == "glossary.yaml" and field.startswith("entry 9 (incomplete)") and s == "error" and "missing" in m
        for f, field, s, m in problems
    )
    result = runner.invoke(app, ["kb", "check", str(knowledge_dir)])
    assert result.exit_code == 1


def test_check_defaults_to_settings_directory(knowledge_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("BASIS_KNOWLEDGE_DIR", str(knowledge_dir))
    (knowledge_dir / "empty.md").write_bytes(b"")
    result = runner.invoke(app, ["kb", "check"])
    assert result.exit_code == 1
    assert "error empty.md: file: is empty" in result.stdout.splitlines()
