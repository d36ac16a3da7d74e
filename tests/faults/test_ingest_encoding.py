"""Legacy-encoded text files are read, and the encoding assumed is said (issue 11, item 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus.check import check_knowledge
from bot.corpus.loaders import load_document
from bot.errors import BasisError, DocumentError
from bot.service import Basis

pytestmark = pytest.mark.faults

NOTICE = (
    "Notice to exporters \u2014 r\u00e9sum\u00e9 of the r\u00e8gle\n\n"
    "The Bureau's guidance on \u201cdeemed exports\u201d applies to na\u00efve caf\u00e9 visitors too: "
    "a release of technology to a foreign person is an export.\n"
)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_legacy_encoded_file_loads_and_names_its_encoding(
    tmp_path: Path, encoding: str, suffix: str
) -> None:
    text = (
        NOTICE
        if encoding == "cp1252"
        else NOTICE.replace("\u2014", "-").translate({0x201C: '"', 0x201D: '"'})
    )
    path = tmp_path / f"notice{suffix}"
    path.write_bytes(text.encode(encoding))
    doc, problems = load_document(path, tmp_path)
    assert "r\u00e9sum\u00e9 of the r\u00e8gle" in doc.title
    assert "na\u00efve caf\u00e9 visitors" in doc.text
    assert [(p.field, p.severity, p.message) for p in problems] == [
        ("encoding", "warning", "not UTF-8; read as cp1252")
    ]


def test_utf8_files_say_nothing_about_encoding(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    _, problems = load_document(path, tmp_path)
    assert problems == []


def test_kb_check_and_kb_add_tell_the_moderator_the_encoding(basis: Basis, knowledge_dir: Path) -> None:
    change = basis.kb.add_file("notice.txt", NOTICE.encode("cp1252"), actor="mod#1")
    assert change.report.added == ["notice"]
    assert "notice.txt: encoding: not UTF-8; read as cp1252" in change.summary
    assert "na\u00efve caf\u00e9" in basis.answering.index.documents["notice"].text
    warnings = [str(p) for p in check_knowledge(knowledge_dir) if p.field == "encoding"]
    assert warnings == ["imported/notice.txt: encoding: not UTF-8; read as cp1252"]


@pytest.mark.parametrize(
    "data",
    [bytes(range(1, 9)) * 20 + b"\xff\xfe\x80", b"\x07\x08\x1b\x7f" * 64, b"\x00\x01binary\xff" * 30],
)
def test_bytes_no_encoding_reads_as_text_are_still_a_clear_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=r"^junk\.txt: file: (binary data|not readable text)") as caught:
        load_document(path, tmp_path)
    assert isinstance(caught.value, BasisError)
