"""The offline answer: the source sentence that answers the question first, then a few that support it.

Each chosen sentence is an exact substring of its passage, so citation
faithfulness holds by construction. Sentences are scored by the same feature
extractor as passages (key-term coverage and proximity, definition for "what
is", the kind of fact asked for: an amount for "how much", a date for "when",
a person or body for "who", a deciding sentence for yes/no) plus their
passage's score, weighed by the learned sentence model. The best becomes the
lead; near-duplicates of a chosen sentence are skipped so the rest add ground.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.corpus.quotable import quotable_spans
from bot.models import Passage
from bot.ranking.features import Candidate, Pool
from bot.ranking.model import LinearModel
from bot.ranking.ranker import Scoring, sentence_rows

MAX_SENTENCES = 4
MAX_CHARS = 900
REDUNDANT = 0.6
KEEP_RATIO = 0.5


@dataclass(frozen=True)
class Pick:
    passage: Passage
    start: int
    end: int
    score: float

    @property
    def text(self) -> str:
        return self.passage.chunk.text[self.start : self.end]


def sentence_candidates(passages: tuple[Passage, ...]) -> list[tuple[Passage, int, int, bool]]:
    """Every prose sentence of the passages: (passage, start, end, first in its passage).

    The rule is `quotable_spans`, shared with the Chinese twins, so every candidate can have one."""
    found: list[tuple[Passage, int, int, bool]] = []
    for passage in passages:
        spans = quotable_spans(passage.chunk.text)
        found.extend((passage, a, b, n == 0) for n, (a, b) in enumerate(spans))
    return found


def sentence_features(scoring: Scoring, passages: tuple[Passage, ...]) -> tuple[list[Pick], np.ndarray]:
    """The candidate sentences (unscored) and their feature rows."""
    candidates = sentence_candidates(passages)
    pool = Pool(
        best_dense=max((p.dense or 0.0 for p in passages), default=0.0),
        best_lexical=max((p.lexical or 0.0 for p in passages), default=0.0),
        best_doc_dense={},
    )
    items = [
        (
            passage.document.id,
            Candidate(
                text=passage.chunk.text[a:b],
                heading=f"{passage.document.title} {passage.chunk.heading}",
                source_type=passage.document.source_type,
                dense=passage.dense or 0.0,
                lexical=passage.lexical or 0.0,
                fused_rank=passage.rank,
                dense_rank=None,
                lexical_rank=None,
                doc_rank=1,
            ),
            passage.score,
            first,
        )
        for passage, a, b, first in candidates
    ]
    picks = [Pick(passage, a, b, 0.0) for passage, a, b, _ in candidates]
    return picks, sentence_rows(scoring, items, pool)


def choose_sentences(scoring: Scoring, passages: tuple[Passage, ...], model: LinearModel) -> list[Pick]:
    """The lead sentence and up to three supporting ones, best first, within `MAX_CHARS`."""
    picks, rows = sentence_features(scoring, passages)
    if not picks:
        return []
    scores = model.scores(rows)
    ranked = sorted(
        (Pick(p.passage, p.start, p.end, float(s)) for p, s in zip(picks, scores, strict=True)),
        key=lambda p: -p.score,
    )
    chosen: list[tuple[Pick, set[str]]] = []
    used = 0
    for pick in ranked:
        if len(chosen) == MAX_SENTENCES or (chosen and pick.score < KEEP_RATIO * chosen[0][0].score):
            break
        tokens = set(scoring.tokenize(pick.text))
        if any(_jaccard(tokens, other) > REDUNDANT for _, other in chosen):
            continue
        if used + len(pick.text) > MAX_CHARS and chosen:
            continue
        chosen.append((pick, tokens))
        used += len(pick.text) + 5
    return [pick for pick, _ in chosen]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0
