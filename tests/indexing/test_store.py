"""The index stores what the knowledge files say; the official references are read again from it
on load, so an index written before they existed loads exactly like a new one."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np

from bot.corpus.references import with_refs
from bot.indexing import store
from bot.models import BillRef, CfrRef, Chunk, Document, SourceRef


def _document() -> Document:
    return with_refs(
        Document(
            "chip-security-act",
            "Chip Security Act",
            "Text.",
            "bills/chip-security-act.md",
            "0",
            "bill",
            "H.R. 3447 (119th Congress); S. 1705 (119th Congress)",
            "https://www.congress.gov/bill/119th-congress/house-bill/3447",
            sources=(
                SourceRef("eCFR", "https://www.ecfr.gov/current/title-15/part-744", date=date(2026, 1, 1)),
            ),
        )
    )


def test_documents_round_trip_with_their_references_read_on_load(tmp_path: Path) -> None:
    doc = _document()
    assert doc.refs == (BillRef("hr", 3447, 119), BillRef("s", 1705, 119))
    store.write_documents(tmp_path, [doc])
    row = json.loads((tmp_path / store.DOCUMENTS).read_text())
    assert not {"refs", "code", "official"} & set(row)  # derived, never stored
    assert "official" not in row["sources"][0]
    assert store.read_documents(tmp_path) == [doc]


def test_a_glossary_chunk_gets_the_references_of_its_source_on_load(tmp_path: Path) -> None:
    chunk = Chunk(
        "glossary#0", "glossary", "", "Text.", 0, 5, 1, term="release", source="15 CFR 734.15(a), (b)"
    )
    store.write_chunks(tmp_path, [chunk], np.zeros((1, 2), dtype=np.float32))
    assert "refs" not in json.loads((tmp_path / store.CHUNKS).read_text())
    (read,) = store.read_chunks(tmp_path)
    assert read.refs == (CfrRef(15, 734, "15", ("a",)),)
