"""Merging the dense and lexical rankings into one.

Reciprocal rank fusion needs no score calibration; the weighted variant mixes
min-max-normalised scores. Both were measured on the dev set (see docs/developers/quality.md).
"""

from __future__ import annotations


def rrf(
    rankings: list[list[tuple[int, float]]], k: int, weights: list[float] | None = None
) -> dict[int, float]:
    """Reciprocal rank fusion, optionally weighting each ranking."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, (item, _) in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


def weighted(
    dense: list[tuple[int, float]], lexical: list[tuple[int, float]], dense_weight: float
) -> dict[int, float]:
    fused: dict[int, float] = {}
    for ranking, weight in ((dense, dense_weight), (lexical, 1.0 - dense_weight)):
        if not ranking:
            continue
        scores = [s for _, s in ranking]
        low, high = min(scores), max(scores)
        span = high - low
        for item, score in ranking:
            share = (score - low) / span if span else 1.0
            fused[item] = fused.get(item, 0.0) + weight * share
    return fused
