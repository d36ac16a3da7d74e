"""Each feature of the ranker moves the way its name says."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bot.errors import ConfigError
from bot.ranking.facts import holds
from bot.ranking.features import NAMES, Candidate, Pool, defines_term, features, proximity
from bot.ranking.model import LinearModel, load_model
from bot.ranking.question import analyse
from bot.ranking.ranker import SENTENCE_NAMES, Ranker

POOL = Pool(best_dense=0.8, best_lexical=10.0, best_doc_dense={"d": 0.8})
BASE = Candidate("", "", "regulation", 0.6, 5.0, 3, 2, 4, 1)


def _row(question: str, text: str, terms: dict[str, float], heading: str = "", **changes: object) -> dict:
    candidate = replace(BASE, text=text, heading=heading, **changes)
    tokens = text.lower().replace(".", " ").replace(",", " ").split()
    values = features(analyse(question), terms, candidate, tokens, set(heading.lower().split()), POOL, "d")
    return dict(zip(NAMES, values, strict=True))


def test_coverage_and_proximity_reward_the_question_terms_together() -> None:
    terms = {"transit": 3.0, "destination": 2.0, "export": 0.5}
    close = _row("q", "the export of an item that will transit a country goes to its destination", terms)
    far = _row("q", "transit " + "word " * 40 + "destination", terms)
    none = _row("q", "nothing relevant here at all", terms)
    assert close["coverage"] == pytest.approx(1.0)
    assert close["proximity"] > far["proximity"] > none["proximity"] == 0.0
    assert proximity({}, ["a"]) == 0.0


def test_scores_relative_to_the_pool_and_ranks_as_reciprocal_logs() -> None:
    row = _row("q", "text", {})
    assert row["dense_gap"] == pytest.approx(-0.2)
    assert row["lexical"] == pytest.approx(0.5)
    assert row["fused"] == pytest.approx(1 / np.log2(4))
    assert _row("q", "text", {}, lexical_rank=None)["lexical_rank"] == 0.0


@pytest.mark.parametrize(
    ("question", "text", "feature"),
    [
        (
            "How much is the maximum civil penalty?",
            "The penalty may not exceed $300,000 per violation.",
            "holds_number",
        ),
        ("When did the rule take effect?", "The rule took effect on September 29, 2025.", "holds_date"),
        ("Who signed the letter?", "Secretary Howard Lutnick signed the letter.", "holds_who"),
        ("Which section covers releases?", "See 15 CFR 734.15 for releases.", "holds_citation"),
        (
            "Is a green card holder a U.S. person?",
            "A permanent resident is not a foreign person.",
            "holds_yesno",
        ),
    ],
)
def test_answer_type_features_fire_only_when_asked_and_held(question: str, text: str, feature: str) -> None:
    assert _row(question, text, {})[feature] == 1.0
    assert _row("tell me about it", text, {})[feature] == 0.0
    assert _row(question, "Plain words here", {})[feature] == 0.0


def test_fact_detectors() -> None:
    assert holds("number", "up to 20 years in prison")
    assert holds("date", "at 5:21 pm on Friday")
    assert holds("date", "2026年6月12日")
    assert not holds("date", "no date here")
    assert not holds("definition", "anything")


def test_definition_section_glossary_and_chinese_features() -> None:
    defines = _row("What is a deemed export?", "Deemed export means a release of technology.", {})
    assert defines["defines"] == 1.0 and defines["defines_asked"] == 1.0
    assert _row("Who is it?", "Deemed export means a release.", {})["defines_asked"] == 0.0
    section = _row("Does 734.13 apply?", "text", {}, heading="§ 734.13 Export.")
    assert section["section"] == 1.0
    glossary = _row("What is EAR99?", "EAR99 is a designation.", {}, source_type="glossary")
    assert glossary["glossary_asked"] == 1.0 and glossary["official"] == 0.0
    chinese = _row("什么是视同出口？", "text", {})
    assert chinese["zh_dense"] == pytest.approx(0.6) and _row("What?", "text", {})["zh_dense"] == 0.0


def test_linear_model_round_trip_and_probability() -> None:
    model = LinearModel(("a", "b"), np.zeros(2), np.ones(2), np.array([2.0, 0.0]), 0.0, "x")
    again = LinearModel.from_json(model.to_json())
    scores = again.scores(np.array([[1.0, 5.0], [-1.0, 5.0]]))
    assert scores[0] > 0.5 > scores[1]
    assert again.scores(np.zeros((0, 2))).shape == (0,)


def test_committed_models_load_and_match_the_features() -> None:
    ranker = Ranker.load()
    assert list(ranker.passages.names) == NAMES
    assert list(ranker.sentences.names) == SENTENCE_NAMES
    with pytest.raises(ConfigError, match="basis ranker train"):
        load_model("passages", ["another"])
    with pytest.raises(ConfigError, match="missing or unreadable"):
        load_model("no-such-model", NAMES)


def test_neutral_ranker_keeps_the_fused_order() -> None:
    neutral = Ranker.neutral()
    rows = np.zeros((2, len(NAMES)))
    rows[0, NAMES.index("fused")] = 1.0
    rows[1, NAMES.index("fused")] = 0.5
    first, second = neutral.passages.scores(rows)
    assert first > second


def test_defining_the_asked_term_is_told_apart_from_merely_mentioning_it() -> None:
    assert defines_term("A deemed export is a release of technology.", ("deemed export",))
    assert defines_term("“Deemed export” means a release.", ("deemed export",))
    assert not defines_term("A deemed export is only a problem when it is controlled.", ("deemed export",))
    assert not defines_term("An export is a shipment.", ("deemed export",))
    asked = _row("What is a deemed export?", "A deemed export is only a problem here.", {})
    assert asked["defines"] == 1.0  # without named terms, any opening definition counts
