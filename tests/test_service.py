"""`Basis`, the object every front end calls: changes rebuild and swap in without blocking readers."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from bot.corpus import fetch
from bot.errors import BuildInProgressError, DocumentError, FetchError
from bot.indexing.dense import DenseIndex
from bot.service import Basis
from bot.settings import Settings, load_settings
from tests.fakes import HashEmbedder
from tests.helpers import Response, front_matter_doc, serve
from tests.timing import PATIENCE

NOTE = front_matter_doc(
    "encryption-note",
    body="## Encryption\n\nMass-market encryption items may qualify for a licence exception.\n",
    title="Encryption items",
)


def test_add_file_rebuilds_and_audits(basis: Basis, settings: Settings) -> None:
    change = basis.kb.add_file("encryption-note.md", NOTE.encode(), actor="mod#1")
    assert change.report.added == ["encryption-note"]
    assert change.report.embedded == sum(c.doc_id == "encryption-note" for c in basis.answering.index.chunks)
    assert change.summary.startswith("Added encryption-note.md: Documents: 1 added, 0 changed, 0 removed")
    top = basis.answering.search("mass-market encryption licence exception").passages[0]
    assert top.document.id == "encryption-note"
    assert "encryption-note" in {d.id for d in basis.kb.list_documents()}
    intent, row = [
        json.loads(line) for line in (settings.data_dir / "audit.jsonl").read_text("utf-8").splitlines()
    ]
    assert intent["outcome"] == "intent" and intent["change"] == row["change"]
    assert row["action"] == "add" and row["actor"] == "mod#1" and row["outcome"] == change.report.summary()


def test_remove_rebuilds(basis: Basis) -> None:
    change = basis.kb.remove("chip-tracking-bill", actor="mod#1")
    assert change.report.removed == ["chip-tracking-bill"]
    assert "chip-tracking-bill" not in basis.answering.index.documents
    assert all(
        p.document.id != "chip-tracking-bill"
        for p in basis.answering.search("location tracking bill").passages
    )


def test_refused_upload_changes_nothing(basis: Basis, settings: Settings) -> None:
    folder = basis.answering.index.folder
    with pytest.raises(DocumentError):
        basis.kb.add_file("broken.md", b'---\nid: x\ntitle: "open\n---\nbody\n', actor="m")
    assert basis.answering.index.folder == folder
    (refusal,) = [json.loads(line) for line in (settings.data_dir / "audit.jsonl").open(encoding="utf-8")]
    assert refusal["action"] == "add" and refusal["target"] == "broken.md" and refusal["actor"] == "m"
    assert refusal["outcome"].startswith("refused: broken.md")


def test_readers_keep_the_old_index_while_a_change_is_refused(
    basis: Basis, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = [p.chunk.id for p in basis.answering.search("What is a deemed export?").passages]

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("build failed")

    monkeypatch.setattr(DenseIndex, "save", explode)
    with pytest.raises(RuntimeError):
        basis.kb.remove("deemed-export-explainer", actor="m")
    assert "deemed-export-explainer" in basis.answering.index.documents
    assert [p.chunk.id for p in basis.answering.search("What is a deemed export?").passages] == before
    assert any(p.name == "deemed-export-explainer.md" for p in basis.settings.knowledge_dir.iterdir())
    audit = (basis.settings.data_dir / "audit.jsonl").read_text("utf-8")
    assert "failed and undone" in audit


def test_second_change_while_one_runs_is_refused(basis: Basis, monkeypatch: pytest.MonkeyPatch) -> None:
    started, release = threading.Event(), threading.Event()
    real_rebuild = basis.kb.rebuild

    def slow_rebuild(*args: object, **kwargs: object) -> object:
        started.set()
        release.wait(PATIENCE)
        return real_rebuild(*args, **kwargs)

    monkeypatch.setattr(basis.kb, "rebuild", slow_rebuild)
    worker = threading.Thread(target=basis.kb.reload, kwargs={"actor": "a"})
    worker.start()
    try:
        assert started.wait(PATIENCE)
        with pytest.raises(BuildInProgressError):
            basis.kb.reload(actor="b")
        # Questions are still answered while the change runs.
        assert basis.answering.answer("What is a deemed export?").citations
    finally:
        release.set()
        worker.join(PATIENCE)


def test_add_url_imports_through_the_checked_fetch(
    basis: Basis, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "check_address", lambda host: host)  # the test server lives on 127.0.0.1
    page = b"Widget guidance\n\nWidgets bound for Ruritania need a widget licence.\n"
    with serve(lambda request: Response(200, page, {"Content-Type": "text/plain"})) as server:
        change = basis.kb.add_url(server.url("/guidance/widgets"), actor="mod#1")
    assert change.report.added == ["127-0-0-1-guidance-widgets"]
    assert basis.answering.search("widget licence Ruritania").passages[0].document.title == "Widget guidance"
    row = json.loads((settings.data_dir / "audit.jsonl").read_text("utf-8").splitlines()[-1])
    assert row["source_url"] == server.url("/guidance/widgets")


def test_url_import_reaches_a_private_address_only_for_an_allow_listed_host(
    basis: Basis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BASIS_URL_ALLOW_HOSTS reaches the fetch: wiki.internal resolves to 10.0.0.5, which the real
    check refuses unless the host is listed; the approved connection then goes to the test server."""
    real_check, real_resolve = fetch.check_address, fetch.socket.getaddrinfo

    def resolve(host: str, *args: object, **kwargs: object) -> list[tuple]:
        if host == "wiki.internal":
            return [(fetch.socket.AF_INET, fetch.socket.SOCK_STREAM, 6, "", ("10.0.0.5", 0))]
        return real_resolve(host, *args, **kwargs)

    monkeypatch.setattr(fetch.socket, "getaddrinfo", resolve)
    monkeypatch.setattr(fetch, "check_address", lambda host, **kw: real_check(host, **kw) and "127.0.0.1")
    page = b"Wiki widgets\n\nWidgets bound for Ruritania need a widget licence.\n"
    with serve(lambda request: Response(200, page, {"Content-Type": "text/plain"})) as server:
        url = f"http://wiki.internal:{server.port}/widgets"
        with pytest.raises(FetchError, match=r"Refused wiki\.internal: it resolves to 10\.0\.0\.5"):
            basis.kb.add_url(url, actor="mod#1")  # off by default
        listed = basis.settings.model_copy(update={"url_allow_hosts": ["wiki.internal"]})
        change = Basis.open(listed, embedder=basis.embedder).kb.add_url(url, actor="mod#1")
    assert change.report.added == ["wiki-internal-widgets"]
    assert len(server.requests) == 1


def test_kb_status(basis: Basis) -> None:
    status = basis.kb.status()
    assert status.documents == 7
    assert status.chunks == len(basis.answering.index.chunks)
    assert status.model == "fake-hash"
    assert status.as_of == "2026-11-27"


def test_define_and_complete(basis: Basis) -> None:
    assert basis.answering.define("视同出口").entry.term == "deemed export"
    assert basis.answering.complete_terms("dee")[0] == "deemed export"
    assert len(basis.answering.complete_terms("")) <= 25


def test_settings_from_environment_and_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("BASIS_TOP_K=7\nBASIS_MODERATOR_ROLE_IDS=11, 22,33\n", "utf-8")
    monkeypatch.setenv("BASIS_FUSION", "weighted")
    settings = load_settings()
    assert settings.top_k == 7
    assert settings.moderator_role_ids == [11, 22, 33]
    assert settings.fusion == "weighted"
    assert load_settings(top_k=3).top_k == 3
    assert load_settings(_env_file=None).top_k == 5


def test_open_with_the_fake_model_through_embedder_for(
    fake_model: HashEmbedder, settings: Settings, built: object
) -> None:
    opened = Basis.open(settings)
    assert opened.embedder is fake_model
