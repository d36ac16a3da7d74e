"""Dense vectors in faiss: exact inner product while small, HNSW past a threshold.

Vectors are L2-normalised, so inner product is cosine similarity. A saved index
is memory-mapped for reading and never written to again (adding to a mapped
index aborts the process), so every build makes a fresh one in memory.
`DenseIndex` is the only place that touches faiss; it has the shape of
`LexicalIndex` (build, add, search, save, load), so another backend is one class.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

FILE = "dense.faiss"
HNSW_M = 32
HNSW_EF_SEARCH = 64


class DenseIndex:
    """Nearest chunk vectors to a query vector, by row number in the chunk store."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray, ann_threshold: int) -> DenseIndex:
        """An in-memory index of `vectors`: flat up to `ann_threshold` rows, HNSW beyond."""
        dimension = vectors.shape[1]
        if len(vectors) > ann_threshold:
            index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            index = faiss.IndexFlatIP(dimension)
        dense = cls(index)
        dense.add(vectors)
        return dense

    def add(self, vectors: np.ndarray) -> None:
        """Append rows; only for an index built in memory, never a loaded (mapped) one."""
        if len(vectors):
            self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(row, cosine) of the `k` nearest rows, best first."""
        if self._index.ntotal == 0:
            return []
        scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), min(k, self._index.ntotal))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def vectors(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of rows `ids`, one row each, for scoring candidates the search missed."""
        return np.vstack([self._index.reconstruct(i) for i in ids])

    def save(self, folder: Path) -> None:
        """Written by Python, not faiss: faiss only logs a failed close (a full disk), leaving a torn
        file, whereas this raises the OSError with its errno."""
        (folder / FILE).write_bytes(faiss.serialize_index(self._index))

    @classmethod
    def load(cls, folder: Path) -> DenseIndex:
        index = faiss.read_index(str(folder / FILE), faiss.IO_FLAG_MMAP_IFC)
        if isinstance(index, faiss.IndexHNSWFlat):
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index)
