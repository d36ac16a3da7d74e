"""The offline answer: the few source sentences that best answer the question.

Each chosen sentence is an exact substring of its passage, so citation
faithfulness holds by construction. Sentences are scored by how much of the
question's rarer vocabulary they carry (IDF-weighted overlap) plus how well
their passage ranked, and near-duplicates of an already chosen sentence are
skipped so the answer covers more ground.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.indexing.lexical import Tokenizer
from bot.models import Passage
from bot.text import split_sentences

MAX_SENTENCES = 4
MAX_CHARS = 900
MIN_CHARS = 30
REDUNDANT = 0.6
KEEP_RATIO = 0.45
NOT_PROSE = re.compile(
    r"^(?:#|\||Citation:|URL:|Note:|Also called:|中文：|-\s*\w+:|This (?:explainer|document|page|section)\b)"
)
DEFINITION_BONUS = 0.35
DEFINES = (
    r"(?:\)|\s)*[”\"]?,?\s+(?:(?:is|are)\s+(?:the|a|an|any|when|what)\b|means\b|refers to\b"
    r"|happens when\b|occurs when\b|covers\b|describes\b)"
)


@dataclass(frozen=True)
class Pick:
    passage: Passage
    start: int
    end: int
    score: float

    @property
    def text(self) -> str:
        return self.passage.chunk.text[self.start : self.end]


def choose_sentences(
    question_terms: list[str],
    passages: tuple[Passage, ...],
    idf: dict[str, float],
    tokenizer: Tokenizer,
    defined: tuple[str, ...] = (),
) -> list[Pick]:
    """Best sentences for the question; `defined` names terms the question asks to define,
    whose defining sentences ("A deemed export is …") are preferred."""
    wanted = set(question_terms)
    definition = _definition_pattern(defined)
    weight = sum(idf.get(t, 1.0) for t in wanted) or 1.0
    candidates: list[tuple[Pick, set[str]]] = []
    for passage in passages:
        prior = 1.0 / (1 + passage.rank)
        for start, end in split_sentences(passage.chunk.text):
            text = passage.chunk.text[start:end]
            if len(text) < MIN_CHARS or NOT_PROSE.match(text):
                continue
            tokens = set(tokenizer.tokenize(text))
            overlap = sum(idf.get(t, 1.0) for t in wanted & tokens) / weight
            length = min(1.0, math.log(len(text)) / math.log(120))
            score = overlap * length + 0.5 * prior
            if definition and definition.search(text[:160]):
                score += DEFINITION_BONUS
            candidates.append((Pick(passage, start, end, score), tokens))
    candidates.sort(key=lambda c: -c[0].score)
    chosen: list[tuple[Pick, set[str]]] = []
    used = 0
    for pick, tokens in candidates:
        if len(chosen) == MAX_SENTENCES:
            break
        if chosen and pick.score < KEEP_RATIO * chosen[0][0].score:
            break
        if any(_jaccard(tokens, other) > REDUNDANT for _, other in chosen):
            continue
        if used + len(pick.text) > MAX_CHARS and chosen:
            continue
        chosen.append((pick, tokens))
        used += len(pick.text) + 5
    return [pick for pick, _ in chosen]


def _definition_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    names = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"^(?:an?\s+|the\s+|[“\"*]+)?(?:{names})(?:\s*\([^)]*\))?{DEFINES}", re.IGNORECASE)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0
