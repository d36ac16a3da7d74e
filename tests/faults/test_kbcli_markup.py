"""Issue 11 item 5: text from documents and users is never Rich markup in the CLI.

A document titled `# [/bold] Markup` crashed `ask`, `search` and `kb list` with MarkupError;
`[sic]` and `[emphasis added]` vanished from quotes; `basis define "[/bold]"` crashed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.fakes import HashEmbedder

pytestmark = pytest.mark.faults

runner = CliRunner()

MARKUP_DOC = """\
# [/bold] Markup

## Quantum widgets [sic] and the [red]licence[/red] rule

A quantum widget [sic] needs a licence before it is shipped abroad [emphasis added], says the \
quantum widget rule :warning: for every quantum widget maker.
"""
QUESTION = "Does a quantum widget need a licence before it is shipped abroad?"


@pytest.fixture
def markup_index(fake_model: HashEmbedder, knowledge_dir: Path, tmp_path: Path) -> Path:
    (knowledge_dir / "markup.md").write_text(MARKUP_DOC, encoding="utf-8")
    index = tmp_path / "index"
    built = runner.invoke(app, ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index)])
    assert built.exit_code == 0, built.output
    return index


def test_ask_prints_markup_like_text_verbatim(markup_index: Path) -> None:
    result = runner.invoke(app, ["ask", QUESTION, "--index", str(markup_index)])
    assert result.exit_code == 0, result.output
    assert "[/bold] Markup" in result.stdout  # the title, as written
    assert "A quantum widget [sic] needs a licence" in result.stdout
    assert "shipped abroad [emphasis added]" in result.stdout
    assert ":warning:" in result.stdout  # no emoji substitution either


def test_search_prints_markup_like_text_verbatim(markup_index: Path) -> None:
    result = runner.invoke(app, ["search", QUESTION, "--index", str(markup_index)])
    assert result.exit_code == 0, result.output
    assert "[/bold] Markup — Quantum widgets [sic] and the [red]licence[/red] rule" in result.stdout
    assert "[emphasis added]" in result.stdout


def test_kb_list_survives_a_markup_title(markup_index: Path) -> None:
    result = runner.invoke(app, ["kb", "list", "--index", str(markup_index)])
    assert result.exit_code == 0, result.output
    assert "[/bold] Markup" in result.stdout


@pytest.mark.parametrize("term", ["[/bold]", "[red]deemed export", "[bold]x[/]"])
def test_define_echoes_markup_like_terms(knowledge_dir: Path, term: str) -> None:
    result = runner.invoke(app, ["define", term, "--knowledge", str(knowledge_dir)])
    assert result.exit_code == 1  # no such entry: a reply, not a crash
    assert isinstance(result.exception, SystemExit)
    assert f"No glossary entry for {term!r}." in result.stdout


def test_error_line_is_escaped(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import bot.cli
    from bot.errors import KnowledgeBaseError

    def refuse() -> None:
        raise KnowledgeBaseError("There is no document with id '[/bold]'.")

    monkeypatch.setattr(bot.cli, "app", refuse)
    with pytest.raises(SystemExit):
        bot.cli.main()
    assert "There is no document with id '[/bold]'." in capsys.readouterr().err
