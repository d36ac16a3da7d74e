"""The ranker's training data and fitting: a stable hold-out split, seeded fits, committed models."""

from __future__ import annotations

import numpy as np
import pytest

from bot.ranking.features import NAMES
from bot.ranking.labelled import data_hash, load_rows, split
from bot.ranking.ranker import Ranker
from bot.ranking.scope import SCOPE_NAMES
from bot.service import Basis
from bot.training import CITED, ScopeCase, calibrate, decline_table, fit, out_of_fold, paragraph_chunks


def test_the_labelled_questions_are_enough_and_well_formed() -> None:
    rows = load_rows("knowledge") + load_rows("shared-corpus")
    assert len(rows) >= 2000
    assert sum(r["lang"] == "zh" for r in rows) >= 500
    assert sum(bool(r.get("expect_abstain")) for r in rows) >= 300
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["question"].strip()
        assert row.get("expect_abstain") or row["evidence_any"], row["id"]


def test_the_hold_out_split_is_stable_and_about_thirty_percent() -> None:
    ids = [r["id"] for r in load_rows("knowledge") + load_rows("shared-corpus")]
    held = [i for i in ids if split(i) == "heldout"]
    assert 0.22 < len(held) / len(ids) < 0.38
    # Pinned: the split is a hash of the id, the same on every machine and run.
    pinned = ["tk-001", "tk-002", "tk-003", "tc-001", "tc-002", "tc-003", "tk-oos-001"]
    assert [split(i) for i in pinned] == ["train", "train", "heldout", "train", "train", "heldout", "heldout"]


def test_fit_is_deterministic_and_learns_the_signal() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(NAMES)))
    y = (x[:, NAMES.index("coverage")] > 0.5).astype(np.int64)
    blocks = [(x[:200], y[:200]), (x[200:], y[200:])]
    first, second = fit(blocks, NAMES), fit(blocks, NAMES)
    assert np.array_equal(first.coef, second.coef)
    assert int(np.argmax(first.coef)) == NAMES.index("coverage")


def test_committed_models_were_trained_on_the_committed_questions() -> None:
    ranker = Ranker.load()
    assert ranker.passages.trained_on == ranker.sentences.trained_on == ranker.scope.trained_on == data_hash()


def test_distant_supervision_finds_the_paragraph_an_explainer_cites(basis: Basis) -> None:
    paragraphs = paragraph_chunks(basis.answering)
    assert paragraphs["15 CFR 734.13(b)"]
    assert CITED.findall("Under 15 CFR 734.13(b)(1) and 50 U.S.C. 4817(b), a release") == [
        "15 CFR 734.13(b)(1)",
        "50 U.S.C. 4817(b)",
    ]


def _cases(answerable: list[float], out: list[float], forced: int = 0) -> tuple[list[ScopeCase], np.ndarray]:
    cases = [
        ScopeCase("k", "en", (), True, "uncovered" if i < forced else None) for i in range(len(answerable))
    ]
    cases += [ScopeCase("k", "en", (), False, None) for _ in out]
    return cases, np.asarray(answerable + out)


def test_the_threshold_declines_the_most_out_of_scope_within_the_false_decline_bound() -> None:
    answerable = [0.2] + [0.6 + i / 1000 for i in range(99)]  # one answerable question scores low
    cases, scores = _cases(answerable, [0.1, 0.3, 0.5, 0.65, 0.9])
    threshold = calibrate(scores, cases, max_false_declines=0.03)
    declined = scores < threshold
    assert declined[:100].sum() <= 3
    assert declined[100:].tolist() == [True, True, True, False, False]  # 0.65: too many answerable
    # A stricter bound gives up out-of-scope catches rather than answerable questions.
    strict = calibrate(scores, cases, max_false_declines=0.0)
    assert (scores[:100] < strict).sum() == 0
    assert (scores[100:] < strict).tolist() == [True, False, False, False, False]


def test_declines_no_threshold_avoids_count_against_the_bound() -> None:
    cases, scores = _cases([0.2, 0.9, 0.9, 0.9], [0.1], forced=1)  # the low one is already declined
    assert calibrate(scores, cases, max_false_declines=0.25) > 0.1
    table = decline_table(cases, scores, calibrate(scores, cases, max_false_declines=0.25))
    assert table["k en"].false_declines == {"uncovered": 1}
    assert table["k en"].declined == 1


def test_out_of_fold_scores_are_seeded() -> None:
    rng = np.random.default_rng(3)
    cases = [
        ScopeCase("k", "en", tuple(rng.normal(size=len(SCOPE_NAMES))), bool(i % 3), None) for i in range(60)
    ]
    assert np.array_equal(out_of_fold(cases), out_of_fold(cases))


def test_the_committed_scope_model_carries_its_calibrated_threshold() -> None:
    threshold = Ranker.load().scope.threshold
    assert threshold is not None and 0.0 < threshold < 1.0


def test_the_training_hash_changes_with_the_chunker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Models learn from the chunker's passages: a new chunker version makes every committed model
    stale (the test above then fails until `make models` refits them)."""
    from bot.ranking import labelled

    before = data_hash()
    monkeypatch.setattr(labelled, "CHUNKER_VERSION", labelled.CHUNKER_VERSION + 1)
    assert data_hash() != before
