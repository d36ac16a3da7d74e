"""Cheap checks come first: commands that never embed never load the model, a refused question is
refused before anything loads, and a bad setting is one line naming its variable.

The index here is built by a fake embedder that carries the real model's name and dimension, so
opening it with the settings' real (lazy) embedder passes the manifest check; the real loader is
replaced by one that fails the test if anything asks for the model.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.indexing.embedder
from bot.cli import app, main
from bot.indexing.build import build_index
from bot.indexing.embedder import read_tuned_manifest
from bot.service import chunker_config
from bot.settings import Settings
from tests.fakes import HashEmbedder

runner = CliRunner()


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records (and refuses) every attempt to load an embedding model."""
    attempts: list[str] = []

    def refuse(model: str, *args: object, **kwargs: object) -> None:
        attempts.append(model)
        raise AssertionError(f"the model {model} was loaded")

    monkeypatch.setattr(bot.indexing.embedder, "load_embedder", refuse)
    return attempts


@pytest.fixture
def real_named_index(settings: Settings) -> Path:
    fake = HashEmbedder(dimension=384, name=read_tuned_manifest().name)
    build_index(settings.knowledge_dir, settings.index_dir, fake, chunker_config(settings), 1000)
    return settings.index_dir


@pytest.mark.parametrize(
    "command",
    [
        ["define", "deemed export"],
        ["kb", "list"],
        ["kb", "check"],
        ["index", "status"],
        ["report"],
        ["--help"],
        ["ask", "--help"],
    ],
)
def test_commands_that_never_embed_never_load_the_model(
    command: list[str], no_model: list[str], settings: Settings, real_named_index: Path, monkeypatch
) -> None:
    monkeypatch.setenv("BASIS_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("BASIS_KNOWLEDGE_DIR", str(settings.knowledge_dir))
    monkeypatch.setenv("BASIS_DATA_DIR", str(settings.data_dir))
    result = runner.invoke(app, command)
    assert no_model == []
    assert result.exit_code in (0, 1), result.output  # `kb check` of the fixtures may warn
    assert "was loaded" not in repr(result.exception)


@pytest.mark.parametrize("question", ["   ", "x" * 5000, "\udcff broken"])
def test_a_refused_question_loads_nothing(
    question: str, no_model: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Refused before the index opens: there is no index at all here."""
    monkeypatch.setattr(sys, "argv", ["basis", "ask", "--index", str(tmp_path / "none"), question])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "No index" not in err
    assert no_model == []


def test_asking_loads_the_model_once_on_first_embed(
    settings: Settings, real_named_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[str] = []

    def load(model: str, *args: object, **kwargs: object) -> HashEmbedder:
        loads.append(model)
        return HashEmbedder(dimension=384, name=read_tuned_manifest().name)

    monkeypatch.setattr(bot.indexing.embedder, "load_embedder", load)
    result = runner.invoke(
        app, ["ask", "--index", str(real_named_index), "-"], input="deemed export\nrelease\n"
    )
    assert result.exit_code == 0, result.output
    assert loads == ["basis-minilm-tuned"]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("BASIS_TOP_K", "five", "BASIS_TOP_K='five' is not allowed: Input should be a valid integer"),
        ("BASIS_RUNTIME", "gpu", "BASIS_RUNTIME='gpu' is not allowed: Input should be 'onnx' or 'torch'."),
        ("BASIS_MODEL_THREADS", "0", "BASIS_MODEL_THREADS='0' is not allowed: Input should be greater than"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(
    variable: str, value: str, expected: str, no_model: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv(variable, value)
    monkeypatch.setattr(sys, "argv", ["basis", "ask", "What is a deemed export?"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("Error: " + expected)
