"""Features of one (question, candidate text) pair, the same for passages and for sentences.

Every feature is a number in a small range that says something a reader would
check: how similar the texts are, how many of the question's rarer words the
candidate holds and how close together, whether its heading names the section
asked about, whether it defines the term a "what is" question asks about, and
whether it holds the kind of fact the question asks for. A learned model
weighs them (see `model.py`); nothing here is tuned by hand.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.ranking.facts import holds
from bot.ranking.question import QuestionAnalysis

WINDOW = 24  # tokens: about one sentence, the span over which "close together" is judged
TYPED = ("number", "date", "who", "citation", "yesno")
DEFINES = re.compile(
    r"^\s*(?:\(\w{1,4}\)\s*)*(?:[*“\"]+[^*”\"]{1,80}[*”\"]+|[A-Z][\w ’'-]{1,60}?)\s*(?:\([^)]{0,40}\))?\s*"
    r"(?:means|is|are|refers to|includes)\b",
)
# For a Chinese question the English-only embedder sees a rough translation, so these
# features mean less; the model learns how much less from Chinese training questions.
CROSS_LINGUAL = (
    "dense",
    "dense_gap",
    "lexical",
    "fused",
    "dense_rank",
    "lexical_rank",
    "coverage",
    "proximity",
)
NAMES = [
    "dense",
    "dense_gap",
    "dense_doc_gap",
    "lexical",
    "fused",
    "dense_rank",
    "lexical_rank",
    "doc_rank",
    "coverage",
    "coverage_heading",
    "proximity",
    "names",
    "section",
    "defines",
    "defines_asked",
    "glossary",
    "glossary_asked",
    "official",
    "length",
    *(f"holds_{t}" for t in TYPED),
    *(f"zh_{n}" for n in CROSS_LINGUAL),
]


@dataclass(frozen=True)
class Candidate:
    """What the feature extractor needs of a passage or a sentence, already scored by retrieval."""

    text: str
    heading: str
    source_type: str
    dense: float
    lexical: float
    fused_rank: int
    dense_rank: int | None
    lexical_rank: int | None
    doc_rank: int


@dataclass(frozen=True)
class Pool:
    """Scores of the whole candidate pool, for features relative to the best candidate."""

    best_dense: float
    best_lexical: float
    best_doc_dense: dict[str, float]


def _weighted(terms: dict[str, float], tokens: set[str]) -> float:
    total = sum(terms.values())
    return sum(w for t, w in terms.items() if t in tokens) / total if total else 0.0


def proximity(terms: dict[str, float], tokens: list[str]) -> float:
    """Best IDF-weighted share of the question's terms inside any window of `WINDOW` tokens."""
    total = sum(terms.values())
    if not total or not tokens:
        return 0.0
    best = 0.0
    for start in range(0, max(1, len(tokens) - WINDOW + 1), 4):
        window = set(tokens[start : start + WINDOW])
        best = max(best, sum(w for t, w in terms.items() if t in window))
    return best / total


def features(
    analysis: QuestionAnalysis,
    terms: dict[str, float],
    candidate: Candidate,
    tokens: list[str],
    heading_tokens: set[str],
    pool: Pool,
    doc_id: str,
    defined: tuple[str, ...] = (),
) -> list[float]:
    """The feature row of one candidate, in the order of `NAMES`."""
    token_set = set(tokens)
    folded = candidate.text.casefold()
    names = analysis.names
    named = sum(1 for n in names if n.casefold() in folded) / len(names) if names else 1.0
    section = float(any(s in candidate.heading or s in candidate.text[:200] for s in analysis.sections))
    defines = float(bool(DEFINES.match(candidate.text)))
    asked = float(analysis.answer_type == "definition")
    defines_asked = float(defines_term(candidate.text, defined)) if defined else defines
    glossary = float(candidate.source_type == "glossary")
    row = [
        candidate.dense,
        candidate.dense - pool.best_dense,
        candidate.dense - pool.best_doc_dense.get(doc_id, candidate.dense),
        candidate.lexical / pool.best_lexical if pool.best_lexical > 0 else 0.0,
        1.0 / math.log2(1 + candidate.fused_rank),
        1.0 / math.log2(1 + candidate.dense_rank) if candidate.dense_rank else 0.0,
        1.0 / math.log2(1 + candidate.lexical_rank) if candidate.lexical_rank else 0.0,
        1.0 / candidate.doc_rank,
        _weighted(terms, token_set),
        _weighted(terms, heading_tokens),
        proximity(terms, tokens),
        named,
        section,
        defines,
        defines_asked * asked,
        glossary,
        glossary * asked,
        float(candidate.source_type in ("statute", "regulation", "rule")),
        min(1.0, math.log1p(len(tokens)) / math.log(200)),
    ]
    row.extend(float(_asks(analysis, t) and holds(t, candidate.text)) for t in TYPED)
    chinese = float(analysis.lang == "zh")
    row.extend(chinese * row[NAMES.index(n)] for n in CROSS_LINGUAL)
    return row


def defines_term(text: str, names: tuple[str, ...]) -> bool:
    """Whether `text` opens by defining one of `names` ("A deemed export is a …", "X means …")."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = (
        rf"^\s*(?:\(\w{{1,4}}\)\s*)*(?:an?\s+|the\s+|[“\"*]+)?(?:{alternatives})(?:\s*\([^)]*\))?[”\"*]*,?\s+"
        r"(?:(?:is|are)\s+(?:the|a|an|any|when|what)\b|means\b|refers to\b|happens when\b|occurs when\b)"
    )
    return re.match(pattern, text, re.IGNORECASE) is not None


def _asks(analysis: QuestionAnalysis, kind: str) -> bool:
    return analysis.answer_type == kind or (kind == "yesno" and analysis.yesno)
