"""`basis ranker train`: fit the passage, sentence and scope models and calibrate the decline
threshold from the committed labelled questions (`bot/ranking/labelled.py`).

A candidate passage is positive when it holds an evidence phrase; a sentence of a top
passage is positive when it states a key fact; a question is in scope unless it is
marked `expect_abstain`. Only the `stage` part of the questions is fitted on: the
`encoder` part fine-tuned the bi-encoder (`bot/finetune.py`), whose cosine these models
weigh, and the held-out 30 % is only reported. Logistic regression is seeded and
deterministic: the same data gives the same committed models.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from bot.answering.answer import decline_reason
from bot.answering.citations import pinpoint
from bot.answering.extractive import sentence_features
from bot.answering_service import Answering
from bot.both_indexes import Building, Notice, both
from bot.evaluation import first_hit, normalise
from bot.ranking.features import NAMES
from bot.ranking.labelled import data_hash, load_rows, part, split
from bot.ranking.model import LinearModel, save_model
from bot.ranking.ranker import PASSAGE_MODEL, SCOPE_MODEL, SENTENCE_MODEL, SENTENCE_NAMES, Ranker
from bot.ranking.scope import SCOPE_NAMES
from bot.settings import Settings
from bot.text import split_sentences

MAX_FALSE_DECLINES = 0.03  # of answerable questions: the project's bound
SEED = 0


def _holds(text: str, phrases: list[str]) -> bool:
    folded = normalise(text)
    return any(normalise(p) in folded for p in phrases)


def passage_examples(basis: Answering, rows: list[dict[str, Any]]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(feature rows, labels) of each question's candidate pool; questions with no positive are skipped."""
    for row in rows:
        evidence = row.get("evidence_any") or []
        if not evidence:
            continue
        pool = basis.pool(row["question"])
        labels = np.asarray([_holds(basis.index.chunks[i].text, evidence) for i in pool.ids], dtype=np.int64)
        if labels.any():
            yield pool.rows, labels


