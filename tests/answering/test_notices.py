"""Each warning is present when it should be and absent when it should not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.answering import notices as notices_module
from bot.answering.citations import Quote
from bot.corpus.knowledge import load_knowledge
from bot.glossary import Glossary
from bot.indexing.chunking import chunk_document
from bot.models import Citation, Document, Notice, Passage, Status
from bot.ranking.question import analyse
from tests.helpers import default_chunker


@pytest.fixture
def docs(knowledge_dir: Path) -> dict[str, Document]:
    return {d.id: d for d in load_knowledge(knowledge_dir).documents}


@pytest.fixture(autouse=True)
def _glossary(knowledge_dir: Path) -> None:
    """The fixture glossary, whose `export control directive` is the action with no public basis."""
    global GLOSSARY
    GLOSSARY = Glossary.load(knowledge_dir)


GLOSSARY = Glossary()


def _passage(doc: Document, rank: int = 1) -> Passage:
    chunk = chunk_document(doc, default_chunker())[0]
    return Passage(chunk=chunk, document=doc, rank=rank, score=1.0 / rank, dense=0.8)


def _cite(*docs: Document) -> tuple[tuple[Citation, ...], tuple[Passage, ...]]:
    passages = tuple(_passage(d, rank) for rank, d in enumerate(docs, start=1))
    citations = tuple(
        Citation(n=n, passage=p, pinpoint=p.document.citation, quote=p.chunk.text[:40])
        for n, p in enumerate(passages, start=1)
    )
    return citations, passages


BEFORE_END = date(2026, 6, 1)  # inside the fixture rule's suspension (2025-11-10 → 2026-11-09)


def warnings_for(
    question: str, citations: tuple[Citation, ...], passages: tuple[Passage, ...], lang: str
) -> tuple[Notice, ...]:
    """The notices for an answer quoting each citation once, in order."""
    quotes = [Quote(c.passage, c.quote) for c in citations]
    return notices_module.warnings_for(
        analyse(question), quotes, citations, passages, lang, today=BEFORE_END, glossary=GLOSSARY
    )


def codes(
    question: str, citations: tuple[Citation, ...], passages: tuple[Passage, ...], lang: str = "en"
) -> list[str]:
    return [w.code for w in warnings_for(question, citations, passages, lang)]


def test_public_sources_raise_no_warning(docs: dict[str, Document]) -> None:
    citations, passages = _cite(docs["deemed-export-explainer"], docs["ecfr-part734-excerpt"])
    assert codes("What is a deemed export?", citations, passages) == []


def test_legal_basis_not_public_when_a_cited_document_says_so(docs: dict[str, Document]) -> None:
    citations, passages = _cite(docs["directive-2026"], docs["deemed-export-explainer"])
    notices = warnings_for("What did the directive order?", citations, passages, "en")
    assert [n.code for n in notices] == ["legal_basis_not_public"]
    message = notices[0].message
    assert "has not published the legal basis" in message
    assert "not from the text of a law" in message


def test_legal_basis_not_public_when_the_question_asks_for_the_basis(docs: dict[str, Document]) -> None:
    citations, _ = _cite(docs["deemed-export-explainer"])
    _, passages = _cite(docs["deemed-export-explainer"], docs["directive-2026"])
    for question in (
        "What legal basis did the government use for the directive?",
        "Which statute authorizes the directive?",
        "这项指令的法律依据是什么？",
    ):
        assert codes(question, citations, passages) == ["legal_basis_not_public"], question
    # Asking for the basis is not enough when nothing retrieved is marked not_public …
    _, public_only = _cite(docs["deemed-export-explainer"])
    assert codes("What legal basis does a deemed export rest on?", citations, public_only) == []
    # … and a not_public passage that was retrieved but not cited does not warn on other questions.
    assert codes("What is a deemed export?", citations, passages) == []


def test_disputed_legal_basis_is_not_reported_as_unpublished(docs: dict[str, Document]) -> None:
    """The warning follows the action's glossary entry: an action whose basis is disputed, not
    unpublished, gets none, whatever its explainer's front matter says."""
    global GLOSSARY
    citations, passages = _cite(docs["directive-2026"])
    assert "legal_basis_not_public" in codes("What did the directive order?", citations, passages)
    GLOSSARY = Glossary(tuple(replace(e, legal_basis="disputed") for e in GLOSSARY.entries))
    assert "legal_basis_not_public" not in codes("What did the directive order?", citations, passages)


