"""Hybrid search over the fixture index: the expected passage, diversity and fusion options."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.indexing.build import build_index
from bot.retrieval.expansion import expand
from bot.retrieval.question import Question
from bot.retrieval.search import SearchResult, hybrid_search
from bot.service import Basis, chunker_config, search_options
from bot.settings import Settings
from tests.fakes import HashEmbedder
from tests.helpers import front_matter_doc


@pytest.mark.parametrize(
    ("question", "doc_id", "phrase"),
    [
        (
            "What would the bill on location tracking of advanced processors require?",
            "chip-tracking-bill",
            "location verification",
        ),
        ("How were graphics cards smuggled through shell companies?", "smuggling-report", "shell companies"),
        (
            "Does the affiliates rule fifty percent ownership test apply?",
            "affiliates-rule-suspension",
            "fifty percent",
        ),
        ("What legal basis does the 2026 directive rest on?", "directive-2026", "legal basis"),
        (
            "Is a release of technology to a foreign person a deemed export?",
            "ecfr-part734-excerpt",
            "deemed export",
        ),
    ],
)
def test_expected_passage_is_retrieved(basis: Basis, question: str, doc_id: str, phrase: str) -> None:
    result = basis.answering.search(question)
    assert any(p.document.id == doc_id and phrase in p.chunk.text for p in result.passages), [
        p.chunk.id for p in result.passages
    ]
    if doc_id != "ecfr-part734-excerpt":  # a distinctive topic: its document ranks first
        assert result.passages[0].document.id == doc_id


def test_section_number_query_finds_its_paragraph(basis: Basis) -> None:
    result = basis.answering.search("734.13(b) release deemed export citizenship residency")
    (hit,) = [p for p in result.passages if p.chunk.heading == "§ 734.13 Export. › (b)"]
    assert hit.chunk.text.startswith("(b) Any release")
    assert hit.lexical is not None and hit.lexical > 0


def test_passages_are_ranked_and_scored(basis: Basis) -> None:
    result = basis.answering.search("What is a deemed export?", k=5)
    passages = result.passages
    assert [p.rank for p in passages] == [1, 2, 3, 4, 5]
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)
    assert all(p.dense is not None for p in passages)  # reconstructed when only lexical found it
    assert any(p.lexical for p in passages)
    for p in passages:
        assert p.document.id == p.chunk.doc_id
        assert p.chunk.text in p.document.text


def test_k_limits_the_number_of_passages(basis: Basis) -> None:
    assert len(basis.answering.search("export", k=2).passages) == 2
    assert len(basis.answering.search("export", k=8).passages) == 8


def _search(basis: Basis, embedder: HashEmbedder, question: str, k: int, **options: Any) -> SearchResult:
    """hybrid_search on the basis's own index and glossary, with some options changed."""
    query = expand(Question.parse(question), basis.answering.glossary, basis.answering.tokenizer)
    chosen = replace(search_options(basis.settings, k), **options)
    return hybrid_search(
        basis.answering.index, basis.answering.tokenizer, embedder, query, chosen, basis.answering.ranker
    )


def test_weighted_fusion_option(basis: Basis, embedder: HashEmbedder) -> None:
    question = "What would the bill on location tracking require?"
    result = _search(basis, embedder, question, 4, fusion="weighted", dense_weight=0.5)
    assert result.passages[0].document.id == "chip-tracking-bill"
    assert 0.0 <= result.passages[-1].score <= result.passages[0].score <= 1.0


def test_chinese_question_is_expanded_through_the_glossary(basis: Basis) -> None:
    query = expand(Question.parse("什么是视为出口？"), basis.answering.glossary, basis.answering.tokenizer)
    assert query.lang == "zh"
    assert "deemed export" in query.terms
    assert "deemed export" in query.dense
    result = basis.answering.search("什么是视为出口？")
    assert any("deemed export" in p.chunk.text for p in result.passages[:3])


def _long_section(doc_id: str, n: int) -> str:
    """One section long enough to be split into several chunks that all say much the same."""
    body = "## Widget rules\n\n" + " ".join(
        f"Widget exports to Ruritania need a widget licence under clause {i}, and the widget licence "
        f"application must describe the widget, its buyer and its end use in Ruritania (case {i})."
        for i in range(n)
    )
    return front_matter_doc(doc_id, body=body + "\n", title=f"Widget rules {doc_id}")


