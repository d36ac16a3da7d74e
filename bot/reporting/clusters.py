"""Grouping declined questions that ask about the same thing.

Agglomerative clustering (scikit-learn) of their embeddings, average linkage, cut at a cosine
distance: no number of groups to guess, and one odd question stays a group of its own.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import AgglomerativeClustering


def group(vectors: np.ndarray, distance: float) -> list[list[int]]:
    """Row indices grouped by similarity, biggest group first, each group's most central row
    first (then in input order); ties between equal-sized groups keep first appearance."""
    n = len(vectors)
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    labels = AgglomerativeClustering(
        n_clusters=None, distance_threshold=distance, metric="cosine", linkage="average"
    ).fit_predict(vectors)
    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(int(label), []).append(row)
    ordered = sorted(groups.values(), key=lambda rows: (-len(rows), rows[0]))
    return [_central_first(rows, vectors) for rows in ordered]


def _central_first(rows: list[int], vectors: np.ndarray) -> list[int]:
    block = vectors[rows]
    norms = np.linalg.norm(block, axis=1, keepdims=True)
    unit = block / np.where(norms == 0, 1, norms)
    centre = int(np.argmax((unit @ unit.T).sum(axis=1)))
    return [rows[centre], *(r for i, r in enumerate(rows) if i != centre)]
