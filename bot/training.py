"""`basis ranker train`: fit the passage and sentence models from the committed labelled questions.

The questions in `bot/ranking/questions/` were written for training only, never taken
from the development sets. Each names the phrases of the passage that answers
it (`evidence_any`) and the key facts a good answer states (`answer_any`). A
candidate passage is positive when it holds an evidence phrase; a sentence of
a top passage is positive when it states a key fact. 30 % of the questions
(chosen by a hash of their id, so the split never changes) are held out and
reported, never trained on. Logistic regression is seeded and deterministic:
the same data gives the same committed model.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.answering.citations import pinpoint
from bot.answering.extractive import sentence_features
from bot.evaluation import first_hit, normalise
from bot.ranking.features import NAMES
from bot.ranking.model import LinearModel, save_model
from bot.ranking.ranker import PASSAGE_MODEL, SCOPE_MODEL, SENTENCE_MODEL, SENTENCE_NAMES, Ranker
from bot.ranking.scope import SCOPE_NAMES
from bot.service import Basis
from bot.text import split_sentences

DATA = Path(__file__).parent / "ranking" / "questions"
HELD_OUT = 3  # of 10 hash buckets
SEED = 0


def split(question_id: str) -> str:
    """`heldout` for 30 % of ids, `train` for the rest; stable across runs and machines."""
    bucket = int(hashlib.sha256(question_id.encode()).hexdigest(), 16) % 10
    return "heldout" if bucket < HELD_OUT else "train"


def load_rows(corpus: str) -> list[dict[str, Any]]:
    """The labelled questions for one corpus (`knowledge` or `shared-corpus`)."""
    rows = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row.get("corpus") == corpus:
                    rows.append(row)
    return rows


def data_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(DATA.glob("*.jsonl")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _holds(text: str, phrases: list[str]) -> bool:
    folded = normalise(text)
    return any(normalise(p) in folded for p in phrases)


def passage_examples(basis: Basis, rows: list[dict[str, Any]]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(feature rows, labels) of each question's candidate pool; questions with no positive are skipped."""
    for row in rows:
        evidence = row.get("evidence_any") or []
        if not evidence:
            continue
        pool = basis.pool(row["question"])
        labels = np.asarray([_holds(basis.index.chunks[i].text, evidence) for i in pool.ids], dtype=np.int64)
        if labels.any():
            yield pool.rows, labels


def sentence_examples(basis: Basis, rows: list[dict[str, Any]]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
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


def scope_examples(basis: Basis, rows: list[dict[str, Any]]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(scope features, 1 in scope / 0 out of scope) of each question; optional rows are left out."""
    for row in rows:
        if row.get("abstain_optional"):
            continue
        result = basis.search(row["question"])
        yield np.asarray([result.scope]), np.asarray([0 if row.get("expect_abstain") else 1])


CITED = re.compile(r"15 CFR \d{3}\.\d+(?:\([a-z0-9]+\))*|50 U\.S\.C\. \d{4}(?:\([a-z0-9]+\))*")
MAX_PARAGRAPHS = 3  # a citation that fits more chunks than this is too broad to label one


def paragraph_chunks(basis: Basis) -> dict[str, set[int]]:
    """Pinpoint (`15 CFR 734.13(b)`) → the chunks of the index that hold that paragraph."""
    found: dict[str, set[int]] = {}
    for i, chunk in enumerate(basis.index.chunks):
        document = basis.index.documents[chunk.doc_id]
        for offset in [0, *(a.offset for a in chunk.anchors)]:
            found.setdefault(pinpoint(document, chunk, offset), set()).add(i)
    return found


def distant_examples(knowledge: Basis, corpus: Basis) -> Iterator[tuple[np.ndarray, np.ndarray]]:
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


def recall_at_k(basis: Basis, rows: list[dict[str, Any]]) -> dict[str, float]:
    """Recall@5 per language on rows with evidence."""
    hits: dict[str, list[bool]] = {}
    for row in rows:
        if row.get("evidence_any"):
            found = first_hit(basis.search(row["question"]), row["evidence_any"]) is not None
            hits.setdefault(row.get("lang", "en"), []).append(found)
    return {lang: round(sum(v) / len(v), 3) for lang, v in sorted(hits.items())}


def train(indexes: dict[str, Basis], distant: bool = False) -> TrainReport:
    """Fit both models from the questions of each corpus, searched on that corpus's index."""
    report = TrainReport()
    rows = {corpus: load_rows(corpus) for corpus in indexes}
    train_rows = {c: [r for r in rs if split(r["id"]) == "train"] for c, rs in rows.items()}
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
    blocks = [b for c, basis in indexes.items() for b in scope_examples(basis, train_rows[c])]
    scope = fit(blocks, SCOPE_NAMES)
    report.paths = [
        str(save_model(PASSAGE_MODEL, passages)),
        str(save_model(SENTENCE_MODEL, sentences)),
        str(save_model(SCOPE_MODEL, scope)),
    ]
    for corpus, basis in indexes.items():
        basis.ranker = Ranker(passages, sentences, scope)
        for part in ("train", "heldout"):
            chosen = [r for r in rows[corpus] if split(r["id"]) == part]
            report.recall[f"{corpus} {part}"] = recall_at_k(basis, chosen)
    return report
