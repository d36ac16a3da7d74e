"""Rank fusion on hand-made rankings."""

from __future__ import annotations

import pytest

from bot.retrieval.fusion import rrf, weighted

DENSE = [(1, 0.9), (2, 0.8), (3, 0.7)]
LEXICAL = [(3, 12.0), (1, 6.0), (4, 2.0)]


def _order(scores: dict[int, float]) -> list[int]:
    return sorted(scores, key=lambda i: (-scores[i], i))


def test_rrf_scores_are_reciprocal_ranks() -> None:
    fused = rrf([DENSE, LEXICAL], k=60)
    assert fused == pytest.approx({1: 1 / 61 + 1 / 62, 2: 1 / 62, 3: 1 / 63 + 1 / 61, 4: 1 / 63})
    assert _order(fused) == [1, 3, 2, 4]


def test_rrf_ignores_raw_scores() -> None:
    rescaled = [(i, s * 1000) for i, s in LEXICAL]
    assert rrf([DENSE, rescaled], k=60) == rrf([DENSE, LEXICAL], k=60)


def test_rrf_with_an_empty_ranking() -> None:
    assert rrf([DENSE, []], k=60) == pytest.approx({1: 1 / 61, 2: 1 / 62, 3: 1 / 63})
    assert rrf([[], []], k=60) == {}


def test_weighted_mixes_min_max_normalised_scores() -> None:
    fused = weighted(DENSE, LEXICAL, dense_weight=0.7)
    # dense: 1 → 1.0, 2 → 0.5, 3 → 0.0; lexical: 3 → 1.0, 1 → 0.4, 4 → 0.0
    assert fused == pytest.approx({1: 0.7 * 1.0 + 0.3 * 0.4, 2: 0.7 * 0.5, 3: 0.3 * 1.0, 4: 0.0})
    assert _order(fused) == [1, 2, 3, 4]
    assert _order(weighted(DENSE, LEXICAL, dense_weight=0.2)) == [3, 1, 2, 4]


def test_weighted_with_one_retriever_silent() -> None:
    assert weighted(DENSE, [], 0.5) == pytest.approx({1: 0.5, 2: 0.25, 3: 0.0})
    assert weighted([], [], 0.5) == {}


def test_weighted_credits_a_lone_lexical_hit() -> None:
    """A rare term (say `734.13`) matching one chunk only is the strongest lexical evidence there is;
    min-max over a single score must not normalise it to nothing."""
    fused = weighted([(1, 0.9), (2, 0.5)], [(3, 4.0)], dense_weight=0.5)
    assert fused[3] > fused[2]  # item 2 is the weakest dense hit; item 3 the only lexical one


def test_rrf_constant_changes_how_much_rank_matters() -> None:
    # Item 1 tops one list only; item 2 is second in both lists.
    rankings = [[(1, 0.0), (2, 0.0)], [(3, 0.0), (2, 0.0)]]
    assert rrf(rankings, k=0)[1] == pytest.approx(1.0)  # 1/1
    assert rrf(rankings, k=0)[2] == pytest.approx(1.0)  # 1/2 + 1/2
    assert _order(rrf(rankings, k=60))[0] == 2  # 2/62 > 1/61


def test_rrf_weights_scale_each_ranking() -> None:
    fused = rrf([DENSE, LEXICAL], k=60, weights=[0.75, 0.25])
    assert fused == pytest.approx(
        {1: 0.75 / 61 + 0.25 / 62, 2: 0.75 / 62, 3: 0.75 / 63 + 0.25 / 61, 4: 0.25 / 63}
    )
    only_lexical = rrf([DENSE, LEXICAL], k=60, weights=[0.0, 1.0])
    assert _order(only_lexical)[:3] == [3, 1, 4]
    with pytest.raises(ValueError):
        rrf([DENSE, LEXICAL], k=60, weights=[1.0])
