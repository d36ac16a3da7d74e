"""Every loader, and every kind of file that must be refused with its name and reason."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from bot.corpus.knowledge import load_knowledge
from bot.corpus.loaders import document_from_bytes, load_document
from bot.errors import DocumentError
from bot.models import CfrRef, SourceRef, Status
from tests.helpers import FIXTURE_IDS, front_matter_doc, make_pdf

PAGE = """<!doctype html>
<html><head><title>Deemed exports | Example Agency</title>
<style>body { color: red; } .hidden-style-rule { display: none; }</style>
<script>var trackingSecret = "do-not-index";</script></head>
<body>
<header><nav><a href="/">Home page link</a> <a href="/about">About us link</a></nav></header>
<aside>Sidebar of related links</aside>
<main>
<h1>Deemed exports</h1>
<p>A release of technology to a <b>foreign person</b> inside the country is a deemed export.</p>
<h2>Licences</h2>
<p>A licence is needed when shipping the same technology abroad would need one.</p>
<ul><li>First listed point</li><li>Second listed point</li></ul>
<script>alert("inline script text");</script>
<noscript>Please enable JavaScript</noscript>
</main>
<footer>Copyright footer text</footer>
</body></html>
"""


# Markdown with front matter


def test_front_matter_document_fields(knowledge_dir: Path) -> None:
    path = knowledge_dir / "deemed-export-explainer.md"
    doc, problems = load_document(path, knowledge_dir)
    assert problems == []
    assert doc.id == "deemed-export-explainer"
    assert doc.title == "Deemed exports in plain words"
    assert doc.source_type == "explainer"
    assert doc.citation == "15 CFR 734.13(b)"
    assert doc.url == "https://www.ecfr.gov/current/title-15/section-734.13"
    assert doc.published == date(2024, 9, 1)
    assert doc.as_of == date(2026, 11, 27)
    assert doc.legal_basis == "public"
    assert doc.lang == "en"
    assert doc.topics == ("deemed-export", "release")
    assert doc.summary_zh.startswith("在美国境内")
    assert doc.sources == (
        SourceRef(
            title="15 CFR 734.13 Export",
            url="https://www.ecfr.gov/current/title-15/section-734.13",
            publisher="eCFR",
            date=date(2024, 9, 1),
            reliability="high",
            official=CfrRef(15, 734, "13"),
        ),
    )
    # The official references are read once, at load: the citation's, its opening code, the URL's.
    assert doc.refs == (CfrRef(15, 734, "13", ("b",)),)
    assert doc.code == CfrRef(15, 734, "13", ("b",))
    assert doc.official == CfrRef(15, 734, "13")
    assert doc.path == "deemed-export-explainer.md"
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # The body is indexed, the front matter is not.
    assert doc.text.startswith("## What a deemed export is\n")
    assert "source_type" not in doc.text and "---" not in doc.text


def test_front_matter_status_with_dates(knowledge_dir: Path) -> None:
    doc, _ = load_document(knowledge_dir / "affiliates-rule-suspension.md", knowledge_dir)
    assert doc.source_type == "rule"
    assert doc.status == Status(
        state="suspended", date=date(2025, 11, 10), until=date(2026, 11, 9), note="Suspended for one year."
    )


def test_bill_is_proposed(knowledge_dir: Path) -> None:
    doc, _ = load_document(knowledge_dir / "chip-tracking-bill.md", knowledge_dir)
    assert doc.source_type == "bill"
    assert doc.status is not None and doc.status.state == "proposed"
    assert doc.status.date == date(2025, 5, 20)


def test_not_public_legal_basis(knowledge_dir: Path) -> None:
    doc, _ = load_document(knowledge_dir / "directive-2026.md", knowledge_dir)
    assert doc.legal_basis == "not_public"
    assert "has not published the legal basis" in doc.text


def test_id_differing_from_file_name_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "some-name.md"
    path.write_text(front_matter_doc("another-id"), encoding="utf-8")
    doc, problems = load_document(path, tmp_path)
    assert doc.id == "another-id"
    assert [(p.field, p.severity) for p in problems] == [("id", "warning")]


# Plain Markdown (no front matter), as every shared-corpus file is


def test_plain_markdown_with_provenance(knowledge_dir: Path) -> None:
    path = knowledge_dir / "ecfr-part734-excerpt.md"
    doc, problems = load_document(path, knowledge_dir)
    assert problems == []
    assert doc.id == "ecfr-part734-excerpt"
    assert doc.title == "15 CFR Part 734 — Scope of the export rules (test excerpt)"
    assert doc.provenance.startswith("provenance: hand-written test fixture")
    assert "https://www.ecfr.gov/current/title-15/part-734" in doc.provenance
    # The provenance comment is kept as metadata, never as indexed text.
    assert "<!--" not in doc.text and "provenance" not in doc.text
    assert doc.text.startswith("# 15 CFR Part 734")
    assert doc.source_type == "regulation"
    assert doc.citation == "15 CFR Part 734"
    assert doc.url == "https://www.ecfr.gov/current/title-15/part-734"
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_plain_markdown_without_heading_takes_first_line(tmp_path: Path) -> None:
    path = tmp_path / "Notes On Licences.md"
    path.write_text("Licence notes for the team\n\nA second paragraph.\n", encoding="utf-8")
    doc, _ = load_document(path, tmp_path)
    assert doc.id == "notes-on-licences"
    assert doc.title == "Licence notes for the team"
    assert doc.provenance == ""


def test_plain_markdown_with_only_a_comment_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "only-comment.md"
    path.write_text("<!-- provenance only -->\n\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"only-comment\.md: body: "):
        load_document(path, tmp_path)


# Text, HTML, PDF


def test_txt_document(tmp_path: Path) -> None:
    path = tmp_path / "release-notes.txt"
    path.write_text("Release of technology\n\nVisual inspection by a foreign person is a release.\n", "utf-8")
    doc, problems = load_document(path, tmp_path)
    assert problems == []
    assert doc.id == "release-notes"
    assert doc.title == "Release of technology"
    assert "Visual inspection by a foreign person is a release." in doc.text


def test_html_keeps_main_text_only(tmp_path: Path) -> None:
    path = tmp_path / "agency-page.html"
    path.write_text(PAGE, encoding="utf-8")
    doc, _ = load_document(path, tmp_path)
    assert doc.id == "agency-page"
    assert doc.title == "Deemed exports | Example Agency"
    assert "A release of technology to a foreign person inside the country is a deemed export." in doc.text
    assert "## Licences" in doc.text
    assert "First listed point" in doc.text and "Second listed point" in doc.text
    for furniture in (
        "Home page link",
        "About us",
        "Sidebar",
        "trackingSecret",
        "inline script",
        "color: red",
        "enable JavaScript",
        "Copyright footer",
    ):
        assert furniture not in doc.text


def test_html_without_main_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty-page.html"
    path.write_text("<html><head><script>x()</script></head><body><nav>Menu</nav></body></html>", "utf-8")
    with pytest.raises(DocumentError, match=r"empty-page\.html: body: "):
        load_document(path, tmp_path)


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "guide.pdf"
    path.write_bytes(
        make_pdf(
            ["Deemed exports guide", "A release of technology is a deemed export.", "Licences follow."],
            title="Guide to deemed exports",
        )
    )
    doc, problems = load_document(path, tmp_path)
    assert problems == []
    assert doc.id == "guide"
    assert doc.title == "Guide to deemed exports"
    assert "A release of technology is a deemed export." in doc.text
    assert "Licences follow." in doc.text


def test_pdf_without_title_uses_first_line(tmp_path: Path) -> None:
    path = tmp_path / "untitled.pdf"
    path.write_bytes(make_pdf(["First line of the page", "More text."]))
    doc, _ = load_document(path, tmp_path)
    assert doc.title == "First line of the page"


# Bad files: each refused by name with its reason


def test_malformed_yaml_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "bad-yaml.md"
    path.write_text('---\nid: bad-yaml\ntitle: "never closed\ntopics: [a, b\n---\nBody.\n', "utf-8")
    with pytest.raises(DocumentError) as caught:
        load_document(path, tmp_path)
    assert str(caught.value).startswith("bad-yaml.md: front matter: malformed YAML")
    assert [(p.file, p.field) for p in caught.value.problems] == [("bad-yaml.md", "front matter")]


def test_front_matter_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list-meta.md"
    path.write_text("---\n- just\n- a list\n---\nBody.\n", "utf-8")
    with pytest.raises(DocumentError, match=r"list-meta\.md: front matter: "):
        load_document(path, tmp_path)


def test_wrong_field_types_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "wrong-types.md"
    path.write_text(
        front_matter_doc(
            "wrong-types",
            title=12,
            source_type="memo",
            as_of="last tuesday",
            topics="not-a-list",
            legal_basis="secret",
            status={"state": "paused"},
        ),
        "utf-8",
    )
    with pytest.raises(DocumentError) as caught:
        load_document(path, tmp_path)
    errors = {p.field: p for p in caught.value.problems if p.severity == "error"}
    assert set(errors) == {"title", "source_type", "as_of", "topics", "legal_basis", "status.state"}
    assert errors["title"].message == "must be text, got int"
    assert "'memo'" in errors["source_type"].message
    assert "last tuesday" in errors["as_of"].message
    # The exception lists every error, one `file: field: what is wrong` line each.
    lines = str(caught.value).splitlines()
    assert len(lines) == 6
    assert all(line.startswith("wrong-types.md: ") for line in lines)


def test_missing_required_fields_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "missing.md"
    path.write_text(front_matter_doc("missing", citation=None, sources=None), "utf-8")
    with pytest.raises(DocumentError) as caught:
        load_document(path, tmp_path)
    fields = {p.field for p in caught.value.problems}
    assert {"citation", "sources"} <= fields


def test_unknown_field_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "extra.md"
    path.write_text(front_matter_doc("extra", colour="blue"), "utf-8")
    doc, problems = load_document(path, tmp_path)
    assert doc.id == "extra"
    assert [(p.field, p.severity, p.message) for p in problems] == [
        ("colour", "warning", "unknown field (ignored)")
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.pdf", make_pdf(["Some text"])[:120], r"^broken\.pdf: file: broken PDF"),
        ("fake.pdf", b"this is not a pdf at all", r"^fake\.pdf: file: not a PDF"),
        ("scan.pdf", make_pdf([]), r"^scan\.pdf: body: the PDF has no text layer"),
        (
            "controls.txt",
            bytes(range(1, 9)) * 20 + b"\xff\xfe\x80",
            r"^controls\.txt: file: not readable text",
        ),
        ("bell.txt", b"\x07\x08\x1b" * 50, r"^bell\.txt: file: binary data, not text"),
        ("sheet.docx", b"PK\x03\x04", r"sheet\.docx: file: unsupported type"),
    ],
)
def test_bad_file_is_refused_with_its_reason(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=message):
        load_document(path, tmp_path)


@pytest.mark.parametrize("suffix", [".md", ".txt", ".html"])
def test_binary_junk(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DocumentError, match=rf"^junk\{suffix}: file: binary data, not text"):
        load_document(path, tmp_path)


@pytest.mark.parametrize("content", [b"", b"   \n\n\t"])
@pytest.mark.parametrize("suffix", [".md", ".txt", ".html", ".pdf"])
def test_empty_file(tmp_path: Path, suffix: str, content: bytes) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=rf"^empty\{suffix}: file: is empty$"):
        load_document(path, tmp_path)


def test_front_matter_with_empty_body(tmp_path: Path) -> None:
    path = tmp_path / "no-body.md"
    path.write_text(front_matter_doc("no-body", body="\n\n"), "utf-8")
    with pytest.raises(DocumentError, match=r"^no-body\.md: body: has no text"):
        load_document(path, tmp_path)


def test_document_from_bytes_matches_disk_loader(knowledge_dir: Path) -> None:
    path = knowledge_dir / "deemed-export-explainer.md"
    from_disk, _ = load_document(path, knowledge_dir)
    uploaded, _ = document_from_bytes(path.read_bytes(), "deemed-export-explainer.md")
    assert uploaded == from_disk
    with pytest.raises(DocumentError, match="unsupported type"):
        document_from_bytes(b"data", "thing.exe")
    with pytest.raises(DocumentError, match="is empty"):
        document_from_bytes(b"  ", "thing.md")


# The knowledge directory as a whole


def test_load_knowledge_fixture(knowledge_dir: Path) -> None:
    loaded = load_knowledge(knowledge_dir)
    assert loaded.skipped == []
    assert [p for p in loaded.problems if p.severity == "error"] == []
    assert {d.id for d in loaded.documents} == FIXTURE_IDS
    assert len(loaded.glossary.entries) == 7


def test_bad_files_are_skipped_with_reasons_and_the_rest_load(knowledge_dir: Path) -> None:
    (knowledge_dir / "bad-yaml.md").write_text('---\nid: x\ntitle: "open\n---\nBody\n', "utf-8")
    (knowledge_dir / "empty.txt").write_bytes(b"")
    (knowledge_dir / "junk.md").write_bytes(b"\x00\x01\x02\x03 junk")
    (knowledge_dir / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    (knowledge_dir / ".hidden.md").write_text("# Hidden\n\nNot loaded.\n", "utf-8")
    (knowledge_dir / "README.md").write_text("# Readme\n\nNot a document.\n", "utf-8")
    loaded = load_knowledge(knowledge_dir)
    reasons = dict(loaded.skipped)
    assert set(reasons) == {"bad-yaml.md", "empty.txt", "junk.md", "broken.pdf"}
    assert reasons["bad-yaml.md"].startswith("bad-yaml.md: front matter: malformed YAML")
    assert reasons["empty.txt"] == "empty.txt: file: is empty"
    assert reasons["junk.md"] == "junk.md: file: binary data, not text"
    assert reasons["broken.pdf"].startswith("broken.pdf: file: broken PDF")
    ids = {d.id for d in loaded.documents}
    assert "deemed-export-explainer" in ids and "readme" not in ids and "hidden" not in ids
    assert len(loaded.documents) == 7
    assert {p.file for p in loaded.problems} == set(reasons)


def test_duplicate_ids_are_refused(knowledge_dir: Path) -> None:
    sub = knowledge_dir / "sub"
    sub.mkdir()
    (sub / "deemed-export-explainer.md").write_text(front_matter_doc("deemed-export-explainer"), "utf-8")
    loaded = load_knowledge(knowledge_dir)
    assert [name for name, _ in loaded.skipped] == ["sub/deemed-export-explainer.md"]
    assert "already used by deemed-export-explainer.md" in loaded.skipped[0][1]
    assert [d.id for d in loaded.documents].count("deemed-export-explainer") == 1


def test_missing_knowledge_dir(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="does not exist"):
        load_knowledge(tmp_path / "nowhere")


def test_knowledge_dir_with_an_html_page_and_a_pdf(knowledge_dir: Path) -> None:
    (knowledge_dir / "agency-page.html").write_text(PAGE, encoding="utf-8")
    (knowledge_dir / "guide.pdf").write_bytes(make_pdf(["Guide to releases", "A release is an export."]))
    loaded = load_knowledge(knowledge_dir)
    assert loaded.skipped == []
    ids = {d.id for d in loaded.documents}
    assert {"agency-page", "guide"} <= ids
