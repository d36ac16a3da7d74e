"""Issue 11 item 9: `basis index build --strict` publishes nothing when a file would be skipped."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.indexing import store
from bot.settings import Settings
from tests.faults.index_worker import build
from tests.helpers import run_basis

pytestmark = pytest.mark.faults


def test_strict_build_with_a_skipped_file_keeps_the_old_index(
    fake_model: object,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build(settings.knowledge_dir, settings.index_dir)
    live = (settings.index_dir / store.CURRENT).resolve()
    builds_before = {p.name for p in (settings.index_dir / store.BUILDS).iterdir()}
    edited = settings.knowledge_dir / "smuggling-report.md"
    edited.write_text(edited.read_text("utf-8") + "\nA sentence only the new index would hold.\n", "utf-8")
    (settings.knowledge_dir / "broken.md").write_text('---\nid: broken\ntitle: "open\n---\nBody\n', "utf-8")
    args = ["index", "build", "--strict", "--knowledge", str(settings.knowledge_dir)]
    code = run_basis([*args, "--index", str(settings.index_dir)], monkeypatch)
    captured = capsys.readouterr()
    assert code == 1
    error = captured.err.splitlines()[-1]
    assert error.startswith("Error: --strict: 1 file(s) skipped, so nothing was published")
    assert "broken.md: front matter: malformed YAML" in error
    assert "Documents:" not in captured.out
    assert (settings.index_dir / store.CURRENT).resolve() == live
    assert {p.name for p in (settings.index_dir / store.BUILDS).iterdir()} == builds_before
    assert all("only the new index" not in row["text"] for row in store.read_jsonl(live / store.CHUNKS))


def test_strict_build_without_skips_publishes(fake_model: object, settings: Settings) -> None:
    from bot.cli import app

    build(settings.knowledge_dir, settings.index_dir)
    live = (settings.index_dir / store.CURRENT).resolve()
    args = ["index", "build", "--strict", "--knowledge", str(settings.knowledge_dir)]
    result = CliRunner().invoke(app, [*args, "--index", str(settings.index_dir)])
    assert result.exit_code == 0, result.output
    assert "7 unchanged" in result.stdout
    assert (settings.index_dir / store.CURRENT).resolve() != live
