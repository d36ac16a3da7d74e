"""A built index opened for reading, checked against the settings reading it.

Retrieval sees the index only through this object and the `DenseIndex` and
`LexicalIndex` interfaces it holds, never faiss or bm25s themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import IndexMismatchError
from bot.indexing import builds, store
from bot.indexing.dense import DenseIndex
from bot.indexing.lexical import LexicalIndex, Segments
from bot.models import Chunk, Document


@dataclass
class LoadedIndex:
    folder: Path
    manifest: dict[str, Any]
    documents: dict[str, Document]
    chunks: list[Chunk]
    dense: DenseIndex
    lexical: LexicalIndex
    segments: Segments | None = None  # how the build cut the chunks' Chinese runs

    @classmethod
    def open(cls, index_dir: Path, expected: dict[str, object]) -> LoadedIndex:
        """Open the live index; if a publish in another process replaced it mid-load, open the new one.

        Superseded builds are kept a while and never removed while a reader holds them, so
        this retry (once) is for a reader that resolved `current` and lost the race to lock it.
        """
        folder = store.current_folder(index_dir)
        try:
            return cls._load(index_dir, folder, expected)
        except (OSError, RuntimeError):  # faiss reports a vanished file as RuntimeError
            if store.current_folder(index_dir) == folder:
                raise
        return cls._load(index_dir, store.current_folder(index_dir), expected)

    @classmethod
    def _load(cls, index_dir: Path, folder: Path, expected: dict[str, object]) -> LoadedIndex:
        with builds.reading(folder):
            manifest = store.read_manifest(folder)
            for key, value in expected.items():
                if manifest.get(key) != value:
                    raise IndexMismatchError(
                        f"The index in {index_dir} was built with {key} {manifest.get(key)}, "
                        f"but the settings ask for {value}. Rebuild it with `basis index build`."
                    )
            return cls(
                folder=folder,
                manifest=manifest,
                documents={d.id: d for d in store.read_documents(folder)},
                chunks=store.read_chunks(folder),
                dense=DenseIndex.load(folder),
                lexical=LexicalIndex.load(folder),
                segments=Segments.load(folder),
            )