def test_not_law_for_a_bill(docs: dict[str, Document]) -> None:
    citations, passages = _cite(docs["chip-tracking-bill"], docs["deemed-export-explainer"])
    notices = warnings_for("What would the bill require?", citations, passages, "en")
    assert [n.code for n in notices] == ["not_law", "status"]
    assert notices[0].message.startswith("H.R. 9999 (119th) is a bill, not law")
    assert (
        notices[1].message
        == "H.R. 9999 (119th): latest recorded action on 2025-05-20 (data as of 2026-11-27)."
    )


def test_not_law_for_a_proposed_rule(docs: dict[str, Document]) -> None:
    proposed = replace(
        docs["affiliates-rule-suspension"], status=Status(state="proposed", date=date(2025, 1, 2))
    )
    citations, passages = _cite(proposed)
    assert codes("What would the rule change?", citations, passages) == ["not_law", "status"]


def test_not_law_names_every_bill(docs: dict[str, Document]) -> None:
    second = replace(docs["chip-tracking-bill"], id="other-bill", citation="S. 1234 (119th)")
    citations, passages = _cite(docs["chip-tracking-bill"], second)
    notice, *statuses = warnings_for("What do the bills do?", citations, passages, "en")
    assert [s.code for s in statuses] == ["status", "status"]
    assert notice.message.startswith("H.R. 9999 (119th); S. 1234 (119th) are bills, not law")
    assert "they would change nothing" in notice.message


def test_bill_retrieved_but_not_cited_is_not_flagged(docs: dict[str, Document]) -> None:
    citations, _ = _cite(docs["deemed-export-explainer"])
    _, passages = _cite(docs["deemed-export-explainer"], docs["chip-tracking-bill"])
    assert codes("What is a deemed export?", citations, passages) == []


def test_status_for_a_suspended_rule_with_dates(docs: dict[str, Document]) -> None:
    citations, passages = _cite(docs["affiliates-rule-suspension"])
    notices = warnings_for("Does the affiliates rule apply?", citations, passages, "en")
    assert [n.code for n in notices] == ["status"]
    message = notices[0].message
    assert message.startswith(
        "Status recorded in “The affiliates rule and its suspension”: suspended since 2025-11-10, "
        "set to end 2026-11-09"
    )


@pytest.mark.parametrize("state", ["rescinded", "superseded"])
def test_status_for_rescinded_and_superseded(docs: dict[str, Document], state: str) -> None:
    doc = replace(docs["affiliates-rule-suspension"], status=Status(state=state, date=date(2024, 3, 1)))
    (notice,) = warnings_for("Does it apply?", *_cite(doc), "en")
    assert notice.code == "status"
    assert f"”: {state} on 2024-03-01" in notice.message
    assert "set to end" not in notice.message


def test_no_status_warning_for_a_rule_in_force(docs: dict[str, Document]) -> None:
    in_force = replace(
        docs["affiliates-rule-suspension"], status=Status(state="in_force", date=date(2025, 9, 30))
    )
    no_status = replace(docs["affiliates-rule-suspension"], id="plain-rule", status=None)
    assert codes("Does it apply?", *_cite(in_force, no_status)) == []


def test_reporting_only_when_every_source_is_reporting_or_commentary(docs: dict[str, Document]) -> None:
    commentary = replace(docs["deemed-export-explainer"], id="blog", source_type="commentary")
    notices = codes("How were cards smuggled?", *_cite(docs["smuggling-report"], commentary))
    assert notices == ["reporting_only"]
    assert codes("How were cards smuggled?", *_cite(docs["smuggling-report"])) == ["reporting_only"]


def test_no_reporting_only_when_an_official_source_is_cited(docs: dict[str, Document]) -> None:
    assert (
        codes("How were cards smuggled?", *_cite(docs["smuggling-report"], docs["ecfr-part734-excerpt"]))
        == []
    )
    assert codes("Anything?", (), ()) == []


def test_warnings_combine_in_a_fixed_order(docs: dict[str, Document]) -> None:
    assert codes(
        "What legal basis does the directive rest on?",
        *_cite(docs["directive-2026"], docs["chip-tracking-bill"], docs["affiliates-rule-suspension"]),
    ) == ["legal_basis_not_public", "not_law", "status", "status"]


def test_chinese_warnings(docs: dict[str, Document]) -> None:
    notices = warnings_for(
        "这项指令的法律依据是什么？", *_cite(docs["directive-2026"], docs["chip-tracking-bill"]), "zh"
    )
    assert [n.code for n in notices] == ["legal_basis_not_public", "not_law", "status"]
    assert "没有公布" in notices[0].message
    assert "不是法律" in notices[1].message
    assert "最近记录的行动在 2025-05-20" in notices[2].message
