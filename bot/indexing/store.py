"""Reading and writing the files of one built index folder, and finding the live one.

`current` is a symlink to the live folder under `builds/`; how folders are
created, published and removed is `bot.indexing.builds`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from bot.corpus.references import parse_refs, with_refs
from bot.errors import IndexMissingError
from bot.models import Anchor, Chunk, Document, SourceRef, Status, StatusPeriod, Timeline

CURRENT = "current"
BUILDS = "builds"
MANIFEST = "manifest.json"
DOCUMENTS = "documents.jsonl"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.npy"


def current_folder(index_dir: Path) -> Path:
    link = index_dir / CURRENT
    if not (link / MANIFEST).is_file():
        raise IndexMissingError(f"No index has been built in {index_dir}. Run `basis index build` first.")
    return link.resolve()


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=_json_default) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as source:
        return [json.loads(line) for line in source if line.strip()]


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def read_manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text())


# Fields read from a document's or chunk's own text when it is loaded (`corpus.references`): not
# stored, so an index built before they existed reads the same as a new one.
READ_AT_LOAD = ("refs", "code", "official")


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in READ_AT_LOAD}


def write_documents(folder: Path, documents: list[Document]) -> None:
    rows = [asdict(d) for d in documents]
    for row in rows:
        row["sources"] = [_stored(s) for s in row["sources"]]
    write_jsonl(folder / DOCUMENTS, [_stored(row) for row in rows])


def read_documents(folder: Path) -> list[Document]:
    return [document_from_dict(row) for row in read_jsonl(folder / DOCUMENTS)]


def document_from_dict(row: dict[str, Any]) -> Document:
    row = dict(row)
    for key in ("published", "as_of"):
        row[key] = date.fromisoformat(row[key]) if row.get(key) else None
    status = row.get("status")
    if status:
        row["status"] = Status(**{**status, **_days(status, "date", "until", "as_of")})
    timeline = row.get("timeline")
    if timeline:
        periods = tuple(StatusPeriod(**{**p, **_days(p, "start", "until")}) for p in timeline["periods"])
        row["timeline"] = Timeline(**{**timeline, **_days(timeline, "as_of"), "periods": periods})
    row["topics"] = tuple(row.get("topics", ()))
    row["twins"] = tuple((str(k), str(zh)) for k, zh in row.get("twins", ()))
    row["sources"] = tuple(
        SourceRef(**{**_stored(s), "date": date.fromisoformat(s["date"]) if s.get("date") else None})
        for s in row.get("sources", ())
    )
    return with_refs(Document(**_stored(row)))


def _days(row: dict[str, Any], *keys: str) -> dict[str, date | None]:
    return {key: date.fromisoformat(row[key]) if row.get(key) else None for key in keys}


def write_chunks(folder: Path, chunks: list[Chunk], vectors: np.ndarray) -> None:
    write_jsonl(folder / CHUNKS, [_stored(asdict(c)) for c in chunks])
    np.save(folder / VECTORS, vectors)


def read_chunks(folder: Path) -> list[Chunk]:
    chunks = []
    for row in read_jsonl(folder / CHUNKS):
        anchors = tuple(Anchor(**a) for a in row.get("anchors", ()))
        chunk = Chunk(**{**_stored(row), "anchors": anchors})
        chunks.append(replace(chunk, refs=parse_refs(chunk.source)) if chunk.source else chunk)
    return chunks


def read_vectors(folder: Path) -> np.ndarray:
    return np.load(folder / VECTORS, mmap_mode="r")
