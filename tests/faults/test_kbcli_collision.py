"""Issue 11 item 11: an upload never silently replaces another document with the same id.

`/kb add entity-list.md` (plain Markdown, so its id comes from its name) replaced the curated
`rules/entity-list.md`. Now such an upload is refused, by file and by URL, from the CLI and
from Discord, and a build that meets a duplicate keeps the curated file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.corpus import fetch
from bot.corpus.knowledge import load_knowledge
from bot.errors import KnowledgeBaseError
from bot.service import Basis
from tests.discord_app.emulator import EPHEMERAL, DiscordEmulator, Upload
from tests.fakes import HashEmbedder
from tests.helpers import Response, serve

pytestmark = pytest.mark.faults

SHADOW = b"# Deemed exports, my version\n\nDeemed exports are never controlled.\n"
CURATED = "deemed-export-explainer.md"


def test_upload_with_a_curated_documents_id_is_refused(basis: Basis) -> None:
    knowledge = basis.settings.knowledge_dir
    curated = (knowledge / CURATED).read_bytes()
    folder = basis.answering.index.folder
    with pytest.raises(KnowledgeBaseError, match=rf"'deemed-export-explainer' is already used by {CURATED}"):
        basis.kb.add_file(CURATED, SHADOW, actor="mod#1")
    assert (knowledge / CURATED).read_bytes() == curated
    assert not (knowledge / "imported").exists()
    assert basis.answering.index.folder == folder
    assert basis.answering.index.documents["deemed-export-explainer"].path == CURATED


def test_glossary_id_is_refused_too(basis: Basis) -> None:
    with pytest.raises(KnowledgeBaseError, match=r"already used by glossary\.yaml"):
        basis.kb.add_file("glossary.md", b"# Glossary\n\nMy own terms.\n", actor="m")


def test_url_import_with_a_taken_id_is_refused(basis: Basis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "check_address", lambda host: None)  # the server lives on 127.0.0.1
    page = b"Widget guidance\n\nWidgets never need a licence.\n"
    knowledge = basis.settings.knowledge_dir
    with serve(lambda request: Response(200, page, {"Content-Type": "text/plain"})) as server:
        url = server.url("/guidance/widgets")
        name = fetch.fetch_url(url, 10_000, 5).filename  # the import takes its id from this name
        curated = knowledge / "rules" / f"{Path(name).stem}.md"
        curated.parent.mkdir()
        curated.write_text("# Widget rules\n\nWidgets need a widget licence.\n", encoding="utf-8")
        basis.kb.reload(actor="m")
        with pytest.raises(KnowledgeBaseError, match=f"already used by rules/{curated.name}"):
            basis.kb.add_url(url, actor="mod#1")
    assert not (knowledge / "imported").exists()


def test_an_upload_may_replace_its_own_earlier_version(basis: Basis) -> None:
    basis.kb.add_file("widget-note.md", b"# Widget note\n\nWidgets need a licence.\n", actor="m")
    change = basis.kb.add_file("widget-note.md", b"# Widget note\n\nWidgets need two licences.\n", actor="m")
    assert change.report.changed == ["widget-note"]


def test_cli_kb_add_refuses_the_collision(
    fake_model: HashEmbedder, knowledge_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    index = tmp_path / "index"
    assert (
        runner.invoke(
            app, ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index)]
        ).exit_code
        == 0
    )
    upload = tmp_path / CURATED
    upload.write_bytes(SHADOW)
    result = runner.invoke(
        app, ["kb", "add", str(upload), "--knowledge", str(knowledge_dir), "--index", str(index)]
    )
    assert isinstance(result.exception, KnowledgeBaseError)  # main() prints it as one line
    assert "already used by deemed-export-explainer.md" in str(result.exception)
    assert not (knowledge_dir / "imported").exists()


def test_a_build_keeps_the_curated_document_when_an_import_duplicates_its_id(knowledge_dir: Path) -> None:
    (knowledge_dir / "rules").mkdir()  # sorts after imported/, as in the real knowledge base
    (knowledge_dir / CURATED).rename(knowledge_dir / "rules" / CURATED)
    (knowledge_dir / "imported").mkdir()
    (knowledge_dir / "imported" / CURATED).write_bytes(SHADOW)
    loaded = load_knowledge(knowledge_dir)
    (doc,) = [d for d in loaded.documents if d.id == "deemed-export-explainer"]
    assert doc.path == f"rules/{CURATED}"
    assert [name for name, _ in loaded.skipped] == [f"imported/{CURATED}"]


@pytest.mark.e2e
async def test_discord_kb_add_refuses_the_collision(emulator: DiscordEmulator, run_bot) -> None:
    settings = await run_bot()
    mod = emulator.make_user("mod")
    upload = Upload("deemed-export.md", SHADOW)
    sent = await emulator.slash("kb add", user=mod, roles=(emulator.moderator_role_id,), file=upload)
    (reply,) = await emulator.followups(sent)
    assert reply.response["flags"] & EPHEMERAL
    assert "'deemed-export' is already used by deemed-export.md" in reply.body["content"]
    assert not (settings.knowledge_dir / "imported").exists()
