"""The second ranking stage: score every fused candidate for this question with a learned model.

Passages and sentences go through the same feature extractor; each has its own
model because "holds the answer somewhere" and "is the sentence that states it"
are different targets; a third model judges whether the knowledge base covers the
question at all. All three are trained by `basis ranker train`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.ranking.features import NAMES, Candidate, Pool, features
from bot.ranking.model import LinearModel, load_model
from bot.ranking.question import QuestionAnalysis
from bot.ranking.scope import SCOPE_NAMES

PASSAGE_MODEL = "passages"
SENTENCE_MODEL = "sentences"
SCOPE_MODEL = "scope"
SENTENCE_NAMES = [*NAMES, "passage", "first_sentence"]

Tokenize = Callable[[str], list[str]]


@dataclass(frozen=True)
class Scoring:
    """One question, ready to score candidates: its analysis and IDF-weighted terms."""

    analysis: QuestionAnalysis
    terms: dict[str, float]
    tokenize: Tokenize
    defined: tuple[str, ...] = ()  # glossary terms a "what is" question asks about


def passage_rows(scoring: Scoring, items: list[tuple[str, Candidate]], pool: Pool) -> np.ndarray:
    """Feature rows of (doc id, candidate) pairs."""
    rows = [
        features(
            scoring.analysis,
            scoring.terms,
            candidate,
            scoring.tokenize(candidate.text),
            set(scoring.tokenize(candidate.heading)),
            pool,
            doc_id,
            scoring.defined,
        )
        for doc_id, candidate in items
    ]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(NAMES))


def sentence_rows(
    scoring: Scoring, items: list[tuple[str, Candidate, float, bool]], pool: Pool
) -> np.ndarray:
    """Feature rows of sentences: the passage features of the sentence, its passage's score, first or not."""
    base = passage_rows(scoring, [(doc_id, c) for doc_id, c, _, _ in items], pool)
    extra = np.asarray([[score, float(first)] for _, _, score, first in items], dtype=np.float64)
    return np.hstack([base, extra.reshape(len(items), 2)])


@dataclass(frozen=True)
class Ranker:
    """The three committed models: passages, sentences and scope."""

    passages: LinearModel
    sentences: LinearModel
    scope: LinearModel

    @classmethod
    def load(cls) -> Ranker:
        return cls(
            load_model(PASSAGE_MODEL, NAMES),
            load_model(SENTENCE_MODEL, SENTENCE_NAMES),
            load_model(SCOPE_MODEL, SCOPE_NAMES),
        )

    @classmethod
    def neutral(cls) -> Ranker:
        """Fused order for passages, passage order for sentences, cosine for scope: what training
        starts from."""
        return cls(
            _one_feature(NAMES, "fused"),
            _one_feature(SENTENCE_NAMES, "passage"),
            _one_feature(SCOPE_NAMES, "dense"),
        )


def _one_feature(names: list[str], name: str) -> LinearModel:
    coef = np.zeros(len(names))
    coef[names.index(name)] = 1.0
    return LinearModel(tuple(names), np.zeros(len(names)), np.ones(len(names)), coef, 0.0, "neutral")
