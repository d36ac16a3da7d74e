"""Arbitrary bytes and Unicode into every loader, the glossary parser and the chunker.

Whatever arrives, the answer is a result or a BasisError with a readable message,
never another exception (issue 11, property tests).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.corpus.glossary_file import parse_glossary
from bot.corpus.loaders import SUFFIXES, document_from_bytes, load_document
from bot.errors import BasisError
from bot.indexing.chunking import ChunkerConfig, chunk_document
from bot.models import Document
from tests.helpers import make_pdf

pytestmark = pytest.mark.faults

# No deadline and no "too slow" health check: both time each example on the wall clock, and a
# busy machine would fail a correct test (issue 24).
UNTIMED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
BOUNDED = settings(max_examples=100, deadline=None, suppress_health_check=UNTIMED)
CONFIG = ChunkerConfig(max_tokens=60, overlap=8)
# Text that looks like what the loaders and the chunker cut on, mixed with anything at all.
PIECES = st.sampled_from(
    [
        "# ",
        "## Heading\n",
        "\n\n",
        "---\n",
        "title: x\n",
        "<!-- note -->",
        "<!--",
        "-->",
        "§ 734.13 Export.\n",
        "(a) ",
        "(1) ",
        "(i) ",
        "*Defined term.* ",
        "S. 4281 - MATCH Act",
        "eCFR :: 15 CFR 734.13",
        "Federal Register :: ",
        "Citation: 90 FR 47201",
        "<html><title>",
        "</title><body><main>",
        "<p>",
        "<script>",
        "</",
        "\ufeff",
        "\ud7ff",
        "\x00",
        "\r\n",
        "\u2028",
    ]
)
STRUCTURED = st.lists(st.one_of(PIECES, st.text(max_size=40)), max_size=30).map("".join)
TEXT = st.one_of(st.text(max_size=400), STRUCTURED)


def _result_or_basis_error(data: bytes, filename: str) -> None:
    try:
        doc, problems = document_from_bytes(data, filename)
    except BasisError as exc:
        assert str(exc).strip(), "a BasisError must say what is wrong"
        return
    assert doc.text.strip() and doc.id
    assert isinstance(problems, list)
    chunks = chunk_document(doc, CONFIG)
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)


@pytest.mark.parametrize("suffix", SUFFIXES)
@BOUNDED
@given(data=st.binary(max_size=2000))
@example(data=b"---\n- a\n---\nbody\n")
@example(data=b"---\n: : :\n---\nbody\n")
@example(data="Résumé of the rule".encode("latin-1"))
@example(data=b"%PDF-1.4\n%%EOF")
@example(data=b"<div>" * 20000 + b"deeply nested text")
@example(data=b"---\na: " + b"[" * 3000 + b"]" * 3000 + b"\n---\nbody\n")
def test_arbitrary_bytes(suffix: str, data: bytes) -> None:
    _result_or_basis_error(data, f"upload{suffix}")


@pytest.mark.parametrize("suffix", SUFFIXES)
@BOUNDED
@given(text=TEXT)
@example(text="---\nid: [\n---\nx")
@example(text="---\nid: x\ntitle: 5\n---\n# T\n\nBody.\n")
@example(text="<!-- only -->")
@example(text="\ud800")
def test_arbitrary_unicode(suffix: str, text: str) -> None:
    _result_or_basis_error(text.encode("utf-8", "surrogatepass"), f"upload{suffix}")


@BOUNDED
@given(data=st.binary(max_size=800))
def test_arbitrary_bytes_after_a_pdf_header(data: bytes) -> None:
    _result_or_basis_error(b"%PDF-1.4\n" + data, "upload.pdf")


@BOUNDED
@given(lines=st.lists(st.text(st.characters(codec="latin-1"), max_size=60), max_size=12))
def test_real_pdfs_with_arbitrary_text(lines: list[str]) -> None:
    _result_or_basis_error(make_pdf(lines, title=lines[0] if lines else None), "upload.pdf")


@BOUNDED
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_from_disk(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "on-disk.txt"
    path.write_bytes(data)
    try:
        doc, _ = load_document(path, tmp_path)
    except BasisError as exc:
        assert str(exc).startswith("on-disk.txt: ")
    else:
        assert doc.path == "on-disk.txt"


YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
ENTRY = st.fixed_dictionaries(
    {},
    optional={
        key: YAML_VALUES
        for key in ("term", "aliases", "zh", "definition", "citation", "related", "definition_zh")
    },
)


@BOUNDED
@given(data=st.one_of(st.binary(max_size=600), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))))
@example(data=b"[" * 5000 + b"]" * 5000)
@example(data=b"- " * 3000 + b"x")
def test_glossary_from_arbitrary_bytes(data: bytes) -> None:
    _glossary_result(data)


@BOUNDED
@given(entries=st.one_of(st.lists(ENTRY, max_size=5), YAML_VALUES))
def test_glossary_from_arbitrary_yaml_shapes(entries: object) -> None:
    _glossary_result(yaml.safe_dump(entries, allow_unicode=True).encode("utf-8"))


def _glossary_result(data: bytes) -> None:
    try:
        entries, problems = parse_glossary(data, "glossary.yaml")
    except BasisError as exc:
        assert str(exc).strip()
        return
    assert all(str(p).startswith("glossary.yaml: ") for p in problems)
    assert all(isinstance(e.term, str) for e in entries)


@BOUNDED
@given(text=TEXT, max_tokens=st.integers(min_value=40, max_value=200), overlap=st.integers(0, 30))
@example(
    text="0:0:0000:0< 0:0:0:0:\x81\x81\U00010000\U00010000\U0001e000\U0001e000\r", max_tokens=40, overlap=0
)
def test_chunker_on_arbitrary_text(text: str, max_tokens: int, overlap: int) -> None:
    text = text.encode("utf-8", "replace").decode("utf-8")
    doc = Document(id="d", title="T", text=text, path="d.md", sha256="0")
    chunks = chunk_document(doc, ChunkerConfig(max_tokens=max_tokens, overlap=overlap))
    for chunk in chunks:
        assert 0 <= chunk.start <= chunk.end <= len(text)
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip()
