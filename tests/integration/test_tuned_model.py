"""The committed fine-tuned bi-encoder loads from the base package plus its deltas, offline."""

from __future__ import annotations

import numpy as np
import pytest

from bot.indexing.embedder import TUNED, load_embedder, read_tuned_manifest

pytestmark = pytest.mark.integration


def test_the_tuned_model_is_the_base_model_moved_by_its_committed_deltas() -> None:
    """Over 20 s: loads both models (the base one twice over, once plain, once with the deltas)."""
    tuned = load_embedder(TUNED)
    base = load_embedder(read_tuned_manifest().base)
    assert tuned.name == read_tuned_manifest().name and tuned.dimension == base.dimension == 384
    texts = ["can I show source code to a coworker from abroad", "15 CFR 734.13(b) release"]
    moved = np.sum(tuned.encode(texts) * base.encode(texts), axis=1)
    assert np.all(moved < 0.9999)  # the deltas changed the vectors …
    assert np.all(moved > 0.5)  # … without throwing the base model away
    vector = tuned.encode_query(texts[0])
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4
