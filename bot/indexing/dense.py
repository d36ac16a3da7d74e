"""Dense vectors in faiss: exact inner product while small, HNSW past a threshold.

Vectors are L2-normalised, so inner product is cosine similarity. A saved index
is memory-mapped for reading and never written to again (adding to a mapped
index aborts the process), so every build makes a fresh one in memory.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

FILE = "dense.faiss"
HNSW_M = 32
HNSW_EF_SEARCH = 64


def build_dense(vectors: np.ndarray, ann_threshold: int) -> faiss.Index:
    dimension = vectors.shape[1]
    if len(vectors) > ann_threshold:
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dimension)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def save_dense(index: faiss.Index, folder: Path) -> None:
    faiss.write_index(index, str(folder / FILE))


def load_dense(folder: Path) -> faiss.Index:
    index = faiss.read_index(str(folder / FILE), faiss.IO_FLAG_MMAP_IFC)
    if isinstance(index, faiss.IndexHNSWFlat):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def search_dense(index: faiss.Index, query: np.ndarray, k: int) -> list[tuple[int, float]]:
    if index.ntotal == 0:
        return []
    scores, ids = index.search(query.reshape(1, -1).astype(np.float32), min(k, index.ntotal))
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