def _widget_basis(settings: Settings, embedder: HashEmbedder, extra: dict[str, str]) -> Basis:
    for name, text in extra.items():
        (settings.knowledge_dir / name).write_text(text, "utf-8")
    build_index(
        settings.knowledge_dir, settings.index_dir, embedder, chunker_config(settings), settings.ann_threshold
    )
    return Basis.open(settings, embedder=embedder)


def test_per_document_cap(settings: Settings, embedder: HashEmbedder) -> None:
    basis = _widget_basis(settings, embedder, {"widget-rules.md": _long_section("widget-rules", 24)})
    assert sum(c.doc_id == "widget-rules" for c in basis.answering.index.chunks) >= 4
    question = "Do widget exports to Ruritania need a widget licence?"
    uncapped = _search(basis, embedder, question, 5, per_section=10, per_document=10)
    assert sum(p.document.id == "widget-rules" for p in uncapped.passages) > 2  # the cap has work to do
    capped = _search(basis, embedder, question, 5, per_section=2, per_document=3)
    ids = [p.document.id for p in capped.passages]
    assert ids.count("widget-rules") == 2
    assert all(ids.count(i) <= 2 for i in ids)
    assert len(ids) == 5
    assert [p.rank for p in capped.passages] == [1, 2, 3, 4, 5]


def test_duplicate_text_appears_once(settings: Settings, embedder: HashEmbedder) -> None:
    body = "## Gizmos\n\nGizmo exports to Ruritania are banned outright.\n"
    basis = _widget_basis(
        settings,
        embedder,
        {
            "gizmo-copy-a.md": front_matter_doc("gizmo-copy-a", body=body, title="Gizmo ban"),
            "gizmo-copy-b.md": front_matter_doc(
                "gizmo-copy-b", body=body.replace("  ", " "), title="Gizmo ban"
            ),
        },
    )
    result = _search(basis, embedder, "Are gizmo exports to Ruritania banned?", 5, per_document=5)
    assert {c.doc_id for c in basis.answering.index.chunks} >= {"gizmo-copy-a", "gizmo-copy-b"}
    texts = [" ".join(p.chunk.text.split()).casefold() for p in result.passages]
    assert texts.count("gizmo exports to ruritania are banned outright.") == 1
    assert len(texts) == len(set(texts))


def test_question_with_no_known_words_still_returns_dense_results(basis: Basis) -> None:
    result = basis.answering.search("zzzqx")
    assert result.passages  # dense always answers; lexical found nothing
    assert all(p.lexical is None for p in result.passages)


def test_question_too_long_or_empty(basis: Basis) -> None:
    from bot.errors import QuestionError

    with pytest.raises(QuestionError, match="empty"):
        basis.answering.search("   \n ")
    with pytest.raises(QuestionError, match="characters long"):
        basis.answering.search("why " * 200)


def test_fixture_path_is_untouched() -> None:
    # The knowledge fixture the tests copy must stay pristine (tests change only their copy).
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "knowledge"
    assert sorted(p.name for p in fixture.iterdir()) == [
        "affiliates-rule-suspension.md",
        "chip-tracking-bill.md",
        "deemed-export-explainer.md",
        "directive-2026.md",
        "ecfr-part734-excerpt.md",
        "glossary.yaml",
        "smuggling-report.md",
        "zh",
    ]
    assert sorted(p.name for p in (fixture / "zh").iterdir()) == [
        "affiliates-rule-suspension.yaml",
        "chip-tracking-bill.yaml",
        "deemed-export-explainer.yaml",
        "directive-2026.yaml",
        "smuggling-report.yaml",
    ]


def test_scope_features_count_the_words_no_indexed_text_holds(basis: Basis) -> None:
    """The last scope feature: the IDF-weighted share of the question's terms nothing indexed
    contains; a product the sources never mention raises it, a covered term does not."""
    from bot.ranking.scope import SCOPE_NAMES

    unknown = SCOPE_NAMES.index("unknown")
    assert basis.answering.search("What is a deemed export?").scope[unknown] == 0.0
    assert basis.answering.search("What did Zyxquorp pay for its Blorfnet chips?").scope[unknown] > 0.3
