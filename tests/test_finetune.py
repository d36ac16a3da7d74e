"""Fine-tuning the bi-encoder: training triples, batches without false negatives, the committed
weights and the data they were trained on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.errors import ModelLoadError
from bot.evaluation import normalise
from bot.finetune import Example, TextIndex, _batches, examples
from bot.indexing import embedder as embedder_module
from bot.indexing.embedder import TUNED, file_sha256, load_tuned, read_tuned_manifest
from bot.ranking.labelled import data_hash, load_rows, part
from bot.service import Basis


def test_each_triple_pairs_a_passage_holding_the_evidence_with_one_that_does_not(basis: Basis) -> None:
    rows = [
        {
            "id": "x1",
            "question": "What is a deemed export?",
            "evidence_any": ["as if the technology had been shipped"],
        },
        {
            "id": "x2",
            "question": "什么是视同出口？",
            "evidence_any": ["as if the technology had been shipped"],
        },
        {"id": "x3", "question": "Anything about pizza?", "evidence_any": ["no passage says this"]},
    ]
    text = TextIndex(basis.answering.index, basis.answering.glossary, basis.answering.tokenizer)
    found = examples(text, rows)
    assert [e.key for e in found] == ["x1", "x2"]
    for example in found:
        assert "as if the technology had been shipped" in normalise(example.positive)
        assert "as if the technology had been shipped" not in normalise(example.negative)
    # The dense retriever reads a Chinese question in its English search form; so does training.
    assert "deemed export" in found[1].query.casefold()
    assert examples(text, rows) == found  # BM25 negatives: the same every run


def test_batches_never_hold_one_passage_twice_and_follow_the_seed() -> None:
    items = [Example(f"q{i}", f"question {i}", f"passage {i % 7}", f"negative {i % 5}") for i in range(40)]
    batches = _batches(items, 8, np.random.default_rng(0))
    for batch in batches:
        texts = [e.positive for e in batch] + [e.negative for e in batch]
        assert len(texts) == len(set(texts))
    assert batches == _batches(items, 8, np.random.default_rng(0))
    assert batches != _batches(items, 8, np.random.default_rng(1))


def test_the_encoder_and_the_stage_learn_from_disjoint_questions() -> None:
    """Cross-fitting by sample split: no question trains both the encoder and the ranking stage,
    out-of-scope questions (no passage to pair) all go to the stage, 30 % are held out."""
    rows = load_rows("knowledge") + load_rows("shared-corpus")
    parts = [part(r) for r in rows]
    assert 0.25 < parts.count("heldout") / len(rows) < 0.35
    assert 0.3 < parts.count("encoder") / len(rows) < 0.45
    assert all(part(r) != "encoder" for r in rows if r.get("expect_abstain"))


def test_the_committed_weights_are_the_product_of_the_committed_questions() -> None:
    """Retrain with `basis ranker tune --seed <seed>` (then `make models`) when this fails."""
    manifest = read_tuned_manifest()
    assert manifest.trained_on == data_hash()
    assert file_sha256(manifest.file) == manifest.sha256
    assert manifest.name == f"{TUNED}@{manifest.sha256[:12]}"
    assert json.loads((manifest.file.with_suffix(".json")).read_text())["command"].startswith(
        "basis ranker tune"
    )


def test_weights_that_differ_from_their_recorded_hash_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = read_tuned_manifest()
    data = json.loads(manifest.file.with_suffix(".json").read_text())
    (tmp_path / manifest.file.name).write_bytes(manifest.file.read_bytes() + b"\0")
    (tmp_path / "m.json").write_text(json.dumps(data))
    monkeypatch.setattr(embedder_module, "TUNED_MANIFEST", tmp_path / "m.json")
    with pytest.raises(ModelLoadError, match="differ from the hash"):
        load_tuned()


def test_a_missing_manifest_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="basis ranker tune"):
        read_tuned_manifest(tmp_path / "none.json")
