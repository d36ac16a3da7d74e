"""Moderator changes: uploads are validated before they are saved, and every change is audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import knowledge_store
from bot.corpus.knowledge import load_knowledge
from bot.errors import DocumentError, KnowledgeBaseError
from tests.helpers import front_matter_doc, make_pdf


def saved_upload(
    knowledge_dir: Path, name: str, data: bytes, actor: str, max_bytes: int
) -> knowledge_store.Edit:
    """Plan an upload into a knowledge directory whose ids it does not collide with, and apply it."""
    upload = knowledge_store.parse_upload(knowledge_dir, name, data, max_bytes)
    edit = knowledge_store.add_upload(upload, actor, {})
    edit.apply()
    return edit


def test_add_file_saves_under_imported(knowledge_dir: Path) -> None:
    data = front_matter_doc("encryption-note").encode()
    entry = saved_upload(knowledge_dir, "Encryption Note.md", data, "mod#1", 10_000).record
    saved = knowledge_dir / "imported" / "encryption-note.md"
    assert saved.read_bytes() == data
    assert entry.action == "add" and entry.target == "imported/encryption-note.md" and entry.actor == "mod#1"
    assert len(entry.sha256) == 64 and entry.at
    assert not list((knowledge_dir / "imported").glob(".*.tmp"))
    assert "encryption-note" in {d.id for d in load_knowledge(knowledge_dir).documents}


FR_NOTICE = b"""# Revisions to the Export Administration Regulations

<!-- Provenance: https://www.federalregister.gov/d/2024-04321 -->

Citation: 89 FR 12345

The Bureau of Industry and Security amends the EAR.

FR Doc. 2024-04321 Filed 2-29-24
"""


def test_an_upload_says_what_it_was_recognised_as(knowledge_dir: Path) -> None:
    """The type, citation and dates read from a file (or its front matter) come first in the notes."""
    bill = front_matter_doc(
        "widget-act", title="Widget Act", source_type="bill", citation="H.R. 9999", as_of="2026-11-27"
    )
    first, *_ = saved_upload(knowledge_dir, "widget-act.md", bill.encode(), "m", 10_000).notes
    assert first == "Recognised as bill: H.R. 9999; published 2024-09-01, as of 2026-11-27 (“Widget Act”)."
    # Without front matter: recognised from the text, and a missing date is said, not left out.
    (only,) = saved_upload(knowledge_dir, "fr-notice.md", FR_NOTICE, "m", 10_000).notes
    assert (
        only
        == "Recognised as rule: 89 FR 12345; no date (“Revisions to the Export Administration Regulations”)."
    )


def test_add_pdf_and_text(knowledge_dir: Path) -> None:
    saved_upload(knowledge_dir, "guide.pdf", make_pdf(["A guide to releases."]), "m", 100_000)
    saved_upload(knowledge_dir, "notes.txt", b"Notes\n\nA release is an export.\n", "m", 100_000)
    assert (knowledge_dir / "imported" / "guide.pdf").is_file()
    assert (knowledge_dir / "imported" / "notes.txt").is_file()


def test_path_components_in_the_upload_name_are_ignored(knowledge_dir: Path) -> None:
    entry = saved_upload(knowledge_dir, "../../evil.txt", b"Evil\n\ntext\n", "m", 1000).record
    assert entry.target == "imported/evil.txt"
    assert not (knowledge_dir.parent / "evil.txt").exists()


@pytest.mark.parametrize(
    ("filename", "data", "error", "message"),
    [
        ("tool.exe", b"MZ", KnowledgeBaseError, "only .md"),
        ("big.txt", b"x" * 2001, KnowledgeBaseError, "2,001 bytes; the limit is 2,000 bytes"),
        ("bad.md", b'---\nid: bad\ntitle: "open\n---\nx\n', DocumentError, "malformed YAML"),
        ("empty.md", b"", DocumentError, "is empty"),
        ("junk.pdf", b"%PDF-1.4 junk", DocumentError, "broken PDF"),
    ],
)
def test_bad_uploads_are_refused_and_never_saved(
    knowledge_dir: Path, filename: str, data: bytes, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        knowledge_store.parse_upload(knowledge_dir, filename, data, 2000)
    assert not (knowledge_dir / "imported").exists()


def test_remove(knowledge_dir: Path) -> None:
    documents = {d.id: d for d in load_knowledge(knowledge_dir).documents}
    edit = knowledge_store.remove(knowledge_dir, "smuggling-report", documents, "mod#2")
    assert (knowledge_dir / "smuggling-report.md").exists()  # planned, not yet applied
    edit.apply()
    entry = edit.record
    assert entry.action == "remove" and entry.target == "smuggling-report.md"
    assert not (knowledge_dir / "smuggling-report.md").exists()
    with pytest.raises(KnowledgeBaseError, match="no document with id 'nope'"):
        knowledge_store.remove(knowledge_dir, "nope", documents, "m")
    with pytest.raises(KnowledgeBaseError, match="cannot be removed"):
        knowledge_store.remove(knowledge_dir, "glossary", documents, "m")
    assert (knowledge_dir / "glossary.yaml").is_file()


def test_undo_puts_back_what_an_edit_changed(knowledge_dir: Path) -> None:
    original = (knowledge_dir / "smuggling-report.md").read_bytes()
    documents = {d.id: d for d in load_knowledge(knowledge_dir).documents}
    removed = knowledge_store.remove(knowledge_dir, "smuggling-report", documents, "m")
    removed.apply()
    removed.undo()
    assert (knowledge_dir / "smuggling-report.md").read_bytes() == original
    added = saved_upload(knowledge_dir, "notes.txt", b"Notes\n\nA release.\n", "m", 1000)
    added.undo()
    assert not (knowledge_dir / "imported" / "notes.txt").exists()