def sentence_examples(
    basis: Answering, rows: list[dict[str, Any]]
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(feature rows, labels) of the sentences of each question's top passages."""
    for row in rows:
        facts = row.get("answer_any") or []
        if not facts:
            continue
        result = basis.search(row["question"])
        picks, features = sentence_features(result.scoring, result.passages)
        labels = np.asarray([_holds(p.text, facts) for p in picks], dtype=np.int64)
        if labels.any() and not labels.all():
            yield features, labels


@dataclass(frozen=True)
class ScopeCase:
    """One question's scope features, whether it is answerable, and any decline that does not
    depend on the threshold (`request`, `uncovered`)."""

    corpus: str
    lang: str
    features: tuple[float, ...]
    answerable: bool
    other: str | None


def scope_cases(basis: Answering, corpus: str, rows: list[dict[str, Any]]) -> list[ScopeCase]:
    """Every row but the optional ones, searched once."""
    cases = []
    for row in rows:
        if row.get("abstain_optional"):
            continue
        result = basis.search(row["question"])
        other = decline_reason(result, basis.ranker, abstain_threshold=-1.0)
        cases.append(
            ScopeCase(corpus, row.get("lang", "en"), result.scope, not row.get("expect_abstain"), other)
        )
    return cases


def out_of_fold(cases: list[ScopeCase], folds: int = 5) -> np.ndarray:
    """Scope probabilities for `cases` from models that never saw them (k-fold, seeded), so the
    threshold is calibrated on questions held apart from the fit it calibrates."""
    x = np.asarray([c.features for c in cases])
    y = np.asarray([c.answerable for c in cases], dtype=np.int64)
    fold = np.random.default_rng(SEED).permutation(len(cases)) % folds
    scores = np.zeros(len(cases))
    for k in range(folds):
        model = fit([(x[fold != k], y[fold != k])], SCOPE_NAMES)
        scores[fold == k] = model.scores(x[fold == k])
    return scores


def calibrate(
    scores: np.ndarray, cases: list[ScopeCase], max_false_declines: float = MAX_FALSE_DECLINES
) -> float:
    """The threshold that declines the most out-of-scope questions while declining at most
    `max_false_declines` of the answerable ones (counting the declines no threshold avoids).
    A false decline costs a student an answer, so that bound comes first."""
    answerable = np.asarray([c.answerable for c in cases])
    forced = np.asarray([c.other is not None for c in cases])
    best, best_caught = 0.0, -1
    for t in np.unique(np.concatenate([[0.0], scores])):
        declined = forced | (scores < t)
        false_rate = (declined & answerable).sum() / max(1, answerable.sum())
        caught = int((declined & ~answerable).sum())
        if false_rate <= max_false_declines and caught > best_caught:
            best, best_caught = float(t), caught
    return best


@dataclass
class DeclineCounts:
    answerable: int = 0
    false_declines: dict[str, int] = field(default_factory=dict)
    out_of_scope: int = 0
    declined: int = 0

    def line(self) -> str:
        false = sum(self.false_declines.values())
        by = ", ".join(f"{k} {v}" for k, v in sorted(self.false_declines.items())) or "none"
        return (
            f"answerable {self.answerable}: false declines {false} "
            f"({false / max(1, self.answerable):.3f}; {by}); "
            f"out of scope {self.out_of_scope}: declined {self.declined} "
            f"({self.declined / max(1, self.out_of_scope):.3f})"
        )


def decline_table(cases: list[ScopeCase], scores: np.ndarray, threshold: float) -> dict[str, DeclineCounts]:
    """Both error kinds per corpus and language at `threshold`."""
    table: dict[str, DeclineCounts] = {}
    for case, score in zip(cases, scores, strict=True):
        reason = case.other or ("scope" if score < threshold else None)
        counts = table.setdefault(f"{case.corpus} {case.lang}", DeclineCounts())
        if case.answerable:
            counts.answerable += 1
            if reason:
                counts.false_declines[reason] = counts.false_declines.get(reason, 0) + 1
        else:
            counts.out_of_scope += 1
            counts.declined += reason is not None
    return dict(sorted(table.items()))


CITED = re.compile(r"15 CFR \d{3}\.\d+(?:\([a-z0-9]+\))*|50 U\.S\.C\. \d{4}(?:\([a-z0-9]+\))*")
MAX_PARAGRAPHS = 3  # a citation that fits more chunks than this is too broad to label one


def paragraph_chunks(basis: Answering) -> dict[str, set[int]]:
    """Pinpoint (`15 CFR 734.13(b)`) → the chunks of the index that hold that paragraph."""
    found: dict[str, set[int]] = {}
    for i, chunk in enumerate(basis.index.chunks):
        document = basis.index.documents[chunk.doc_id]
        for offset in [0, *(a.offset for a in chunk.anchors)]:
            found.setdefault(pinpoint(document, chunk, offset), set()).add(i)
    return found


def distant_examples(knowledge: Answering, corpus: Answering) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Distant supervision: a sentence of a curated explainer that cites a paragraph of an official
    text (`… 15 CFR 734.13(b) …`), with the citation removed, is a question that paragraph answers."""
    paragraphs = paragraph_chunks(corpus)
    for document in knowledge.index.documents.values():
        for start, end in split_sentences(document.text):
            sentence = document.text[start:end]
            cited = [m.group(0) for m in CITED.finditer(sentence)]
            positives = set().union(*(paragraphs.get(c, set()) for c in cited)) if cited else set()
            question = " ".join(CITED.sub(" ", sentence).split())
            key = f"{document.id}:{start}"
            if (
                not positives
                or len(positives) > MAX_PARAGRAPHS
                or len(question) < 30
                or split(key) != "train"
            ):
                continue
            pool = corpus.pool(question[: corpus.settings.max_question_chars])
            labels = np.asarray([i in positives for i in pool.ids], dtype=np.int64)
            if labels.any():
                yield pool.rows, labels


def fit(blocks: list[tuple[np.ndarray, np.ndarray]], names: list[str]) -> LinearModel:
    """Standardised, class-balanced, L2-regularised logistic regression (scikit-learn), seeded."""
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([rows for rows, _ in blocks])
    y = np.concatenate([labels for _, labels in blocks])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000, random_state=SEED)
    model.fit((x - mean) / scale, y)
    return LinearModel(tuple(names), mean, scale, model.coef_[0], float(model.intercept_[0]), data_hash())


@dataclass
class TrainReport:
    passages: int = 0
    sentences: int = 0
    recall: dict[str, dict[str, float]] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    threshold: float = 0.0
    declines: dict[str, dict[str, DeclineCounts]] = field(default_factory=dict)


def recall_at_k(basis: Answering, rows: list[dict[str, Any]]) -> dict[str, float]:
    """Recall@5 per language on rows with evidence."""
    hits: dict[str, list[bool]] = {}
    for row in rows:
        if row.get("evidence_any"):
            found = first_hit(basis.search(row["question"]), row["evidence_any"]) is not None
            hits.setdefault(row.get("lang", "en"), []).append(found)
    return {lang: round(sum(v) / len(v), 3) for lang, v in sorted(hits.items())}


def train_both(settings: Settings, building: Building, notice: Notice, distant: bool = False) -> TrainReport:
    """`basis ranker train`: fit on the knowledge base and the shared corpus, each searched with
    the neutral ranker (no learned model scores the candidates it is fitted on)."""
    return train(both(settings, building, notice, Ranker.neutral()), distant)


def train(indexes: dict[str, Answering], distant: bool = False) -> TrainReport:
    """Fit the passage, sentence and scope models and calibrate the decline threshold from the
    `stage` questions of each corpus, searched on that corpus's index; report Recall@5 on each
    part and both decline error kinds on the stage (out of fold) and held-out questions."""
    report = TrainReport()
    rows = {corpus: load_rows(corpus) for corpus in indexes}
    train_rows = {c: [r for r in rs if part(r) == "stage"] for c, rs in rows.items()}
    blocks = [b for c, basis in indexes.items() for b in passage_examples(basis, train_rows[c])]
    if distant:
        blocks.extend(distant_examples(indexes["knowledge"], indexes["shared-corpus"]))
    passages = fit(blocks, NAMES)
    report.passages = sum(len(labels) for _, labels in blocks)
    for basis in indexes.values():
        basis.ranker = Ranker(passages, basis.ranker.sentences, basis.ranker.scope)
    blocks = [b for c, basis in indexes.items() for b in sentence_examples(basis, train_rows[c])]
    sentences = fit(blocks, SENTENCE_NAMES)
    report.sentences = sum(len(labels) for _, labels in blocks)
    for basis in indexes.values():
        basis.ranker = Ranker(passages, sentences, basis.ranker.scope)
    cases = [case for c, basis in indexes.items() for case in scope_cases(basis, c, train_rows[c])]
    blocks = [
        (np.asarray([c.features for c in cases]), np.asarray([c.answerable for c in cases], dtype=np.int64))
    ]
    calibration = out_of_fold(cases)
    report.threshold = calibrate(calibration, cases)
    scope = replace(fit(blocks, SCOPE_NAMES), threshold=report.threshold)
    report.declines["stage (out of fold)"] = decline_table(cases, calibration, report.threshold)
    report.paths = [
        str(save_model(PASSAGE_MODEL, passages)),
        str(save_model(SENTENCE_MODEL, sentences)),
        str(save_model(SCOPE_MODEL, scope)),
    ]
    for corpus, basis in indexes.items():
        basis.ranker = Ranker(passages, sentences, scope)
        for name in ("encoder", "stage", "heldout"):
            chosen = [r for r in rows[corpus] if part(r) == name]
            report.recall[f"{corpus} {name}"] = recall_at_k(basis, chosen)
    held = [
        case
        for corpus, basis in indexes.items()
        for case in scope_cases(basis, corpus, [r for r in rows[corpus] if part(r) == "heldout"])
    ]
    held_scores = scope.scores(np.asarray([c.features for c in held]))
    report.declines["held out"] = decline_table(held, held_scores, report.threshold)
    return report
